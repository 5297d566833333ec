import { ShapeError } from "@zkml-verify/core/internal/errors";
import type { Tensor } from "./ir.ts";
import type { LowerContext } from "./lowerNode.ts";
import { unsupported } from "./lowerNode.ts";
import type { OnnxNodeProto } from "./parseOnnx.ts";
import { readAttributes } from "./readAttributes.ts";
import { lower2d } from "./lowerSpatial.ts";
import type { Push } from "./lowerSpatial.ts";

/**
 * 1-D and 3-D Conv and pooling, expressed with the 2-D ops and wiring (Reshape, Pad), so the
 * quantizer and the circuit see only what they already prove.
 */

type Attr = NonNullable<OnnxNodeProto["attribute"]>[number];
const WINDOW = ["kernel_shape", "strides", "dilations", "pads"];

/** The node with other inputs, one output and window attributes rewritten by `f` (others kept). */
function rewrite(
  n: OnnxNodeProto,
  input: (string | null | undefined)[],
  output: string,
  f: (name: string, v: number[]) => number[],
  extra: Attr[] = [],
): OnnxNodeProto {
  const attribute = (n.attribute ?? []).map((a) =>
    WINDOW.includes(a.name ?? "") ? { ...a, ints: f(a.name!, (a.ints ?? []).map(Number)) } : a,
  );
  return { ...n, input: input as string[], output: [output], attribute: [...attribute, ...extra] };
}

/**
 * A 1-D Conv or pooling (N, C, L) is the 2-D op over (N, C, 1, L): a Reshape in, the op with
 * a 1 x k window (strides, dilations and pads lifted the same way), a Reshape out. Reshapes
 * are wiring, so this costs what the 1-D op would.
 */
export function lower1d(c: LowerContext, x: string, push: Push): void {
  const xs = c.shapes[x];
  const output = c.n.output![0];
  const lifted = `${output}__2d_in`;
  const s4 = [xs[0], xs[1], 1, xs[2]];
  push({ op: "Reshape", name: `${c.name}/to2d`, inputs: [x], output: lifted, shape: s4 }, s4);
  const consts = new Map(c.consts);
  const w = c.n.input?.[1] ? c.consts.get(c.n.input[1]) : undefined;
  if (c.n.opType === "Conv" && w?.shape.length === 3)
    consts.set(c.n.input![1], { shape: [w.shape[0], w.shape[1], 1, w.shape[2]], data: w.data });
  const out2d = `${output}__2d_out`;
  const n = rewrite(c.n, [lifted, ...(c.n.input ?? []).slice(1)], out2d, (name, v) =>
    name === "pads" ? [0, v[0], 0, v[1]] : [1, ...v],
  );
  lower2d({ ...c, n, consts }, lifted, push);
  const s = c.shapes[out2d];
  const s3 = [s[0], s[1], s[3]];
  push({ op: "Reshape", name: `${c.name}/to1d`, inputs: [out2d], output, shape: s3 }, s3);
}

/**
 * 3-D ops over (N, C, D, H, W).
 * - Conv: the depth axis is folded into the channels: (N, C*D, H, W) in, a 2-D Conv whose
 *   weight [M*D', C/g*D, kH, kW] holds W[m, c, kd] at input depth d'*stride + kd*dilation of
 *   output depth d' (zero elsewhere), (N, M*D', H', W') out; depth padding is a Pad first.
 *   Group g keeps its meaning: a group's channels stay contiguous.
 * - MaxPool / AveragePool: a box window is separable: the 2-D pool over (H, W) on
 *   (N, C*D, H, W), then a (kD x 1) pool over depth on (N, C, D, H'*W'). The average's divisor
 *   is a product of the two axes' counts (with or without pads), so two averages are one.
 */
