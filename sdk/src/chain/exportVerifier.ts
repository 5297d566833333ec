import * as snarkjs from "snarkjs";
import { compileSolidity, snarkjsTemplate } from "./compileSolidity.ts";
import type { CompileSolidityReturnType } from "./compileSolidity.ts";

export interface ExportVerifierParameters {
  zkey: string;
  /** sha256 of the zkey, written into the "generated from" header. */
  zkeySha256: string;
}

export interface ExportVerifierReturnType extends CompileSolidityReturnType {
  source: string;
  contractName: string;
}

/**
 * Exports snarkjs's Solidity Groth16 verifier for a zkey (with a "generated from" header) and
 * compiles it. The contract is never edited: the registry reaches it through
 * `SnarkjsVerifierAdapter`, which speaks the one `IProofVerifier` interface.
 *
 * @example
 * const { source, bytecode } = await exportVerifier({ zkey, zkeySha256 });
 */
export async function exportVerifier(
  p: ExportVerifierParameters,
): Promise<ExportVerifierReturnType> {
  const body = await snarkjs.zKey.exportSolidityVerifier(p.zkey, {
    groth16: snarkjsTemplate("verifier_groth16.sol.ejs"),
  });
  const source = `// generated from zkey sha256 ${p.zkeySha256} by snarkjs exportSolidityVerifier\n// (sdk/src/chain/exportVerifier.ts). Do not edit.\n${body}`;
  const contractName = "Groth16Verifier";
  return {
    source,
    contractName,
    ...compileSolidity({
      sources: { "Verifier.sol": source },
      contract: `Verifier.sol:${contractName}`,
    }),
  };
}
