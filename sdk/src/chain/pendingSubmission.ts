import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { ZkmlError } from "../errors.ts";
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

export const PENDING_DIR = "pending";
export const SUBMITTED_DIR = "submitted";

const fileFor = (dir: string, sub: string, id: string) => join(dir, sub, `${id}.json`);

/** Writes (or rewrites) a pending submission; returns its file. */
export function writePendingSubmission(dir: string, s: PendingSubmission): string {
  mkdirSync(join(dir, PENDING_DIR), { recursive: true });
  const file = fileFor(dir, PENDING_DIR, s.predictionId);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(s, null, 2) + "\n");
  renameSync(tmp, file); // atomic: a crash never leaves half a file
  return file;
}

/** Reads a pending (or submitted) submission file. */
export function readPendingSubmission(file: string): PendingSubmission {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PendingSubmission;
  } catch (cause) {
    throw new ZkmlError(`cannot read the submission file ${file}`, { details: { file }, cause });
  }
}

/** Moves a mined submission from pending/ to submitted/ with its result; returns the new file. */
export function markSubmitted(
  dir: string,
  s: PendingSubmission,
  result: NonNullable<PendingSubmission["result"]>,
): string {
  mkdirSync(join(dir, SUBMITTED_DIR), { recursive: true });
  const target = fileFor(dir, SUBMITTED_DIR, s.predictionId);
  writeFileSync(target, JSON.stringify({ ...s, result }, null, 2) + "\n");
  const pending = fileFor(dir, PENDING_DIR, s.predictionId);
  rmSync(pending, { force: true });
  return target;
}

/**
 * The pending submission files of a model directory, oldest first.
 *
 * @example
 * for (const file of listPendingSubmissions("build/iris-mlp")) console.log(file);
 */
export function listPendingSubmissions(dir: string): string[] {
  const folder = join(dir, PENDING_DIR);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith(".json") && !f.startsWith("."))
    .map((f) => join(folder, f))
    .sort((a, b) =>
      readPendingSubmission(a).createdAt.localeCompare(readPendingSubmission(b).createdAt),
    );
}
