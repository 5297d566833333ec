import { ShapeError } from "@zkml-verify/core/internal/errors";
import type { LowerContext } from "./lowerNode.ts";
import { unsupported } from "./lowerNode.ts";
import type { Push } from "./lowerSpatial.ts";
import { readAttributes } from "./readAttributes.ts";

/** Spatial ranks of ConvTranspose: 1-D (N, C, L), 2-D (NCHW), 3-D (N, C, D, H, W). */
const SPATIAL_RANKS = [1, 2, 3];

/**
 * ConvTranspose over 1, 2 or 3 spatial axes (strides, pads, output_padding, dilations, groups,
 * auto_pad, output_shape): one linear IR node (linearTerms gathers each output's kernel terms),
 * free with fixed weights apart from the rescale.
 *
 * @example
 * lowerConvTranspose(c, "x", push); // { op: "ConvTranspose", strides: [2], pads: [1, 0], ... }
 */
export function lowerConvTranspose(c: LowerContext, x: string, push: Push): void {
  const { n, consts, shapes } = c;
  const ins = n.input ?? [];
  const output = n.output![0];
  const xs = shapes[x];
  const a = readAttributes(n, c.name, [
    "auto_pad",
    "dilations",
    "group",
    "kernel_shape",
    "output_padding",
    "output_shape",
    "pads",
    "strides",
  ]);
  const w = consts.get(ins[1]);
  if (!w) throw unsupported(c, "W", "the weights must be constant");
  const r = xs.length - 2;
  if (!SPATIAL_RANKS.includes(r) || w.shape.length !== xs.length)
    throw unsupported(
      c,
      undefined,
      `input [${xs}] and weight [${w.shape}]: 1-D, 2-D or 3-D transposed convolution (N, C, ...spatial)`,
    );
  const b = ins[2] ? consts.get(ins[2]) : undefined;
  if (ins[2] && !b) throw unsupported(c, "B", "the bias must be constant");
  const group = a.int("group", 1);
  if (xs[1] !== w.shape[0])
    throw new ShapeError(`${c.name}: input has ${xs[1]} channels, weight expects ${w.shape[0]}`, {
      details: { tensor: x, node: c.name, shape: xs },
    });
  const axes = Array.from({ length: r }, (_, i) => i);
  const ones = axes.map(() => 1);
  const strides = a.ints("strides", ones);
  const dilations = a.ints("dilations", ones);
  const outPad = a.ints(
    "output_padding",
    ones.map(() => 0),
  );
  const full = axes.map(
    (i) => strides[i] * (xs[2 + i] - 1) + outPad[i] + (w.shape[2 + i] - 1) * dilations[i] + 1,
  );
  let pads = a.ints(
    "pads",
    [...ones, ...ones].map(() => 0),
  );
  const autoPad = a.string("auto_pad", "NOTSET");
  const target = a.has("output_shape")
    ? a.ints("output_shape", []).slice(-r)
    : autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER"
      ? axes.map((i) => xs[2 + i] * strides[i])
      : null;
  if (target) {
    // the total padding that gives the target size, split as the ONNX spec says (SAME_UPPER:
    // the odd one at the end; otherwise at the start)
    const total = axes.map((i) => full[i] - target[i]);
    if (total.some((t) => t < 0))
      throw unsupported(c, "output_shape", `[${target}] is larger than the full output`);
    const lo = total.map((t) =>
      autoPad === "SAME_UPPER" ? Math.floor(t / 2) : t - Math.floor(t / 2),
    );
    pads = [...lo, ...total.map((t, i) => t - lo[i])];
  } else if (autoPad !== "NOTSET" && autoPad !== "VALID") throw unsupported(c, "auto_pad", autoPad);
  const out = axes.map((i) => full[i] - pads[i] - pads[i + r]);
  if (out.some((o) => o <= 0))
    throw new ShapeError(`${c.name}: pads [${pads}] crop the whole output`, {
      details: { tensor: x, node: c.name, shape: xs },
    });
  push(
    {
      op: "ConvTranspose",
      name: c.name,
      inputs: [x],
      output,
      weight: w,
      bias: b ?? null,
      strides,
      pads,
      dilations,
      group,
    },
    [xs[0], w.shape[1] * group, ...out],
  );
}
