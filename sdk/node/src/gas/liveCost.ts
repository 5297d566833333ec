import {
  BaseError,
  ContractFunctionZeroDataError,
  ExecutionRevertedError,
  createPublicClient,
  custom,
  http,
  parseAbi,
} from "viem";
import type { EIP1193Provider, Hex, PublicClient } from "viem";
import { estimateL1Fee, getL1BaseFee } from "viem/op-stack";
import { ChainError, ZkmlError } from "@zkml-verify/core/internal/errors";

/** The OP stack's GasPriceOracle predeploy (fee parameters and the L1 data fee of a tx). */
export const GAS_PRICE_ORACLE_ADDRESS = "0x420000000000000000000000000000000000000F";
/** Arbitrum Nitro's NodeInterface: a virtual contract answered by the node in eth_call. */
export const NODE_INTERFACE_ADDRESS = "0x00000000000000000000000000000000000000C8";
/** How long one JSON-RPC request of the live mode may take before it fails. */
export const LIVE_RPC_TIMEOUT_MS = 20_000;

/**
 * GasPriceOracle reads viem's op-stack actions do not cover: the Ecotone scalars, the blob base
 * fee, and `getOperatorFee(gasUsed)` (Isthmus). viem's `estimateOperatorFee` estimates the gas
 * of the request on the live chain; the registry is not deployed there, so the lab passes the
 * gas measured on the simulated chain to the oracle instead.
 */
const gasPriceOracleAbi = parseAbi([
  "function blobBaseFee() view returns (uint256)",
  "function baseFeeScalar() view returns (uint32)",
  "function blobBaseFeeScalar() view returns (uint32)",
  "function getOperatorFee(uint256 gasUsed) view returns (uint256)",
]);

/** NodeInterface.gasEstimateL1Component (Nitro): the L1 part of a transaction, in L2 gas. */
export const nodeInterfaceAbi = parseAbi([
  "function gasEstimateL1Component(address to, bool contractCreation, bytes data) payable returns (uint64 gasEstimateForL1, uint256 baseFee, uint256 l1BaseFeeEstimate)",
]);

export type LiveChainKind = "op" | "arbitrum" | "l1";

/** A transaction to price on the live chain: its target, calldata and simulated gasUsed. */
export interface LiveTx {
  to: Hex;
  data: Hex;
  /** gasUsed measured on the simulated chain (same EVM; the registry is not deployed live). */
  gasUsed: bigint;
}

/** The chain's prices, read when the estimate was made (wei; scalars in millionths). */
export interface LivePrices {
  /** eth_gasPrice (OP, L1) or NodeInterface's baseFee (Arbitrum). */
  l2GasPrice: bigint;
  /** OP: GasPriceOracle.l1BaseFee; Arbitrum: NodeInterface's l1BaseFeeEstimate. */
  l1BaseFee?: bigint;
  l1BlobBaseFee?: bigint;
  baseFeeScalar?: number;
  blobBaseFeeScalar?: number;
}

/** The whole cost of one transaction on the live chain, wei. */
export interface LiveTxCost {
  gasUsed: bigint;
  /** gasUsed x l2GasPrice. */
  executionFee: bigint;
  /** OP: GasPriceOracle.getL1Fee of the transaction (viem estimateL1Fee); Arbitrum:
   * gasEstimateForL1 x baseFee; L1: 0. */
  l1Fee: bigint;
  /** Arbitrum: the L1 component in L2 gas units (NodeInterface's gasEstimateForL1). */
  l1Gas?: bigint;
  /** OP (Isthmus): GasPriceOracle.getOperatorFee(gasUsed); 0 before Isthmus and elsewhere. */
  operatorFee: bigint;
  /** executionFee + l1Fee + operatorFee. */
  total: bigint;
}

export interface EstimateLiveCostParameters {
  client: PublicClient;
  txs: LiveTx[];
  /** Default: detected (GasPriceOracle code: op; a NodeInterface answer: arbitrum; else l1). */
  kind?: LiveChainKind;
  onProgress?: (line: string) => void;
}

