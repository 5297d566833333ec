import { rescale } from "../rescale.ts";
import type { LeakyOp } from "../types.ts";
import { blockWriter, circomArray as arr } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

/** leaky: LeakyRelu / PRelu: out = rescale(in >= 0 ? in * 2^slopeFrac : slope[i] * in, slopeFrac). */
export const leaky: OpModule<LeakyOp> = {
  templates: () => ["rescale.circom", "activation.circom"],
  run(op, [x], checked) {
    const sf = BigInt(op.slopeFrac);
    return checked(
      x.map((v, i) => rescale(v >= 0n ? v << sf : BigInt(op.slope[i]) * v, op.slopeFrac)),
      op.quotientBits,
    );
  },
  calibrate(op, { inBits, checkedWidth }) {
    op.bits = inBits[0]!;
    op.quotientBits = checkedWidth;
    return op.quotientBits;
  },
  bitNeeds: (op) => [
    { what: "its rescale", bits: op.slopeFrac + op.quotientBits },
    { what: "its comparisons", bits: op.bits + 1 },
  ],
  emit(op, { k, ins, out, n }) {
    const { lines, L } = blockWriter();
    L(`// op ${k}: ${op.name}, leaky relu, slopes 2^-${op.slopeFrac}, inputs ${op.bits}-bit`);
    L(`var P${k}[${n}] = ${arr(op.slope)};`);
    L(`component l${k}[${n}];`);
    L(`for (var i = 0; i < ${n}; i++) {`);
    L(`    l${k}[i] = LeakyRescale(P${k}[i], ${op.slopeFrac}, ${op.bits}, ${op.quotientBits});`);
    L(`    l${k}[i].in <== ${ins[0]}[i];`);
    L(`    ${out}[i] <== l${k}[i].out;`);
    L(`}`);
    return lines;
  },
};
