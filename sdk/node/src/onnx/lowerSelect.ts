import { ShapeError } from "@zkml-verify/core/internal/errors";
import type { IrNode } from "./ir.ts";
import { broadcastIndex, broadcastShapes, numel, plainActivation } from "./ir.ts";
import type { LowerContext } from "./lowerNode.ts";
import { unsupported } from "./lowerNode.ts";
import { readAttributes } from "./readAttributes.ts";
import { constInts, normAxis } from "./shapeOps.ts";
import { TREE_TRAVERSAL_HINT } from "./supportedOps.ts";

/**
 * ONNX ops that select, combine or move activations, lowered onto the existing IR nodes (so
 * onto the existing quantized ops: linear, layout, max/argmax), with no new circuit template:
 *  - Sum, Mean: a chain of Adds (one linear op each, no constraint with fixed weights), Mean
 *    scaled by 1/n;
 *  - Max, Min (variadic, broadcasting): each operand wired to the output shape (Gather), stacked
 *    (Concat) and reduced (ReduceMax over the stack); Min is -max(-x) (negation is free);
 *  - Abs: max(x, -x), one comparison per element;
 *  - ArgMin = ArgMax(-x); ReduceMin = -ReduceMax(-x); ReduceL1 = ReduceSum(|x|);
 *    ReduceSumSquare = ReduceSum(x * x);
 *  - Gather with constant indices, Expand: wiring (a Gather IR node); Gather of a constant
 *    table by run-time indices (an embedding): a one-hot built from comparisons, then a Dense.
 */
export const SELECT_OPS = [
  "Sum",
  "Mean",
  "Max",
  "Min",
  "Abs",
  "ArgMin",
  "ReduceMin",
  "ReduceL1",
  "ReduceSumSquare",
  "Expand",
  "Gather",
] as const;

type Push = (node: IrNode, shape: number[]) => void;

/**
 * Lowers one of `SELECT_OPS` (the caller checked `op`).
 *
 * @example
 * if ((SELECT_OPS as readonly string[]).includes(op)) return lowerSelect(c, acts, push);
 */