export interface EstimateLiveCostReturnType {
  kind: LiveChainKind;
  chainId: number;
  blockNumber: bigint;
  prices: LivePrices;
  costs: LiveTxCost[];
}

/**
 * Prices transactions on a live chain with the fees the chain reports now: on the OP stack the
 * L1 data fee (viem `estimateL1Fee`: GasPriceOracle.getL1Fee of the serialized transaction),
 * the operator fee and the L2 gas price; on Arbitrum NodeInterface's `gasEstimateL1Component`
 * (the L1 component in L2 gas, and the L2 base fee); on an L1, gasUsed x eth_gasPrice.
 * Execution gas comes from the simulated run (`gasUsed`), since the contracts are not deployed
 * on the live chain.
 *
 * @example
 * const client = liveClient({ rpcUrl: "https://sepolia.base.org" });
 * const { kind, costs } = await estimateLiveCost({ client, txs: [{ to, data, gasUsed: 312_987n }] });
 */
export async function estimateLiveCost(
  p: EstimateLiveCostParameters,
): Promise<EstimateLiveCostReturnType> {
  try {
    return await estimate(p);
  } catch (cause) {
    // viem's short message and details, never its full message: that names the URL, and an
    // RPC URL may carry an API key.
    const e = cause as { shortMessage?: string; details?: string };
    const reason = e.shortMessage
      ? `${e.shortMessage}${e.details ? ` (${e.details})` : ""}`
      : String(cause);
    throw new ChainError(`live gas estimate failed: ${reason.split("\n")[0]}`, {
      details: { action: "estimateLiveCost", reason },
      cause,
    });
  }
}

async function estimate(p: EstimateLiveCostParameters): Promise<EstimateLiveCostReturnType> {
  const { client } = p;
  const [chainId, blockNumber] = await Promise.all([client.getChainId(), client.getBlockNumber()]);
  const kind = p.kind ?? (await detectChainKind(client, p.txs[0]));
  p.onProgress?.(`live: chain ${chainId} (${kind}) at block ${blockNumber}`);
  if (kind === "op") {
    const read = <F extends "blobBaseFee" | "baseFeeScalar" | "blobBaseFeeScalar">(f: F) =>
      client.readContract({
        address: GAS_PRICE_ORACLE_ADDRESS,
        abi: gasPriceOracleAbi,
        functionName: f,
      });
    const [l2GasPrice, l1BaseFee, l1BlobBaseFee, baseFeeScalar, blobBaseFeeScalar] =
      await Promise.all([
        client.getGasPrice(),
        getL1BaseFee(client, { chain: null }),
        read("blobBaseFee"),
        read("baseFeeScalar"),
        read("blobBaseFeeScalar"),
      ]);
    const costs: LiveTxCost[] = [];
    for (const tx of p.txs) {
      // No account: the fee depends on the transaction's bytes only.
      const l1Fee = await estimateL1Fee(client, {
        to: tx.to,
        data: tx.data,
        chain: null,
      } as Parameters<typeof estimateL1Fee>[1]);
      const operatorFee = await client
        .readContract({
          address: GAS_PRICE_ORACLE_ADDRESS,
          abi: gasPriceOracleAbi,
          functionName: "getOperatorFee",
          args: [tx.gasUsed],
        })
        .catch(noOperatorFee);
      costs.push(txCost(tx.gasUsed, l2GasPrice, l1Fee, operatorFee));
    }
    return {
      kind,
      chainId,
      blockNumber,
      prices: {
        l2GasPrice,
        l1BaseFee,
        l1BlobBaseFee,
        baseFeeScalar: Number(baseFeeScalar),
        blobBaseFeeScalar: Number(blobBaseFeeScalar),
      },
      costs,
    };
  }
  if (kind === "arbitrum") {
    const costs: LiveTxCost[] = [];
    let prices: LivePrices = { l2GasPrice: 0n };
    for (const tx of p.txs) {
      const [l1Gas, baseFee, l1BaseFeeEstimate] = await arbitrumL1Component(client, tx);
      prices = { l2GasPrice: baseFee, l1BaseFee: l1BaseFeeEstimate };
      costs.push({ ...txCost(tx.gasUsed, baseFee, l1Gas * baseFee, 0n), l1Gas });
    }
    return { kind, chainId, blockNumber, prices, costs };
  }
  const l2GasPrice = await client.getGasPrice();
  return {
    kind,
    chainId,
    blockNumber,
    prices: { l2GasPrice },
    costs: p.txs.map((tx) => txCost(tx.gasUsed, l2GasPrice, 0n, 0n)),
  };
}

