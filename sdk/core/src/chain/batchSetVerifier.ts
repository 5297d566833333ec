import type { Signer } from "ethers";
import { encodeFunctionData } from "viem";
import type { ChainClientLike, Hex } from "./chainClient.ts";
import { clientOf } from "./chainClient.ts";
import { modelRegistryAbi } from "./generated/ModelRegistry.ts";
import { sendTransaction } from "./sendTransaction.ts";

export interface SetBatchVerifierParameters {
  /** ethers Signer, viem `{ publicClient, walletClient }` or a ChainClient (REGISTRAR_ROLE). */
  client?: ChainClientLike;
  /** @deprecated use `client`. */
  signer?: Signer;
  registry: string;
  modelId: string;
  version: number;
  /** The batch verifier (see `deployBatchVerifier`), or the zero address to clear it. */
  batchVerifier: string;
}

/**
 * Sets the batch verifier of a model version (`ModelRegistry.setBatchVerifier`); the registry
 * checks it has code, the version's public signal count and proof system.
 *
 * @example
 * await setBatchVerifier({ client: signer, registry, modelId, version: 1, batchVerifier: address });
 */
export async function setBatchVerifier(
  p: SetBatchVerifierParameters,
): Promise<{ txHash: Hex; gasUsed: bigint }> {
  const data = encodeFunctionData({
    abi: modelRegistryAbi,
    functionName: "setBatchVerifier",
    args: [p.modelId as Hex, p.version, p.batchVerifier as Hex],
  });
  const receipt = await sendTransaction({
    client: clientOf(p),
    request: { to: p.registry as Hex, data },
    abi: modelRegistryAbi,
    action: "setBatchVerifier",
  });
  return { txHash: receipt.transactionHash, gasUsed: receipt.gasUsed };
}
