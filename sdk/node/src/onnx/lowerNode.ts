import { ShapeError, UnsupportedOpError } from "@zkml-verify/core/internal/errors";
import type { ActivationKind, IrNode, Tensor } from "./ir.ts";
import { broadcastShapes, numel } from "./ir.ts";
import type { OnnxNodeProto } from "./parseOnnx.ts";
import { readAttributes } from "./readAttributes.ts";
import {
  constInts,
  normAxis,
  readAxes,
  resolveReshape,
  sliceParams,
  squeezeShape,
  unsqueezeShape,
} from "./shapeOps.ts";
import type { OpContext } from "./shapeOps.ts";
import { lowerComposite, lowerTopK } from "./lowerComposite.ts";
import { lowerSelect, readReduce, SELECT_OPS } from "./lowerSelect.ts";
import { isMaskWhere, lowerLogic } from "./lowerLogic.ts";
import { lowerMl, ML_DOMAIN } from "./lowerMl.ts";
import { lowerRecurrent } from "./lowerRecurrent.ts";
import { lowerResize } from "./lowerResize.ts";
import { lowerSpatial } from "./lowerSpatial.ts";
import { fuseSwish, lowerUnary } from "./lowerUnary.ts";
import { fuseLayerNorm, lowerMask, lowerNormalization } from "./lowerProducts.ts";
import { COMPOSITE_OPS, RECURRENT_OPS, SUPPORTED_OPS } from "./supportedOps.ts";

/** ONNX's INT32, INT64, INT8, INT16, UINT8, UINT16, UINT32, UINT64 and BOOL element types. */
const INTEGER_TYPES = [6, 7, 3, 5, 2, 4, 12, 13, 9];

export interface LowerContext extends OpContext {
  shapes: Record<string, number[]>;
  nodes: IrNode[];
  uses: Map<string, number>;
  file: string;
}

/**
 * Builds the error for an unsupported op or attribute (never skip a node).
 *
 * @example
 * throw unsupported(c, "mode", "only constant padding");
 */
export function unsupported(c: LowerContext, attribute?: string, why = ""): UnsupportedOpError {
  const op = c.n.opType ?? "";
  return new UnsupportedOpError(
    `${op} node "${c.name}"${attribute ? ` attribute ${attribute}` : ""} is not supported${why ? `: ${why}` : ""}`,
    { details: { op, node: c.name, attribute, supported: SUPPORTED_OPS } },
  );
}

/**
 * Lowers one ONNX node into IR nodes (appended to `c.nodes`, shapes recorded), folding it
 * into the previous node where that is exact (bias Add, BatchNormalization).
 *
 * @example
 * lowerNode({ n, name, consts, shapes, nodes, uses, opset, file });
 */
