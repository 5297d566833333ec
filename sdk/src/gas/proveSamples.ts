import { join } from "node:path";
import type { VerificationKey } from "snarkjs";
import { readManifest } from "../manifest.ts";
import { InputError } from "../errors.ts";
import { loadIris } from "../data/iris.ts";
import { toFixed } from "../quantize/fixedPoint.ts";
import { prove } from "../prove/prove.ts";
import { proveGroth16 } from "../prove/proveGroth16.ts";
import { setupCircuit } from "../setup/setupCircuit.ts";
import { setupGroth16 } from "../setup/setupGroth16.ts";
import { sha256File } from "../util/sha256File.ts";

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
  /** Float input rows; default: the Iris rows when the model takes 4 inputs. */
  inputs?: number[][];
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
 * Sets up the proof system for a compiled model (cached) and proves `count` distinct inputs:
 * the raw material of the gas lab and of the batch verifier tests.
 *
 * @example
 * const { proofs } = await proveSamples({ dir: "build/iris-mlp", system: "groth16", count: 8 });
 */
export async function proveSamples(p: ProveSamplesParameters): Promise<ProveSamplesReturnType> {
  const manifest = readManifest(p.dir);
  const nPublic = manifest.publicSignals.layout.nPublic;
  const rows = distinctRows(p.inputs ?? defaultInputs(p.dir, manifest.model.file));
  if (rows.length < p.count) {
    throw new InputError(`need ${p.count} distinct input rows, have ${rows.length}`, {
      details: { input: p.dir, value: rows.length },
    });
  }
  const wasm = join(p.dir, "model_js", "model.wasm");
  const frac = manifest.quantization.inputFrac;
  if (p.system !== "groth16") return proveWithSystem(p, rows, nPublic, frac);
  const setup = await setupGroth16({
    r1cs: join(p.dir, "model.r1cs"),
    constraints: manifest.circuit.constraints,
    nPublic,
    outDir: p.dir,
    onProgress: p.onProgress,
  });
  const proofs: GasProof[] = [];
  for (const row of rows.slice(0, p.count)) {
    const input = row.map((x) => toFixed(x, frac));
    const r = await proveGroth16({ wasm, zkey: setup.zkey, input });
    proofs.push({ proofBytes: r.proofBytes, publicSignals: r.publicSignals });
  }
  return {
    system: "groth16",
    proofs,
    zkey: setup.zkey,
    zkeySha256: setup.zkeySha256,
    verificationKey: setup.verificationKey,
    verificationKeySha256: sha256File(setup.verificationKeyFile),
    nPublic,
  };
}

/** PLONK / FFLONK through the SDK's generic `setupCircuit` / `prove` (cached setup). */
async function proveWithSystem(
  p: ProveSamplesParameters,
  rows: number[][],
  nPublic: number,
  frac: number,
): Promise<ProveSamplesReturnType> {
  const setup = await setupCircuit({
    r1cs: join(p.dir, "model.r1cs"),
    system: p.system,
    outDir: p.dir,
    onProgress: p.onProgress,
  });
  const proofs: GasProof[] = [];
  for (const row of rows.slice(0, p.count)) {
    const r = await prove({
      system: p.system,
      wasm: join(p.dir, "model_js", "model.wasm"),
      zkey: setup.zkey,
      input: row.map((x) => toFixed(x, frac)),
    });
    proofs.push({ proofBytes: r.proofBytes, publicSignals: r.publicSignals });
  }
  return {
    system: p.system,
    proofs,
    zkey: setup.zkey,
    zkeySha256: setup.zkeySha256,
    verificationKey: setup.verificationKey,
    verificationKeySha256: setup.verificationKeySha256,
    nPublic,
  };
}

function defaultInputs(dir: string, modelFile: string): number[][] {
  if (modelFile.startsWith("iris")) return loadIris().features;
  throw new InputError(`pass input rows for ${dir} (only the Iris model has default inputs)`, {
    details: { input: dir },
  });
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
