/**
 * The integer semantics of circuits/rescale.circom, used by the evaluator and by the
 * circuit tests: the one place that says what Rescale / RescaleRelu compute.
 */

/** round(acc / 2^shift), halves rounded up: floor((acc + 2^(shift-1)) / 2^shift). */
export function rescale(acc: bigint, shift: number): bigint {
  const k = BigInt(shift);
  const half = k > 0n ? 1n << (k - 1n) : 0n;
  return (acc + half) >> k; // BigInt >> is a floor shift, also for negative values
}

/** The inclusive range a quotient of `bits` signed bits may take. */
export function quotientRange(bits: number): { min: bigint; max: bigint } {
  return { min: -(1n << BigInt(bits - 1)), max: (1n << BigInt(bits - 1)) - 1n };
}

export const relu = (x: bigint): bigint => (x > 0n ? x : 0n);