export function lowerNode(c: LowerContext): void {
  const { n, consts, shapes } = c;
  const op = n.opType ?? "";
  const domain = n.domain ?? "";
  if (domain !== "" && domain !== "ai.onnx" && domain !== ML_DOMAIN)
    throw unsupported(c, undefined, `domain ${n.domain}; supported: ${SUPPORTED_OPS.join(", ")}`);
  const ins = n.input ?? [];
  const output = n.output![0];
  const acts = ins.filter((i) => i !== "" && !consts.has(i));
  for (const a of acts) {
    if (!shapes[a])
      throw new ShapeError(`${op} node "${c.name}" reads ${a}, which is never computed`, {
        details: { tensor: a, node: c.name },
      });
  }
  if (domain === ML_DOMAIN) return lowerMl(c, acts);
  if (op === "Split") return lowerSplit(c, acts[0]);
  if ((RECURRENT_OPS as readonly string[]).includes(op))
    return lowerRecurrent(c, (node, shape) => {
      c.nodes.push(node);
      shapes[node.output] = shape;
    });
  if (op === "TopK")
    return lowerTopK(c, acts[0], (node, shape) => {
      c.nodes.push(node);
      shapes[node.output] = shape;
    });
  for (const extra of (n.output ?? []).slice(1)) {
    if (extra && c.uses.get(extra)) throw unsupported(c, undefined, `its output ${extra} is used`);
  }
  if (acts.length === 0 && !["Constant"].includes(op)) {
    throw unsupported(c, undefined, "all its inputs are constants and it cannot be folded");
  }
  const x = acts[0];
  const xs = shapes[x];
  const push = (node: IrNode, shape: number[]) => {
    c.nodes.push(node);
    shapes[node.output] = shape;
  };
  const producer = c.nodes.findLast((nd) => nd.output === x);
  const reshape = (shape: number[]) => {
    // an ArgMax index is proven as the final op (importOnnx moves it last): reshaping it
    // (sklearn-onnx's label Reshape / Cast) renames it
    if (producer?.op === "ArgMax" && c.uses.get(x) === 1) {
      producer.output = output;
      shapes[output] = shape;
      return;
    }
    push({ op: "Reshape", name: c.name, inputs: [x], output, shape }, shape);
  };
  const activation = (kind: ActivationKind, o: Partial<Record<string, number>> = {}) =>
    push(
      {
        op: "Activation",
        kind,
        name: c.name,
        inputs: [x],
        output,
        alpha: o.alpha ?? 0,
        beta: o.beta ?? 0,
        min: o.min ?? -Infinity,
        max: o.max ?? Infinity,
        slope: null,
      },
      xs,
    );
  if ((SELECT_OPS as readonly string[]).includes(op)) return lowerSelect(c, acts, push);
  if ((COMPOSITE_OPS as readonly string[]).includes(op)) return lowerComposite(c, x, push);
  switch (op) {
    case "Identity":
    case "Dropout":
      readAttributes(n, c.name, op === "Dropout" ? ["ratio", "seed", "is_test"] : []);
      // opset 12+: a training_mode input that is true (or computed) drops at random
      if (op === "Dropout" && ins[2] && consts.get(ins[2])?.data[0] !== 0)
        throw unsupported(c, "training_mode", "inference only (a constant false or absent)");
      // tf2onnx's output Identity: the last node's output renamed, so a final Softmax stays final
      if (producer && producer === c.nodes.at(-1) && c.uses.get(x) === 1) {
        producer.output = output;
        shapes[output] = xs;
        return;
      }
      return reshape(xs);
    case "Cast": {
      const a = readAttributes(n, c.name, ["to", "saturate"]);
      // integer casts keep the value of an index or a comparison's 0 / 1
      const integral = producer?.op === "ArgMax" || producer?.op === "Compare";
      if (![1, 10, 11, 16, ...(integral ? INTEGER_TYPES : [])].includes(a.int("to", 1)))
        throw unsupported(
          c,
          "to",
          "only casts to float types keep the value exact (and integer casts of an ArgMax index or a comparison)",
        );
      return reshape(xs);
    }
    case "Flatten": {
      const a = readAttributes(n, c.name, ["axis"]);
      const ax = normAxis(a.int("axis", 1), xs.length);
      return reshape([numel(xs.slice(0, ax)), numel(xs.slice(ax))]);
    }
    case "Reshape": {
      const a = readAttributes(n, c.name, ["allowzero", "shape"]);
      const target = a.has("shape") ? a.ints("shape", []) : constInts(c, 1, "shape")!;
      return reshape(resolveReshape(target, xs, c.name, a.int("allowzero", 0) === 1));
    }
    case "Squeeze":
      return reshape(squeezeShape(xs, readAxes(c, []).axes, c.name));
    case "Unsqueeze":
      return reshape(unsqueezeShape(xs, readAxes(c, []).axes ?? []));
    case "Transpose": {
      const a = readAttributes(n, c.name, ["perm"]);
      const perm = a.ints(
        "perm",
        xs.map((_, i) => xs.length - 1 - i),
      );
      const shape = perm.map((p) => xs[p]);
      return push({ op: "Transpose", name: c.name, inputs: [x], output, perm }, shape);
    }
    case "Slice": {
      const { starts, steps, shape } = sliceParams(c, xs);
      return push({ op: "Slice", name: c.name, inputs: [x], output, starts, steps }, shape);
    }
    case "Pad": {
      let pads: number[];
      let value = 0;
      let mode: string;
      if (c.opset < 11) {
        const a = readAttributes(n, c.name, ["pads", "value", "mode"]);
        pads = a.ints("pads", []);
        value = a.float("value", 0);
        mode = a.string("mode", "constant");
      } else {
        const a = readAttributes(n, c.name, ["mode"]);
        mode = a.string("mode", "constant");
        pads = constInts(c, 1, "pads")!;
        const v = ins[2] ? consts.get(ins[2]) : undefined;
        if (ins[2] && !v) throw unsupported(c, "constant_value", "must be a constant");
        value = v ? v.data[0] : 0;
        const axes = constInts(c, 3, "axes");
        if (axes) {
          const full = new Array<number>(2 * xs.length).fill(0);
          axes.forEach((ax0, k) => {
            const ax = normAxis(ax0, xs.length);
            full[ax] = pads[k];
            full[ax + xs.length] = pads[k + axes.length];
          });
          pads = full;
        }
      }
      if (mode !== "constant" && mode !== "reflect" && mode !== "edge")
        throw unsupported(c, "mode", `${mode}; constant, reflect and edge are supported`);
      if (pads.some((p) => p < 0)) throw unsupported(c, "pads", "negative pads");
      if (mode === "reflect" && xs.some((d, i) => pads[i] >= d || pads[i + xs.length] >= d))
        throw unsupported(c, "pads", `reflect pads must be smaller than the axis [${xs}]`);
      const shape = xs.map((d, i) => d + pads[i] + pads[i + xs.length]);
      return push(
        {
          op: "Pad",
          name: c.name,
          inputs: [x],
          output,
          pads,
          value,
          ...(mode === "constant" ? {} : { mode }),
        },
        shape,
      );
    }
    case "Concat": {
      const a = readAttributes(n, c.name, ["axis"]);
      if (acts.length !== ins.filter((i) => i !== "").length)
        throw unsupported(c, undefined, "concatenating constants with activations");
      const axis = normAxis(a.int("axis", 0), xs.length);
      const shape = [...xs];
      shape[axis] = acts.reduce((s, t) => s + shapes[t][axis], 0);
      return push({ op: "Concat", name: c.name, inputs: acts, output, axis }, shape);
    }
    case "Tile": {
      // wiring: a Concat of copies along each repeated axis
      readAttributes(n, c.name, []);
      const repeats = constInts(c, 1, "repeats")!;
      if (repeats.length !== xs.length || repeats.some((r) => !Number.isInteger(r) || r < 1))
        throw unsupported(c, "repeats", `[${repeats}] for an input of rank ${xs.length}`);
      const axes = repeats.flatMap((r, k) => (r > 1 ? [k] : []));
      if (axes.length === 0) return reshape(xs);
      let cur = x;
      const shape = [...xs];
      axes.forEach((k, i) => {
        const out = i === axes.length - 1 ? output : `${output}__tile${k}`;
        shape[k] *= repeats[k];
        const inputs = new Array<string>(repeats[k]).fill(cur);
        push({ op: "Concat", name: `${c.name}/axis${k}`, inputs, output: out, axis: k }, [
          ...shape,
        ]);
        cur = out;
      });
      return;
    }
    case "Relu":
      readAttributes(n, c.name, []);
      return activation("Relu");
    case "Sigmoid":
    case "Tanh":
    case "HardSwish":
      readAttributes(n, c.name, []);
      return activation(op);
    case "LeakyRelu": {
      const a = readAttributes(n, c.name, ["alpha"]);
      return activation("LeakyRelu", { alpha: a.float("alpha", 0.01) });
    }
    case "HardSigmoid": {
      const a = readAttributes(n, c.name, ["alpha", "beta"]);
      return activation("HardSigmoid", {
        alpha: a.float("alpha", 0.2),
        beta: a.float("beta", 0.5),
      });
    }
    case "Clip": {
      let min = -Infinity;
      let max = Infinity;
      if (c.opset < 11) {
        const a = readAttributes(n, c.name, ["min", "max"]);
        min = a.float("min", -3.4028234663852886e38);
        max = a.float("max", 3.4028234663852886e38);
      } else {
        readAttributes(n, c.name, []);
        if (ins[1]) min = constInts(c, 1, "min")![0];
        if (ins[2]) max = constInts(c, 2, "max")![0];
      }
      return activation("Clip", { min, max });
    }
    case "PRelu": {
      readAttributes(n, c.name, []);
      let slope = consts.get(ins[1]);
      if (!slope) throw unsupported(c, "slope", "the slope must be a constant");
      // opset < 7: a 1-D slope of C values is per channel (axis 1), not numpy-broadcast
      if (c.opset < 7 && slope.shape.length === 1 && xs.length > 2 && slope.data.length === xs[1])
        slope = { shape: [xs[1], ...xs.slice(2).map(() => 1)], data: slope.data };
      const sb = broadcastShapes(xs, slope.shape);
      if (!sb || numel(sb) !== numel(xs))
        throw new ShapeError(
          `PRelu node "${c.name}": slope of shape [${slope.shape}] does not broadcast to the input [${xs}]`,
          { details: { tensor: ins[1], node: c.name, shape: slope.shape } },
        );
      activation("PRelu");
      const node = c.nodes[c.nodes.length - 1];
      if (node.op === "Activation") node.slope = slope;
      return;
    }
    case "Softmax":
    case "LogSoftmax": {
      const a = readAttributes(n, c.name, ["axis"]);
      const axis = normAxis(a.int("axis", c.opset < 13 ? 1 : -1), xs.length);
      if (c.opset >= 13 || numel(xs.slice(axis + 1)) === 1)
        return push({ op, name: c.name, inputs: [x], output, axis }, xs);
      // before opset 13 the input is coerced to 2-D at `axis` and normalized over the second
      // dimension (everything from `axis` on): Reshape, the op over the last axis, Reshape back
      const flat = [numel(xs.slice(0, axis)), numel(xs.slice(axis))];
      const src = `${output}__2d`;
      const dst = `${output}__2d_${op}`;
      push({ op: "Reshape", name: `${c.name}/to2d`, inputs: [x], output: src, shape: flat }, flat);
      push({ op, name: c.name, inputs: [src], output: dst, axis: 1 }, flat);
      return push({ op: "Reshape", name: `${c.name}/back`, inputs: [dst], output, shape: xs }, xs);
    }
    case "ArgMax": {
      const a = readAttributes(n, c.name, ["axis", "keepdims", "select_last_index"]);
      const axis = normAxis(a.int("axis", 0), xs.length);
      const keepdims = a.int("keepdims", 1) === 1;
      const shape = keepdims
        ? xs.map((d, i) => (i === axis ? 1 : d))
        : xs.filter((_, i) => i !== axis);
      const selectLastIndex = a.int("select_last_index", 0) === 1;
      return push(
        { op, name: c.name, inputs: [x], output, axis, keepdims, selectLastIndex },
        shape,
      );
    }
    case "ReduceSum":
    case "ReduceMean":
    case "ReduceMax": {
      const r = readReduce(c, xs);
      if (!r) return reshape(xs);
      const { axes, keepdims, shape } = r;
      return push({ op, name: c.name, inputs: [x], output, axes, keepdims }, shape);
    }
    case "Mul":
      if (fuseSwish(c, acts, push)) return;
      return lowerArithmetic(c, acts, push);
    case "Div":
      if (fuseLayerNorm(c, acts, push)) return;
      return lowerArithmetic(c, acts, push);
    case "Add":
    case "Sub":
    case "Neg":
      return lowerArithmetic(c, acts, push);
    case "Exp":
    case "Log":
    case "Sqrt":
    case "Reciprocal":
    case "Pow":
    case "Erf":
    case "Gelu":
    case "Elu":
    case "Selu":
    case "Celu":
    case "Softplus":
    case "Softsign":
    case "Mish":
      return lowerUnary(c, x, push);
    case "LayerNormalization":
    case "InstanceNormalization":
      return lowerNormalization(c, x, push);
    case "Trilu":
      return lowerMask(c, x, push);
    case "Less":
    case "Greater":
    case "LessOrEqual":
    case "GreaterOrEqual":
    case "Equal":
    case "Not":
    case "And":
    case "Or":
    case "Xor":
      return lowerLogic(c, push);
    case "Where":
      // a constant mask with a constant fill (attention: Where(mask, scores, -inf)) is a Mask
      // node; any other Where (a data-dependent condition, two activations) is y + c (x - y)
      return isMaskWhere(c) ? lowerMask(c, x, push) : lowerLogic(c, push);
    case "Resize":
    case "Upsample":
      return lowerResize(c, x, push);
    default:
      lowerSpatial(c, x, push);
  }
}

