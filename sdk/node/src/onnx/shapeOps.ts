import { ShapeError, UnsupportedOpError } from "@zkml-verify/core/internal/errors";
import type { Tensor } from "./ir.ts";
import { numel } from "./ir.ts";
import type { OnnxNodeProto } from "./parseOnnx.ts";
import { readAttributes } from "./readAttributes.ts";

/**
 * Shape arithmetic shared by constant folding and lowering, with the opset differences
 * (attributes before opset 10/11/13/18, inputs after) resolved in one place.
 */

export interface OpContext {
  n: OnnxNodeProto;
  name: string;
  consts: Map<string, Tensor>;
  opset: number;
}

/**
 * A negative ONNX axis counted from the end.
 *
 * @example
 * normAxis(-1, 4); // 3
 */
export const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/**
 * A constant int input (e.g. Reshape's shape), or null when the input is omitted.
 *
 * @example
 * const shape = constInts(c, 1, "shape"); // Reshape's target
 */
export function constInts(c: OpContext, index: number, what: string): number[] | null {
  const name = c.n.input?.[index];
  if (!name) return null;
  const t = c.consts.get(name);
  if (!t) {
    throw new UnsupportedOpError(
      `${c.n.opType} node "${c.name}" input ${what} must be a constant (it is computed at run time)`,
      { details: { op: c.n.opType ?? "", node: c.name, attribute: what, supported: [] } },
    );
  }
  return Array.from(t.data, Number);
}

/**
 * Axes from the `axes` attribute (old opsets) or the second input (new opsets).
 *
 * @example
 * const { a, axes } = readAxes(c, ["keepdims"]);
 */
export function readAxes(c: OpContext, known: readonly string[], inputIndex = 1) {
  const a = readAttributes(c.n, c.name, ["axes", ...known]);
  const axes = a.has("axes") ? a.ints("axes", []) : constInts(c, inputIndex, "axes");
  return { a, axes };
}

/**
 * Resolves 0 (copy) and -1 (infer) in an ONNX Reshape target.
 *
 * @example
 * resolveReshape([0, -1], [1, 4, 5], "reshape"); // [1, 20]
 */
export function resolveReshape(
  target: number[],
  input: number[],
  node: string,
  allowZero = false,
): number[] {
  const total = numel(input);
  const shape = target.map((d, i) => (d === 0 && !allowZero ? input[i] : d));
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const resolved = shape.map((d) => (d === -1 ? total / known : d));
  if (numel(resolved) !== total || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`${node}: cannot reshape [${input}] to [${target}]`, {
      details: { tensor: node, node, shape: target },
    });
  }
  return resolved;
}

/**
 * The shape after inserting size-1 axes.
 *
 * @example
 * unsqueezeShape([3], [0, 2]); // [1, 3, 1]
 */
export function unsqueezeShape(input: number[], axes: number[]): number[] {
  const rank = input.length + axes.length;
  const norm = axes.map((x) => normAxis(x, rank));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(norm.includes(i) ? 1 : input[j++]);
  return out;
}

/**
 * The shape after removing size-1 axes (all of them when axes is empty).
 *
 * @example
 * squeezeShape([1, 3, 1], [0], "sq"); // [3, 1]
 */
export function squeezeShape(input: number[], axes: number[] | null, node: string): number[] {
  if (!axes || axes.length === 0) return input.filter((d) => d !== 1);
  const norm = axes.map((x) => normAxis(x, input.length));
  for (const x of norm) {
    if (input[x] !== 1)
      throw new ShapeError(`${node}: cannot squeeze axis ${x} of shape [${input}]`, {
        details: { tensor: node, node, shape: input },
      });
  }
  return input.filter((_, i) => !norm.includes(i));
}

/**
 * Per-axis start/step/length of an ONNX Slice (clamped as the spec says).
 *
 * @example
 * const { starts, steps, shape } = sliceParams(c, [1, 4, 6]);
 */
export function sliceParams(c: OpContext, input: number[]) {
  let starts: number[], ends: number[], axes: number[] | null, steps: number[] | null;
  if (c.opset < 10) {
    const a = readAttributes(c.n, c.name, ["starts", "ends", "axes"]);
    starts = a.ints("starts", []);
    ends = a.ints("ends", []);
    axes = a.has("axes") ? a.ints("axes", []) : null;
    steps = null;
  } else {
    readAttributes(c.n, c.name, []);
    starts = constInts(c, 1, "starts")!;
    ends = constInts(c, 2, "ends")!;
    axes = constInts(c, 3, "axes");
    steps = constInts(c, 4, "steps");
  }
  const rank = input.length;
  const st = input.map(() => 0);
  const sp = input.map(() => 1);
  const len = [...input];
  (axes ?? starts.map((_, i) => i)).forEach((ax0, k) => {
    const ax = normAxis(ax0, rank);
    const dim = input[ax];
    const step = steps?.[k] ?? 1;
    let s = starts[k] < 0 ? starts[k] + dim : starts[k];
    let e = ends[k] < 0 ? ends[k] + dim : ends[k];
    if (step > 0) {
      s = Math.min(Math.max(s, 0), dim);
      e = Math.min(Math.max(e, 0), dim);
      len[ax] = Math.max(0, Math.ceil((e - s) / step));
    } else {
      s = Math.min(Math.max(s, 0), dim - 1);
      e = Math.min(Math.max(e, -1), dim - 1);
      len[ax] = Math.max(0, Math.ceil((e - s) / step));
    }
    st[ax] = s;
    sp[ax] = step;
  });
  return { starts: st, steps: sp, shape: len };
}

/**
 * Source flat index for every output element of a strided slice.
 *
 * @example
 * sliceIndex([4], [3], [-1], [4]); // Int32Array [3, 2, 1, 0]
 */
export function sliceIndex(input: number[], starts: number[], steps: number[], out: number[]) {
  const total = numel(out);
  const idx = new Int32Array(total);
  const is = stridesOf(input);
  const os = stridesOf(out);
  for (let i = 0; i < total; i++) {
    let j = 0;
    for (let d = 0; d < out.length; d++) {
      const coord = Math.floor(i / os[d]) % out[d];
      j += (starts[d] + coord * steps[d]) * is[d];
    }
    idx[i] = j;
  }
  return idx;
}

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}