export function lower3d(c: LowerContext, x: string, push: Push): void {
  const op = c.n.opType!;
  const a = readAttributes(
    c.n,
    c.name,
    op === "Conv"
      ? ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"]
      : [
          "auto_pad",
          "ceil_mode",
          "kernel_shape",
          "pads",
          "strides",
          "dilations",
          "storage_order",
          "count_include_pad",
        ],
  );
  const autoPad = a.string("auto_pad", "NOTSET");
  if (autoPad !== "NOTSET" && autoPad !== "VALID")
    throw unsupported(c, "auto_pad", `${autoPad} in 3-D; give explicit pads`);
  const [N, C, D, H, W] = c.shapes[x];
  const output = c.n.output![0];
  const strides = a.ints("strides", [1, 1, 1]);
  const dil = a.ints("dilations", [1, 1, 1]);
  const pads = autoPad === "VALID" ? [0, 0, 0, 0, 0, 0] : a.ints("pads", [0, 0, 0, 0, 0, 0]);
  const hw = (v: number[], name: string) =>
    name === "pads" ? [v[1], v[2], v[4], v[5]] : [v[1], v[2]];
  const reshape = (from: string, to: string, shape: number[], tag: string) =>
    push({ op: "Reshape", name: `${c.name}/${tag}`, inputs: [from], output: to, shape }, shape);

  if (op !== "Conv") {
    if (!a.has("kernel_shape")) throw unsupported(c, "kernel_shape", "required");
    const flat = `${output}__cd`;
    reshape(x, flat, [N, C * D, H, W], "fold_depth");
    const pooledHw = `${output}__hw`;
    lower2d({ ...c, n: rewrite(c.n, [flat], pooledHw, (name, v) => hw(v, name)) }, flat, push);
    const [, , H2, W2] = c.shapes[pooledHw];
    const byDepth = `${output}__d_in`;
    reshape(pooledHw, byDepth, [N, C, D, H2 * W2], "unfold_depth");
    const depthOnly = (name: string, v: number[]) =>
      name === "pads" ? [v[0], 0, v[3], 0] : [v[0], 1];
    const pooledD = `${output}__d`;
    const depth = rewrite(c.n, [byDepth], pooledD, depthOnly);
    lower2d({ ...c, n: depth }, byDepth, push);
    const D2 = c.shapes[pooledD][2];
    return reshape(pooledD, output, [N, C, D2, H2, W2], "to3d");
  }

  const ins = c.n.input ?? [];
  const w = c.consts.get(ins[1]);
  if (!w || w.shape.length !== 5) throw unsupported(c, "W", "the weights must be a 5-D constant");
  const b = ins[2] ? c.consts.get(ins[2]) : undefined;
  if (ins[2] && !b) throw unsupported(c, "B", "the bias must be constant");
  const group = a.int("group", 1);
  const [M, Cg, KD, KH, KW] = w.shape;
  if (C !== Cg * group)
    throw new ShapeError(`${c.name}: input has ${C} channels, weight expects ${Cg * group}`, {
      details: { tensor: x, node: c.name, shape: c.shapes[x] },
    });
  const Dp = D + pads[0] + pads[3];
  const D2 = Math.floor((Dp - ((KD - 1) * dil[0] + 1)) / strides[0]) + 1;
  if (D2 <= 0)
    throw new ShapeError(`${c.name}: depth window larger than the padded input`, {
      details: { tensor: x, node: c.name, shape: c.shapes[x] },
    });
  let src = x;
  if (pads[0] > 0 || pads[3] > 0) {
    src = `${output}__dpad`;
    const p = [0, 0, pads[0], 0, 0, 0, 0, pads[3], 0, 0];
    push({ op: "Pad", name: `${c.name}/pad_depth`, inputs: [x], output: src, pads: p, value: 0 }, [
      N,
      C,
      Dp,
      H,
      W,
    ]);
  }
  const flat = `${output}__cd`;
  reshape(src, flat, [N, C * Dp, H, W], "fold_depth");
  const weight: Tensor = {
    shape: [M * D2, Cg * Dp, KH, KW],
    data: new Float64Array(M * D2 * Cg * Dp * KH * KW),
  };
  const k2 = KH * KW;
  for (let m = 0; m < M; m++)
    for (let d2 = 0; d2 < D2; d2++)
      for (let cl = 0; cl < Cg; cl++)
        for (let kd = 0; kd < KD; kd++) {
          const d = d2 * strides[0] + kd * dil[0];
          const to = ((m * D2 + d2) * Cg * Dp + cl * Dp + d) * k2;
          const from = ((m * Cg + cl) * KD + kd) * k2;
          weight.data.set(w.data.subarray(from, from + k2), to);
        }
  const consts = new Map(c.consts);
  const wName = `${output}__w2d`;
  consts.set(wName, weight);
  const inputs = [flat, wName];
  if (b) {
    const bName = `${output}__b2d`;
    consts.set(bName, {
      shape: [M * D2],
      data: new Float64Array(M * D2).map((_, o) => b.data[Math.floor(o / D2)]),
    });
    inputs.push(bName);
  }
  const out2d = `${output}__2d_out`;
  const n = rewrite(c.n, inputs, out2d, (name, v) => hw(v, name));
  lower2d({ ...c, n, consts }, flat, push);
  const [, , H2, W2] = c.shapes[out2d];
  reshape(out2d, output, [N, M, D2, H2, W2], "to3d");
}
