import type { Groth16Proof, VerificationKey } from "snarkjs";
import { checkVerificationKeyTrust } from "../keyTrust.ts";
import { snarkjs } from "../util/snarkjs.ts";
import { keepWorkersIdle } from "../util/snarkjsLogger.ts";

export interface VerifyGroth16Parameters {
  verificationKey: VerificationKey;
  proof: Groth16Proof;
  publicSignals: readonly bigint[];
}

/**
 * Verifies a Groth16 proof off-chain. Returns false for a malformed proof; throws
 * `UntrustedKeyError` for a key without phase-2 randomness (`checkVerificationKeyTrust`).
 *
 * @example
 * const ok = await verifyGroth16({ verificationKey, proof, publicSignals });
 */
export function verifyGroth16(p: VerifyGroth16Parameters): Promise<{ valid: boolean; ms: number }> {
  return keepWorkersIdle(() => runVerifyGroth16(p));
}

/** `verifyGroth16` outside keepWorkersIdle (the caller holds the worker threads). */
async function runVerifyGroth16(
  p: VerifyGroth16Parameters,
): Promise<{ valid: boolean; ms: number }> {
  const start = performance.now();
  checkVerificationKeyTrust({ verificationKey: p.verificationKey });
  let valid = false;
  try {
    valid = await (
      await snarkjs()
    ).groth16.verify(p.verificationKey, p.publicSignals.map(String), p.proof);
  } catch {
    valid = false;
  }
  return { valid, ms: performance.now() - start };
}
