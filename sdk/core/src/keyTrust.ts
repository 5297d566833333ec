import type { VerificationKey } from "snarkjs";
import { UntrustedKeyError } from "./errors.ts";

/** bn128 base field modulus. */
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** The bn128 G2 generator (affine), which snarkjs uses as gamma and as the initial delta. */
export const G2_GENERATOR = {
  x: [
    10857046999023057135944570762232829481370756359578518086990519993285655852781n,
    11559732032986387107991004021392285783925812861821192530917403151452391805634n,
  ],
  y: [
    8495653923123431417604973247489272438418190587263600148770280649306958101930n,
    4082367875863433681332203403145435568316851327593401208105741076214120093531n,
  ],
} as const;

export interface CheckVerificationKeyTrustParameters {
  /** The verification key (vk_delta_2, vk_gamma_2 are checked; non-Groth16 keys pass). */
  verificationKey: VerificationKey;
  /** Names the key in errors (default "verification key"). */
  file?: string;
  /** Phase-2 contributions counted from the zkey by the caller, for the error's details. */
  contributions?: number;
}

/**
 * Refuses a Groth16 verification key with which anyone can forge proofs. `snarkjs zkey new`
 * alone leaves delta = gamma = the G2 generator; then A = alpha, B = beta, C = -vk_x satisfies
 * the verification equation for any public signals. Checks that delta is not +-gamma, not
 * +-the generator and not the point at infinity. Throws `UntrustedKeyError` naming the cause;
 * PLONK / FFLONK keys pass (no phase 2). With the zkey at hand, `checkGroth16KeyTrust`
 * (@zkml-verify/node) also counts its phase-2 contributions.
 *
 * @example
 * checkVerificationKeyTrust({ verificationKey }); // throws if forgeable
 */
export function checkVerificationKeyTrust(p: CheckVerificationKeyTrustParameters): void {
  const file = p.file ?? "verification key";
  const contributions = p.contributions;
  const vk = p.verificationKey as unknown as Record<string, unknown> | undefined;
  if (vk && vk.protocol === "groth16") {
    const refuse = (reason: UntrustedKeyError["details"]["reason"], what: string): never => {
      throw new UntrustedKeyError(
        `${file}: vk_delta_2 ${what}: the key has no phase-2 randomness, anyone can forge proofs with it`,
        { details: { file, reason, contributions } },
      );
    };
    const unreadable = (): never => {
      throw new UntrustedKeyError(
        `${file}: vk_delta_2 or vk_gamma_2 is not a G2 point ([[x0, x1], [y0, y1], [z0, z1]]): cannot check the key`,
        { details: { file, reason: "unreadable-delta", contributions } },
      );
    };
    const delta = g2(vk.vk_delta_2) ?? unreadable();
    const gamma = g2(vk.vk_gamma_2) ?? unreadable();
    const gen: Jacobian = [[...G2_GENERATOR.x], [...G2_GENERATOR.y], [1n, 0n]];
    if (isZero(delta[2])) refuse("delta-is-infinity", "is the point at infinity");
    if (equalUpToSign(delta, gamma)) refuse("delta-equals-gamma", "equals +-vk_gamma_2");
    if (equalUpToSign(delta, gen)) refuse("delta-is-generator", "is +-the G2 generator");
  }
}

type Fq2 = [bigint, bigint];
type Jacobian = [Fq2, Fq2, Fq2];

const mod = (a: bigint) => ((a % Q) + Q) % Q;
const mul = (a: Fq2, b: Fq2): Fq2 => [
  mod(a[0] * b[0] - a[1] * b[1]),
  mod(a[0] * b[1] + a[1] * b[0]),
];
const eq = (a: Fq2, b: Fq2) => mod(a[0]) === mod(b[0]) && mod(a[1]) === mod(b[1]);
const neg = (a: Fq2): Fq2 => [mod(-a[0]), mod(-a[1])];
const isZero = (a: Fq2) => mod(a[0]) === 0n && mod(a[1]) === 0n;

/** A G2 point as snarkjs writes it ([[x0, x1], [y0, y1], [z0, z1]]), or undefined. */
function g2(v: unknown): Jacobian | undefined {
  if (!Array.isArray(v) || v.length < 2 || v.length > 3) return undefined;
  try {
    const c = v.map((xy) => {
      if (!Array.isArray(xy) || xy.length !== 2) throw new Error("not Fq2");
      return [BigInt(String(xy[0])), BigInt(String(xy[1]))] as Fq2;
    });
    return [c[0], c[1], c[2] ?? [1n, 0n]];
  } catch {
    return undefined;
  }
}

/** Jacobian points (x = X/Z^2, y = Y/Z^3; affine has Z = 1) equal or opposite. */
function equalUpToSign(a: Jacobian, b: Jacobian): boolean {
  if (isZero(a[2]) || isZero(b[2])) return isZero(a[2]) && isZero(b[2]);
  const za2 = mul(a[2], a[2]);
  const zb2 = mul(b[2], b[2]);
  if (!eq(mul(a[0], zb2), mul(b[0], za2))) return false;
  const ya = mul(a[1], mul(zb2, b[2]));
  const yb = mul(b[1], mul(za2, a[2]));
  return eq(ya, yb) || eq(ya, neg(yb));
}
