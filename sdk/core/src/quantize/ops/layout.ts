import { bitLength } from "../fixedPoint.ts";
import type { LayoutOp } from "../types.ts";
import { blockWriter, circomArray as arr } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

/**
 * layout: out[i] = in[operand[i]][index[i]], or `fill` where operand is -1. Reshape,
 * Transpose, Concat, Slice, Pad, Gather with constant indices...: wiring, no constraint.
 */
export const layout: OpModule<LayoutOp> = {
  templates: () => [],
  run: (op, ins) => op.operand.map((k, i) => (k < 0 ? BigInt(op.fill) : ins[k][op.index[i]])),
  calibrate(op, { inBits }) {
    if (inBits.some((b) => b === null)) return null;
    return Math.max(...(inBits as number[]), bitLength(BigInt(op.fill)) + 1);
  },
  bitNeeds: () => [],
  emit(op, { k, ins, out, n }) {
    const { lines, L } = blockWriter();
    L(`// op ${k}: ${op.name}, layout (wiring only)`);
    L(`var I${k}[${n}] = ${arr(op.index)};`);
    const multi = ins.length > 1 || op.operand.some((o) => o < 0);
    if (multi) L(`var O${k}[${n}] = ${arr(op.operand)};`);
    L(`for (var i = 0; i < ${n}; i++) {`);
    if (!multi) L(`    ${out}[i] <== ${ins[0]}[I${k}[i]];`);
    else {
      L(`    if (O${k}[i] == -1) ${out}[i] <== ${op.fill};`);
      ins.forEach((name, j) => L(`    if (O${k}[i] == ${j}) ${out}[i] <== ${name}[I${k}[i]];`));
    }
    L(`}`);
    return lines;
  },
};
