import { bitLength } from "../fixedPoint.ts";
import type { TopKOp } from "../types.ts";
import { blockWriter, circomArray as arr } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

/** The bound of the template's inputs: the smallest k are the largest of -x, one bit wider. */
const templateBits = (op: TopKOp) => op.bits + (op.largest ? 0 : 1);

/**
 * The positions of a group's top k: a stable sort (ties by the lower position), descending
 * for `largest`, ascending otherwise.
 */
function order(op: TopKOp, x: bigint[], g: number[]): number[] {
  const sign = op.largest ? 1n : -1n;
  return g
    .map((_, i) => i)
    .sort((a, b) => {
      const d = sign * (x[g[b]] - x[g[a]]);
      return d > 0n ? 1 : d < 0n ? -1 : a - b;
    })
    .slice(0, op.k);
}

/**
 * topk: TopK with a constant k (values and positions) by k passes of the running-maximum
 * argmax, each masking its pick (circuits/topk.circom, TopKMasked): K ((N - 1)(b + 6) + 3N)
 * constraints per group at --O1, b the input's bits (+1 for the smallest k, which negates).
 */
export const topk: OpModule<TopKOp> = {
  templates: () => ["compare.circom", "topk.circom"],
  run(op, [x]) {
    const scale = 1n << BigInt(op.indexShift);
    return op.groups.flatMap((g) => {
      const top = order(op, x, g);
      return [...top.map((i) => x[g[i]]), ...top.map((i) => BigInt(i) * scale)];
    });
  },
  calibrate(op, { inBits }) {
    op.bits = inBits[0]!;
    const n = op.groups[0]?.length ?? 1;
    return Math.max(inBits[0]!, bitLength(BigInt(n - 1) << BigInt(op.indexShift)) + 1);
  },
  bitNeeds: (op) => [{ what: "its comparisons", bits: templateBits(op) + 2 }],
  emit(op, { k, ins, out }) {
    const { lines, L } = blockWriter();
    const n = op.groups[0].length;
    const groups = op.groups.length;
    const sign = op.largest ? "" : "-";
    L(
      `// op ${k}: ${op.name}, top ${op.k} ${op.largest ? "largest" : "smallest"} of ${groups} groups of ${n}, inputs ${op.bits}-bit`,
    );
    L(`var TG${k}[${groups}][${n}] = [${op.groups.map(arr).join(",")}];`);
    L(`component topk${k}[${groups}];`);
    L(`for (var g = 0; g < ${groups}; g++) {`);
    L(`    topk${k}[g] = TopKMasked(${n}, ${op.k}, ${templateBits(op)});`);
    L(`    for (var j = 0; j < ${n}; j++) topk${k}[g].in[j] <== ${sign}${ins[0]}[TG${k}[g][j]];`);
    L(`    for (var j = 0; j < ${op.k}; j++) {`);
    L(`        ${out}[g * ${2 * op.k} + j] <== ${sign}topk${k}[g].values[j];`);
    L(
      `        ${out}[g * ${2 * op.k} + ${op.k} + j] <== topk${k}[g].index[j] * ${1n << BigInt(op.indexShift)};`,
    );
    L(`    }`);
    L(`}`);
    return lines;
  },
};
