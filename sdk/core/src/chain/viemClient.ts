import { TransactionNotFoundError, TransactionReceiptNotFoundError } from "viem";
import type { Chain, TransactionReceipt } from "viem";
import { ChainError } from "../errors.ts";
import type { ChainClient, ChainReceipt, Hex, ViemClients } from "./chainClient.ts";

const toReceipt = (r: TransactionReceipt): ChainReceipt => ({
  transactionHash: r.transactionHash,
  status: r.status,
  blockNumber: r.blockNumber,
  gasUsed: r.gasUsed,
  contractAddress: r.contractAddress ?? null,
  logs: r.logs.map((l) => ({
    address: l.address,
    topics: l.topics as Hex[],
    data: l.data,
    blockNumber: l.blockNumber,
    transactionHash: l.transactionHash,
    logIndex: l.logIndex,
  })),
});

/** Returns null where viem throws its "not found" errors. */
async function orNull<T>(f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof TransactionReceiptNotFoundError || e instanceof TransactionNotFoundError) {
      return null;
    }
    throw e;
  }
}

/**
 * A ChainClient over viem: a PublicClient for reads and, to send, a WalletClient with an account.
 *
 * @example
 * const client = fromViem({ publicClient, walletClient });
 */
export function fromViem({ publicClient, walletClient }: ViemClients): ChainClient {
  const wallet = () => {
    if (!walletClient?.account) {
      throw new ChainError("this client is read-only: pass a walletClient with an account", {
        details: { action: "sendTransaction" },
      });
    }
    return { w: walletClient, account: walletClient.account };
  };
  return {
    library: "viem",
    getAddress: async () => wallet().account.address,
    getChainId: () => publicClient.getChainId(),
    getBlockNumber: () => publicClient.getBlockNumber(),
    getGasPrice: () => publicClient.getGasPrice(),
    getCode: async (address, blockNumber) =>
      (await publicClient.getCode({ address, blockNumber })) ?? "0x",
    getBlockTimestamp: async (blockNumber) =>
      Number((await publicClient.getBlock({ blockNumber })).timestamp),
    getTransactionCount: (address, blockTag) =>
      publicClient.getTransactionCount({ address, blockTag }),
    async sendTransaction(tx) {
      const { w, account } = wallet();
      const base = { account, chain: (w.chain ?? null) as Chain | null, to: tx.to, data: tx.data };
      const pinned = { nonce: tx.nonce, gas: tx.gas };
      const fees =
        tx.maxFeePerGas === undefined
          ? {}
          : { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas };
      return w.sendTransaction({ ...base, ...pinned, ...fees } as Parameters<
        typeof w.sendTransaction
      >[0]);
    },
    getTransactionReceipt: async (hash) => {
      const r = await orNull(() => publicClient.getTransactionReceipt({ hash }));
      return r ? toReceipt(r) : null;
    },
    getTransaction: async (hash) => {
      const t = await orNull(() => publicClient.getTransaction({ hash }));
      if (!t) return null;
      return {
        hash: t.hash,
        from: t.from,
        to: t.to ?? null,
        input: t.input,
        nonce: t.nonce,
        blockNumber: t.blockNumber ?? null,
      };
    },
    call: async (tx) =>
      (await publicClient.call({ to: tx.to, data: tx.data, account: tx.from })).data ?? "0x",
    estimateGas: (tx) =>
      publicClient.estimateGas({
        to: tx.to,
        data: tx.data,
        account: tx.from ?? walletClient?.account,
      }),
    getLogs: async (f) =>
      (
        await publicClient.getLogs({
          address: f.address,
          fromBlock: f.fromBlock ?? 0n,
          toBlock: f.toBlock ?? "latest",
        })
      ).map((l) => ({
        address: l.address,
        topics: l.topics as Hex[],
        data: l.data,
        blockNumber: l.blockNumber,
        transactionHash: l.transactionHash,
        logIndex: l.logIndex,
      })),
  };
}
