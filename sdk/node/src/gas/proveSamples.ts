import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { VerificationKey } from "snarkjs";
import { InputError } from "@zkml-verify/core/internal/errors";
import type { Manifest } from "@zkml-verify/core/internal/manifest";
import { CALIBRATION_FILE, defaultCalibration } from "../circuit/compileModel.ts";
import { readManifest } from "../manifestFile.ts";
import { loadModelDir } from "../model/loadModelDir.ts";
import { setupModelDir } from "../model/setupModelDir.ts";
import type { ModelIR } from "../onnx/ir.ts";
import { artifactNames } from "../setup/artifactNames.ts";

export type GasProofSystem = "groth16" | "plonk" | "fflonk";

/** One proof, as the registry takes it. */
export interface GasProof {
  /** ABI-encoded proof (`IProofVerifier.verify` format). */
  proofBytes: `0x${string}`;
  publicSignals: bigint[];
}

export interface ProveSamplesParameters {
  /** A compiled model folder (manifest.json, model.r1cs, model_js/model.wasm). */
  dir: string;
  system: GasProofSystem;
  /** How many proofs of DISTINCT statements to make. */
  count: number;
  /** Float input rows; default: the rows the model was calibrated on (recorded at compile). */
  inputs?: number[][];
  /** For a model compiled with `submitter: "bound"`: the account that will submit. */
  submitter?: string;
  onProgress?: (line: string) => void;
}

export interface ProveSamplesReturnType {
  system: GasProofSystem;
  proofs: GasProof[];
  /** Key files in `dir` (the setup is cached by content hash). */
  zkey: string;
  zkeySha256: string;
  verificationKey: VerificationKey;
  verificationKeySha256: string;
  nPublic: number;
}

/**
 * Proves `count` distinct inputs of a compiled model through `loadModelDir` (setting the proof
 * system up first, cached, when the folder has no key for it): the raw material of the gas lab
 * and of the batch verifier tests.
 *
 * @example
 * const { proofs } = await proveSamples({ dir: "build/iris-mlp", system: "groth16", count: 8 });
 */
export async function proveSamples(p: ProveSamplesParameters): Promise<ProveSamplesReturnType> {
  const manifest = readManifest(p.dir);
  const nPublic = manifest.publicSignals.layout.nPublic;
  const rows = distinctRows(p.inputs ?? recordedCalibrationRows(p.dir, manifest));
  if (rows.length < p.count) {
    throw new InputError(
      `need ${p.count} distinct input rows for ${p.count} proofs, have ${rows.length} (${p.inputs ? "given" : "recorded at calibration"}): pass more rows or prove fewer`,
      {
        details: { input: p.inputs ? "inputs" : join(p.dir, CALIBRATION_FILE), value: rows.length },
      },
    );
  }
  const recorded =
    manifest.setups?.[p.system] ?? (p.system === "groth16" ? manifest.setup : undefined);
  if (!recorded || !existsSync(join(p.dir, artifactNames(p.system).zkey)))
    await setupModelDir({ dir: p.dir, system: p.system, onProgress: p.onProgress });
  const model = await loadModelDir({ dir: p.dir, system: p.system });
  const proofs: GasProof[] = [];
  for (const [i, row] of rows.slice(0, p.count).entries()) {
    p.onProgress?.(`${p.system}: proof ${i + 1} of ${p.count}`);
    const r = await model.prove({ input: row, submitter: p.submitter });
    proofs.push({ proofBytes: r.proofBytes, publicSignals: r.publicSignals });
  }
  const record = model.manifest.setups?.[p.system] ?? model.manifest.setup!;
  const names = artifactNames(p.system);
  const verificationKeyFile = join(p.dir, names.verificationKey);
  return {
    system: p.system,
    proofs,
    zkey: join(p.dir, names.zkey),
    zkeySha256: record.zkeySha256,
    verificationKey: JSON.parse(readFileSync(verificationKeyFile, "utf8")) as VerificationKey,
    verificationKeySha256: record.verificationKeySha256,
    nPublic,
  };
}

/**
 * The rows the model was calibrated on: the calibration file compile saved in the folder, or
 * the seeded default rows it drew when given none (any compiled model, not only Iris).
 */
function recordedCalibrationRows(dir: string, manifest: Manifest): number[][] {
  const file = join(dir, CALIBRATION_FILE);
  if (manifest.quantization.build?.calibration.source === "file" && existsSync(file))
    return JSON.parse(readFileSync(file, "utf8")) as number[][];
  const ir = JSON.parse(readFileSync(join(dir, "ir.json"), "utf8")) as ModelIR;
  return defaultCalibration(ir);
}

/** Rows with distinct values, in order (the Iris data set repeats a few rows). */
function distinctRows(rows: number[][]): number[][] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = r.join(",");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
