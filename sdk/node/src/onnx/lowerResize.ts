import { ShapeError } from "@zkml-verify/core/internal/errors";
import type { LowerContext } from "./lowerNode.ts";
import { unsupported } from "./lowerNode.ts";
import type { Push } from "./lowerSpatial.ts";
import { readAttributes } from "./readAttributes.ts";

/** Per axis, per output index: the input indices it reads and their weights. */
export type ResizeTaps = [index: number, weight: number][][][];

const TRANSFORMS = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"];
const NEAREST = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple"];

/**
 * Resize (opsets 10-19) and Upsample (7-9), modes nearest and linear, as a linear map: each
 * output reads one input (nearest: wiring, weight 1) or two per resized axis (linear: weights
 * 1 - t and t, multiplied across axes), so the quantized op is a `linear` op. Coordinate
 * transformations half_pixel, pytorch_half_pixel, align_corners and asymmetric (what PyTorch
 * emits), nearest modes round_prefer_floor / round_prefer_ceil / floor / ceil (and Upsample's
 * and Resize-10's floor); cubic, tf_crop_and_resize, antialias and aspect-ratio policies are
 * refused with UnsupportedOpError.
 *
 * @example
 * lowerResize(c, "x", push); // Resize(x, scales=[1, 1, 2, 2], mode "nearest") -> { op: "Resize", taps }
 */
export function lowerResize(c: LowerContext, x: string, push: Push): void {
  const { n, consts, shapes } = c;
  const op = n.opType ?? "";
  const ins = n.input ?? [];
  const xs = shapes[x];
  const legacy = op === "Upsample" || c.opset < 11;
  const a = readAttributes(
    n,
    c.name,
    legacy
      ? ["mode", "scales"]
      : [
          "mode",
          "coordinate_transformation_mode",
          "nearest_mode",
          "cubic_coeff_a",
          "exclude_outside",
          "extrapolation_value",
          "antialias",
          "axes",
          "keep_aspect_ratio_policy",
        ],
  );
  const mode = a.string("mode", "nearest");
  if (mode !== "nearest" && mode !== "linear" && mode !== "bilinear")
    throw unsupported(c, "mode", `${mode}; nearest and linear are supported`);
  const transform = legacy
    ? "asymmetric"
    : a.string("coordinate_transformation_mode", "half_pixel");
  if (!TRANSFORMS.includes(transform))
    throw unsupported(
      c,
      "coordinate_transformation_mode",
      `${transform}; ${TRANSFORMS.join(", ")}`,
    );
  const nearest = legacy ? "simple" : a.string("nearest_mode", "round_prefer_floor");
  if (!NEAREST.includes(nearest)) throw unsupported(c, "nearest_mode", nearest);
  if (a.int("antialias", 0) !== 0) throw unsupported(c, "antialias", "only 0");
  if (a.has("axes")) throw unsupported(c, "axes", "scales or sizes for every axis");
  if (a.string("keep_aspect_ratio_policy", "stretch") !== "stretch")
    throw unsupported(c, "keep_aspect_ratio_policy", "only stretch");

  // scales: attribute (Upsample-7), input 1 (Upsample-9, Resize-10) or input 2; sizes: input 3
  const constant = (i: number, what: string) => {
    const name = ins[i];
    if (!name) return null;
    const t = consts.get(name);
    if (!t) throw unsupported(c, what, "must be a constant");
    return t.data.length ? Array.from(t.data) : null;
  };
  let scales = a.has("scales") ? a.floats("scales", []) : constant(legacy ? 1 : 2, "scales");
  const sizes = legacy ? null : constant(3, "sizes");
  if (!scales && !sizes) throw unsupported(c, "scales", "scales or sizes is required");
  const out = sizes ?? xs.map((d, i) => Math.floor(d * scales![i]));
  if (sizes) scales = sizes.map((s, i) => s / xs[i]);
  if (out.length !== xs.length || out.some((d) => !(d > 0)))
    throw new ShapeError(`${op} node "${c.name}": output [${out}] for an input [${xs}]`, {
      details: { tensor: x, node: c.name, shape: xs },
    });
  const taps: ResizeTaps = xs.map((len, d) =>
    Array.from({ length: out[d] }, (_, o) => {
      const s = scales![d];
      if (len === out[d] && s === 1) return [[o, 1]];
      const orig = origin(transform, o, s, len, out[d]);
      if (mode === "nearest") {
        const i = round(nearest, orig, s);
        return [[Math.min(Math.max(i, 0), len - 1), 1]];
      }
      const at = Math.min(Math.max(orig, 0), len - 1);
      const i0 = Math.floor(at);
      const i1 = Math.min(i0 + 1, len - 1);
      const t = at - i0;
      return t === 0 || i1 === i0
        ? [[i0, 1]]
        : [
            [i0, 1 - t],
            [i1, t],
          ];
    }),
  );
  push({ op: "Resize", name: c.name, inputs: [x], output: n.output![0], taps }, out);
}

/** The input coordinate of output index o (ONNX's coordinate_transformation_mode). */
function origin(transform: string, o: number, scale: number, len: number, out: number): number {
  switch (transform) {
    case "half_pixel":
      return (o + 0.5) / scale - 0.5;
    case "pytorch_half_pixel":
      return out > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case "align_corners":
      return out === 1 ? 0 : (o * (len - 1)) / (out - 1);
    default:
      return o / scale;
  }
}

/** The nearest input index (ONNX's nearest_mode; `simple`: Upsample / Resize-10). */
function round(mode: string, x: number, scale: number): number {
  switch (mode) {
    case "round_prefer_floor":
      return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x);
    case "round_prefer_ceil":
      return Math.floor(x + 0.5);
    case "floor":
      return Math.floor(x);
    case "ceil":
      return Math.ceil(x);
    default:
      return scale < 1 ? Math.ceil(x) : Math.floor(x);
  }
}
