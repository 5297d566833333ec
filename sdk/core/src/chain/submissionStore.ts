import type { Hex } from "./chainClient.ts";

/**
 * A submission written to `<dir>/pending/<predictionId>.json` BEFORE its transaction is sent,
 * moved to `<dir>/submitted/` once mined: a failed or dropped transaction is never lost work.
 */
export interface PendingSubmission {
  schema: 1;
  kind: "submitPrediction";
  predictionId: Hex;
  chainId: number;
  registry: Hex;
  modelId: Hex;
  /** The version the proof is checked against (the model's latest when written). */
  version: number;
  /** ABI-encoded proof. */
  proof: Hex;
  publicSignals: string[];
  /** The intended transaction: `to`, calldata and any pinned nonce/gas/fees (decimal strings). */
  request: {
    from: Hex;
    to: Hex;
    data: Hex;
    nonce?: number;
    gas?: string;
    maxFeePerGas?: string;
    maxPriorityFeePerGas?: string;
  };
  createdAt: string;
  attempts: { txHash?: Hex; nonce?: number; at: string; error?: string }[];
  /** Set when mined (in submitted/). */
  result?: { txHash: Hex | null; blockNumber: string | null; gasUsed: string | null };
}

/**
 * Where a submission is kept while in flight, so a failed or dropped transaction is never lost
 * work. `@zkml-verify/node` has the file-backed one (`fileSubmissionStore({ dir })`); a dApp can
 * keep them in IndexedDB or localStorage.
 */
export interface SubmissionStore {
  /** Saves the submission (before sending and after each attempt); returns where, if anywhere. */
  save(s: PendingSubmission): string | undefined;
  /** The submission was mined: file it as submitted; returns where, if anywhere. */
  submitted(
    s: PendingSubmission,
    result: { txHash: Hex; blockNumber: string; gasUsed: string },
  ): string | undefined;
}