export function lowerSelect(c: LowerContext, acts: string[], push: Push): void {
  const { n, shapes } = c;
  const op = n.opType as (typeof SELECT_OPS)[number];
  const ins = (n.input ?? []).filter((i) => i !== "");
  const output = n.output![0];
  const x = acts[0];
  const xs = shapes[x];
  let counter = 0;
  const tmp = (tag: string) => `${output}__${tag}${counter++}`;
  const neg = (from: string, to = tmp("neg")) => {
    push(
      {
        op: "Affine",
        name: `${c.name}/neg`,
        inputs: [from],
        output: to,
        scale: { shape: [], data: Float64Array.of(-1) },
        bias: { shape: [], data: Float64Array.of(0) },
      },
      shapes[from],
    );
    return to;
  };
  /** max over operands (broadcast to `shape`) into `to`: stack along a new axis 0, reduce it. */
  const maxOf = (operands: string[], shape: number[], to: string) => {
    if (operands.length === 1) {
      push({ op: "Reshape", name: c.name, inputs: operands, output: to, shape }, shape);
      return;
    }
    const stacked = operands.map((o) => {
      const s = tmp("stack");
      const one = [1, ...shape];
      if (numel(shapes[o]) === numel(shape))
        push({ op: "Reshape", name: `${c.name}/stack`, inputs: [o], output: s, shape: one }, one);
      else {
        const index = Array.from(broadcastIndex(shapes[o], shape));
        push({ op: "Gather", name: `${c.name}/broadcast`, inputs: [o], output: s, index }, one);
      }
      return s;
    });
    const all = tmp("all");
    const allShape = [operands.length, ...shape];
    push(
      { op: "Concat", name: `${c.name}/stack`, inputs: stacked, output: all, axis: 0 },
      allShape,
    );
    push(
      { op: "ReduceMax", name: c.name, inputs: [all], output: to, axes: [0], keepdims: false },
      shape,
    );
  };
  const abs = (from: string, to: string) => maxOf([from, neg(from)], shapes[from], to);
  const variadicShape = () => {
    if (acts.length !== ins.length)
      throw unsupported(c, undefined, "constant operands (every operand must be an activation)");
    let shape: number[] | null = xs;
    for (const a of acts.slice(1)) shape = shape && broadcastShapes(shape, shapes[a]);
    if (!shape)
      throw new ShapeError(
        `${op} node "${c.name}": shapes ${acts.map((a) => `[${shapes[a]}]`).join(", ")} do not broadcast`,
        { details: { tensor: output, node: c.name, shape: xs } },
      );
    return shape;
  };
  switch (op) {
    case "Sum":
    case "Mean": {
      readAttributes(n, c.name, c.opset < 6 ? ["consumed_inputs"] : []);
      const shape = variadicShape();
      const sumTo = op === "Sum" ? output : tmp("sum");
      if (acts.length === 1)
        push({ op: "Reshape", name: c.name, inputs: [x], output: sumTo, shape }, shape);
      let acc = x;
      acts.slice(1).forEach((a, k) => {
        const to = k === acts.length - 2 ? sumTo : tmp("sum");
        const s = broadcastShapes(shapes[acc], shapes[a])!;
        push({ op: "Add", name: `${c.name}/${k}`, inputs: [acc, a], output: to }, s);
        acc = to;
      });
      if (op === "Mean")
        push(
          {
            op: "Affine",
            name: c.name,
            inputs: [sumTo],
            output,
            scale: { shape: [], data: Float64Array.of(1 / acts.length) },
            bias: { shape: [], data: Float64Array.of(0) },
          },
          shape,
        );
      return;
    }
    case "Max":
    case "Min": {
      readAttributes(n, c.name, c.opset < 6 ? ["consumed_inputs"] : []);
      const bound = uniformBound(c, acts);
      if (bound !== null) {
        // Max(x, k) / Min(x, k) with one constant value k that does not widen x: Clip
        const [min, max] = op === "Max" ? [bound, Infinity] : [-Infinity, bound];
        const clip = { op: "Activation", kind: "Clip", name: c.name, inputs: [x], output } as const;
        return push({ ...clip, inputs: [x], alpha: 0, beta: 0, min, max, slope: null }, xs);
      }
      const shape = variadicShape();
      if (op === "Max") return maxOf(acts, shape, output);
      const m = tmp("max");
      maxOf(
        acts.map((a) => neg(a)),
        shape,
        m,
      );
      neg(m, output);
      return;
    }
    case "Abs":
      readAttributes(n, c.name, c.opset < 6 ? ["consumed_inputs"] : []);
      return abs(x, output);
    case "ArgMin": {
      const a = readAttributes(n, c.name, ["axis", "keepdims", "select_last_index"]);
      const axis = normAxis(a.int("axis", 0), xs.length);
      const keepdims = a.int("keepdims", 1) === 1;
      const shape = keepdims
        ? xs.map((d, i) => (i === axis ? 1 : d))
        : xs.filter((_, i) => i !== axis);
      // the first (or last) minimum of x is the first (or last) maximum of -x
      const selectLastIndex = a.int("select_last_index", 0) === 1;
      push(
        { op: "ArgMax", name: c.name, inputs: [neg(x)], output, axis, keepdims, selectLastIndex },
        shape,
      );
      return;
    }
    case "ReduceMin":
    case "ReduceL1":
    case "ReduceSumSquare": {
      const r = readReduce(c, xs);
      if (!r) {
        if (op === "ReduceMin")
          return push({ op: "Reshape", name: c.name, inputs: [x], output, shape: xs }, xs);
        // noop_with_empty_axes: the elementwise |x| or x^2
        if (op === "ReduceL1") return abs(x, output);
        return push({ op: "Mul", name: c.name, inputs: [x, x], output }, xs);
      }
      const reduce = (op2: "ReduceMax" | "ReduceSum", from: string, to: string) =>
        push(
          { op: op2, name: c.name, inputs: [from], output: to, axes: r.axes, keepdims: r.keepdims },
          r.shape,
        );
      if (op === "ReduceMin") {
        const m = tmp("max");
        reduce("ReduceMax", neg(x), m);
        neg(m, output);
      } else if (op === "ReduceL1") {
        const a = tmp("abs");
        abs(x, a);
        reduce("ReduceSum", a, output);
      } else {
        const sq = tmp("square");
        push({ op: "Mul", name: `${c.name}/square`, inputs: [x, x], output: sq }, xs);
        reduce("ReduceSum", sq, output);
      }
      return;
    }
    case "Expand": {
      readAttributes(n, c.name, []);
      const target = constInts(c, 1, "shape")!;
      const shape = broadcastShapes(xs, target);
      if (!shape)
        throw new ShapeError(
          `Expand node "${c.name}": the input [${xs}] does not broadcast to [${target}]`,
          { details: { tensor: x, node: c.name, shape: xs } },
        );
      const index = Array.from(broadcastIndex(xs, shape));
      return push({ op: "Gather", name: c.name, inputs: [x], output, index }, shape);
    }
    case "Gather": {
      const a = readAttributes(n, c.name, ["axis"]);
      if (ins[0] !== x) return lowerEmbedding(c, x, push);
      const indices = c.consts.get(ins[1]);
      if (!indices)
        throw unsupported(c, "indices", "indices computed at run time (only constant indices)");
      const axis = normAxis(a.int("axis", 0), xs.length);
      const dim = xs[axis];
      const idx = Array.from(indices.data, (v) => {
        const k = v < 0 ? v + dim : v;
        if (!Number.isInteger(k) || k < 0 || k >= dim)
          throw new ShapeError(
            `Gather node "${c.name}": index ${v} is outside axis ${axis} of [${xs}]`,
            { details: { tensor: ins[1], node: c.name, shape: xs } },
          );
        return k;
      });
      const shape = [...xs.slice(0, axis), ...indices.shape, ...xs.slice(axis + 1)];
      const outer = numel(xs.slice(0, axis));
      const inner = numel(xs.slice(axis + 1));
      const index: number[] = [];
      for (let o = 0; o < outer; o++)
        for (const k of idx) for (let i = 0; i < inner; i++) index.push((o * dim + k) * inner + i);
      return push({ op: "Gather", name: c.name, inputs: [x], output, index }, shape);
    }
  }
}

