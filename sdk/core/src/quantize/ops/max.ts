import { bitLength } from "../fixedPoint.ts";
import type { MaxOp } from "../types.ts";
import { blockWriter, circomArray as arr } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

const longest = (op: MaxOp) => op.groups.reduce((m, g) => Math.max(m, g.length), 0);

/**
 * max / argmax over groups of one input (MaxPool, ReduceMax, ArgMax): the input is
 * range-checked to `bits` (a range op precedes it when its producer gave no bound); each
 * comparison decomposes a difference into bits + 1 bits. argmax returns the position within
 * the group (ties: first, or last with `selectLast`).
 */
export const max: OpModule<MaxOp> = {
  templates: () => ["compare.circom"],
  run(op, [x]) {
    if (op.kind === "max")
      return op.groups.map((g) => g.reduce((m, j) => (x[j] > m ? x[j] : m), x[g[0]]));
    return op.groups.map((g) => {
      let best = 0;
      g.forEach((j, k) => {
        if (x[j] > x[g[best]] || (op.selectLast && x[j] === x[g[best]])) best = k;
      });
      return BigInt(best);
    });
  },
  calibrate(op, { inBits }) {
    op.bits = inBits[0]!;
    return op.kind === "max" ? inBits[0] : bitLength(BigInt(longest(op))) + 1;
  },
  bitNeeds: (op) => [{ what: "its comparisons", bits: op.bits + 1 }],
  emit(op, { k, ins, out }) {
    const { lines, L } = blockWriter();
    const len = longest(op);
    const padded = op.groups.map((g) => [...g, ...new Array<number>(len - g.length).fill(g[0])]);
    L(
      `// op ${k}: ${op.name}, ${op.kind} over ${op.groups.length} groups of ${len}, inputs ${op.bits}-bit`,
    );
    L(`var G${k}[${op.groups.length}][${len}] = [${padded.map(arr).join(",")}];`);
    L(`component x${k}[${op.groups.length}];`);
    L(`for (var g = 0; g < ${op.groups.length}; g++) {`);
    L(
      `    x${k}[g] = ArgMaxN(${len}, ${op.bits}, ${op.selectLast ? 1 : 0}, ${op.kind === "argmax" ? 1 : 0});`,
    );
    L(`    for (var j = 0; j < ${len}; j++) x${k}[g].in[j] <== ${ins[0]}[G${k}[g][j]];`);
    L(`    ${out}[g] <== x${k}[g].${op.kind === "argmax" ? "index" : "out"};`);
    L(`}`);
    return lines;
  },
};
