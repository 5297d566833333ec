import { ZkmlError } from "../errors.ts";
import type { ChainClientLike, Hex } from "./chainClient.ts";
import { toChainClient } from "./chainClient.ts";
import {
  listPendingSubmissions,
  markSubmitted,
  readPendingSubmission,
} from "./pendingSubmission.ts";
import { readRegistry } from "./readRegistry.ts";
import { fromReceipt, sendSubmission } from "./submitPrediction.ts";
import type { SubmitPredictionReturnType, TxOverrides } from "./submitPrediction.ts";

export interface ResumeSubmissionParameters extends TxOverrides {
  client: ChainClientLike;
  /** The model directory holding pending/<predictionId>.json. */
  dir: string;
  /** One pending file (default: every file in `<dir>/pending/`, oldest first). */
  file?: string;
}

export interface ResumedSubmission extends Partial<SubmitPredictionReturnType> {
  predictionId: Hex;
  /** sent: a new transaction; mined: an earlier attempt had landed; verified-elsewhere: the statement was already recorded by another transaction. */
  outcome: "sent" | "mined" | "verified-elsewhere";
  file: string;
}

/**
 * Resubmits pending predictions saved by `submitPrediction({ dir })` after a failed, dropped or
 * timed-out transaction. Idempotent: an earlier attempt that was mined after all, or a statement
 * already on chain, is moved to submitted/ without sending anything.
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
    const s = readPendingSubmission(file);
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
    if (out.at(-1)?.predictionId === s.predictionId) continue;
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
    const r = await sendSubmission({ client, submission: s, dir: p.dir, overrides: p });
    out.push({ ...r, outcome: "sent", file: r.file! });
  }
  return out;
}