/**
 * Gather from a constant table by indices computed at run time (an embedding lookup, axis 0):
 * out[..., :] = sum_k onehot_k(idx) * table[k, :], with onehot_k(i) = relu(1 - |i - k|), which
 * is 1 for i = k and 0 for every other integer i. The indices are broadcast to [..., K] (wiring),
 * shifted by -k (free), |.| is one comparison, 1 - |.| with its ReLU one sign decomposition, and
 * the table is a Dense with constant weights (free): about 2 (b + 3) constraints per index and
 * table row. NOTE: the circuit does not prove the index integral; a fractional index selects a
 * blend of two neighbouring rows (as the float model would not), so the index input's provider
 * must be trusted for integrality, or the index must come from an integral computation.
 */
function lowerEmbedding(c: LowerContext, idx: string, push: Push): void {
  const { n, shapes, consts } = c;
  const ins = n.input ?? [];
  const table = consts.get(ins[0]);
  const a = readAttributes(n, c.name, ["axis"]);
  if (table?.shape.length === 1) throw unsupported(c, "indices", TREE_TRAVERSAL_HINT);
  if (!table || table.shape.length !== 2 || normAxis(a.int("axis", 0), table.shape.length) !== 0)
    throw unsupported(
      c,
      "indices",
      "indices computed at run time select rows (axis 0) of a constant 2-D table only (an embedding lookup)",
    );
  const [K, D] = table.shape;
  const xs = shapes[idx];
  const output = n.output![0];
  const wide = [...xs, K];
  const name = (tag: string) => `${output}__${tag}`;
  const index = Array.from({ length: numel(wide) }, (_, i) => Math.floor(i / K));
  push({ op: "Gather", name: `${c.name}/wide`, inputs: [idx], output: name("wide"), index }, wide);
  const ks = Float64Array.from({ length: K }, (_, k) => -k);
  const affine = (from: string, to: string, scale: number, bias: Float64Array) =>
    push(
      {
        op: "Affine",
        name: `${c.name}/${to.split("__").pop()}`,
        inputs: [from],
        output: to,
        scale: { shape: [], data: Float64Array.of(scale) },
        bias: { shape: [bias.length], data: bias },
      },
      wide,
    );
  affine(name("wide"), name("diff"), 1, ks);
  affine(name("diff"), name("negdiff"), -1, Float64Array.of(0));
  const stack = (from: string, to: string) =>
    push(
      { op: "Reshape", name: `${c.name}/stack`, inputs: [from], output: to, shape: [1, ...wide] },
      [1, ...wide],
    );
  stack(name("diff"), name("pos"));
  stack(name("negdiff"), name("neg"));
  push(
    {
      op: "Concat",
      name: `${c.name}/stack`,
      inputs: [name("pos"), name("neg")],
      output: name("both"),
      axis: 0,
    },
    [2, ...wide],
  );
  push(
    {
      op: "ReduceMax",
      name: `${c.name}/abs`,
      inputs: [name("both")],
      output: name("abs"),
      axes: [0],
      keepdims: false,
    },
    wide,
  );
  affine(name("abs"), name("near"), -1, Float64Array.of(1));
  push(plainActivation("Relu", `${c.name}/onehot`, name("near"), name("onehot")), wide);
  // Dense weight [out, in] = table transposed
  const weight = new Float64Array(D * K);
  for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) weight[d * K + k] = table.data[k * D + d];
  push(
    {
      op: "Dense",
      name: c.name,
      inputs: [name("onehot")],
      output,
      weight: { shape: [D, K], data: weight },
      bias: null,
    },
    [...xs, D],
  );
}