/**
 * Before Isthmus the oracle has no `getOperatorFee`: the node reports "execution reverted" (or
 * the call returns no data), and the fee is 0. Any other failure (an internal error of the
 * endpoint, a timeout) is not a zero fee: rethrown. (viem files a -32603 internal error under
 * ContractFunctionRevertedError too, so the test is on the node's own revert error.)
 */
function noOperatorFee(error: unknown): bigint {
  const missing =
    error instanceof BaseError &&
    error.walk(
      (e) => e instanceof ExecutionRevertedError || e instanceof ContractFunctionZeroDataError,
    );
  if (missing) return 0n;
  throw error;
}

function txCost(gasUsed: bigint, price: bigint, l1Fee: bigint, operatorFee: bigint): LiveTxCost {
  const executionFee = gasUsed * price;
  return { gasUsed, executionFee, l1Fee, operatorFee, total: executionFee + l1Fee + operatorFee };
}

const arbitrumL1Component = (client: PublicClient, tx: LiveTx) =>
  client
    .simulateContract({
      address: NODE_INTERFACE_ADDRESS,
      abi: nodeInterfaceAbi,
      functionName: "gasEstimateL1Component",
      args: [tx.to, false, tx.data],
    })
    .then((r) => r.result);

/**
 * OP stack when the GasPriceOracle predeploy has code; Arbitrum when NodeInterface answers
 * `gasEstimateL1Component`; else an L1 (execution gas only).
 */
async function detectChainKind(client: PublicClient, probe?: LiveTx): Promise<LiveChainKind> {
  const code = await client.getCode({ address: GAS_PRICE_ORACLE_ADDRESS });
  if (code && code !== "0x") return "op";
  try {
    await arbitrumL1Component(
      client,
      probe ?? { to: NODE_INTERFACE_ADDRESS, data: "0x", gasUsed: 0n },
    );
    return "arbitrum";
  } catch {
    return "l1";
  }
}

export interface LiveClientParameters {
  /** A JSON-RPC URL (never stored or printed: it may carry an API key). */
  rpcUrl?: string;
  /** Or an EIP-1193 provider (a Hardhat network connection's `provider`). */
  provider?:
    EIP1193Provider | { request(args: { method: string; params?: unknown }): Promise<unknown> };
  timeoutMs?: number;
}

/**
 * A viem public client for the live mode: over HTTP with a timeout and no retries (a hung
 * endpoint fails after `timeoutMs`), or over a provider.
 *
 * @example
 * const client = liveClient({ rpcUrl: process.env.BASE_RPC_URL });
 */
export function liveClient(p: LiveClientParameters): PublicClient {
  if (p.provider)
    return createPublicClient({
      transport: custom(p.provider as EIP1193Provider, { retryCount: 0 }),
    });
  if (!p.rpcUrl) throw new ZkmlError("liveClient needs rpcUrl or provider", { details: {} });
  return createPublicClient({
    transport: http(p.rpcUrl, { timeout: p.timeoutMs ?? LIVE_RPC_TIMEOUT_MS, retryCount: 0 }),
  });
}
