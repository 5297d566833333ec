/**
 * A tiny seeded PRNG (mulberry32): returns a function producing uniform floats in [0, 1).
 * The same seed always gives the same sequence, on every platform.
 *
 * @example
 * const rand = mulberry32({ seed: 42 });
 * const a = rand(); // 0 <= a < 1, identical on every run
 */
export function mulberry32(options: { seed: number }): () => number {
  let state = options.seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