/** Split: one Slice (wiring) per output that something reads. */
function lowerSplit(c: LowerContext, x: string): void {
  const { n, shapes } = c;
  const xs = shapes[x];
  const outs = n.output ?? [];
  const a = readAttributes(n, c.name, ["axis", "split", "num_outputs"]);
  const axis = normAxis(a.int("axis", 0), xs.length);
  let sizes: number[] | null = a.has("split") ? a.ints("split", []) : constInts(c, 1, "split");
  if (!sizes || sizes.length === 0) {
    const k = outs.length;
    const each = Math.ceil(xs[axis] / k);
    sizes = outs.map((_, i) => Math.max(0, Math.min(each, xs[axis] - i * each)));
  }
  if (sizes.length !== outs.length || sizes.reduce((s, v) => s + v, 0) !== xs[axis])
    throw new ShapeError(
      `Split node "${c.name}": sizes [${sizes}] do not split axis ${axis} of [${xs}] into ${outs.length}`,
      { details: { tensor: x, node: c.name, shape: xs } },
    );
  let start = 0;
  outs.forEach((out, i) => {
    const size = sizes[i];
    if (out && (c.uses.get(out) ?? 0) > 0) {
      const shape = xs.map((d, k) => (k === axis ? size : d));
      const starts = xs.map((_, k) => (k === axis ? start : 0));
      c.nodes.push({
        op: "Slice",
        name: `${c.name}/${i}`,
        inputs: [x],
        output: out,
        starts,
        steps: xs.map(() => 1),
      });
      shapes[out] = shape;
    }
    start += size;
  });
}

