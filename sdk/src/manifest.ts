import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SignalLayout } from "./circuit/publicSignals.ts";
import { ZkmlError } from "./errors.ts";

/**
 * manifest.json in every compiled model folder: the contract between pipeline stages and the
 * audit trail (what was built from what). Hashes are hex sha256 of the files' bytes.
 */
export interface Manifest {
  schema: 1;
  model: { file: string; sha256: string; opset: number; producer: string };
  quantization: {
    inputFrac: number;
    outputFrac: number;
    layers: {
      name: string;
      weightFrac: number;
      shift: number | null;
      quotientBits: number | null;
      relu: boolean;
    }[];
    droppedSoftmax: boolean;
  };
  visibility: { weights: "fixed"; input: "public" | "private"; output: "public" };
  /** Decimal string of the Poseidon weight commitment (sdk/src/quantize/weightCommitment.ts). */
  weightCommitment: string;
  publicSignals: { layout: SignalLayout; names: string[] };
  circuit: {
    circomSha256: string;
    configSha256: string;
    r1csSha256: string;
    wasmSha256: string;
    constraints: number;
    wires: number;
  };
  setup?: {
    system: "groth16";
    ptau: { sha256: string; power: number };
    zkeySha256: string;
    verificationKeySha256: string;
    /** A single-party ceremony is for development only: its contributor could forge proofs. */
    singleParty: boolean;
  };
  tools: Record<string, string>;
}

export const MANIFEST_FILE = "manifest.json";

export function writeManifest(dir: string, m: Manifest): void {
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(m, null, 2) + "\n");
}

export function readManifest(dir: string): Manifest {
  const file = join(dir, MANIFEST_FILE);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Manifest;
  } catch (cause) {
    throw new ZkmlError(`cannot read ${file}; compile the model first (zkml compile)`, {
      details: { file },
      cause,
    });
  }
}
