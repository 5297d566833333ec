import { isDeepStrictEqual } from "node:util";
import type { Manifest } from "@zkml-verify/core/internal/manifest";
import { rebuildModel } from "./rebuildModel.ts";
import type { RebuildModelReturnType } from "./rebuildModel.ts";
import type { Check } from "./verifyManifest.ts";

/** The checks `checkRebuild` reports, in order. */
export const REBUILD_CHECKS = [
  "calibration data",
  "quantized model rebuilt from the ONNX",
  "weight commitment rebuilt from the ONNX",
  "circuit rebuilt from the ONNX",
] as const;

/**
 * The model-to-circuit half of `zkml manifest verify`: repeats the build from the ONNX file
 * (`rebuildModel`) and checks the calibration hash, that the re-quantized model equals
 * quantized.json, and that the weight commitment and the generated circuit source equal the
 * manifest's (circom is deterministic, so the same source gives the r1cs checked by hash).
 * One skipped check when the manifest has no build record or the ONNX file is not found.
 *
 * @example
 * await checkRebuild({ m: readManifest(dir), dir, modelFile, quantizedText, check });
 */
export async function checkRebuild(p: {
  m: Manifest;
  dir: string;
  /** The ONNX file found for the manifest (its hash is checked separately). */
  modelFile: string | undefined;
  /** quantized.json as found in the folder. */
  quantizedText: string | undefined;
  check: Check;
}): Promise<void> {
  const { m, check } = p;
  const build = m.quantization.build;
  if (!build)
    return check("rebuilt from the ONNX model", () => [
      null,
      "manifest.quantization.build is absent (compiled before the build options and calibration were recorded): recompile to make the ONNX-to-circuit chain checkable",
    ]);
  if (!p.modelFile)
    return check("rebuilt from the ONNX model", () => [
      null,
      `${m.model.file} not found: pass --model <file>`,
    ]);
  let r: RebuildModelReturnType | undefined;
  let error = "";
  try {
    r = rebuildModel({ manifest: m, dir: p.dir, model: p.modelFile });
  } catch (e) {
    error = `rebuild failed: ${(e as Error).message.split("\n")[0]}`;
  }
  const [calibration, quantized, commitment, circuit] = REBUILD_CHECKS;
  await check(calibration, () => {
    if (!r) return [false, error];
    const what = `${build.calibration.source === "file" ? build.calibration.file : "default (64 seeded rows)"}, ${build.calibration.rows} rows`;
    return r.calibrationSha256 === build.calibration.sha256
      ? [true, `${what}, sha256 ${build.calibration.sha256.slice(0, 16)}…`]
      : [false, `${what}: sha256 ${r.calibrationSha256} != manifest ${build.calibration.sha256}`];
  });
  await check(quantized, () => {
    if (!r) return [false, error];
    if (p.quantizedText === undefined) return [null, "quantized.json not found"];
    return isDeepStrictEqual(JSON.parse(r.quantizedJson), JSON.parse(p.quantizedText))
      ? [true, `same ${r.quantized.layers.length} layers, scales and weights as quantized.json`]
      : [false, "re-quantizing the ONNX model does not give quantized.json"];
  });
  await check(commitment, () => {
    if (!r) return [false, error];
    const got = r.weightCommitment.toString();
    return got === m.weightCommitment
      ? [true, `${m.visibility.weights} weights: ${got}`]
      : [false, `${got} != manifest ${m.weightCommitment}`];
  });
  await check(circuit, () => {
    if (!r) return [false, error];
    return r.sourceSha256 === m.circuit.circomSha256
      ? [true, `same circom source (sha256 ${r.sourceSha256.slice(0, 16)}…)`]
      : [false, `rebuilt source sha256 ${r.sourceSha256} != manifest ${m.circuit.circomSha256}`];
  });
}
