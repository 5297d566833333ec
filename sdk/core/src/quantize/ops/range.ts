import type { RangeOp } from "../types.ts";
import { blockWriter } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

/** range: -2^(bits-1) <= in < 2^(bits-1); out = in. Inserted where a comparison needs a bound. */
export const range: OpModule<RangeOp> = {
  templates: () => ["rescale.circom"],
  run(op, [x], checked) {
    checked(x, op.bits);
    return x;
  },
  calibrate(op, { checkedWidth }) {
    op.bits = checkedWidth;
    return op.bits;
  },
  bitNeeds: (op) => [{ what: "its comparisons", bits: op.bits + 1 }],
  emit(op, { k, ins, out, n }) {
    const { lines, L } = blockWriter();
    L(`// op ${k}: ${op.name}, range check to ${op.bits} signed bits`);
    L(`component g${k}[${n}];`);
    L(`for (var i = 0; i < ${n}; i++) {`);
    L(`    g${k}[i] = Rescale(0, ${op.bits});`);
    L(`    g${k}[i].in <== ${ins[0]}[i];`);
    L(`    ${out}[i] <== g${k}[i].out;`);
    L(`}`);
    return lines;
  },
};
