import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ContractFactory } from "ethers";
import type { Signer } from "ethers";
import type { VerificationKey } from "snarkjs";
import { compileSolidity } from "./compileSolidity.ts";
import type { CompileSolidityReturnType } from "./compileSolidity.ts";
import { batchVerifierSource, verificationKeySha256 } from "./batchVerifierSource.ts";

const require = createRequire(import.meta.url);
/** The Solidity interfaces, from the @zkml-verify/contracts package. */
const iface = (name: string) =>
  readFileSync(require.resolve(`@zkml-verify/contracts/interfaces/${name}`), "utf8");

export interface CompileBatchVerifierParameters {
  /** snarkjs `verification_key.json` contents (Groth16, bn128). */
  verificationKey: VerificationKey;
  /** sha256 of the key file; default: of `JSON.stringify(verificationKey, null, 2)` (setupGroth16's format). */
  verificationKeySha256?: string;
}

export interface CompileBatchVerifierReturnType extends CompileSolidityReturnType {
  contractName: string;
  source: string;
  verificationKeySha256: string;
}

/**
 * Generates and compiles (solc-js) the batch Groth16 verifier of a verification key.
 *
 * @example
 * const { bytecode, deployedSize } = compileBatchVerifier({ verificationKey });
 */
export function compileBatchVerifier(
  p: CompileBatchVerifierParameters,
): CompileBatchVerifierReturnType {
  const sha = p.verificationKeySha256 ?? verificationKeySha256(p.verificationKey);
  const gen = batchVerifierSource({
    verificationKey: p.verificationKey,
    verificationKeySha256: sha,
  });
  const compiled = compileSolidity({
    sources: {
      [gen.file]: gen.source,
      "contracts/interfaces/IBatchProofVerifier.sol": iface("IBatchProofVerifier.sol"),
      "contracts/interfaces/IProofVerifier.sol": iface("IProofVerifier.sol"),
    },
    contract: `${gen.file}:${gen.contractName}`,
    // Tuned for execution: with the default 200 runs solc's constant optimizer loads r and q
    // from code (CODECOPY) at every use instead of PUSH32, about 1k gas per proof more.
    optimizerRuns: 1_000_000,
  });
  return {
    ...compiled,
    contractName: gen.contractName,
    source: gen.source,
    verificationKeySha256: sha,
  };
}

export interface DeployBatchVerifierParameters extends CompileBatchVerifierParameters {
  signer: Signer;
}

export interface DeployBatchVerifierReturnType {
  /** The batch verifier (an `IBatchProofVerifier`, hence also an `IProofVerifier`). */
  address: string;
  /** Runtime bytecode size (limit 24,576 bytes). */
  deployedSize: number;
  gasUsed: bigint;
  verificationKeySha256: string;
}

/**
 * Generates, compiles and deploys the batch Groth16 verifier of a verification key; register
 * it with `ModelRegistry.setBatchVerifier(modelId, version, address)`.
 *
 * @example
 * const { address } = await deployBatchVerifier({ signer, verificationKey });
 */
export async function deployBatchVerifier(
  p: DeployBatchVerifierParameters,
): Promise<DeployBatchVerifierReturnType> {
  const c = compileBatchVerifier(p);
  const contract = await new ContractFactory(c.abi as never, c.bytecode, p.signer).deploy();
  const receipt = await contract.deploymentTransaction()!.wait();
  return {
    address: await contract.getAddress(),
    deployedSize: c.deployedSize,
    gasUsed: receipt!.gasUsed,
    verificationKeySha256: c.verificationKeySha256,
  };
}
