import { decodeErrorResult } from "viem";
import type { Abi, Hex } from "viem";
import { ChainError } from "../errors.ts";

/**
 * Wraps a failed contract call in a ChainError whose `reason` is the decoded custom error,
 * e.g. `InvalidProof(0x12…, 1)`, so callers can branch on it. Reads ethers and viem errors.
 *
 * @example
 * try { await tx } catch (e) { throw decodeRevert({ error: e, abi: modelRegistryAbi, action: "submitPrediction" }) }
 */
export function decodeRevert(p: {
  error: unknown;
  abi: Abi | readonly unknown[];
  action: string;
}): ChainError {
  const data = findRevertData(p.error);
  let reason: string | undefined;
  if (data && data !== "0x") {
    try {
      const parsed = decodeErrorResult({ abi: p.abi as Abi, data: data as Hex });
      reason = `${parsed.errorName}(${(parsed.args ?? []).map(String).join(", ")})`;
    } catch {
      reason = data;
    }
  }
  const message =
    (p.error as { shortMessage?: string; message?: string }).shortMessage ?? String(p.error);
  return new ChainError(`${p.action} reverted: ${reason ?? message}`, {
    details: { action: p.action, reason },
    cause: p.error,
  });
}

/** The revert data (0x + selector + args) found in an ethers or viem error chain. */
export function findRevertData(e: unknown): string | undefined {
  for (let cur = e as Record<string, unknown> | undefined, depth = 0; cur && depth < 8; depth++) {
    if (typeof cur.data === "string" && cur.data.startsWith("0x")) return cur.data;
    const nested = (cur.data as { data?: unknown } | undefined)?.data;
    if (typeof nested === "string" && nested.startsWith("0x")) return nested;
    cur = (cur.error ?? cur.cause ?? cur.info) as Record<string, unknown> | undefined;
  }
  return undefined;
}
