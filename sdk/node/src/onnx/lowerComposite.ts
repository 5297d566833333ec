import { ShapeError } from "@zkml-verify/core/internal/errors";
import type { ActivationKind, IrNode, Tensor } from "./ir.ts";
import { numel, plainActivation } from "./ir.ts";
import type { LowerContext } from "./lowerNode.ts";
import { unsupported } from "./lowerNode.ts";
import type { OnnxNodeProto } from "./parseOnnx.ts";
import { normalizer } from "./lowerMl.ts";
import { lowerSelect, readReduce } from "./lowerSelect.ts";
import { lowerSpatial } from "./lowerSpatial.ts";
import { readAttributes } from "./readAttributes.ts";
import type { COMPOSITE_OPS } from "./supportedOps.ts";
import { constInts, normAxis } from "./shapeOps.ts";

/**
 * ONNX ops that are compositions of ops the importer already lowers, so no new quantized op
 * kind or template (costs per element in sdk/node/src/quantize/README.md):
 *  - Hardmax: the one-hot of the first maximum along an axis: ArgMax (the ArgMaxN template),
 *    then Equal(index, k) for every position k (two decision bits each);
 *  - ReduceL2 = Sqrt(ReduceSumSquare(x)); ReduceLogSum = Log(ReduceSum(x));
 *    ReduceLogSumExp = m + Log(ReduceSum(Exp(x - m))) with m = ReduceMax(x) (the exact shift
 *    keeps Exp's argument <= 0 and the sum >= 1);
 *  - LpPool / GlobalLpPool with p = 1 or 2: |x| or x * x, summed over each window by a
 *    depthwise Conv whose kernel is all ones (zero padding, as LpPool pads), then Sqrt for
 *    p = 2. 1-D and 3-D windows go through the Conv's own 1-D / 3-D lowering.
 * (The list is COMPOSITE_OPS in supportedOps.ts.)
 */

type Push = (node: IrNode, shape: number[]) => void;

/** LpPool's supported exponents: |x| summed (p = 1) or the root of the sum of squares (p = 2). */
const LP_POOL_EXPONENTS = [1, 2];

/**
 * Lowers one of `COMPOSITE_OPS` (the caller checked the op type).
 *
 * @example
 * if ((COMPOSITE_OPS as readonly string[]).includes(op)) return lowerComposite(c, x, push);
 */
