import {
  fitPiecewise,
  saturated,
  hornerBits,
  piecewiseAccumulator,
  piecewiseReference,
} from "../piecewiseFit.ts";
import { rescale } from "../rescale.ts";
import type { PiecewiseOp } from "../types.ts";
import type { UnaryFunction } from "../unaryFunctions.ts";
import { POSITIVE_DOMAIN, SATURATING, saturationBound } from "../unaryFunctions.ts";
import { blockWriter, circomArray } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

/**
 * A new piecewise op applying `fn` elementwise (placeholder widths and no table: calibration
 * fits the polynomials to the input's proven range, or for a saturating function to its
 * saturation range when that is narrower). The input must be bounded (range-checked by its
 * producer or by an inserted range op).
 *
 * @example
 * ops.push(piecewiseOp({ name: "exp", input: 3, output: 4, fn: "exp", frac: 12 }));
 */
export function piecewiseOp(p: {
  name: string;
  input: number;
  output: number;
  fn: UnaryFunction;
  frac: number;
  alpha?: number;
  beta?: number;
}): PiecewiseOp {
  const alpha = p.alpha ?? 0;
  const beta = p.beta ?? 0;
  const limits = SATURATING[p.fn];
  const bound = saturationBound({ fn: p.fn, alpha, beta }, p.frac);
  return {
    kind: "piecewise",
    name: p.name,
    inputs: [p.input],
    output: p.output,
    fn: p.fn,
    alpha,
    beta,
    frac: p.frac,
    segments: POSITIVE_DOMAIN.has(p.fn) ? "octave" : "uniform",
    bits: 0,
    segBits: 0,
    degree: 0,
    shift: 0,
    quotientBits: 250,
    table: null,
    maxError: 0,
    saturation:
      limits && bound !== null
        ? {
            bits: Math.log2(bound) + p.frac + 1,
            low: limits.low * 2 ** p.frac,
            high: limits.high * 2 ** p.frac,
          }
        : null,
  };
}

/**
 * piecewise: a smooth unary function (Sigmoid, Tanh, Exp, Log, Sqrt, Reciprocal, Pow, Erf, GELU,
 * ELU, SELU, CELU, Softplus, Softsign, Mish, Swish) as polynomials on segments of the proven
 * input range (Sigmoid / Tanh: of their saturation range, their limits beyond it),
 * evaluated exactly in integers and rescaled once (fit, segments, error: ../piecewiseFit.ts;
 * circuit: circuits/piecewise.circom). Before calibration has fitted the table, `run` gives
 * f rounded at the activation scale, from which calibration sizes the output check.
 */
export const piecewise: OpModule<PiecewiseOp> = {
  templates: () => ["rescale.circom", "piecewise.circom"],
  run: (op, [x], checked) =>
    checked(
      op.table
        ? x.map((v) => rescale(piecewiseAccumulator(op, v), op.shift))
        : x.map((v) => piecewiseReference(op, v)),
      op.quotientBits,
    ),
  calibrate(op, { inBits, checkedWidth }) {
    op.bits = inBits[0]!;
    fitPiecewise(op);
    op.quotientBits = checkedWidth;
    return op.quotientBits;
  },
  bitNeeds: (op) => [
    { what: "its rescale", bits: op.shift + op.quotientBits },
    { what: "its input decomposition", bits: op.bits },
    { what: "its polynomial", bits: hornerBits(op) },
  ],
  emit(op, { k, ins, out, n }) {
    if (!op.table) throw new TypeError(`piecewise op ${op.name} has no table: calibrate it first`);
    const { lines, L } = blockWriter();
    const rows = op.table.length;
    L(
      `// op ${k}: ${op.name}, ${op.fn} as ${rows} ${op.segments} segments of degree ${op.degree}, inputs ${op.bits}-bit${saturated(op) ? ` (fitted on ${saturated(op)!.bits} bits, saturated beyond)` : ""}, |error| <= ${op.maxError.toPrecision(3)} max(1, |y|)`,
    );
    L(`var T${k}[${rows}][${op.degree + 1}] = [${op.table.map(circomArray).join(",")}];`);
    L(`component u${k}[${n}];`);
    L(`for (var i = 0; i < ${n}; i++) {`);
    const sat = saturated(op);
    L(
      op.segments === "octave"
        ? `    u${k}[i] = PiecewiseOctave(${op.bits}, ${op.degree}, ${op.shift}, ${op.quotientBits}, T${k});`
        : sat
          ? `    u${k}[i] = PiecewiseSaturated(${op.bits}, ${sat.bits}, ${op.segBits}, ${op.degree}, ${op.shift}, ${op.quotientBits}, ${sat.low}, ${sat.high}, T${k});`
          : `    u${k}[i] = PiecewiseUniform(${op.bits}, ${op.segBits}, ${op.degree}, ${op.shift}, ${op.quotientBits}, T${k});`,
    );
    L(`    u${k}[i].in <== ${ins[0]}[i];`);
    L(`    ${out}[i] <== u${k}[i].out;`);
    L(`}`);
    return lines;
  },
};
