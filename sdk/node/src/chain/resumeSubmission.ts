import { CorruptSubmissionError, ZkmlError } from "@zkml-verify/core/internal/errors";
import type { ChainClientLike, Hex } from "@zkml-verify/core/internal/chain/chainClient";
import { toChainClient } from "@zkml-verify/core/internal/chain/chainClient";
import {
  isPendingFile,
  listPendingSubmissions,
  markSubmitted,
  quarantinePendingSubmission,
  readPendingSubmission,
  fileSubmissionStore,
} from "./pendingSubmission.ts";
import type { PendingSubmission } from "@zkml-verify/core/internal/chain/submissionStore";
import { readRegistry } from "@zkml-verify/core/internal/chain/readRegistry";
import { fromReceipt, sendSubmission } from "@zkml-verify/core/internal/chain/submitPrediction";
import type {
  SubmitPredictionReturnType,
  TxOverrides,
} from "@zkml-verify/core/internal/chain/submitPrediction";

export interface ResumeSubmissionParameters extends TxOverrides {
  client: ChainClientLike;
  /** The model directory holding pending/<predictionId>.json. */
  dir: string;
  /** One pending file (default: every file in `<dir>/pending/`, oldest first). */
  file?: string;
}

export interface ResentSubmission extends Partial<SubmitPredictionReturnType> {
  predictionId: Hex;
  /** sent: a new transaction; mined: an earlier attempt had landed; verified-elsewhere: the statement was already recorded by another transaction. */
  outcome: "sent" | "mined" | "verified-elsewhere";
  file: string;
}

/** A pending file that could not be used, moved to `<dir>/pending/quarantine/`; nothing sent. */
export interface QuarantinedSubmission {
  outcome: "quarantined";
  /** Its new path (next to `<file>.reason.txt`). */
  file: string;
  /** Where it was in pending/. */
  from: string;
  /** Why (see CorruptSubmissionError): not JSON, a missing field, an id or calldata mismatch. */
  reason: string;
}

export type ResumedSubmission = ResentSubmission | QuarantinedSubmission;

/**
 * Resubmits pending predictions saved by `submitPrediction({ store: fileSubmissionStore({ dir }) })` after a failed, dropped or
 * timed-out transaction. Idempotent: an earlier attempt that was mined after all, or a statement
 * already on chain, is moved to submitted/ without sending anything. A file in pending/ that is
 * not a usable submission (corrupt JSON, a missing field, an id or calldata that does not match
 * its statement) is moved to `pending/quarantine/` and reported (`outcome: "quarantined"`, with
 * the reason); the others are still sent.
 *
 * @example
 * const done = await resumeSubmission({ client: signer, dir: "build/iris-mlp" });
 */
export async function resumeSubmission(
  p: ResumeSubmissionParameters,
): Promise<ResumedSubmission[]> {
  const client = toChainClient(p.client);
  const chainId = await client.getChainId();
  const files = p.file ? [p.file] : listPendingSubmissions(p.dir);
  const out: ResumedSubmission[] = [];
  for (const file of files) {
    let s: PendingSubmission;
    try {
      s = readPendingSubmission(file);
    } catch (error) {
      if (!(error instanceof CorruptSubmissionError) || !isPendingFile(p.dir, file)) throw error;
      const { reason } = error.details;
      const moved = quarantinePendingSubmission({ dir: p.dir, file, reason });
      out.push({ outcome: "quarantined", file: moved, from: file, reason });
      continue;
    }
    if (s.chainId !== chainId) {
      throw new ZkmlError(`${file} was made for chain ${s.chainId}, not ${chainId}`, {
        details: { file, chainId: s.chainId, connected: chainId },
      });
    }
    // An earlier attempt may have been mined after we stopped waiting.
    for (const a of [...s.attempts].reverse()) {
      const receipt = a.txHash ? await client.getTransactionReceipt(a.txHash) : null;
      if (receipt?.status === "success") {
        const r = fromReceipt(receipt, s.request.data);
        const moved = markSubmitted(p.dir, s, {
          txHash: r.txHash,
          blockNumber: String(r.blockNumber),
          gasUsed: String(r.gasUsed),
        });
        out.push({ ...r, outcome: "mined", file: moved });
        break;
      }
    }
    const last = out.at(-1);
    if (last?.outcome === "mined" && last.predictionId === s.predictionId) continue;
    const verified = await readRegistry({
      client,
      registry: s.registry,
      functionName: "isPredictionVerified",
      args: [s.predictionId],
    });
    if (verified) {
      const moved = markSubmitted(p.dir, s, { txHash: null, blockNumber: null, gasUsed: null });
      out.push({ predictionId: s.predictionId, outcome: "verified-elsewhere", file: moved });
      continue;
    }
    const r = await sendSubmission({
      client,
      submission: s,
      store: fileSubmissionStore({ dir: p.dir }),
      overrides: p,
    });
    out.push({ ...r, outcome: "sent", file: r.file! });
  }
  return out;
}
