import type { Manifest } from "@zkml-verify/core/internal/manifest";
import { argmax, fromField, fromFixed } from "@zkml-verify/core/internal/quantize/fixedPoint";
import type { DecodedOutputs } from "./types.ts";

/**
 * Reads a prediction's output signals as its manifest defines them: logits at scale
 * 2^outputFrac (dequantized, and their argmax as the predicted class), the class index of an
 * argmax circuit, or, for hashed outputs, nothing but the commitment (`raw` holds it).
 *
 * @example
 * const d = decodeOutputs({ manifest, outputs: event.outputs });
 * console.log(d.predictedClass, d.values); // 2 [-10.53, -5.73, 16.28]
 */
export function decodeOutputs(p: {
  manifest: Manifest;
  outputs: readonly bigint[];
}): DecodedOutputs {
  const { outputFrac, outputKind } = p.manifest.quantization;
  if (p.manifest.visibility.output === "hashed") {
    return { kind: "hashed", outputFrac, raw: [...p.outputs], values: [], predictedClass: null };
  }
  const raw = p.outputs.map(fromField);
  if (outputKind === "argmax") {
    const index = Number(raw[0]);
    return { kind: "argmax", outputFrac, raw, values: [index], predictedClass: index };
  }
  return {
    kind: "logits",
    outputFrac,
    raw,
    values: raw.map((v) => fromFixed(v, outputFrac)),
    predictedClass: raw.length ? argmax(raw) : null,
  };
}
