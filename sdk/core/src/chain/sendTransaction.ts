import type { Abi } from "viem";
import { ChainError, GasError, TransactionTimeoutError } from "../errors.ts";
import type { ChainClient, ChainReceipt, ChainTransactionRequest, Hex } from "./chainClient.ts";
import { classifyTxError } from "./classifyTxError.ts";

export interface SendTransactionParameters {
  client: ChainClient;
  request: ChainTransactionRequest;
  /** ABI for decoding a revert's custom error. */
  abi: Abi;
  /** What is being done, for error messages ("submitPrediction", ...). */
  action: string;
  /** Give up waiting for the receipt after this long (default 120 s). */
  timeoutMs?: number;
  /** Receipt polling interval (default 250 ms). */
  pollMs?: number;
  /** Called with the hash as soon as the node accepted the transaction. */
  onSent?: (txHash: Hex) => void;
  /** Named in typed errors so the user knows where to resume from. */
  pendingFile?: string;
}

/**
 * Sends a transaction and waits for its receipt. Failures are typed (see `classifyTxError`); a
 * receipt that never comes is a TransactionTimeoutError; a mined revert is a ChainError.
 *
 * @example
 * const receipt = await sendTransaction({ client, request: { to, data }, abi: modelRegistryAbi, action: "registerModel" });
 */
export async function sendTransaction(p: SendTransactionParameters): Promise<ChainReceipt> {
  let hash: Hex;
  try {
    hash = await p.client.sendTransaction(p.request);
  } catch (error) {
    throw classifyTxError({
      error,
      abi: p.abi,
      action: p.action,
      nonce: p.request.nonce,
      pendingFile: p.pendingFile,
    });
  }
  p.onSent?.(hash);
  const timeoutMs = p.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipt = await p.client.getTransactionReceipt(hash);
    if (receipt) {
      if (receipt.status !== "success" && p.request.gas && receipt.gasUsed >= p.request.gas) {
        throw new GasError(`${p.action} ran out of gas (limit ${p.request.gas}) in tx ${hash}`, {
          details: { action: p.action, gas: String(p.request.gas), pendingFile: p.pendingFile },
        });
      }
      if (receipt.status !== "success") {
        throw new ChainError(`${p.action} reverted in tx ${hash}`, {
          details: { action: p.action, txHash: hash },
        });
      }
      return receipt;
    }
    if (Date.now() >= deadline) {
      throw new TransactionTimeoutError(
        `${p.action}: no receipt for ${hash} after ${timeoutMs} ms (dropped or still pending)`,
        { details: { action: p.action, txHash: hash, timeoutMs, pendingFile: p.pendingFile } },
      );
    }
    await new Promise((r) => setTimeout(r, p.pollMs ?? 250));
  }
}
