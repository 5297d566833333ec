import { Interface } from "ethers";
import type { InterfaceAbi } from "ethers";
import { ChainError } from "../errors.ts";

/**
 * Wraps a failed contract call in a ChainError whose `reason` is the decoded custom error,
 * e.g. `InvalidProof(0x12…, 1)`, so callers can branch on it.
 *
 * @example
 * try { await tx } catch (e) { throw decodeRevert({ error: e, abi: modelRegistryAbi, action: "submitPrediction" }) }
 */
export function decodeRevert(p: { error: unknown; abi: InterfaceAbi; action: string }): ChainError {
  const data = findRevertData(p.error);
  let reason: string | undefined;
  if (data && data !== "0x") {
    try {
      const parsed = new Interface(p.abi).parseError(data);
      if (parsed) reason = `${parsed.name}(${parsed.args.map(String).join(", ")})`;
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

function findRevertData(e: unknown): string | undefined {
  for (let cur = e as Record<string, unknown> | undefined, depth = 0; cur && depth < 6; depth++) {
    if (typeof cur.data === "string" && cur.data.startsWith("0x")) return cur.data;
    cur = (cur.error ?? cur.cause ?? cur.info) as Record<string, unknown> | undefined;
  }
  return undefined;
}
