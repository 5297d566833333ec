import { UnsupportedOpError } from "@zkml-verify/core/internal/errors";
import type { CompareKind, CompareNode, TreeEnsembleNode, TreeNodeMode } from "../onnx/ir.ts";
import { broadcastIndex, numel } from "../onnx/ir.ts";
import type { QTensor, QuantizedOp } from "@zkml-verify/core/internal/quantize/types";

/** What lowerToQuantized lends the decision lowerings: its tensor list and op list. */
export interface QuantizeBuilder {
  tensors: QTensor[];
  ops: QuantizedOp[];
  addTensor(name: string, shape: number[], frac: number, bounded: boolean): number;
  /** A range-checked version of a tensor (inserting a range op when nothing bounds it). */
  boundedId(id: number, by: string): number;
  /** The weight scale for these coefficients (the mode's weight bits). */
  weightFrac(coef: Float64Array): number;
}

/**
 * One decision: [s (a - b) + c >= 1] for integers, with a, b fixed-point values at one scale;
 * `b` is a tensor element or the constant `bias` (folded into c).
 */
interface Step {
  terms: [operand: number, index: number, coef: bigint][];
  bias: bigint;
}

/**
 * The steps of `x KIND t` with a constant t at scale 2^frac, exact for every grid value x:
 * with T = t 2^frac, X > T iff X - floor(T) >= 1, X >= T iff X - ceil(T) + 1 >= 1,
 * X < T iff ceil(T) - X >= 1, X <= T iff floor(T) - X + 1 >= 1; Equal is (>=) + (<=) - 1
 * (both hold only when T is an integer equal to X).
 */
function constantSteps(kind: CompareKind, x: [number, number], t: number, frac: number): Step[] {
  const T = t * 2 ** frac;
  if (!Number.isFinite(T)) throw new RangeError(`threshold ${t} is not finite`);
  const lo = BigInt(Math.floor(T));
  const hi = BigInt(Math.ceil(T));
  const up = (bias: bigint): Step => ({ terms: [[x[0], x[1], 1n]], bias });
  const down = (bias: bigint): Step => ({ terms: [[x[0], x[1], -1n]], bias });
  switch (kind) {
    case "Greater":
      return [up(-lo)];
    case "GreaterOrEqual":
      return [up(1n - hi)];
    case "Less":
      return [down(hi)];
    case "LessOrEqual":
      return [down(lo + 1n)];
    case "Equal":
      return [up(1n - hi), down(lo + 1n)];
  }
}

/** The steps of `a KIND b` for two activations at one scale. */
function pairSteps(kind: CompareKind, a: [number, number], b: [number, number]): Step[] {
  const diff = (s: bigint, bias: bigint): Step => ({
    terms: [
      [a[0], a[1], s],
      [b[0], b[1], -s],
    ],
    bias,
  });
  switch (kind) {
    case "Greater":
      return [diff(1n, 0n)];
    case "GreaterOrEqual":
      return [diff(1n, 1n)];
    case "Less":
      return [diff(-1n, 0n)];
    case "LessOrEqual":
      return [diff(-1n, 1n)];
    case "Equal":
      return [diff(1n, 1n), diff(-1n, 1n)];
  }
}

/**
 * Proves every step's bit: one exact linear op computes s (a - b) + c for all steps, one clip
 * op to [0, 1] turns each into its bit (two sign decompositions of the range-checked
 * difference: ClipInt), and the caller combines the bits with a linear map. Returns the bits'
 * tensor id.
 */
function stepBits(q: QuantizeBuilder, name: string, inputs: number[], steps: Step[]): number {
  const bounded = inputs.map((id) => q.boundedId(id, name));
  const start = [0];
  const operand: number[] = [];
  const index: number[] = [];
  const weight: bigint[] = [];
  for (const s of steps) {
    for (const [o, i, w] of s.terms) {
      operand.push(o);
      index.push(i);
      weight.push(w);
    }
    start.push(operand.length);
  }
  const shape = [steps.length];
  const diff = q.addTensor(`${name}__diff`, shape, q.tensors[bounded[0]].frac, true);
  q.ops.push({
    kind: "linear",
    name: `${name}/diff`,
    inputs: bounded,
    output: diff,
    start,
    operand,
    index,
    weight,
    bias: steps.map((s) => s.bias),
    weightFrac: 0,
    shift: 0,
    quotientBits: 0,
    relu: false,
  });
  const bits = q.addTensor(`${name}__bits`, shape, 0, true);
  q.ops.push({
    kind: "clip",
    name: `${name}/bits`,
    inputs: [diff],
    output: bits,
    lo: 0,
    hi: 1,
    bits: 0,
  });
  return bits;
}

