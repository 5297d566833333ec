import { rescale } from "../rescale.ts";
import type { MulOp } from "../types.ts";
import { blockWriter, circomArray as arr } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

/** mul: out[i] = rescale(a[aIndex[i]] * b[bIndex[i]], shift): one product, one rescale. */
export const mul: OpModule<MulOp> = {
  templates: () => ["rescale.circom", "activation.circom"],
  run: (op, ins, checked) =>
    checked(
      op.aIndex.map((a, i) => rescale(ins[0][a] * ins[1][op.bIndex[i]], op.shift)),
      op.quotientBits,
    ),
  calibrate(op, { checkedWidth }) {
    op.quotientBits = checkedWidth;
    return op.quotientBits;
  },
  bitNeeds: (op, { inBits }) => [
    { what: "its rescale", bits: op.shift + op.quotientBits },
    { what: "the product", bits: inBits[0]! + inBits[1]! },
  ],
  emit(op, { k, ins, out, n }) {
    const { lines, L } = blockWriter();
    L(
      `// op ${k}: ${op.name}, elementwise product, rescale 2^-${op.shift}, ${op.quotientBits}-bit quotient`,
    );
    L(`var A${k}[${n}] = ${arr(op.aIndex)};`);
    L(`var C${k}[${n}] = ${arr(op.bIndex)};`);
    L(`component m${k}[${n}];`);
    L(`for (var i = 0; i < ${n}; i++) {`);
    L(`    m${k}[i] = MulRescale(${op.shift}, ${op.quotientBits});`);
    L(`    m${k}[i].a <== ${ins[0]}[A${k}[i]];`);
    L(`    m${k}[i].b <== ${ins[1]}[C${k}[i]];`);
    L(`    ${out}[i] <== m${k}[i].out;`);
    L(`}`);
    return lines;
  },
};
