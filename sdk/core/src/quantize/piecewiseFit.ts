import { QuantizationRangeError } from "../errors.ts";
import { rescale } from "./rescale.ts";
import type { PiecewiseOp } from "./types.ts";
import { unaryFloat } from "./unaryFunctions.ts";

/**
 * The piecewise polynomials of the `piecewise` op (a smooth unary function f on the proven
 * input range), their integer evaluation and their fit.
 *
 * Segments. `uniform`: the signed input x in [-2^(B-1), 2^(B-1)) (B = op.bits) is cut into
 * 2^s equal segments of 2^L values (L = B - s), selected by the top s bits of x + 2^(B-1).
 * `octave`: a non-negative input v in [0, 2^(B-1)) is cut at its leading bit, one segment
 * [2^e, 2^(e+1)) per e (L = e), plus v = 0 on its own (the last row): relative accuracy near 0
 * for log, sqrt, reciprocal, pow.
 *
 * Evaluation, exactly in integers: in segment r, t2 = 2x - center_r (an odd or even integer
 * with |t2| <= 2^L: twice the offset from the segment's middle), and
 *   P = C_0 + t2 (C_1 + t2 (C_2 + ... + t2 C_d)),   out = rescale(P, shift)
 * with C_k = round(b_k 2^(S - L k)), S = shift + frac, where b_k are the float coefficients of
 * f on the segment in u = t2 / 2^L in [-1, 1] (interpolation at Chebyshev nodes: near-minimax).
 * S = Lmax d + frac + GUARD_BITS, so the coefficients' rounding adds at most 2^-GUARD_BITS of
 * an output unit.
 */

/** Bits of S above what the coefficients' rounding needs (their error <= 2^-4 output units). */
export const GUARD_BITS = 4;
/** The largest polynomial degree and uniform segment count (2^MAX_SEG_BITS) the fit tries. */
export const MAX_DEGREE = 6;
export const MAX_OCTAVE_DEGREE = 8;
export const MAX_SEG_BITS = 8;
/** Accept a fit when its float error is at most this many output units (times max(1, |f|)). */
export const FIT_TARGET_UNITS = 0.5;
/** The exact error is measured on every input when the range has at most 2^16 values. */
export const EXHAUSTIVE_VALUES = 1 << 16;

interface Segment {
  /** Integer inputs lo..hi (inclusive). */
  lo: number;
  hi: number;
  /** t2 = 2x - center. */
  center: number;
  /** u = t2 / 2^L. */
  L: number;
}

/** The segments (rows of the table) of a range of `bits` bits. */
export function segmentsOf(
  segments: PiecewiseOp["segments"],
  bits: number,
  segBits: number,
): Segment[] {
  if (segments === "octave") {
    const rows: Segment[] = [];
    for (let e = 0; e < bits - 1; e++)
      rows.push({ lo: 2 ** e, hi: 2 ** (e + 1) - 1, center: 3 * 2 ** e, L: e });
    rows.push({ lo: 0, hi: 0, center: 0, L: 0 });
    return rows;
  }
  const L = bits - segBits;
  return Array.from({ length: 2 ** segBits }, (_, j) => {
    const lo = -(2 ** (bits - 1)) + j * 2 ** L;
    return { lo, hi: lo + 2 ** L - 1, center: 2 * lo + 2 ** L - 1, L };
  });
}

/**
 * The op's saturation when it applies: a saturating function whose proven input range is wider
 * than its fitted one (else the fit covers the whole range and nothing saturates).
 */
export function saturated(op: PiecewiseOp): PiecewiseOp["saturation"] {
  return op.saturation && op.saturation.bits < op.bits ? op.saturation : null;
}

/** The bits of the fitted range: the saturation range when it applies, else the proven one. */
export function fitBits(op: PiecewiseOp): number {
  return saturated(op)?.bits ?? op.bits;
}

/** The row and t2 of input x (the circuit derives both from x's bit decomposition). */
function locate(op: PiecewiseOp, x: bigint): { row: number; t2: bigint } {
  const B = BigInt(fitBits(op));
  if (op.segments === "octave") {
    if (x < 0n)
      throw new QuantizationRangeError(
        `${op.fn} op ${op.name}: input ${x} (2^-${op.frac} units) is negative; the circuit proves ${op.fn} of non-negative values only`,
        {
          details: { tensor: op.name, index: 0, value: x.toString(), min: "0", max: "" },
        },
      );
    if (x === 0n) return { row: op.bits - 1, t2: 0n };
    const e = x.toString(2).length - 1;
    return { row: e, t2: 2n * x - 3n * (1n << BigInt(e)) };
  }
  const L = B - BigInt(op.segBits);
  const u = x + (1n << (B - 1n));
  const row = Number(u >> L);
  const t = u & ((1n << L) - 1n);
  return { row, t2: 2n * t - ((1n << L) - 1n) };
}

