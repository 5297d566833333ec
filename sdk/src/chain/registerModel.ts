import type { Signer } from "ethers";
import { decodeEventLog, encodeFunctionData, toHex } from "viem";
import type { SignalLayout } from "../circuit/publicSignals.ts";
import { ChainError } from "../errors.ts";
import type { ChainClientLike, Hex } from "./chainClient.ts";
import { clientOf } from "./chainClient.ts";
import { modelRegistryAbi } from "./generated/ModelRegistry.ts";
import { sendTransaction } from "./sendTransaction.ts";

export interface RegisterModelParameters {
  /** ethers Signer, viem `{ publicClient, walletClient }` or a ChainClient (holding REGISTRAR_ROLE). */
  client?: ChainClientLike;
  /** @deprecated use `client`. */
  signer?: Signer;
  registry: string;
  /** bytes32 model id (e.g. keccak256 of a name). */
  modelId: string;
  weightCommitment: bigint;
  /** The IProofVerifier (adapter) address. */
  verifier: string;
  layout: SignalLayout;
  metadataURI: string;
}

export interface RegisterModelReturnType {
  version: number;
  txHash: Hex;
  gasUsed: bigint;
  blockNumber: bigint;
}

/**
 * Registers a model (or a new version of it) in the registry.
 *
 * @example
 * const { version } = await registerModel({ client: signer, registry, modelId, weightCommitment, verifier, layout, metadataURI: "ipfs://..." });
 */
export async function registerModel(p: RegisterModelParameters): Promise<RegisterModelReturnType> {
  const client = clientOf(p);
  const data = encodeFunctionData({
    abi: modelRegistryAbi,
    functionName: "registerModel",
    args: [
      p.modelId as Hex,
      toHex(p.weightCommitment, { size: 32 }),
      p.verifier as Hex,
      p.layout,
      p.metadataURI,
    ],
  });
  const receipt = await sendTransaction({
    client,
    request: { to: p.registry as Hex, data },
    abi: modelRegistryAbi,
    action: "registerModel",
  });
  for (const log of receipt.logs) {
    try {
      const ev = decodeEventLog({
        abi: modelRegistryAbi,
        eventName: "ModelRegistered",
        data: log.data,
        topics: log.topics as [Hex],
      });
      // viem's eventName only narrows types: check the decoded name.
      if (ev.eventName !== "ModelRegistered") continue;
      return {
        version: (ev.args as { version: number }).version,
        txHash: receipt.transactionHash,
        gasUsed: receipt.gasUsed,
        blockNumber: receipt.blockNumber,
      };
    } catch {
      // another contract's event
    }
  }
  throw new ChainError("registerModel: no ModelRegistered event in the receipt", {
    details: { action: "registerModel", txHash: receipt.transactionHash },
  });
}
