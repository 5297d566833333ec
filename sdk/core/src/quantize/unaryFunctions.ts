/**
 * The smooth unary functions the `piecewise` op approximates, as float functions: the one
 * definition shared by the float evaluator (the model as imported), the quantizer (which fits
 * the piecewise polynomials to them) and the tests.
 *
 * `alpha` / `beta` are the ONNX attributes: Elu / Celu alpha, Selu alpha and gamma (beta),
 * Pow's constant exponent (alpha), Swish's alpha.
 */

export const UNARY_FUNCTIONS = [
  "exp",
  "log",
  "sqrt",
  "reciprocal",
  "pow",
  "erf",
  "gelu",
  "geluTanh",
  "elu",
  "selu",
  "celu",
  "softplus",
  "softsign",
  "mish",
  "swish",
  "sigmoid",
  "tanh",
] as const;
export type UnaryFunction = (typeof UNARY_FUNCTIONS)[number];

/**
 * Functions defined (as real numbers) only for x >= 0 or singular at 0: the op segments
 * their input by octaves (the leading bit), so the relative accuracy holds near 0, and a
 * negative input has no witness.
 */
export const POSITIVE_DOMAIN: ReadonlySet<UnaryFunction> = new Set([
  "log",
  "sqrt",
  "reciprocal",
  "pow",
]);

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/**
 * erf(x) to about 1e-15: the Maclaurin series below |x| = 2.5, the continued fraction of
 * erfc above (written out rather than a dependency: these 15 lines are the whole need).
 *
 * @example
 * erf(1); // 0.8427007929497149
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a > 6) return Math.sign(x);
  if (a < 2.5) {
    // erf(x) = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = a;
    let sum = a;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return (Math.sign(x) * 2 * sum) / Math.sqrt(Math.PI);
  }
  // erfc(a) = exp(-a^2) / sqrt(pi) / (a + (1/2) / (a + 1 / (a + (3/2) / (a + ...))))
  let t = a;
  for (let k = 60; k >= 1; k--) t = a + k / 2 / t;
  return Math.sign(x) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / t);
}

/**
 * The float function (ONNX definitions).
 *
 * @example
 * unaryFloat({ fn: "elu", alpha: 1, beta: 0 })(-1); // -0.632...
 */
export function unaryFloat(p: {
  fn: UnaryFunction;
  alpha: number;
  beta: number;
}): (x: number) => number {
  const { alpha, beta } = p;
  switch (p.fn) {
    case "exp":
      return Math.exp;
    case "log":
      return Math.log;
    case "sqrt":
      return Math.sqrt;
    case "reciprocal":
      return (x) => 1 / x;
    case "pow":
      return (x) => x ** alpha;
    case "erf":
      return erf;
    case "gelu":
      return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    case "geluTanh":
      return (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)));
    case "elu":
      return (x) => (x >= 0 ? x : alpha * Math.expm1(x));
    case "selu":
      return (x) => beta * (x > 0 ? x : alpha * Math.expm1(x));
    case "celu":
      return (x) => Math.max(0, x) + Math.min(0, alpha * Math.expm1(x / alpha));
    case "softplus":
      return softplus;
    case "softsign":
      return (x) => x / (1 + Math.abs(x));
    case "mish":
      return (x) => x * Math.tanh(softplus(x));
    case "swish":
      return (x) => x / (1 + Math.exp(-alpha * x));
    case "sigmoid":
      return (x) => 1 / (1 + Math.exp(-x));
    case "tanh":
      return Math.tanh;
  }
}

/**
 * Functions constant to within a fraction of an output unit outside a bounded range, and
 * their limits at -inf / +inf: the piecewise op fits them on |x| < saturationBound only and
 * gives the limits beyond, so the fit (and the circuit's cost) does not grow with the input's
 * range.
 */
export const SATURATING: Partial<Record<UnaryFunction, { low: number; high: number }>> = {
  sigmoid: { low: 0, high: 1 },
  tanh: { low: -1, high: 1 },
};

/** The tail error a saturating function's clip may add: this fraction of an output unit. */
export const SATURATION_UNITS = 0.25;

/**
 * The smallest power of two X with |f(x) - limit| <= SATURATION_UNITS 2^-frac for |x| >= X
 * (f monotone in the tails), in real units; null for a function that does not saturate.
 *
 * @example
 * saturationBound({ fn: "sigmoid", alpha: 0, beta: 0 }, 12); // 16
 */
export function saturationBound(
  p: { fn: UnaryFunction; alpha: number; beta: number },
  frac: number,
): number | null {
  const lim = SATURATING[p.fn];
  if (!lim) return null;
  const f = unaryFloat(p);
  const tol = SATURATION_UNITS * 2 ** -frac;
  let x = 1;
  while (Math.abs(f(x) - lim.high) > tol || Math.abs(f(-x) - lim.low) > tol) x *= 2;
  return x;
}