/**
 * P for input x (before the rescale): the circuit's value bit for bit.
 *
 * @example
 * rescale(piecewiseAccumulator(op, 4096n), op.shift); // ~ f(1) at 2^12
 */
export function piecewiseAccumulator(op: PiecewiseOp, x: bigint): bigint {
  if (!op.table) throw new TypeError(`piecewise op ${op.name} has no table: calibrate it first`);
  const sat = saturated(op);
  if (sat) {
    const edge = 1n << BigInt(sat.bits - 1);
    if (x >= edge) return BigInt(sat.high) << BigInt(op.shift);
    if (x < -edge) return BigInt(sat.low) << BigInt(op.shift);
  }
  const { row, t2 } = locate(op, x);
  const c = op.table[row];
  let h = c[c.length - 1];
  for (let k = c.length - 2; k >= 0; k--) h = c[k] + t2 * h;
  return h;
}

/**
 * The op's value before calibration has fitted its table: f(x) rounded at the activation
 * scale (calibration sizes the output check from it; the fitted table is within maxError).
 */
export function piecewiseReference(op: PiecewiseOp, x: bigint): bigint {
  if (op.segments === "octave") locate(op, x); // the same negative-input error
  return BigInt(Math.round(valueAt(op, unaryFloat(op), Number(x)) * 2 ** op.frac));
}

/** Coefficients b_0..b_d of the polynomial through g at the nodes (d + 1 of them). */
function interpolate(g: (u: number) => number, nodes: number[]): number[] {
  const n = nodes.length;
  // Vandermonde system, Gaussian elimination with partial pivoting (n <= 9).
  const a = nodes.map((u) => [...Array.from({ length: n }, (_, k) => u ** k), g(u)]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const m = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= m * a[c][k];
    }
  }
  return a.map((row, c) => row[n] / row[c]);
}

/**
 * f at integer input x (2^-frac units): at 0 a singular function (log, reciprocal) takes its
 * value at the smallest positive input; any other non-finite value is an error (e.g. Exp of a
 * range reaching beyond 709).
 */
function valueAt(op: PiecewiseOp, f: (x: number) => number, x: number): number {
  const y = f(x / 2 ** op.frac);
  if (Number.isFinite(y)) return y;
  if (x === 0) return f(2 ** -op.frac);
  throw new QuantizationRangeError(
    `${op.fn} op ${op.name}: ${op.fn}(${x / 2 ** op.frac}) is not a finite number, and the op's input range (${op.bits} signed bits at 2^-${op.frac}) includes it; calibrate with inputs of a narrower range`,
    {
      details: { tensor: op.name, index: 0, value: String(x), min: "", max: "" },
    },
  );
}

/** Float coefficients per segment, in u = t2 / 2^L. */
function fitSegments(
  op: PiecewiseOp,
  f: (x: number) => number,
  rows: Segment[],
  degree: number,
): number[][] {
  return rows.map((s) => {
    const yAt = (x: number) => valueAt(op, f, x);
    const g = (u: number) => yAt((u * 2 ** s.L + s.center) / 2);
    const uOf = (x: number) => (2 * x - s.center) / 2 ** s.L;
    const count = s.hi - s.lo + 1;
    // Few inputs: the polynomial through all of them (exact); else Chebyshev nodes.
    if (count <= degree + 1)
      return interpolate(
        g,
        Array.from({ length: count }, (_, i) => uOf(s.lo + i)),
      );
    const [uLo, uHi] = [uOf(s.lo), uOf(s.hi)];
    const n = degree + 1;
    return interpolate(
      g,
      Array.from(
        { length: n },
        (_, i) => (uLo + uHi) / 2 + ((uHi - uLo) / 2) * Math.cos(((2 * i + 1) * Math.PI) / (2 * n)),
      ),
    );
  });
}

/** Sample inputs of a segment: every one when few, else 65 evenly spaced (ends included). */
function samples(s: Segment): number[] {
  const count = s.hi - s.lo + 1;
  if (count <= 65) return Array.from({ length: count }, (_, i) => s.lo + i);
  return Array.from({ length: 65 }, (_, i) => s.lo + Math.round(((count - 1) * i) / 64));
}

/** Largest float error of the fit, in output units relative to max(1, |f|). */
function floatError(
  f: (x: number) => number,
  frac: number,
  rows: Segment[],
  coefs: number[][],
): number {
  let worst = 0;
  rows.forEach((s, r) => {
    for (const x of samples(s)) {
      const y = f(x / 2 ** frac);
      if (!Number.isFinite(y)) continue;
      const u = (2 * x - s.center) / 2 ** s.L;
      let p = 0;
      for (let k = coefs[r].length - 1; k >= 0; k--) p = p * u + coefs[r][k];
      worst = Math.max(worst, (Math.abs(p - y) * 2 ** frac) / Math.max(1, Math.abs(y)));
    }
  });
  return worst;
}

