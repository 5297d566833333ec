import type { Manifest } from "@zkml-verify/core/internal/manifest";
import { ZkmlError } from "@zkml-verify/core/internal/errors";
import type { QuantizedModel } from "@zkml-verify/core/internal/quantize/types";
import { importOnnx } from "../onnx/importOnnx.ts";
import { rebindWeights } from "../quantize/rebindWeights.ts";

/**
 * `--weights-from <model.onnx>`: another weight set of a model compiled with private weights
 * (same architecture and scales), which the same circuit proves under its own commitment.
 * Its own module (it imports the ONNX parser): `zkml prove` and `verify` load it only for
 * `--weights-from`.
 *
 * @example
 * const tuned = weightsFrom({ manifest, model: model.quantized, file: "tuned.onnx" });
 * await model.prove({ input, weights: tuned });
 */
export function weightsFrom(p: {
  manifest: Manifest;
  model: QuantizedModel;
  file: string;
}): QuantizedModel {
  if (p.manifest.visibility.weights !== "private") {
    throw new ZkmlError("--weights-from needs a model compiled with --weights private", {
      details: { file: p.file, weights: p.manifest.visibility.weights },
    });
  }
  return rebindWeights({ model: p.model, ir: importOnnx({ file: p.file }) });
}
