import { ContractFactory } from "ethers";
import type { Contract, Signer } from "ethers";
import { modelRegistryAbi, modelRegistryBytecode } from "./generated/ModelRegistry.ts";

export interface DeployRegistryParameters {
  signer: Signer;
  /** Holder of DEFAULT_ADMIN_ROLE (default: the signer). */
  admin?: string;
  /** Holder of REGISTRAR_ROLE (default: the signer). */
  registrar?: string;
  /** Holder of PAUSER_ROLE (default: the signer). */
  pauser?: string;
}

/**
 * Deploys a ModelRegistry.
 *
 * @example
 * const { registry, address } = await deployRegistry({ signer });
 */
export async function deployRegistry(
  p: DeployRegistryParameters,
): Promise<{ registry: Contract; address: string; gasUsed: bigint }> {
  const me = await p.signer.getAddress();
  const factory = new ContractFactory(modelRegistryAbi, modelRegistryBytecode, p.signer);
  const registry = (await factory.deploy(
    p.admin ?? me,
    p.registrar ?? me,
    p.pauser ?? me,
  )) as Contract;
  const receipt = await registry.deploymentTransaction()!.wait();
  return { registry, address: await registry.getAddress(), gasUsed: receipt!.gasUsed };
}