/** Add/Sub/Mul/Div/Neg: with a constant operand an Affine (or a bias folded into Dense/Conv). */
function lowerArithmetic(
  c: LowerContext,
  acts: string[],
  push: (node: IrNode, shape: number[]) => void,
): void {
  const { n, consts, shapes } = c;
  const op = n.opType as "Add" | "Sub" | "Mul" | "Div" | "Neg";
  const legacy = readAttributes(n, c.name, c.opset < 7 ? ["broadcast", "axis"] : []);
  const ins = n.input ?? [];
  const output = n.output![0];
  const x = acts[0];
  const xs = shapes[x];
  if (legacy.has("axis") && acts.length === 2 && legacy.int("broadcast", 0) === 1) {
    // opset < 7: B aligned at `axis` is numpy broadcasting of B with trailing ones (wiring)
    const bs = shapes[ins[1]];
    const trailing = xs.length - normAxis(legacy.int("axis", 0), xs.length) - bs.length;
    if (ins[1] === acts[1] && trailing > 0) {
      const shape = [...bs, ...new Array<number>(trailing).fill(1)];
      const b = `${output}__broadcast`;
      push({ op: "Reshape", name: `${c.name}/axis`, inputs: [ins[1]], output: b, shape }, shape);
      return lowerArithmetic(
        { ...c, n: { ...n, input: [ins[0], b], attribute: [] } },
        [x, b],
        push,
      );
    }
  }
  if (op === "Neg") {
    const one = { shape: [], data: Float64Array.of(-1) };
    return push({ op: "Affine", name: c.name, inputs: [x], output, scale: one, bias: zero() }, xs);
  }
  if (acts.length === 2) {
    const shape = broadcastShapes(xs, shapes[acts[1]]);
    if (!shape)
      throw new ShapeError(
        `${op} node "${c.name}": shapes [${xs}] and [${shapes[acts[1]]}] do not broadcast`,
        {
          details: { tensor: output, node: c.name, shape: xs },
        },
      );
    return push({ op, name: c.name, inputs: [ins[0], ins[1]], output }, shape);
  }
  const k = legacyBroadcast(consts.get(ins[0] === x ? ins[1] : ins[0])!, xs.length, legacy);
  const shape = broadcastShapes(xs, k.shape);
  if (!shape || numel(shape) !== numel(xs))
    throw new ShapeError(
      `${op} node "${c.name}": constant of shape [${k.shape}] would broadcast the activation [${xs}]`,
      {
        details: { tensor: output, node: c.name, shape: k.shape },
      },
    );
  const xFirst = ins[0] === x;
  if (op === "Add" || (op === "Sub" && xFirst)) {
    const bias = op === "Add" ? k : { shape: k.shape, data: k.data.map((v) => -v) };
    if (foldBias(c, x, bias, output)) return;
    return push({ op: "Affine", name: c.name, inputs: [x], output, scale: one1(), bias }, shape);
  }
  if (op === "Sub") {
    return push(
      {
        op: "Affine",
        name: c.name,
        inputs: [x],
        output,
        scale: { shape: [], data: Float64Array.of(-1) },
        bias: k,
      },
      shape,
    );
  }
  if (op === "Div" && !xFirst)
    throw unsupported(
      c,
      undefined,
      "a constant divided by an activation (divide two activations, or use Reciprocal)",
    );
  const scale = op === "Mul" ? k : { shape: k.shape, data: k.data.map((v) => 1 / v) };
  if (scale.data.some((v) => !Number.isFinite(v)))
    throw unsupported(c, undefined, "division by zero");
  if (foldScale(c, x, scale, output)) return;
  push({ op: "Affine", name: c.name, inputs: [x], output, scale, bias: zero() }, shape);
}