/**
 * Fits the op's table for its input range (op.bits): the cheapest (segments, degree) whose
 * fit is within FIT_TARGET_UNITS output units (relative to max(1, |f|)), or the most accurate
 * one tried; then measures the integer result's error exactly (every input when at most
 * EXHAUSTIVE_VALUES, else that many evenly spaced plus every segment's ends) into maxError.
 * Mutates op (segBits, degree, shift, table, maxError).
 *
 * @example
 * fitPiecewise(op); op.maxError; // e.g. 0.00015
 */
export function fitPiecewise(op: PiecewiseOp): void {
  const f = unaryFloat(op);
  const B = fitBits(op);
  const candidates: { segBits: number; degree: number; cost: number }[] = [];
  if (op.segments === "octave") {
    for (let d = 1; d <= MAX_OCTAVE_DEGREE; d++)
      candidates.push({ segBits: 0, degree: d, cost: d + (B - 2) * d });
  } else {
    for (let s = 0; s <= Math.min(MAX_SEG_BITS, B - 1); s++)
      for (let d = 1; d <= MAX_DEGREE; d++)
        candidates.push({ segBits: s, degree: d, cost: 2 ** s + d + (B - s) * d });
    candidates.sort((a, b) => a.cost - b.cost);
  }
  let best: { segBits: number; degree: number; coefs: number[][]; err: number } | null = null;
  for (const c of candidates) {
    const rows = segmentsOf(op.segments, B, c.segBits);
    const coefs = fitSegments(op, f, rows, c.degree);
    const err = floatError(f, op.frac, rows, coefs);
    if (!best || err < best.err) best = { ...c, coefs, err };
    if (err <= FIT_TARGET_UNITS) break;
  }
  const { segBits, degree, coefs } = best!;
  const rows = segmentsOf(op.segments, B, segBits);
  const Lmax = Math.max(...rows.map((s) => s.L));
  const S = Lmax * degree + op.frac + GUARD_BITS;
  op.segBits = segBits;
  op.degree = degree;
  op.shift = S - op.frac;
  op.table = coefs.map((b, r) =>
    Array.from({ length: degree + 1 }, (_, k) =>
      k < b.length ? BigInt(Math.round(b[k] * 2 ** (S - rows[r].L * k))) : 0n,
    ),
  );
  op.maxError = exactError(op, f, rows);
  const sat = saturated(op);
  if (sat) {
    // beyond the fitted range the output is the limit: worst at the first inputs outside
    const edge = 2 ** (sat.bits - 1);
    for (const [x, q] of [
      [edge, sat.high],
      [-edge - 1, sat.low],
    ]) {
      const y = f(x / 2 ** op.frac);
      op.maxError = Math.max(
        op.maxError,
        Math.abs(q / 2 ** op.frac - y) / Math.max(1, Math.abs(y)),
      );
    }
  }
}

/** max |out - f(x)| / max(1, |f(x)|) (float units) of the integer evaluation. */
function exactError(op: PiecewiseOp, f: (x: number) => number, rows: Segment[]): number {
  const lo = rows.reduce((m, s) => Math.min(m, s.lo), Infinity);
  const hi = rows.reduce((m, s) => Math.max(m, s.hi), -Infinity);
  const total = hi - lo + 1;
  const xs = new Set<number>();
  if (total <= EXHAUSTIVE_VALUES) for (let x = lo; x <= hi; x++) xs.add(x);
  else {
    for (let i = 0; i < EXHAUSTIVE_VALUES; i++)
      xs.add(lo + Math.round(((total - 1) * i) / (EXHAUSTIVE_VALUES - 1)));
    for (const s of rows) xs.add(s.lo).add(s.hi);
  }
  let worst = 0;
  for (const x of xs) {
    const y = f(x / 2 ** op.frac);
    if (!Number.isFinite(y)) continue;
    const q = Number(rescale(piecewiseAccumulator(op, BigInt(x)), op.shift)) / 2 ** op.frac;
    worst = Math.max(worst, Math.abs(q - y) / Math.max(1, Math.abs(y)));
  }
  return worst;
}

/** Bits of the largest |Horner intermediate| (sum_k |C_k| 2^(L k)), sign included. */
export function hornerBits(op: PiecewiseOp): number {
  if (!op.table) return 0;
  const rows = segmentsOf(op.segments, fitBits(op), op.segBits);
  let worst = 0n;
  op.table.forEach((c, r) => {
    let s = 0n;
    c.forEach((v, k) => (s += (v < 0n ? -v : v) << BigInt(rows[r].L * k)));
    if (s > worst) worst = s;
  });
  return worst.toString(2).length + 1;
}
