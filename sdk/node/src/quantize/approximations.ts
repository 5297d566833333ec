/**
 * Circuit-friendly approximations of the smooth activations, shared by the quantizer (which
 * turns them into integer coefficients), the evaluator and the tests.
 *
 * tanh(x) ~ p(clip(x, -2.5, 2.5)) with p(c) = c (k1 + k3 c^2 + k5 c^4 + k7 c^6), a degree-7
 * odd polynomial fitted on Chebyshev nodes. Float error bound (before quantization), checked
 * by test/quantize/approximations.test.ts on a dense grid over [-10, 10]:
 *   |p(clip(x)) - tanh(x)| <= TANH_ERROR_BOUND = 0.0143 for every real x.
 * sigmoid(x) = (1 + tanh(x / 2)) / 2, so with clip at 5 the bound halves:
 *   |s(x) - sigmoid(x)| <= SIGMOID_ERROR_BOUND = 0.0072.
 * Quantization adds at most 2^-frac (input rounding times slope <= 1) + 2^-frac (output
 * rounding) + the coefficients' rounding (2^-28 relative).
 */

export const TANH_CLIP = 2.5;
export const TANH_COEFS = [
  0.9561883182687547, -0.22013664392397353, 0.033037164513843496, -0.0019518396642302987,
] as const;
export const TANH_ERROR_BOUND = 0.0143;
export const SIGMOID_ERROR_BOUND = 0.0072;
/** Fractional bits of the integer polynomial coefficients. */
export const POLY_COEF_FRAC = 28;

/**
 * Float coefficients [c0, a1, a3, a5, a7] and clip point of y = c0 + c (a1 + a3 c^2 + ...).
 *
 * @example
 * polyCoefficients("sigmoid").clip; // 5
 */
export function polyCoefficients(fn: "tanh" | "sigmoid"): { clip: number; coefs: number[] } {
  if (fn === "tanh") return { clip: TANH_CLIP, coefs: [0, ...TANH_COEFS] };
  // sigmoid(x) = 1/2 + 1/2 p(x/2): a_k (x/2)^k / 2 = a_k x^k / 2^(k+1)
  return {
    clip: 2 * TANH_CLIP,
    coefs: [0.5, ...TANH_COEFS.map((a, i) => a / 2 ** (2 * i + 2))],
  };
}

/**
 * The float approximation itself (what the integer circuit approximates exactly).
 *
 * @example
 * approximate("tanh", 10); // p(2.5) ~ 0.987
 */
export function approximate(fn: "tanh" | "sigmoid", x: number): number {
  const { clip, coefs } = polyCoefficients(fn);
  const c = Math.max(-clip, Math.min(clip, x));
  const c2 = c * c;
  return coefs[0] + c * (coefs[1] + c2 * (coefs[2] + c2 * (coefs[3] + c2 * coefs[4])));
}
