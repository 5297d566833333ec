// Messages between the page (main.ts) and the prover worker (prover.worker.ts). Only the worker
// sees the model input; the page receives the proof, the public signals and the outputs they state.
import type { Manifest, ProofSystem } from "@zkml-verify/core";

export type Stage = "loading artifacts" | "witness" | "proof" | "verifying off-chain" | "done";

export type ToWorker =
  | { type: "load"; artifacts: string; system: ProofSystem }
  | { type: "prove"; input: number[]; submitter: string };

export interface ModelInfo {
  nInputs: number;
  inputName: string;
  nOutputs: number;
  outputFrac: number;
  outputKind: "logits" | "argmax";
  visibility: Manifest["visibility"];
  constraints: number;
  publicSignalNames: string[];
  /** Calibrated input range (floats): quantizeInput refuses values outside inputBits. */
  maxAbsInput: number;
}

export interface ProofResult {
  proofBytes: `0x${string}`;
  proofSize: number;
  publicSignals: bigint[];
  /** The outputs the proof states: raw integers at 2^outputFrac. */
  outputs: bigint[];
  predictedClass: number;
  verified: boolean;
  ms: number;
}

export type FromWorker =
  | { type: "stage"; stage: Stage }
  | { type: "loaded"; info: ModelInfo }
  | { type: "proved"; result: ProofResult }
  | { type: "error"; name: string; message: string };