/**
 * out[i] = 2^frac * (sum of its bits' signed terms + offset[i]): an exact linear op whose
 * weights are the integers at scale 2^frac (weightFrac = frac), so the output is at 2^frac.
 */
function combineBits(
  q: QuantizeBuilder,
  name: string,
  bits: number,
  rows: { terms: [index: number, coef: number][]; offset: number }[],
  outName: string,
  shape: number[],
  frac: number,
): number {
  const scale = 1n << BigInt(frac);
  const out = q.addTensor(outName, shape, frac, true);
  const start = [0];
  const index: number[] = [];
  const weight: bigint[] = [];
  for (const r of rows) {
    for (const [i, w] of r.terms) {
      index.push(i);
      weight.push(BigInt(w) * scale);
    }
    start.push(index.length);
  }
  q.ops.push({
    kind: "linear",
    name,
    inputs: [bits],
    output: out,
    start,
    operand: index.map(() => 0),
    index,
    weight,
    bias: rows.map((r) => BigInt(r.offset) * scale),
    weightFrac: frac,
    shift: 0,
    quotientBits: 0,
    relu: false,
  });
  return out;
}

/**
 * A comparison: 2^frac where it holds, 0 elsewhere (the activations' scale, so the 0/1 result
 * feeds Mul, Where and linear ops like any activation). Cost per element: one ClipInt over
 * the range-checked difference (Equal: two).
 *
 * @example
 * lowerCompare(q, node, [xId], 12, [1, 4]);
 */
export function lowerCompare(
  q: QuantizeBuilder,
  node: CompareNode,
  ins: number[],
  frac: number,
  outShape: number[],
): number {
  const fa = q.tensors[ins[0]].frac;
  if (ins.length === 2 && q.tensors[ins[1]].frac !== fa)
    throw new UnsupportedOpError(
      `Compare node "${node.name}": operands at different scales (2^${fa}, 2^${q.tensors[ins[1]].frac})`,
      { details: { op: node.kind, node: node.name, supported: [] } },
    );
  const total = numel(outShape);
  const ai = broadcastIndex(q.tensors[ins[0]].shape, outShape);
  const bShape = node.constant ? node.constant.shape : q.tensors[ins[1]].shape;
  const bi = broadcastIndex(bShape, outShape);
  const steps: Step[] = [];
  const rows: { terms: [number, number][]; offset: number }[] = [];
  for (let i = 0; i < total; i++) {
    const s = node.constant
      ? constantSteps(node.kind, [0, ai[i]], node.constant.data[bi[i]], fa)
      : pairSteps(node.kind, [0, ai[i]], [1, bi[i]]);
    rows.push({ terms: s.map((_, j) => [steps.length + j, 1]), offset: s.length === 2 ? -1 : 0 });
    steps.push(...s);
  }
  const bits = stepBits(q, node.name, ins, steps);
  return combineBits(q, node.name, bits, rows, node.output, outShape, frac);
}

const TREE_KIND: Record<Exclude<TreeNodeMode, "LEAF" | "BRANCH_NEQ">, CompareKind> = {
  BRANCH_LEQ: "LessOrEqual",
  BRANCH_LT: "Less",
  BRANCH_GTE: "GreaterOrEqual",
  BRANCH_GT: "Greater",
  BRANCH_EQ: "Equal",
};

/**
 * A tree ensemble as three proven layers, in the GEMM form hummingbird uses: (1) every
 * internal node's decision bit d (one ClipInt per node and row, two for EQ / NEQ); (2) every
 * leaf's indicator: a leaf is reached iff all decisions on its path go its way, i.e. the path
 * sum S = sum (d or 1 - d) equals the depth D, so relu(S - D + 1) is 1 there and 0 elsewhere
 * (one ClipInt of a few bits per leaf); (3) the scores, a linear map of the indicators with
 * the leaf weights (one rescale per output). No product is needed.
 *
 * @example
 * lowerTreeEnsemble(q, node, xId, 12, true);
 */
