import type { Signer } from "ethers";
import type { Abi } from "viem";
import type { ChainClientLike, Hex } from "@zkml-verify/core/internal/chain/chainClient";
import { clientOf } from "@zkml-verify/core/internal/chain/chainClient";
import { deployContract } from "@zkml-verify/core/internal/chain/deployContract";
import { exportVerifier } from "./exportVerifier.ts";
import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";
import {
  snarkjsVerifierAdapterAbi,
  snarkjsVerifierAdapterBytecode,
} from "@zkml-verify/core/internal/chain/generated/SnarkjsVerifierAdapter";

export const PROOF_SYSTEM = { groth16: 0, plonk: 1, fflonk: 2 } as const;

export interface DeployVerifierParameters {
  /** ethers Signer, viem `{ publicClient, walletClient }` or a ChainClient. */
  client?: ChainClientLike;
  /** @deprecated use `client`. */
  signer?: Signer;
  zkey: string;
  zkeySha256: string;
  nPublic: number;
  /** The zkey's proof system (default groth16). */
  system?: ProofSystem;
}

export interface DeployVerifierReturnType {
  /** The snarkjs verifier contract. */
  verifier: Hex;
  /** The IProofVerifier adapter in front of it: what the registry stores. */
  adapter: Hex;
  /** Runtime bytecode size of the verifier (limit 24,576 bytes). */
  verifierSize: number;
  /** The creation transactions of the verifier and of the adapter. */
  transactions: { verifier: DeployedIn; adapter: DeployedIn };
  gasUsed: bigint;
}

/** Where a contract was created. */
export interface DeployedIn {
  txHash: Hex;
  blockNumber: bigint;
}

/**
 * Exports, compiles and deploys the model's snarkjs verifier (Groth16, PLONK or FFLONK) and its
 * IProofVerifier adapter, which tells the registry the proof system.
 *
 * @example
 * const { adapter } = await deployVerifier({ client: signer, zkey, zkeySha256, nPublic: 8 });
 */
export async function deployVerifier(
  p: DeployVerifierParameters,
): Promise<DeployVerifierReturnType> {
  const client = clientOf(p);
  const system = p.system ?? "groth16";
  const v = await exportVerifier({ zkey: p.zkey, zkeySha256: p.zkeySha256, system });
  const verifier = await deployContract({
    client,
    abi: v.abi as Abi,
    bytecode: v.bytecode,
    name: v.contractName,
  });
  const adapter = await deployContract({
    client,
    abi: snarkjsVerifierAdapterAbi,
    bytecode: snarkjsVerifierAdapterBytecode,
    args: [verifier.address, PROOF_SYSTEM[system], p.nPublic],
    name: "SnarkjsVerifierAdapter",
  });
  return {
    verifier: verifier.address,
    adapter: adapter.address,
    verifierSize: v.deployedSize,
    transactions: {
      verifier: { txHash: verifier.txHash, blockNumber: verifier.blockNumber },
      adapter: { txHash: adapter.txHash, blockNumber: adapter.blockNumber },
    },
    gasUsed: verifier.gasUsed + adapter.gasUsed,
  };
}
