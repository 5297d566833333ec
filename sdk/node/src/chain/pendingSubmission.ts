import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { encodeFunctionData } from "viem";
import { CorruptSubmissionError } from "@zkml-verify/core/internal/errors";
import type { Hex } from "@zkml-verify/core/internal/chain/chainClient";
import { modelRegistryAbi } from "@zkml-verify/core/internal/chain/generated/ModelRegistry";
import { predictionIdOf } from "@zkml-verify/core/internal/chain/predictionIdOf";
import type {
  PendingSubmission,
  SubmissionStore,
} from "@zkml-verify/core/internal/chain/submissionStore";

export const PENDING_DIR = "pending";
export const SUBMITTED_DIR = "submitted";
/** Where unusable pending files go (`<dir>/pending/quarantine/`), each with a `.reason.txt`. */
export const QUARANTINE_DIR = "quarantine";

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

/**
 * Reads a pending (or submitted) submission file and checks it: every field of
 * `PendingSubmission`, the prediction id against its statement, and the calldata against the
 * proof and signals, so a resume sends exactly what was proven. Throws CorruptSubmissionError
 * naming the reason (an unreadable file's read error is thrown as is).
 */
export function readPendingSubmission(file: string): PendingSubmission {
  const text = readFileSync(file, "utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw corrupt(file, `not JSON (${(cause as Error).message})`, cause);
  }
  const reason = invalidReason(value);
  if (reason) throw corrupt(file, reason);
  return value as PendingSubmission;
}

const corrupt = (file: string, reason: string, cause?: unknown) =>
  new CorruptSubmissionError(`unusable submission file ${file}: ${reason}`, {
    details: { file, reason },
    cause,
  });

const isHex = (v: unknown, bytes?: number): v is Hex =>
  typeof v === "string" &&
  (bytes === undefined
    ? /^0x([0-9a-fA-F]{2})*$/
    : new RegExp(`^0x[0-9a-fA-F]{${2 * bytes}}$`)
  ).test(v);
const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;

/** Why a parsed file is not a usable PendingSubmission, or undefined if it is. */
function invalidReason(v: unknown): string | undefined {
  if (typeof v !== "object" || v === null) return "not an object";
  const s = v as Partial<PendingSubmission>;
  const r = s.request as Partial<PendingSubmission["request"]> | undefined;
  const checks: [boolean, string][] = [
    [s.schema === 1 && s.kind === "submitPrediction", "not a schema 1 submitPrediction"],
    [isHex(s.predictionId, 32), "predictionId is not 32 bytes of hex"],
    [isCount(s.chainId), "chainId is not a positive integer"],
    [isHex(s.registry, 20), "registry is not an address"],
    [isHex(s.modelId, 32), "modelId is not 32 bytes of hex"],
    [isCount(s.version) && (s.version as number) < 2 ** 32, "version is not a uint32 > 0"],
    [isHex(s.proof), "proof is not hex"],
    [
      Array.isArray(s.publicSignals) &&
        s.publicSignals.every((x) => typeof x === "string" && /^[0-9]{1,78}$/.test(x)),
      "publicSignals is not a list of decimal strings",
    ],
    [isHex(r?.from, 20) && isHex(r?.to, 20) && isHex(r?.data), "request lacks from, to or data"],
    [typeof s.createdAt === "string", "createdAt is missing"],
    [Array.isArray(s.attempts), "attempts is not a list"],
  ];
  const failed = checks.find(([ok]) => !ok);
  if (failed) return failed[1];
  const signals = s.publicSignals!.map(BigInt);
  if (signals.some((x) => x >= 2n ** 256n)) return "a public signal does not fit in uint256";
  const id = predictionIdOf({ modelId: s.modelId!, version: s.version!, publicSignals: signals });
  if (id !== s.predictionId!.toLowerCase()) {
    return `predictionId ${s.predictionId} is not the id of its statement (${id})`;
  }
  const data = encodeFunctionData({
    abi: modelRegistryAbi,
    functionName: "submitPrediction",
    args: [s.modelId!, s.proof!, signals],
  });
  if (data !== r!.data!.toLowerCase()) {
    return "request.data is not submitPrediction(modelId, proof, publicSignals)";
  }
  return undefined;
}

/**
 * Moves an unusable pending file to `<dir>/pending/quarantine/` (next to a `.reason.txt`), so
 * that resuming sends the rest; returns its new path.
 *
 * @example
 * const moved = quarantinePendingSubmission({ dir, file, reason: "not JSON" });
 */
export function quarantinePendingSubmission(p: {
  dir: string;
  file: string;
  reason: string;
}): string {
  const folder = join(p.dir, PENDING_DIR, QUARANTINE_DIR);
  mkdirSync(folder, { recursive: true });
  let target = join(folder, basename(p.file));
  if (existsSync(target)) target = join(folder, `${Date.now()}-${basename(p.file)}`);
  renameSync(p.file, target);
  writeFileSync(`${target}.reason.txt`, `${new Date().toISOString()} ${p.reason}\n`);
  return target;
}

/** Whether a file is directly in `<dir>/pending/` (what a resume may quarantine). */
export const isPendingFile = (dir: string, file: string): boolean =>
  resolve(dirname(file)) === resolve(dir, PENDING_DIR);

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
 * The pending submission files of a model directory, oldest first (by `createdAt`; files that
 * cannot be read as a submission come first: a resume quarantines them). Never throws on a
 * corrupt file.
 *
 * @example
 * for (const file of listPendingSubmissions("build/iris-mlp")) console.log(file);
 */
export function listPendingSubmissions(dir: string): string[] {
  const folder = join(dir, PENDING_DIR);
  if (!existsSync(folder)) return [];
  const createdAt = (file: string) => {
    try {
      return readPendingSubmission(file).createdAt;
    } catch {
      return "";
    }
  };
  return readdirSync(folder)
    .filter((f) => f.endsWith(".json") && !f.startsWith("."))
    .map((f) => ({ file: join(folder, f), at: createdAt(join(folder, f)) }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.file.localeCompare(b.file))
    .map((x) => x.file);
}

/**
 * The file-backed submission store: `<dir>/pending/<predictionId>.json` before sending, moved
 * to `<dir>/submitted/` when mined (see `resumeSubmission`).
 *
 * @example
 * await submitPrediction({ client, registry, modelId, proof, publicSignals, store: fileSubmissionStore({ dir }) });
 */
export function fileSubmissionStore({ dir }: { dir: string }): SubmissionStore {
  return {
    save: (s) => writePendingSubmission(dir, s),
    submitted: (s, result) => markSubmitted(dir, s, result),
  };
}
