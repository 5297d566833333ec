import { readManifest, writeManifest } from "../manifestFile.ts";
import { setupCircuit, setupRecord } from "../setup/setupCircuit.ts";
import type { SetupCircuitReturnType } from "../setup/setupCircuit.ts";
import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";
import { modelFiles } from "./modelDir.ts";

export interface SetupModelDirParameters {
  /** A folder written by `compileModel` / `zkml compile`. */
  dir: string;
  /** Default groth16. */
  system?: ProofSystem;
  /** An external prepared ptau (a public ceremony's); default: the local dev ceremony (cached). */
  ptau?: string;
  /** Groth16: a finished ceremony key to install instead of a local phase 2. */
  zkey?: string;
  onProgress?: (line: string) => void;
}

/**
 * The setup of a compiled model folder for one proof system: keys into the folder and their
 * record (hashes, trust of both phases) into its manifest. What `zkml setup`, the demo, the
 * benchmark, the gas lab and the tests run before `loadModelDir`.
 *
 * @example
 * await setupModelDir({ dir: "build/iris", system: "plonk" });
 */
export async function setupModelDir(p: SetupModelDirParameters): Promise<SetupCircuitReturnType> {
  const system = p.system ?? "groth16";
  const manifest = readManifest(p.dir);
  const s = await setupCircuit({
    r1cs: modelFiles(p.dir).r1cs,
    system,
    outDir: p.dir,
    ptau: p.ptau,
    zkey: p.zkey,
    onProgress: p.onProgress,
  });
  const record = setupRecord(s);
  manifest.setups = { ...manifest.setups, [system]: record };
  if (system === "groth16") manifest.setup = record;
  writeManifest(p.dir, manifest);
  return s;
}