export function lowerComposite(c: LowerContext, x: string, push: Push): void {
  const { n, shapes } = c;
  const op = n.opType as (typeof COMPOSITE_OPS)[number];
  const output = n.output![0];
  const xs = shapes[x];
  const tmp = (tag: string) => `${output}__${tag}`;
  const activation = (kind: ActivationKind, from: string, to: string) =>
    push(plainActivation(kind, `${c.name}/${kind.toLowerCase()}`, from, to), shapes[from]);
  /** Lowers `n2` (a node of another op type reading x) through the select ops into `to`. */
  const viaSelect = (n2: Partial<OnnxNodeProto>, to: string) =>
    lowerSelect({ ...c, n: { ...n, ...n2, output: [to] } }, [x], push);
  switch (op) {
    case "Hardmax":
      return lowerHardmax(c, x, push);
    case "LpNormalization": {
      // x / ||x||_p over `axis` (p 1 or 2): Normalizer's L1 / L2 lowering
      const a = readAttributes(n, c.name, ["axis", "p"]);
      const p = a.int("p", 2);
      if (p !== 1 && p !== 2) throw unsupported(c, "p", `${p}; 1 and 2 are supported`);
      return normalizer(c, x, p === 1 ? "L1" : "L2", output, a.int("axis", -1));
    }
    case "ReduceL2": {
      viaSelect({ opType: "ReduceSumSquare" }, tmp("sumsq"));
      return activation("Sqrt", tmp("sumsq"), output);
    }
    case "ReduceLogSum":
    case "ReduceLogSumExp": {
      const r = readReduce(c, xs);
      if (!r) {
        // noop_with_empty_axes: elementwise log(x), or log(exp(x)) = x
        if (op === "ReduceLogSum") return activation("Log", x, output);
        return push({ op: "Reshape", name: c.name, inputs: [x], output, shape: xs }, xs);
      }
      const sum = (from: string, to: string) =>
        push(
          {
            op: "ReduceSum",
            name: `${c.name}/sum`,
            inputs: [from],
            output: to,
            axes: r.axes,
            keepdims: r.keepdims,
          },
          r.shape,
        );
      if (op === "ReduceLogSum") {
        sum(x, tmp("sum"));
        return activation("Log", tmp("sum"), output);
      }
      const kept = xs.map((d, i) => (r.axes.includes(i) ? 1 : d));
      const reduceMax = { op: "ReduceMax" as const, axes: r.axes, keepdims: true };
      push({ ...reduceMax, name: `${c.name}/max`, inputs: [x], output: tmp("max") }, kept);
      push({ op: "Sub", name: `${c.name}/shift`, inputs: [x, tmp("max")], output: tmp("d") }, xs);
      activation("Exp", tmp("d"), tmp("exp"));
      sum(tmp("exp"), tmp("sum"));
      activation("Log", tmp("sum"), tmp("log"));
      const m = tmp("max_out");
      push(
        { op: "Reshape", name: c.name, inputs: [tmp("max")], output: m, shape: r.shape },
        r.shape,
      );
      return push({ op: "Add", name: c.name, inputs: [m, tmp("log")], output }, r.shape);
    }
    case "LpPool":
    case "GlobalLpPool": {
      const global = op === "GlobalLpPool";
      const known = ["auto_pad", "kernel_shape", "p", "pads", "strides", "dilations", "ceil_mode"];
      const a = readAttributes(n, c.name, global ? ["p"] : known);
      const p = a.int("p", 2);
      if (!LP_POOL_EXPONENTS.includes(p))
        throw unsupported(c, "p", `${p}; p = 1 and p = 2 are supported`);
      if (a.int("ceil_mode", 0) !== 0) throw unsupported(c, "ceil_mode", "only floor (0)");
      const powered = tmp(p === 1 ? "abs" : "square");
      if (p === 1) viaSelect({ opType: "Abs", attribute: [] }, powered);
      else push({ op: "Mul", name: `${c.name}/square`, inputs: [x, x], output: powered }, xs);
      const C = xs[1];
      const kernel = global ? xs.slice(2) : a.ints("kernel_shape", []);
      const ones: Tensor = {
        shape: [C, 1, ...kernel],
        data: new Float64Array(C * numel(kernel)).fill(1),
      };
      const wName = tmp("ones");
      const consts = new Map(c.consts).set(wName, ones);
      const window = (n.attribute ?? []).filter((t) => !["p", "ceil_mode"].includes(t.name ?? ""));
      const summed = p === 1 ? output : tmp("sum");
      const conv: OnnxNodeProto = {
        ...n,
        opType: "Conv",
        input: [powered, wName],
        output: [summed],
        attribute: [...(global ? [] : window), { name: "group", i: C, type: 2 }],
      };
      lowerSpatial({ ...c, n: conv, consts }, powered, push);
      if (p === 2) activation("Sqrt", summed, output);
      return;
    }
  }
}

/**
 * Hardmax over `axis` (opset >= 13; before it, the input coerced to 2-D at `axis`): ArgMax
 * with keepdims (first maximum), then Equal(index, k) against the constant positions k along
 * the axis, broadcast back to the input's shape: 1 at the first maximum, 0 elsewhere.
 */
