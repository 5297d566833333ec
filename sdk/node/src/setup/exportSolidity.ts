import * as snarkjs from "snarkjs";
import { snarkjsTemplate } from "../chain/compileSolidity.ts";
import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";

/** The contract each snarkjs template declares. */
export const VERIFIER_CONTRACT: Record<ProofSystem, string> = {
  groth16: "Groth16Verifier",
  plonk: "PlonkVerifier",
  fflonk: "FflonkVerifier",
};

/**
 * snarkjs's Solidity verifier for a zkey of any of the three systems, with a "generated from"
 * header naming the zkey's sha256. Never edited by hand: regenerate it from the zkey.
 *
 * @example
 * const { source, contractName } = await exportSolidity({ zkey, zkeySha256, system: "plonk" });
 */
export async function exportSolidity(p: {
  zkey: string;
  zkeySha256: string;
  system: ProofSystem;
}): Promise<{ source: string; contractName: string }> {
  const body = await snarkjs.zKey.exportSolidityVerifier(p.zkey, {
    groth16: snarkjsTemplate("verifier_groth16.sol.ejs"),
    plonk: snarkjsTemplate("verifier_plonk.sol.ejs"),
    fflonk: snarkjsTemplate("verifier_fflonk.sol.ejs"),
  });
  const source =
    `// generated from zkey sha256 ${p.zkeySha256} (${p.system}) by snarkjs exportSolidityVerifier\n` +
    `// (sdk/node/src/setup/exportSolidity.ts). Do not edit.\n${body}`;
  return { source, contractName: VERIFIER_CONTRACT[p.system] };
}
