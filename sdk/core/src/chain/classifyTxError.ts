import type { Abi } from "viem";
import {
  GasError,
  InsufficientFundsError,
  NonceTooLowError,
  ReplacementUnderpricedError,
  ZkmlError,
} from "../errors.ts";
import { decodeRevert, findRevertData } from "./decodeRevert.ts";

export interface ClassifyTxErrorParameters {
  error: unknown;
  /** ABI whose custom errors a revert may carry. */
  abi: Abi;
  action: string;
  nonce?: number;
  account?: string;
  pendingFile?: string;
}

/** Every message in an error's cause chain (ethers: error/info.error; viem: cause/details). */
function messages(e: unknown): string {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const visit = (x: unknown, depth: number) => {
    if (!x || typeof x !== "object" || seen.has(x) || depth > 8) return;
    seen.add(x);
    const o = x as Record<string, unknown>;
    for (const k of ["message", "shortMessage", "details", "reason"]) {
      if (typeof o[k] === "string") out.push(o[k] as string);
    }
    for (const k of ["cause", "error", "info"]) visit(o[k], depth + 1);
  };
  visit(e, 0);
  return out.join("\n").toLowerCase();
}

/**
 * Turns a failed send into a typed ZkmlError: NonceTooLowError, ReplacementUnderpricedError,
 * InsufficientFundsError, GasError, or a ChainError carrying the decoded custom error of a revert.
 * Works on ethers and viem errors alike (it reads the node's message and revert data).
 *
 * @example
 * try { await client.sendTransaction(tx) } catch (error) { throw classifyTxError({ error, abi: modelRegistryAbi, action: "submitPrediction" }) }
 */
export function classifyTxError(p: ClassifyTxErrorParameters): ZkmlError {
  if (p.error instanceof ZkmlError) return p.error;
  const text = messages(p.error);
  const base = { action: p.action, pendingFile: p.pendingFile };
  const opts = <D>(details: D) => ({ details, cause: p.error });
  const data = findRevertData(p.error);
  if (data && data !== "0x") return decodeRevert({ error: p.error, abi: p.abi, action: p.action });
  if (/nonce too low|nonce has already been used|nonce_expired|nonce is too low/.test(text)) {
    return new NonceTooLowError(
      `${p.action}: nonce ${p.nonce ?? "(auto)"} is already used; resubmit with a fresh nonce`,
      opts({ ...base, nonce: p.nonce }),
    );
  }
  if (
    /replacement (transaction )?underpriced|replacement_underpriced|replacement fee too low/.test(
      text,
    )
  ) {
    return new ReplacementUnderpricedError(
      `${p.action}: a pending transaction with nonce ${p.nonce ?? "(auto)"} pays more; raise the fee`,
      opts({ ...base, nonce: p.nonce }),
    );
  }
  if (/insufficient funds|insufficient_funds|sender doesn't have enough funds/.test(text)) {
    return new InsufficientFundsError(
      `${p.action}: the account ${p.account ?? ""} cannot pay for gas`.replace("  ", " "),
      opts({ ...base, account: p.account }),
    );
  }
  if (
    /out of gas|intrinsic gas too low|requires at least \d+ gas|gas required exceeds|exceeds block gas limit|gas limit/.test(
      text,
    )
  ) {
    return new GasError(`${p.action}: gas limit or estimation failed`, opts(base));
  }
  return decodeRevert({ error: p.error, abi: p.abi, action: p.action });
}
