import type { Signer } from "ethers";
import { encodeFunctionData } from "viem";
import type { ChainClientLike, Hex } from "./chainClient.ts";
import { clientOf } from "./chainClient.ts";
import { classifyTxError } from "./classifyTxError.ts";
import { modelRegistryAbi } from "./generated/ModelRegistry.ts";

export interface EstimateVerificationCostParameters {
  client?: ChainClientLike;
  /** @deprecated use `client`. */
  signer?: Signer;
  registry: string;
  modelId: string;
  proof: string;
  publicSignals: readonly bigint[];
  /** Sender to estimate for (default: the client's account, if any). */
  from?: string;
  /** Price to cost it at (default: the node's current gas price). */
  gasPriceWei?: bigint;
}

export interface EstimateVerificationCostReturnType {
  /** eth_estimateGas of the submitPrediction transaction (verification + bookkeeping + base). */
  gas: bigint;
  calldataBytes: number;
  gasPriceWei: bigint;
  /** gas * gasPriceWei (L2s add an L1 data fee on top; see the gas lab). */
  costWei: bigint;
}

/**
 * Estimates what a submission costs, without sending it (eth_estimateGas). A proof that would
 * revert (invalid, replayed, unknown model) throws the decoded custom error instead.
 *
 * @example
 * const { gas, costWei } = await estimateVerificationCost({ client: provider, registry, modelId, proof, publicSignals });
 */
export async function estimateVerificationCost(
  p: EstimateVerificationCostParameters,
): Promise<EstimateVerificationCostReturnType> {
  const client = clientOf(p);
  const data = encodeFunctionData({
    abi: modelRegistryAbi,
    functionName: "submitPrediction",
    args: [p.modelId as Hex, p.proof as Hex, [...p.publicSignals]],
  });
  const from = (p.from ?? (await client.getAddress().catch(() => undefined))) as Hex | undefined;
  let gas: bigint;
  try {
    gas = await client.estimateGas({ to: p.registry as Hex, data, from });
  } catch (error) {
    throw classifyTxError({ error, abi: modelRegistryAbi, action: "estimateVerificationCost" });
  }
  const gasPriceWei = p.gasPriceWei ?? (await client.getGasPrice());
  return { gas, calldataBytes: (data.length - 2) / 2, gasPriceWei, costWei: gas * gasPriceWei };
}
