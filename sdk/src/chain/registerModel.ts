import { Contract, toBeHex } from "ethers";
import type { Signer } from "ethers";
import type { SignalLayout } from "../circuit/publicSignals.ts";
import { decodeRevert } from "./decodeRevert.ts";
import { modelRegistryAbi } from "./generated/ModelRegistry.ts";

export interface RegisterModelParameters {
  signer: Signer;
  registry: string;
  /** bytes32 model id (e.g. keccak256 of a name). */
  modelId: string;
  weightCommitment: bigint;
  /** The IProofVerifier (adapter) address. */
  verifier: string;
  layout: SignalLayout;
  metadataURI: string;
}

/**
 * Registers a model (or a new version of it) in the registry.
 *
 * @example
 * const { version } = await registerModel({ signer, registry, modelId, weightCommitment, verifier, layout, metadataURI: "ipfs://..." });
 */
export async function registerModel(
  p: RegisterModelParameters,
): Promise<{ version: number; txHash: string; gasUsed: bigint }> {
  const registry = new Contract(p.registry, modelRegistryAbi, p.signer);
  try {
    const tx = await registry.registerModel(
      p.modelId,
      toBeHex(p.weightCommitment, 32),
      p.verifier,
      p.layout,
      p.metadataURI,
    );
    const receipt = await tx.wait();
    const log = receipt.logs
      .map((l: { topics: string[]; data: string }) => registry.interface.parseLog(l))
      .find((e: { name: string } | null) => e?.name === "ModelRegistered");
    return { version: Number(log.args.version), txHash: receipt.hash, gasUsed: receipt.gasUsed };
  } catch (error) {
    throw decodeRevert({ error, abi: modelRegistryAbi, action: "registerModel" });
  }
}
