import type { SignalLayout } from "./layout/publicSignals.ts";

/**
 * manifest.json in every compiled model folder: the contract between pipeline stages and the
 * audit trail (what was built from what). Hashes are hex sha256 of the files' bytes.
 */
export interface Manifest {
  schema: 1;
  model: { file: string; sha256: string; opset: number; producer: string };
  quantization: {
    mode: "accuracy" | "resources";
    /**
     * The graph inputs in order (name, shape): the circuit's input vector (`in`, the input
     * commitment, the public input signals) is their concatenation, each flattened row-major.
     */
    inputs: { name: string; shape: number[] }[];
    /** The graph outputs in order: the proven output vector (`out`) is their concatenation. */
    outputs: { name: string; shape: number[] }[];
    inputFrac: number;
    /** Signed bits the quantized input must fit (checked by quantizeInput). */
    inputBits: number;
    outputFrac: number;
    /** What the circuit outputs: the logits, or the argmax index. */
    outputKind: "logits" | "argmax";
    /** The quantized ops (kinds: linear, layout, mul, max, argmax, clip, leaky, piecewise, range). */
    layers: {
      name: string;
      kind: string;
      weightFrac: number | null;
      shift: number | null;
      quotientBits: number | null;
      relu: boolean;
    }[];
    droppedSoftmax: boolean;
    /** How the scales were chosen: enough to rebuild the quantized model from the ONNX file. */
    build?: QuantizationBuild;
  };
  visibility: {
    weights: "fixed" | "private";
    input: "public" | "private" | "hashed";
    output: "public" | "hashed";
    /** `bound`: the last public signal is the address that must submit the proof (absent: none). */
    submitter?: "none" | "bound";
  };
  /** Decimal string of the Poseidon weight commitment (sdk/core/src/quantize/weightCommitment.ts). */
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
  /** The Groth16 setup the registry flow (prove, deploy, submit) uses. */
  setup?: SetupRecord;
  /** Every setup made for this model (`zkml setup --system ...`), by proof system. */
  setups?: Partial<Record<SetupRecord["system"], SetupRecord>>;
  tools: Record<string, string>;
}

/** The quantizer's options and calibration rows, as `compileModel` used them. */
export interface QuantizationBuild {
  options: {
    mode?: "accuracy" | "resources";
    activationFrac?: number;
    weightFrac?: number;
    headroomBits?: number;
    output?: "logits" | "argmax";
    inputShapes?: Record<string, number[]>;
  };
  /** `default`: 64 seeded rows (mulberry32 seed 1, uniform in [0, 1]); `file`: the rows given, saved in the model folder. */
  calibration: { source: "default" | "file"; rows: number; sha256: string; file?: string };
}

/** One trusted setup: where its ptau came from and the hashes of what it produced. */
export interface SetupRecord {
  system: "groth16" | "plonk" | "fflonk";
  /** The ptau used (power = points it holds; neededPower = what this system needs here). */
  ptau: { sha256: string; power: number; neededPower?: number; file?: string };
  zkeySha256: string;
  verificationKeySha256: string;
  /** sha256 of the exported Solidity verifier (Verifier.<system>.sol), when exported. */
  verifierSha256?: string;
  /**
   * Development only: the ptau or (Groth16) phase 2 is single-party, so one party could forge
   * proofs (`trust.devOnly`). Manifests written before `trust` existed set it from the ptau
   * alone, and their Groth16 phase 2 was always one local contribution.
   */
  singleParty: boolean;
  /** Groth16 phase-2 contributions recorded in the zkey. */
  phase2Contributions?: number;
  /** The trust of both phases, as read from the ptau and the zkey at setup. */
  trust?: SetupTrust;
}

/** Who could forge proofs with a setup: anyone who knew a single-party phase's secrets. */
export interface SetupTrust {
  /** Phase 1. local: zkml's single-party dev ceremony; external: the file given with --ptau. */
  ptau: {
    source: "local" | "external";
    sha256: string;
    contributions: number;
    lastContribution?: string;
    /** One contribution, or the local dev ceremony's: one party knew tau. */
    singleParty: boolean;
  };
  /** Groth16 phase 2, read from the zkey; null for PLONK / FFLONK (universal, no phase 2). */
  phase2: {
    contributions: number;
    /** Contribution names, oldest first ("" when unnamed), beacons included. */
    names: string[];
    /** The last contribution is a public random beacon. */
    beacon: boolean;
    /** Made by `zkml setup` on this machine (one local dev contribution). */
    local: boolean;
    /** Fewer than two non-beacon contributions: one party could know delta. */
    singleParty: boolean;
  } | null;
  /** Either phase is single-party: `deploy` / `register` refuse it off dev chains. */
  devOnly: boolean;
}

/** The manifest's file name in a compiled model folder. */
export const MANIFEST_FILE = "manifest.json";
