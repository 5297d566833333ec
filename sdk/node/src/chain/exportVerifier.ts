import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";
import { exportSolidity } from "../setup/exportSolidity.ts";
import { compileSolidity } from "./compileSolidity.ts";
import type { CompileSolidityReturnType } from "./compileSolidity.ts";

export interface ExportVerifierParameters {
  zkey: string;
  /** sha256 of the zkey, written into the "generated from" header. */
  zkeySha256: string;
  /** The zkey's proof system (default groth16). */
  system?: ProofSystem;
}

export interface ExportVerifierReturnType extends CompileSolidityReturnType {
  source: string;
  contractName: string;
}

/**
 * snarkjs's Solidity verifier for a zkey of any of the three systems (the same source as the
 * `Verifier.<system>.sol` that setup writes, see `exportSolidity`), compiled with solc-js. The
 * contract is never edited: the registry reaches it through `SnarkjsVerifierAdapter`, which
 * speaks the one `IProofVerifier` interface.
 *
 * @example
 * const { source, bytecode } = await exportVerifier({ zkey, zkeySha256 });
 * const plonk = await exportVerifier({ zkey: "model.plonk.zkey", zkeySha256, system: "plonk" });
 */
export async function exportVerifier(
  p: ExportVerifierParameters,
): Promise<ExportVerifierReturnType> {
  const { source, contractName } = await exportSolidity({ ...p, system: p.system ?? "groth16" });
  return {
    source,
    contractName,
    ...compileSolidity({
      sources: { "Verifier.sol": source },
      contract: `Verifier.sol:${contractName}`,
    }),
  };
}
