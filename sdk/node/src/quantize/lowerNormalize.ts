import type { NormalizeNode } from "../onnx/ir.ts";
import { numel } from "../onnx/ir.ts";
import { linearTerms, reduceGroups } from "../onnx/linearTerms.ts";
import type { LinearTerms } from "../onnx/linearTerms.ts";
import type { QuantizedOp, QTensor } from "@zkml-verify/core/internal/quantize/types";

/**
 * Extra fractional bits of the inverse standard deviation over the activations' (its relative
 * error is at most 2^-(frac + RSQRT_EXTRA_FRAC) / r).
 */
export const RSQRT_EXTRA_FRAC = 8;

/** What the Normalize lowering needs from lowerToQuantized's state. */
export interface NormalizeLowering {
  tensors: QTensor[];
  ops: QuantizedOp[];
  addTensor: (name: string, shape: number[], frac: number, bounded: boolean) => number;
  boundedId: (id: number, by: string) => number;
  linear: (
    name: string,
    inputs: number[],
    t: LinearTerms,
    outName: string,
    outShape: number[],
  ) => number;
}

/**
 * Normalize (LayerNorm / InstanceNorm) as integer ops, x at scale 2^f:
 *   mean = linear(ReduceMean x)                      (rescaled to 2^f)
 *   d    = linear(x - mean)                          (exact, 2^f)
 *   ss   = dot(d, d) over each group                 (exact, 2^2f: no rounding)
 *   v    = linear(ss / N + epsilon)                  (2^2f, so epsilon >= 2^-2f survives)
 *   r    = rsqrt(v) = floor(2^(fr + f) / sqrt(v))    (1 / sqrt(var + eps) at 2^fr, fr = f + 8)
 *   y    = mul(d, r)                                 (rescaled by 2^fr to 2^f)
 * One rsqrt per group, one product and two rescales per element.
 *
 * @example
 * lowerNormalize(state, node, inputId, shape);
 */
export function lowerNormalize(
  s: NormalizeLowering,
  node: NormalizeNode,
  id: number,
  xs: number[],
): void {
  const f = s.tensors[id].frac;
  const keep = xs.map((d, i) => (node.axes.includes(i) ? 1 : d));
  const groups = reduceGroups(xs, node.axes);
  const size = groups[0].length;
  const nm = (what: string) => `${node.output}__${what}`;
  const base = { name: node.name, output: "" };
  const mean = s.linear(
    `${node.name}/mean`,
    [id],
    linearTerms(
      { ...base, op: "ReduceMean", inputs: [node.inputs[0]], axes: node.axes, keepdims: true },
      [xs],
      keep,
    ),
    nm("mean"),
    keep,
  );
  const d = s.boundedId(
    s.linear(
      `${node.name}/center`,
      [id, mean],
      linearTerms({ ...base, op: "Sub", inputs: [node.inputs[0], nm("mean")] }, [xs, keep], xs),
      nm("centered"),
      xs,
    ),
    node.name,
  );
  const flat = groups.flat();
  const ss = s.addTensor(nm("sumsq"), keep, 2 * f, true);
  s.ops.push({
    kind: "dot",
    name: `${node.name}/sumsq`,
    inputs: [d, d],
    output: ss,
    terms: size,
    aIndex: flat,
    bIndex: flat,
    shift: 0,
    quotientBits: 250,
  });
  const v = s.linear(
    `${node.name}/variance`,
    [ss],
    linearTerms(
      {
        ...base,
        op: "Affine",
        inputs: [nm("sumsq")],
        scale: { shape: [], data: Float64Array.of(1 / size) },
        bias: { shape: [], data: Float64Array.of(node.epsilon) },
      },
      [keep],
      keep,
    ),
    nm("variance"),
    keep,
  );
  const fr = f + RSQRT_EXTRA_FRAC;
  const r = s.addTensor(nm("rsqrt"), keep, fr, true);
  const vb = s.boundedId(v, node.name);
  s.ops.push({
    kind: "rsqrt",
    name: `${node.name}/rsqrt`,
    inputs: [vb],
    output: r,
    shift: fr + f,
    quotientBits: 250,
    bits: 0,
  });
  const groupOf = new Array<number>(numel(xs));
  groups.forEach((g, k) => g.forEach((j) => (groupOf[j] = k)));
  const out = s.addTensor(node.output, xs, f, true);
  s.ops.push({
    kind: "mul",
    name: `${node.name}/scale`,
    inputs: [d, r],
    output: out,
    aIndex: groupOf.map((_, i) => i),
    bIndex: groupOf,
    shift: fr,
    quotientBits: 250 - fr,
  });
}
