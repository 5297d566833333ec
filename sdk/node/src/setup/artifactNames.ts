import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";

/**
 * File names of a proof system's keys and verifier in a model folder; Groth16 keeps the names
 * the registry flow already uses. Its own module: `zkml prove` reads the names without loading
 * the setup code (snarkjs, the ptau ceremony).
 *
 * @example
 * artifactNames("plonk").zkey; // "model.plonk.zkey"
 */
export function artifactNames(system: ProofSystem) {
  const tag = system === "groth16" ? "" : `.${system}`;
  return {
    zkey: `model${tag}.zkey`,
    verificationKey: `verification_key${tag}.json`,
    verifier: `Verifier.${system}.sol`,
  };
}
