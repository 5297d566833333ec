/**
 * Index of the largest value (the first one on ties).
 *
 * @example
 * argmax({ values: [0.1, 2.5, -1] }); // 1
 */
export function argmax(options: { values: ArrayLike<number> }): number {
  const { values } = options;
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
