import type { Signer } from "ethers";
import type { ChainClientLike, Hex } from "./chainClient.ts";
import { clientOf } from "./chainClient.ts";
import { deployContract } from "./deployContract.ts";
import { modelRegistryAbi, modelRegistryBytecode } from "./generated/ModelRegistry.ts";

export interface DeployRegistryParameters {
  /** ethers Signer, viem `{ publicClient, walletClient }` or a ChainClient. */
  client?: ChainClientLike;
  /** @deprecated use `client` (kept for existing callers). */
  signer?: Signer;
  /** Holder of DEFAULT_ADMIN_ROLE (default: the sender). */
  admin?: string;
  /** Holder of REGISTRAR_ROLE (default: the sender). */
  registrar?: string;
  /** Holder of PAUSER_ROLE (default: the sender). */
  pauser?: string;
}

export interface DeployRegistryReturnType {
  address: Hex;
  txHash: Hex;
  /** The block the registry was created in: where an audit of it starts. */
  blockNumber: bigint;
  gasUsed: bigint;
}

/**
 * Deploys a ModelRegistry.
 *
 * @example
 * const { address } = await deployRegistry({ client: signer }); // or { client: { publicClient, walletClient } }
 */
export async function deployRegistry(
  p: DeployRegistryParameters,
): Promise<DeployRegistryReturnType> {
  const client = clientOf(p);
  const me = await client.getAddress();
  return deployContract({
    client,
    abi: modelRegistryAbi,
    bytecode: modelRegistryBytecode,
    args: [p.admin ?? me, p.registrar ?? me, p.pauser ?? me],
    name: "ModelRegistry",
  });
}
