import { ContractFactory } from "ethers";
import type { Signer } from "ethers";
import { exportVerifier } from "./exportVerifier.ts";
import {
  snarkjsVerifierAdapterAbi,
  snarkjsVerifierAdapterBytecode,
} from "./generated/SnarkjsVerifierAdapter.ts";

export const PROOF_SYSTEM = { groth16: 0, plonk: 1, fflonk: 2 } as const;

export interface DeployVerifierParameters {
  signer: Signer;
  zkey: string;
  zkeySha256: string;
  nPublic: number;
}

export interface DeployVerifierReturnType {
  /** The snarkjs verifier contract. */
  verifier: string;
  /** The IProofVerifier adapter in front of it: what the registry stores. */
  adapter: string;
  /** Runtime bytecode size of the verifier (limit 24,576 bytes). */
  verifierSize: number;
  gasUsed: bigint;
}

/**
 * Exports, compiles and deploys the model's Groth16 verifier and its IProofVerifier adapter.
 *
 * @example
 * const { adapter } = await deployVerifier({ signer, zkey, zkeySha256, nPublic: 8 });
 */
export async function deployVerifier(
  p: DeployVerifierParameters,
): Promise<DeployVerifierReturnType> {
  const v = await exportVerifier({ zkey: p.zkey, zkeySha256: p.zkeySha256 });
  const verifier = await new ContractFactory(v.abi as never, v.bytecode, p.signer).deploy();
  const r1 = await verifier.deploymentTransaction()!.wait();
  const adapterFactory = new ContractFactory(
    snarkjsVerifierAdapterAbi,
    snarkjsVerifierAdapterBytecode,
    p.signer,
  );
  const adapter = await adapterFactory.deploy(
    await verifier.getAddress(),
    PROOF_SYSTEM.groth16,
    p.nPublic,
  );
  const r2 = await adapter.deploymentTransaction()!.wait();
  return {
    verifier: await verifier.getAddress(),
    adapter: await adapter.getAddress(),
    verifierSize: v.deployedSize,
    gasUsed: r1!.gasUsed + r2!.gasUsed,
  };
}