/**
 * Folds a constant bias into the Dense/Conv that produced x, or into a constant Mul's Affine
 * (an unfused BatchNormalization as tf2onnx writes it: Mul + Add), when nothing else reads x.
 */
function foldBias(c: LowerContext, x: string, bias: Tensor, output: string): boolean {
  const prev = c.nodes[c.nodes.length - 1];
  if (!prev || prev.output !== x || (c.uses.get(x) ?? 0) !== 1) return false;
  const xs = c.shapes[x];
  let m: number;
  if (prev.op === "Affine") {
    // the Add's constant broadcasts to x without widening it (checked by the caller)
    if (prev.bias.data.some((v) => v !== 0)) return false;
    prev.bias = bias;
    prev.output = output;
    c.shapes[output] = xs;
    return true;
  }
  if (prev.op === "Dense") {
    m = prev.weight.shape[0];
    if (!(
      bias.data.length === 1 ||
      (bias.shape[bias.shape.length - 1] === m && bias.data.length === m)
    ))
      return false;
  } else if (prev.op === "Conv") {
    m = prev.weight.shape[0];
    const perChannel =
      bias.data.length === m && bias.shape.length >= 3 && bias.shape[bias.shape.length - 3] === m;
    if (!(bias.data.length === 1 || perChannel)) return false;
  } else return false;
  const b = new Float64Array(m).map(
    (_, i) => (prev.bias?.data[i] ?? 0) + bias.data[bias.data.length === 1 ? 0 : i],
  );
  prev.bias = { shape: [m], data: b };
  prev.output = output;
  c.shapes[output] = xs;
  return true;
}

