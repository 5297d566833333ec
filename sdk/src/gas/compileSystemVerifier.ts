import * as snarkjs from "snarkjs";
import { compileSolidity, snarkjsTemplate } from "../chain/compileSolidity.ts";
import type { CompileSolidityReturnType } from "../chain/compileSolidity.ts";
import type { GasProofSystem } from "./proveSamples.ts";

const CONTRACT: Record<GasProofSystem, string> = {
  groth16: "Groth16Verifier",
  plonk: "PlonkVerifier",
  fflonk: "FflonkVerifier",
};

export interface CompileSystemVerifierParameters {
  zkey: string;
  zkeySha256: string;
  system: GasProofSystem;
}

/**
 * Exports snarkjs's Solidity verifier of a zkey for any of its three proof systems (with a
 * "generated from" header) and compiles it with solc-js.
 *
 * @example
 * const { bytecode, deployedSize } = await compileSystemVerifier({ zkey, zkeySha256, system: "plonk" });
 */
export async function compileSystemVerifier(
  p: CompileSystemVerifierParameters,
): Promise<CompileSolidityReturnType & { contractName: string; source: string }> {
  const body = await snarkjs.zKey.exportSolidityVerifier(p.zkey, {
    [p.system]: snarkjsTemplate(`verifier_${p.system}.sol.ejs`),
  });
  const source = `// generated from zkey sha256 ${p.zkeySha256} by snarkjs exportSolidityVerifier\n// (sdk/src/gas/compileSystemVerifier.ts). Do not edit.\n${body}`;
  const contractName = CONTRACT[p.system];
  const compiled = compileSolidity({
    sources: { "Verifier.sol": source },
    contract: `Verifier.sol:${contractName}`,
  });
  return { ...compiled, contractName, source };
}