/**
 * The axes, keepdims and output shape of a Reduce* node (axes from the attribute before the
 * op's input form: opset 13 for ReduceSum, 18 for the others), or null for
 * noop_with_empty_axes with no axes (the op is the identity, or elementwise for L1/SumSquare).
 *
 * @example
 * const r = readReduce(c, [1, 3, 4]); // { axes: [2], keepdims: true, shape: [1, 3, 1] }
 */
export function readReduce(
  c: LowerContext,
  xs: number[],
): { axes: number[]; keepdims: boolean; shape: number[] } | null {
  const inputAxes = c.n.opType === "ReduceSum" ? c.opset >= 13 : c.opset >= 18;
  const a = readAttributes(
    c.n,
    c.name,
    inputAxes ? ["keepdims", "noop_with_empty_axes"] : ["axes", "keepdims"],
  );
  const given = inputAxes ? constInts(c, 1, "axes") : a.has("axes") ? a.ints("axes", []) : null;
  if ((!given || given.length === 0) && a.int("noop_with_empty_axes", 0) === 1) return null;
  const axes = (given && given.length > 0 ? given : xs.map((_, i) => i))
    .map((v) => normAxis(v, xs.length))
    .sort((p, q) => p - q);
  const keepdims = a.int("keepdims", 1) === 1;
  const shape = keepdims
    ? xs.map((d, i) => (axes.includes(i) ? 1 : d))
    : xs.filter((_, i) => !axes.includes(i));
  return { axes, keepdims, shape };
}

/**
 * The one value of Max / Min's constant operands when there is a single activation and every
 * constant holds one value and broadcasts into the activation's shape; otherwise null.
 */
function uniformBound(c: LowerContext, acts: string[]): number | null {
  const ins = (c.n.input ?? []).filter((i) => i !== "");
  if (acts.length !== 1 || ins.length < 2) return null;
  const xs = c.shapes[acts[0]];
  const values = new Set<number>();
  for (const i of ins) {
    if (i === acts[0]) continue;
    const k = c.consts.get(i);
    if (!k) return null;
    const s = broadcastShapes(xs, k.shape);
    if (!s || numel(s) !== numel(xs)) return null;
    k.data.forEach((v) => values.add(v));
  }
  return values.size === 1 ? [...values][0] : null;
}
