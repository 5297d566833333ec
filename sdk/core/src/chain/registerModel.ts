import type { Signer } from "ethers";
import { encodeFunctionData, toHex } from "viem";
import type { SignalLayout } from "../layout/publicSignals.ts";
import { ChainError } from "../errors.ts";
import type { ChainClientLike, Hex } from "./chainClient.ts";
import { clientOf } from "./chainClient.ts";
import { modelRegistryAbi } from "./generated/ModelRegistry.ts";
import { registryEvents } from "./registryEvents.ts";
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
 * The layout as `registerModel` sends it: every field of `IModelRegistry.SignalLayout`, in
 * order, with `outputKind` 0 (output values) and `submitterKind` 0 (none) when a manifest
 * written before those fields existed lacks them.
 *
 * @example
 * const layout = registryLayout(readManifest(dir).publicSignals.layout);
 */
export function registryLayout(layout: SignalLayout): SignalLayout {
  return {
    nPublic: layout.nPublic,
    weightCommitmentIndex: layout.weightCommitmentIndex,
    inputKind: layout.inputKind,
    inputOffset: layout.inputOffset,
    inputCount: layout.inputCount,
    outputOffset: layout.outputOffset,
    outputCount: layout.outputCount,
    outputKind: layout.outputKind ?? 0,
    submitterKind: layout.submitterKind ?? 0,
    submitterIndex: layout.submitterIndex ?? 0,
  };
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
      registryLayout(p.layout),
      p.metadataURI,
    ],
  });
  const receipt = await sendTransaction({
    client,
    request: { to: p.registry as Hex, data },
    abi: modelRegistryAbi,
    action: "registerModel",
  });
  const [registered] = registryEvents<{ version: number }>({
    receipt,
    eventName: "ModelRegistered",
  });
  if (registered) {
    return {
      version: registered.version,
      txHash: receipt.transactionHash,
      gasUsed: receipt.gasUsed,
      blockNumber: receipt.blockNumber,
    };
  }
  throw new ChainError("registerModel: no ModelRegistered event in the receipt", {
    details: { action: "registerModel", txHash: receipt.transactionHash },
  });
}
