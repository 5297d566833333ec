import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CALIBRATION_FILE, defaultCalibration, serializeBuild } from "../circuit/compileModel.ts";
import { generateModelCircuit } from "../circuit/generateCircuit.ts";
import { InputError } from "@zkml-verify/core/internal/errors";
import type { Manifest } from "@zkml-verify/core/internal/manifest";
import { importOnnx } from "../onnx/importOnnx.ts";
import { quantizeModel } from "../quantize/quantizeModel.ts";
import type { QuantizedModel } from "@zkml-verify/core/internal/quantize/types";

export interface RebuildModelParameters {
  /** The manifest of the compiled model folder (its visibility and quantization.build). */
  manifest: Manifest;
  /** The compiled model folder (holds calibration.json when the calibration was given). */
  dir: string;
  /** The ONNX file to rebuild from; omit with `quantized` to rebuild only the circuit. */
  model?: string;
  /** Start from this quantized model instead of the ONNX file (import + quantize skipped). */
  quantized?: QuantizedModel;
}

export interface RebuildModelReturnType {
  quantized: QuantizedModel;
  /** The quantized model serialized as compileModel writes quantized.json. */
  quantizedJson: string;
  /** sha256 of the calibration rows as JSON (null when starting from `quantized`). */
  calibrationSha256: string | null;
  weightCommitment: bigint;
  /** The generated main circuit's source and its sha256 (circom is deterministic: same source, same r1cs). */
  source: string;
  sourceSha256: string;
  configSha256: string;
}

/**
 * Repeats `compileModel`'s build without circom: ONNX import, quantization with the recorded
 * options and calibration (manifest.quantization.build), the weight commitment and the
 * circuit generation for the recorded visibility. It shares compileModel's last step
 * (`generateModelCircuit`) and serialization (`serializeBuild`). Throws InputError when the manifest has no build
 * record (compiled before it was kept) or the saved calibration file is missing.
 *
 * @example
 * const r = rebuildModel({ manifest: readManifest(dir), dir, model: "models/iris-mlp.onnx" });
 * console.log(r.sourceSha256 === manifest.circuit.circomSha256);
 */
export function rebuildModel(p: RebuildModelParameters): RebuildModelReturnType {
  const m = p.manifest;
  let quantized = p.quantized;
  let calibrationSha256: string | null = null;
  if (!quantized) {
    const build = m.quantization.build;
    if (!build)
      throw new InputError(
        "the manifest records no quantization build (compiled by an older version)",
        {
          details: { input: p.dir },
        },
      );
    if (!p.model)
      throw new InputError("rebuilding from the ONNX model needs its file", {
        details: { input: p.dir },
      });
    const ir = importOnnx({ file: p.model, inputShapes: build.options.inputShapes });
    let calibration: number[][];
    let calibrationJson: string;
    if (build.calibration.source === "file") {
      const file = join(p.dir, build.calibration.file ?? CALIBRATION_FILE);
      if (!existsSync(file))
        throw new InputError(`${file} (the calibration rows) is missing`, {
          details: { input: file },
        });
      calibrationJson = readFileSync(file, "utf8");
      calibration = JSON.parse(calibrationJson) as number[][];
    } else {
      calibration = defaultCalibration(ir);
      calibrationJson = JSON.stringify(calibration);
    }
    calibrationSha256 = createHash("sha256").update(calibrationJson).digest("hex");
    const { activationFrac, weightFrac, headroomBits, mode, output } = build.options;
    quantized = quantizeModel({
      ir,
      calibration,
      activationFrac,
      weightFrac,
      headroomBits,
      mode,
      output,
    });
  }
  const { weightCommitment, circuit: gen } = generateModelCircuit({
    model: quantized,
    weights: m.visibility.weights,
    input: m.visibility.input,
    output: m.visibility.output,
    submitter: m.visibility.submitter,
  });
  return {
    quantized,
    quantizedJson: serializeBuild(quantized),
    calibrationSha256,
    weightCommitment,
    source: gen.source,
    sourceSha256: createHash("sha256").update(gen.source).digest("hex"),
    configSha256: gen.configSha256,
  };
}