export function lowerTreeEnsemble(
  q: QuantizeBuilder,
  node: TreeEnsembleNode,
  x: number,
  frac: number,
  final: boolean,
): number {
  const fx = q.tensors[x].frac;
  const F = numel(q.tensors[x].shape) / node.rows;
  const steps: Step[] = [];
  // per row, per tree, per node: the affine form of its "goes true" bit over the step bits
  const leafRows: { terms: [number, number][]; offset: number }[] = [];
  const leaves: { row: number; tree: number; leaf: number }[] = [];
  for (let r = 0; r < node.rows; r++)
    node.trees.forEach((tree, t) => {
      const truth = tree.map((nd) => {
        if (nd.mode === "LEAF") return null;
        const kind = nd.mode === "BRANCH_NEQ" ? "Equal" : TREE_KIND[nd.mode];
        const s = constantSteps(kind, [0, r * F + nd.feature], nd.value, fx);
        const first = steps.length;
        steps.push(...s);
        // Equal = b1 + b2 - 1; NEQ = 2 - b1 - b2
        if (nd.mode === "BRANCH_NEQ")
          return { terms: s.map((_, j): [number, number] => [first + j, -1]), offset: 2 };
        return {
          terms: s.map((_, j): [number, number] => [first + j, 1]),
          offset: s.length === 2 ? -1 : 0,
        };
      });
      const walk = (k: number, terms: [number, number][], offset: number, depth: number) => {
        if (depth > tree.length)
          throw new UnsupportedOpError(`tree ensemble "${node.name}": tree ${t} has a cycle`, {
            details: { op: "TreeEnsemble", node: node.name, supported: [] },
          });
        const nd = tree[k];
        if (nd.mode === "LEAF") {
          leafRows.push({ terms, offset: offset - depth + 1 });
          leaves.push({ row: r, tree: t, leaf: k });
          return;
        }
        const g = truth[k]!;
        walk(nd.trueChild, [...terms, ...g.terms], offset + g.offset, depth + 1);
        const neg = g.terms.map(([i, w]): [number, number] => [i, -w]);
        walk(nd.falseChild, [...terms, ...neg], offset + 1 - g.offset, depth + 1);
      };
      walk(0, [], 0, 0);
    });
  if (steps.length === 0)
    throw new UnsupportedOpError(`tree ensemble "${node.name}" has no split (it is a constant)`, {
      details: { op: "TreeEnsemble", node: node.name, supported: [] },
    });
  const bits = stepBits(q, node.name, [x], steps);
  const sums = combineBits(
    q,
    `${node.name}/paths`,
    bits,
    leafRows,
    `${node.output}__paths`,
    [leaves.length],
    0,
  );
  const reached = q.addTensor(`${node.output}__leaves`, [leaves.length], 0, true);
  q.ops.push({
    kind: "clip",
    name: `${node.name}/leaves`,
    inputs: [sums],
    output: reached,
    lo: 0,
    hi: null,
    bits: 0,
  });

  // scores: base + (1/n if average) sum of the reached leaves' weights, at scale 2^frac
  const T = node.nTargets;
  const div = node.average ? node.trees.length : 1;
  const perRow: { terms: [number, number][] }[][] = Array.from({ length: node.rows }, () =>
    Array.from({ length: T }, () => ({ terms: [] })),
  );
  leaves.forEach((l, j) => {
    for (const [t, w] of node.trees[l.tree][l.leaf].weights)
      perRow[l.row][t].terms.push([j, w / div]);
  });
  const coef = Float64Array.from(
    perRow.flatMap((rs) => rs.flatMap((o) => o.terms.map(([, w]) => w))),
  );
  const wf = Math.max(q.weightFrac(coef), frac);
  const shift = final ? 0 : wf - frac;
  const start = [0];
  const index: number[] = [];
  const weight: bigint[] = [];
  const bias: bigint[] = [];
  for (const rs of perRow)
    rs.forEach((o, t) => {
      for (const [j, w] of o.terms) {
        index.push(j);
        weight.push(BigInt(Math.round(w * 2 ** wf)));
      }
      start.push(index.length);
      bias.push(BigInt(Math.round(node.base[t] * 2 ** wf)));
    });
  const out = q.addTensor(node.output, [node.rows, T], wf - shift, true);
  q.ops.push({
    kind: "linear",
    name: `${node.name}/scores`,
    inputs: [reached],
    output: out,
    start,
    operand: index.map(() => 0),
    index,
    weight,
    bias,
    weightFrac: wf,
    shift,
    quotientBits: shift > 0 ? 250 - shift : 0,
    relu: false,
  });
  return out;
}
