import type { Provider, Signer } from "ethers";
import type { PublicClient, WalletClient } from "viem";
import { ChainError } from "../errors.ts";
import { fromEthers } from "./ethersClient.ts";
import { fromViem } from "./viemClient.ts";

export type Hex = `0x${string}`;

/** A transaction request: calldata plus the optional parameters a resubmission pins. */
export interface ChainTransactionRequest {
  /** Absent for a contract creation. */
  to?: Hex;
  data: Hex;
  nonce?: number;
  gas?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
}

export interface ChainLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: bigint;
  transactionHash: Hex;
  logIndex: number;
}

export interface ChainReceipt {
  transactionHash: Hex;
  status: "success" | "reverted";
  blockNumber: bigint;
  gasUsed: bigint;
  contractAddress: Hex | null;
  logs: ChainLog[];
}

export interface ChainTransaction {
  hash: Hex;
  from: Hex;
  to: Hex | null;
  input: Hex;
  nonce: number;
  blockNumber: bigint | null;
}

/**
 * The few chain operations the SDK needs, over either ethers v6 or viem. ABI encoding is done
 * by the SDK with viem's typed encoders and the generated `as const` ABIs, so an adapter only
 * moves bytes. Build one with `toChainClient`.
 */
export interface ChainClient {
  readonly library: "ethers" | "viem";
  /** The sending account; throws ChainError for a read-only client. */
  getAddress(): Promise<Hex>;
  getChainId(): Promise<number>;
  getBlockNumber(): Promise<bigint>;
  /** Current gas price (legacy) or base fee + tip, in wei. */
  getGasPrice(): Promise<bigint>;
  /** Runtime code at `address` ("0x" when none), at `blockNumber` (default: the latest block). */
  getCode(address: Hex, blockNumber?: bigint): Promise<Hex>;
  /** A block's timestamp, in seconds since the Unix epoch. */
  getBlockTimestamp(blockNumber: bigint): Promise<number>;
  getTransactionCount(address: Hex, blockTag: "latest" | "pending"): Promise<number>;
  sendTransaction(tx: ChainTransactionRequest): Promise<Hex>;
  getTransactionReceipt(hash: Hex): Promise<ChainReceipt | null>;
  getTransaction(hash: Hex): Promise<ChainTransaction | null>;
  call(tx: { to: Hex; data: Hex; from?: Hex }): Promise<Hex>;
  estimateGas(tx: { to?: Hex; data: Hex; from?: Hex }): Promise<bigint>;
  getLogs(filter: { address: Hex; fromBlock?: bigint; toBlock?: bigint }): Promise<ChainLog[]>;
}

/** viem clients: a public client for reads, a wallet client (with an account) to send. */
export interface ViemClients {
  publicClient: PublicClient;
  walletClient?: WalletClient;
}

/** Anything the chain functions accept as `client`. */
export type ChainClientLike = ChainClient | Signer | Provider | ViemClients;

/**
 * Normalizes an ethers v6 Signer or Provider, or viem public (+ wallet) clients, into a
 * ChainClient.
 *
 * @example
 * const client = toChainClient(signer); // ethers
 * const client2 = toChainClient({ publicClient, walletClient }); // viem
 */
export function toChainClient(c: ChainClientLike): ChainClient {
  const o = c as unknown as Record<string, unknown>;
  if (typeof o.library === "string" && typeof o.sendTransaction === "function") {
    return c as ChainClient;
  }
  if ("publicClient" in o) return fromViem(c as ViemClients);
  if (typeof o.getAddress === "function" && typeof o.signTransaction === "function") {
    return fromEthers(c as Signer);
  }
  if (typeof o.getNetwork === "function" && typeof o.getBlockNumber === "function") {
    return fromEthers(c as Provider);
  }
  throw new ChainError(
    "client must be an ethers Signer/Provider, { publicClient, walletClient } or a ChainClient",
    { details: { action: "toChainClient" } },
  );
}

/** The `client` (or, for older callers, `signer`) of a parameters object, as a ChainClient. */
export function clientOf(p: { client?: ChainClientLike; signer?: Signer }): ChainClient {
  const c = p.client ?? p.signer;
  if (!c) {
    throw new ChainError("no client given", { details: { action: "toChainClient" } });
  }
  return toChainClient(c);
}
