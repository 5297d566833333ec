import type { Signer } from "ethers";
import { encodeFunctionData } from "viem";
import { ChainError } from "../errors.ts";
import type { ChainClientLike, Hex } from "./chainClient.ts";
import { clientOf } from "./chainClient.ts";
import { checkSubmission, registeredLayout } from "./checkSubmission.ts";
import { readRegistry } from "./readRegistry.ts";
import { modelRegistryAbi } from "./generated/ModelRegistry.ts";
import { predictionsOf, registryEvents } from "./registryEvents.ts";
import type { PredictionVerifiedArgs } from "./registryEvents.ts";
import { sendTransaction } from "./sendTransaction.ts";

export interface BatchSubmitPredictionsParameters {
  /** ethers Signer, viem `{ publicClient, walletClient }` or a ChainClient. */
  client?: ChainClientLike;
  /** @deprecated use `client`. */
  signer?: Signer;
  registry: string;
  modelId: string;
  /** ABI-encoded proofs, one per prediction. */
  proofs: readonly string[];
  /** The public signals of each proof. */
  publicSignals: readonly (readonly bigint[])[];
  /** Gas limit (default: estimated by the node). */
  gas?: bigint;
  timeoutMs?: number;
}

/** One recorded prediction of the batch, in order. */
export type BatchPrediction = PredictionVerifiedArgs;

/** A batch item the registry skipped: its statement was already recorded (`PredictionSkipped`). */
export interface SkippedPrediction {
  /** The item's index in the batch. */
  index: number;
  predictionId: Hex;
}

export interface BatchSubmitPredictionsReturnType {
  /** The predictions this transaction recorded, in batch order (skipped items left out). */
  predictions: BatchPrediction[];
  /** Items whose statement was already recorded (by another transaction or earlier in the batch). */
  skipped: SkippedPrediction[];
  txHash: Hex;
  gasUsed: bigint;
  /** gasUsed / number of proofs (whole transaction, not just verification). */
  gasPerProof: bigint;
  blockNumber: number;
  calldataBytes: number;
}

/**
 * Submits many proven predictions of one model in ONE transaction (`submitPredictions`): every
 * new statement is recorded or none; an item whose statement is already recorded (say, copied
 * from the mempool and sent first by someone else) is skipped and reported in `skipped`. When the model's latest version has a batch verifier
 * (`setBatchVerifier`), the registry checks every proof with one aggregated pairing check;
 * otherwise proof by proof. Reverts come back as a ChainError naming the decoded custom error
 * (`InvalidBatchProof`, `BatchItemFailed(index, reason)`, ...).
 *
 * @example
 * const { predictions, gasPerProof } = await batchSubmitPredictions({ client: signer, registry, modelId, proofs, publicSignals });
 */
export async function batchSubmitPredictions(
  p: BatchSubmitPredictionsParameters,
): Promise<BatchSubmitPredictionsReturnType> {
  const client = clientOf(p);
  const [sender, model] = await Promise.all([
    client.getAddress(),
    readRegistry({
      client,
      registry: p.registry,
      functionName: "getModel",
      args: [p.modelId as Hex],
    }),
  ]);
  const layout = await registeredLayout({
    client,
    registry: p.registry,
    modelId: p.modelId,
    version: model.latestVersion,
  });
  p.publicSignals.forEach((publicSignals, index) =>
    checkSubmission({ layout, publicSignals, sender, index }),
  );
  const data = encodeFunctionData({
    abi: modelRegistryAbi,
    functionName: "submitPredictions",
    args: [p.modelId as Hex, p.proofs.map((x) => x as Hex), p.publicSignals.map((s) => [...s])],
  });
  const receipt = await sendTransaction({
    client,
    request: { to: p.registry as Hex, data, gas: p.gas },
    abi: modelRegistryAbi,
    action: "submitPredictions",
    timeoutMs: p.timeoutMs,
  });
  const predictions: BatchPrediction[] = predictionsOf({ receipt });
  const skipped = registryEvents<{ index: bigint; predictionId: Hex }>({
    receipt,
    eventName: "PredictionSkipped",
  }).map((e) => ({ index: Number(e.index), predictionId: e.predictionId }));
  if (predictions.length + skipped.length !== p.proofs.length) {
    throw new ChainError(
      `submitPredictions: ${predictions.length} PredictionVerified and ${skipped.length} PredictionSkipped events for ${p.proofs.length} proofs`,
      { details: { action: "submitPredictions", txHash: receipt.transactionHash } },
    );
  }
  return {
    predictions,
    skipped,
    txHash: receipt.transactionHash,
    gasUsed: receipt.gasUsed,
    gasPerProof: p.proofs.length ? receipt.gasUsed / BigInt(p.proofs.length) : 0n,
    blockNumber: Number(receipt.blockNumber),
    calldataBytes: (data.length - 2) / 2,
  };
}