/**
 * Folds a constant per-output (or scalar) scale into the Dense that produced x, when nothing
 * else reads x: Keras' unfused BatchNormalization after a Dense is Mul + Add (tf2onnx), both
 * of which then vanish into the Dense (exact: row i of the weight and bias i times s_i).
 */
function foldScale(c: LowerContext, x: string, scale: Tensor, output: string): boolean {
  const prev = c.nodes[c.nodes.length - 1];
  if (prev?.op !== "Dense" || prev.output !== x || (c.uses.get(x) ?? 0) !== 1) return false;
  const [m, k] = prev.weight.shape;
  const n = scale.data.length;
  if (!(n === 1 || (n === m && scale.shape[scale.shape.length - 1] === m))) return false;
  const s = (i: number) => scale.data[n === 1 ? 0 : i];
  prev.weight = {
    shape: [m, k],
    data: prev.weight.data.map((v, j) => v * s(Math.floor(j / k))),
  };
  if (prev.bias) prev.bias = { shape: [m], data: prev.bias.data.map((v, i) => v * s(i)) };
  prev.output = output;
  c.shapes[output] = c.shapes[x];
  return true;
}

/**
 * Opset < 7 elementwise ops with `broadcast` = 1 and an `axis` align B's dimensions with A's
 * starting at `axis` (e.g. a per-channel [C] against NCHW with axis 1), where numpy aligns
 * them at the end: B gets trailing ones so numpy broadcasting means the same.
 */
export function legacyBroadcast(
  k: Tensor,
  rank: number,
  a: { has: (attr: string) => boolean; int: (attr: string, fallback: number) => number },
): Tensor {
  if (!a.has("axis") || a.int("broadcast", 0) !== 1) return k;
  const axis = normAxis(a.int("axis", 0), rank);
  const trailing = rank - axis - k.shape.length;
  if (trailing <= 0) return k;
  return { shape: [...k.shape, ...new Array<number>(trailing).fill(1)], data: k.data };
}

const zero = (): Tensor => ({ shape: [], data: Float64Array.of(0) });
const one1 = (): Tensor => ({ shape: [], data: Float64Array.of(1) });
