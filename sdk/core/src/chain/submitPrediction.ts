import type { Signer } from "ethers";
import { encodeFunctionData } from "viem";
import { ChainError, ZkmlError } from "../errors.ts";
import type { ChainClient, ChainClientLike, ChainReceipt, Hex } from "./chainClient.ts";
import { clientOf } from "./chainClient.ts";
import { checkSubmission, registeredLayout } from "./checkSubmission.ts";
import { modelRegistryAbi } from "./generated/ModelRegistry.ts";
import type { PendingSubmission, SubmissionStore } from "./submissionStore.ts";
import { predictionIdOf } from "./predictionIdOf.ts";
import { readRegistry } from "./readRegistry.ts";
import { predictionsOf } from "./registryEvents.ts";
import { sendTransaction } from "./sendTransaction.ts";

/** Transaction parameters a caller may pin (e.g. to replace a stuck transaction). */
export interface TxOverrides {
  nonce?: number;
  gas?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  /** Give up waiting for the receipt after this long (default 120 s). */
  timeoutMs?: number;
}

export interface SubmitPredictionParameters extends TxOverrides {
  /** ethers Signer, viem `{ publicClient, walletClient }` or a ChainClient. */
  client?: ChainClientLike;
  /** @deprecated use `client`. */
  signer?: Signer;
  registry: string;
  modelId: string;
  /** ABI-encoded proof (see `encodeGroth16Proof`). */
  proof: string;
  publicSignals: readonly bigint[];
  /**
   * Keeps the submission while in flight (saved before sending, filed when mined) so nothing is
   * lost if the transaction fails or is dropped; `fileSubmissionStore({ dir })` in
   * @zkml-verify/node writes `<dir>/pending/` files that `resumeSubmission` sends again.
   */
  store?: SubmissionStore;
}

export interface SubmitPredictionReturnType {
  predictionId: Hex;
  version: number;
  inputCommitment: Hex;
  outputs: bigint[];
  txHash: Hex;
  gasUsed: bigint;
  blockNumber: number;
  /** Bytes of calldata sent. */
  calldataBytes: number;
  /** Where the store filed the submitted prediction (a file with `fileSubmissionStore`). */
  file?: string;
}

/**
 * Submits a proven prediction; the registry verifies it and emits PredictionVerified. With a
 * `store`, the proof and public signals are saved before sending, so nothing is lost if the
 * transaction fails or is dropped: `resumeSubmission` sends it again. Nonce, fee, funds and gas
 * failures are typed errors (NonceTooLowError, ...); reverts carry the decoded custom error. A
 * proof bound to another submitter (a model compiled with `submitter: "bound"`) or with a
 * signal >= r is refused with an InputError before anything is written or sent.
 *
 * @example
 * const { predictionId, gasUsed } = await submitPrediction({ client: signer, registry, modelId, proof, publicSignals, store });
 */
export async function submitPrediction(
  p: SubmitPredictionParameters,
): Promise<SubmitPredictionReturnType> {
  const client = clientOf(p);
  const [from, chainId, model] = await Promise.all([
    client.getAddress(),
    client.getChainId(),
    readRegistry({
      client,
      registry: p.registry,
      functionName: "getModel",
      args: [p.modelId as Hex],
    }),
  ]);
  const version = model.latestVersion;
  // Fails here, before a pending file is written, what the registry would refuse from this
  // sender whatever the retry: a signal >= r, a proof bound to another submitter.
  const layout = await registeredLayout({
    client,
    registry: p.registry,
    modelId: p.modelId,
    version,
  });
  checkSubmission({ layout, publicSignals: p.publicSignals, sender: from });
  const data = encodeFunctionData({
    abi: modelRegistryAbi,
    functionName: "submitPrediction",
    args: [p.modelId as Hex, p.proof as Hex, [...p.publicSignals]],
  });
  const s: PendingSubmission = {
    schema: 1,
    kind: "submitPrediction",
    predictionId: predictionIdOf({ modelId: p.modelId, version, publicSignals: p.publicSignals }),
    chainId,
    registry: p.registry as Hex,
    modelId: p.modelId as Hex,
    version,
    proof: p.proof as Hex,
    publicSignals: p.publicSignals.map(String),
    request: {
      from,
      to: p.registry as Hex,
      data,
      nonce: p.nonce,
      gas: p.gas?.toString(),
      maxFeePerGas: p.maxFeePerGas?.toString(),
      maxPriorityFeePerGas: p.maxPriorityFeePerGas?.toString(),
    },
    createdAt: new Date().toISOString(),
    attempts: [],
  };
  return sendSubmission({ client, submission: s, store: p.store, overrides: p });
}

/** Sends a (pending) submission, recording each attempt in the store when one is given. */
export async function sendSubmission(p: {
  client: ChainClient;
  submission: PendingSubmission;
  store?: SubmissionStore;
  overrides: TxOverrides;
}): Promise<SubmitPredictionReturnType> {
  const { client, submission: s, store, overrides: o } = p;
  const file = store?.save(s);
  const attempt: PendingSubmission["attempts"][number] = {
    nonce: o.nonce,
    at: new Date().toISOString(),
  };
  s.attempts.push(attempt);
  let receipt: ChainReceipt;
  try {
    receipt = await sendTransaction({
      client,
      request: {
        to: s.registry,
        data: s.request.data,
        nonce: o.nonce,
        gas: o.gas,
        maxFeePerGas: o.maxFeePerGas,
        maxPriorityFeePerGas: o.maxPriorityFeePerGas,
      },
      abi: modelRegistryAbi,
      action: "submitPrediction",
      timeoutMs: o.timeoutMs,
      pendingFile: file,
      onSent: (txHash) => {
        attempt.txHash = txHash;
        store?.save(s);
      },
    });
  } catch (error) {
    attempt.error = error instanceof ZkmlError ? `${error.name}: ${error.message}` : String(error);
    store?.save(s);
    throw error;
  }
  const result = fromReceipt(receipt, s.request.data);
  const moved = store?.submitted(s, {
    txHash: result.txHash,
    blockNumber: String(result.blockNumber),
    gasUsed: String(result.gasUsed),
  });
  return { ...result, file: moved };
}

/** Reads the PredictionVerified event out of a submission's receipt. */
export function fromReceipt(receipt: ChainReceipt, data: Hex): SubmitPredictionReturnType {
  const [prediction] = predictionsOf({ receipt });
  if (!prediction) {
    throw new ChainError("submitPrediction: no PredictionVerified event in the receipt", {
      details: { action: "submitPrediction", txHash: receipt.transactionHash },
    });
  }
  return {
    ...prediction,
    txHash: receipt.transactionHash,
    gasUsed: receipt.gasUsed,
    blockNumber: Number(receipt.blockNumber),
    calldataBytes: (data.length - 2) / 2,
  };
}