function lowerHardmax(c: LowerContext, x: string, push: Push): void {
  const xs = c.shapes[x];
  const output = c.n.output![0];
  const a = readAttributes(c.n, c.name, ["axis"]);
  let axis = normAxis(a.int("axis", c.opset < 13 ? 1 : -1), xs.length);
  let src = x;
  let shape = xs;
  if (c.opset < 13) {
    shape = [numel(xs.slice(0, axis)), numel(xs.slice(axis))];
    src = `${output}__2d`;
    push({ op: "Reshape", name: `${c.name}/to2d`, inputs: [x], output: src, shape }, shape);
    axis = 1;
  }
  const kept = shape.map((d, i) => (i === axis ? 1 : d));
  const index = `${output}__index`;
  push(
    {
      op: "ArgMax",
      name: `${c.name}/argmax`,
      inputs: [src],
      output: index,
      axis,
      keepdims: true,
      selectLastIndex: false,
    },
    kept,
  );
  const K = shape[axis];
  const positions: Tensor = {
    shape: [K, ...shape.slice(axis + 1).map(() => 1)],
    data: Float64Array.from({ length: K }, (_, k) => k),
  };
  const hot = c.opset < 13 ? `${output}__hot` : output;
  push(
    {
      op: "Compare",
      kind: "Equal",
      name: c.name,
      inputs: [index],
      output: hot,
      constant: positions,
    },
    shape,
  );
  if (hot !== output)
    push({ op: "Reshape", name: `${c.name}/back`, inputs: [hot], output, shape: xs }, xs);
}

/**
 * TopK with a constant k (the `K` input, or the opset < 10 attribute): the axis moved last (a
 * Transpose, wiring), one TopK node giving [...rows, 2k] (values, then positions), and a
 * Slice (and the Transpose back) for each ONNX output that something reads. sorted = 0
 * leaves the order to the implementation: the values come sorted all the same.
 */
export function lowerTopK(c: LowerContext, x: string, push: Push): void {
  const { n, shapes } = c;
  const xs = shapes[x];
  const r = xs.length;
  const a = readAttributes(n, c.name, c.opset < 10 ? ["axis", "k"] : ["axis", "largest", "sorted"]);
  const axis = normAxis(a.int("axis", -1), r);
  const k = c.opset < 10 ? a.int("k", 0) : constInts(c, 1, "K")![0];
  if (!Number.isInteger(k) || k < 1 || k > xs[axis])
    throw new ShapeError(`TopK node "${c.name}": k = ${k} for an axis of ${xs[axis]}`, {
      details: { tensor: x, node: c.name, shape: xs },
    });
  const [values, indices] = n.output ?? [];
  const tmp = (tag: string) => `${values || indices}__${tag}`;
  // the axis last: perm lists the input axes in their new order
  const perm = [...xs.keys()].filter((d) => d !== axis).concat(axis);
  const rows = perm.slice(0, -1).map((d) => xs[d]);
  let src = x;
  if (axis !== r - 1) {
    src = tmp("last");
    push({ op: "Transpose", name: `${c.name}/axis_last`, inputs: [x], output: src, perm }, [
      ...rows,
      xs[axis],
    ]);
  }
  const both = tmp("both");
  const largest = a.int("largest", 1) === 1;
  push({ op: "TopK", name: c.name, inputs: [src], output: both, k, largest }, [...rows, 2 * k]);
  // perm back: original axis d sits at position perm.indexOf(d)
  const back = [...xs.keys()].map((d) => perm.indexOf(d));
  for (const [out, start] of [
    [values, 0],
    [indices, k],
  ] as const) {
    if (!out || !(c.uses.get(out) ?? 0)) continue;
    const sliced = axis === r - 1 ? out : `${out}__sliced`;
    push(
      {
        op: "Slice",
        name: `${c.name}/${start ? "indices" : "values"}`,
        inputs: [both],
        output: sliced,
        starts: [...rows.map(() => 0), start],
        steps: [...rows.map(() => 1), 1],
      },
      [...rows, k],
    );
    if (sliced !== out)
      push(
        { op: "Transpose", name: `${c.name}/axis_back`, inputs: [sliced], output: out, perm: back },
        xs.map((d, i) => (i === axis ? k : d)),
      );
  }
}
