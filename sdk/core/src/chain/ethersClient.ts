import type { Log, Provider, Signer, TransactionReceipt } from "ethers";
import { ChainError } from "../errors.ts";
import type { ChainClient, ChainLog, ChainReceipt, Hex } from "./chainClient.ts";

const toLog = (l: Log): ChainLog => ({
  address: l.address as Hex,
  topics: l.topics as Hex[],
  data: l.data as Hex,
  blockNumber: BigInt(l.blockNumber),
  transactionHash: l.transactionHash as Hex,
  logIndex: l.index,
});

const toReceipt = (r: TransactionReceipt): ChainReceipt => ({
  transactionHash: r.hash as Hex,
  status: r.status === 1 ? "success" : "reverted",
  blockNumber: BigInt(r.blockNumber),
  gasUsed: r.gasUsed,
  contractAddress: (r.contractAddress as Hex | null) ?? null,
  logs: r.logs.map(toLog),
});

/**
 * A ChainClient over an ethers v6 Signer (send + read) or Provider (read only).
 *
 * @example
 * const client = fromEthers(signer);
 */
export function fromEthers(s: Signer | Provider): ChainClient {
  const isSigner = typeof (s as Signer).signTransaction === "function";
  const signer = isSigner ? (s as Signer) : undefined;
  const provider = (signer ? signer.provider : (s as Provider)) as Provider | null;
  if (!provider) {
    throw new ChainError("the ethers signer has no provider", {
      details: { action: "toChainClient" },
    });
  }
  const needSigner = (): Signer => {
    if (!signer) {
      throw new ChainError("this client is read-only: pass a Signer to send transactions", {
        details: { action: "sendTransaction" },
      });
    }
    return signer;
  };
  let nextNonce = 0;
  return {
    library: "ethers",
    getAddress: async () => (await needSigner().getAddress()) as Hex,
    getChainId: async () => Number((await provider.getNetwork()).chainId),
    getBlockNumber: async () => BigInt(await provider.getBlockNumber()),
    getGasPrice: async () => (await provider.getFeeData()).gasPrice ?? 0n,
    getCode: async (address, blockNumber) => (await provider.getCode(address, blockNumber)) as Hex,
    async getBlockTimestamp(blockNumber) {
      const block = await provider.getBlock(blockNumber);
      if (!block) {
        throw new ChainError(`no block ${blockNumber}`, { details: { action: "getBlock" } });
      }
      return block.timestamp;
    },
    getTransactionCount: (address, tag) => provider.getTransactionCount(address, tag),
    async sendTransaction(tx) {
      const signer = needSigner();
      // ethers' provider de-duplicates identical requests for 250 ms, so two quick sends could
      // both read the same pending nonce: keep our own floor (an explicit nonce always wins).
      let nonce = tx.nonce;
      if (nonce === undefined) {
        const pending = await provider.getTransactionCount(await signer.getAddress(), "pending");
        nonce = Math.max(pending, nextNonce);
      }
      const sent = await signer.sendTransaction({
        to: tx.to,
        data: tx.data,
        nonce,
        gasLimit: tx.gas,
        maxFeePerGas: tx.maxFeePerGas,
        maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
      });
      nextNonce = Math.max(nextNonce, sent.nonce + 1);
      return sent.hash as Hex;
    },
    async getTransactionReceipt(hash) {
      const r = await provider.getTransactionReceipt(hash);
      return r ? toReceipt(r) : null;
    },
    async getTransaction(hash) {
      const t = await provider.getTransaction(hash);
      if (!t) return null;
      return {
        hash: t.hash as Hex,
        from: t.from as Hex,
        to: (t.to as Hex | null) ?? null,
        input: t.data as Hex,
        nonce: t.nonce,
        blockNumber: t.blockNumber === null ? null : BigInt(t.blockNumber),
      };
    },
    call: async (tx) => (await provider.call(tx)) as Hex,
    estimateGas: (tx) => provider.estimateGas(tx),
    getLogs: async (f) =>
      (
        await provider.getLogs({
          address: f.address,
          fromBlock: f.fromBlock ?? 0n,
          toBlock: f.toBlock ?? "latest",
        })
      ).map(toLog),
  };
}
