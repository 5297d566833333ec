import { Contract } from "ethers";
import type { Signer } from "ethers";
import { decodeRevert } from "./decodeRevert.ts";
import { modelRegistryAbi } from "./generated/ModelRegistry.ts";

export interface SubmitPredictionParameters {
  signer: Signer;
  registry: string;
  modelId: string;
  /** ABI-encoded proof (see `encodeGroth16Proof`). */
  proof: string;
  publicSignals: readonly bigint[];
}

export interface SubmitPredictionReturnType {
  predictionId: string;
  version: number;
  inputCommitment: string;
  outputs: bigint[];
  txHash: string;
  gasUsed: bigint;
  blockNumber: number;
  /** Bytes of calldata sent. */
  calldataBytes: number;
}

/**
 * Submits a proven prediction; the registry verifies it and emits PredictionVerified.
 *
 * @example
 * const { predictionId, gasUsed } = await submitPrediction({ signer, registry, modelId, proof, publicSignals });
 */
export async function submitPrediction(
  p: SubmitPredictionParameters,
): Promise<SubmitPredictionReturnType> {
  const registry = new Contract(p.registry, modelRegistryAbi, p.signer);
  try {
    const tx = await registry.submitPrediction(p.modelId, p.proof, p.publicSignals);
    const receipt = await tx.wait();
    const ev = receipt.logs
      .map((l: { topics: string[]; data: string }) => registry.interface.parseLog(l))
      .find((e: { name: string } | null) => e?.name === "PredictionVerified");
    return {
      predictionId: ev.args.predictionId,
      version: Number(ev.args.version),
      inputCommitment: ev.args.inputCommitment,
      outputs: [...ev.args.outputs],
      txHash: receipt.hash,
      gasUsed: receipt.gasUsed,
      blockNumber: receipt.blockNumber,
      calldataBytes: (tx.data.length - 2) / 2,
    };
  } catch (error) {
    throw decodeRevert({ error, abi: modelRegistryAbi, action: "submitPrediction" });
  }
}
