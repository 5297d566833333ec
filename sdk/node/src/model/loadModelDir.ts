import { readFileSync } from "node:fs";
import { loadModel } from "@zkml-verify/core/internal/model/loadModel";
import type { LoadedModel } from "@zkml-verify/core/internal/model/loadModel";
import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";
import { KeyMismatchError } from "@zkml-verify/core/internal/errors";
import { readManifest } from "../manifestFile.ts";
import { sha256Hex } from "../util/sha256File.ts";
import { modelFiles, modelKeys } from "./modelDir.ts";

export interface LoadModelDirParameters {
  /** A folder written by `zkml compile` and `zkml setup`. */
  dir: string;
  /** Default groth16. */
  system?: ProofSystem;
  /** `LoadModelParameters.precomputeBases`: for a model that proves many times. */
  precomputeBases?: boolean;
}

/**
 * `loadModel` over a compiled model folder: the keys are checked against the manifest first
 * (`MissingKeyError` names a missing key and any deployed verifier; `KeyMismatchError` a key
 * that is not the manifest's; `UntrustedKeyError` a forgeable Groth16 key), then the artifacts
 * are read once and proved with as many times as needed.
 *
 * @example
 * const model = await loadModelDir({ dir: "build/iris" });
 * const { proofBytes, publicSignals, outputs } = await model.prove({ input: [5.1, 3.5, 1.4, 0.2] });
 */
export async function loadModelDir(p: LoadModelDirParameters): Promise<LoadedModel> {
  const system = p.system ?? "groth16";
  const files = modelFiles(p.dir);
  const manifest = readManifest(p.dir);
  const keys = modelKeys(p.dir, manifest, system);
  const wasm = readFileSync(files.wasm);
  const actual = sha256Hex(wasm);
  if (actual !== manifest.circuit.wasmSha256) {
    throw new KeyMismatchError(
      `${files.wasm} is not the witness generator the manifest records: sha256 ${actual}, expected ${manifest.circuit.wasmSha256} (re-run zkml compile)`,
      {
        details: {
          file: files.wasm,
          expected: manifest.circuit.wasmSha256,
          actual,
          manifest: files.manifest,
        },
      },
    );
  }
  return loadModel({
    system,
    artifacts: {
      manifest,
      quantized: readFileSync(files.quantized),
      wasm,
      zkey: keys.zkeyBytes,
      verificationKey: readFileSync(keys.verificationKeyFile),
    },
    // modelKeys and the lines above have checked every file's sha256 against the manifest
    checkHashes: false,
    precomputeBases: p.precomputeBases,
  });
}
