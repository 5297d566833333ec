import type { VerificationKey } from "snarkjs";
import { UntrustedKeyError } from "@zkml-verify/core/internal/errors";
import { checkVerificationKeyTrust } from "@zkml-verify/core/internal/keyTrust";
import { readZkeyInfo } from "./readZkeyInfo.ts";
import type { ZkeyContribution } from "./readZkeyInfo.ts";

export interface CheckGroth16KeyTrustParameters {
  /** The verification key (vk_delta_2, vk_gamma_2 are checked). */
  verificationKey?: VerificationKey;
  /** The zkey, when available: its phase-2 contributions are counted (at least one needed). */
  zkey?: string;
  /** Names the key in errors (default: the zkey path, else "verification key"). */
  file?: string;
}

export interface CheckGroth16KeyTrustReturnType {
  /** Phase-2 contributions read from the zkey (undefined: only a verification key was given). */
  contributions?: ZkeyContribution[];
}

/**
 * Refuses a Groth16 key with which anyone can forge proofs. `snarkjs zkey new` alone leaves
 * delta = gamma = the G2 generator; then A = alpha, B = beta, C = -vk_x satisfies the
 * verification equation for any public signals. Checks, from the verification key, that
 * delta is not +-gamma, not +-the generator and not the point at infinity, and, from the
 * zkey when given, that it records at least one phase-2 contribution. Throws
 * `UntrustedKeyError` naming the cause; PLONK / FFLONK keys pass (no phase 2).
 *
 * @example
 * checkGroth16KeyTrust({ verificationKey, zkey: "build/iris/model.zkey" }); // throws if forgeable
 */
export function checkGroth16KeyTrust(
  p: CheckGroth16KeyTrustParameters,
): CheckGroth16KeyTrustReturnType {
  const file = p.file ?? p.zkey ?? "verification key";
  let contributions: ZkeyContribution[] | undefined;
  if (p.zkey) {
    const info = readZkeyInfo({ zkey: p.zkey });
    if (info.protocol !== "groth16") return {};
    contributions = info.contributions;
    if (contributions.length === 0) {
      throw new UntrustedKeyError(
        `${file} has no phase-2 contribution (made by snarkjs zkey new alone): anyone can forge proofs with it; run zkml setup or zkml ceremony contribute`,
        { details: { file, reason: "no-contribution", contributions: 0 } },
      );
    }
  }
  if (p.verificationKey)
    checkVerificationKeyTrust({
      verificationKey: p.verificationKey,
      file,
      contributions: contributions?.length,
    });
  return { contributions };
}
