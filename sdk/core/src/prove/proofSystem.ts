/** The proof systems a compiled model can be set up for (snarkjs). */
export type ProofSystem = "groth16" | "plonk" | "fflonk";

/** Every proof system, in the order the CLI and the benchmark list them. */
export const PROOF_SYSTEMS: readonly ProofSystem[] = ["groth16", "plonk", "fflonk"];
