/**
 * Fixed-point and field helpers shared by the quantizer, the evaluator, the circuit
 * generator and the prover. Values are signed integers with a power-of-two scale 2^frac.
 */

/** The BN254 scalar field modulus (circom's default prime). */
export const FIELD_PRIME =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/**
 * Largest bit decomposition the circuit templates use. A decomposition into n bits is
 * unique only while 2^n < p (p is just above 2^253), so 250 leaves margin; every range
 * check (rescale quotient bits + shift bits) must stay at or below it.
 */
export const MAX_DECOMPOSITION_BITS = 250;

export const toFixed = (x: number, frac: number): bigint => BigInt(Math.round(x * 2 ** frac));
export const fromFixed = (x: bigint, frac: number): number => Number(x) / 2 ** frac;

/** A signed integer as a field element (negative values wrap to p - |x|). */
export const toField = (x: bigint): bigint => ((x % FIELD_PRIME) + FIELD_PRIME) % FIELD_PRIME;

/** A field element read back as a signed integer (the upper half of the field is negative). */
export const fromField = (x: bigint): bigint => (x > FIELD_PRIME / 2n ? x - FIELD_PRIME : x);

/** Number of bits of |x| (0 for 0). */
export const bitLength = (x: bigint): number =>
  (x < 0n ? -x : x).toString(2).replace(/^0$/, "").length;

/** Index of the largest value; ties go to the lowest index (the same rule everywhere). */
export function argmax(values: ArrayLike<number> | ArrayLike<bigint>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
