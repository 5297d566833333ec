import type { Groth16Proof, UniversalProof, VerificationKey } from "snarkjs";
import { checkVerificationKeyTrust } from "../keyTrust.ts";
import { snarkjs } from "../util/snarkjs.ts";
import type { ProofSystem } from "./proofSystem.ts";
import type { AnyProof } from "./prove.ts";
import { keepWorkersIdle } from "../util/snarkjsLogger.ts";

export interface VerifyProofParameters {
  system: ProofSystem;
  verificationKey: VerificationKey;
  proof: AnyProof;
  publicSignals: readonly bigint[];
}

/**
 * Verifies a proof of any system off-chain. Returns false for a malformed proof, a proof for
 * another key, or a key of another system. Throws `UntrustedKeyError` for a Groth16 key anyone
 * can forge proofs with (no phase-2 contribution: delta = gamma; `checkVerificationKeyTrust`).
 *
 * @example
 * const { valid } = await verifyProof({ system: "fflonk", verificationKey, proof, publicSignals });
 */
export function verifyProof(p: VerifyProofParameters): Promise<{ valid: boolean; ms: number }> {
  return keepWorkersIdle(() => runVerifyProof(p));
}

/** `verifyProof` outside keepWorkersIdle (the caller holds the worker threads). */
async function runVerifyProof(p: VerifyProofParameters): Promise<{ valid: boolean; ms: number }> {
  const start = performance.now();
  let valid = false;
  const signals = p.publicSignals.map(String);
  if (p.system === "groth16" && p.verificationKey.protocol === "groth16")
    checkVerificationKeyTrust({ verificationKey: p.verificationKey });
  try {
    const { groth16, plonk, fflonk } = await snarkjs();
    if (p.verificationKey.protocol !== p.system) valid = false;
    else if (p.system === "groth16")
      valid = await groth16.verify(p.verificationKey, signals, p.proof as Groth16Proof);
    else
      valid = await { plonk, fflonk }[p.system].verify(
        p.verificationKey,
        signals,
        p.proof as UniversalProof,
      );
  } catch {
    valid = false;
  }
  return { valid, ms: performance.now() - start };
}
