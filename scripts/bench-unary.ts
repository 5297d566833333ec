// `npm run bench:unary`: for every smooth unary function of the `piecewise` op, in both
// quantization modes, fits its polynomials over the input range |x| < 8 (Sigmoid / Tanh: their
// saturation range), compiles one element's
// template alone (circuits/piecewise.circom) and records the fit (segments, degree), the measured
// error bound and the constraints per element. Writes bench/results/unary.{json,md}.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpus } from "node:os";
import { compileCircuit } from "../sdk/node/src/circuit/compileCircuit.ts";
import { bitLength } from "../sdk/core/src/quantize/fixedPoint.ts";
import { MODE_LIMITS } from "../sdk/core/src/quantize/modeLimits.ts";
import { piecewise, piecewiseOp } from "../sdk/core/src/quantize/ops/piecewise.ts";
import { saturated } from "../sdk/core/src/quantize/piecewiseFit.ts";
import type { QuantizeMode } from "../sdk/core/src/quantize/types.ts";
import {
  UNARY_FUNCTIONS,
  saturationBound,
  unaryFloat,
} from "../sdk/core/src/quantize/unaryFunctions.ts";
import type { UnaryFunction } from "../sdk/core/src/quantize/unaryFunctions.ts";
import { ROOT } from "./lib/root.ts";

/** The input range measured: |x| < 2^RANGE_LOG2 (signed bits = frac + RANGE_LOG2 + 1). */
const RANGE_LOG2 = 3;
/** Sigmoid / Tanh are also measured on |x| < 2^WIDE_RANGE_LOG2 (saturated beyond their bound). */
const WIDE_RANGE_LOG2 = 7;
const PARAMS: Partial<Record<UnaryFunction, { alpha: number; beta: number }>> = {
  pow: { alpha: 1.5, beta: 0 },
  elu: { alpha: 1, beta: 0 },
  celu: { alpha: 1, beta: 0 },
  selu: { alpha: 1.6732632423543772, beta: 1.0507009873554805 },
  swish: { alpha: 1, beta: 0 },
};

interface Row {
  fn: UnaryFunction;
  mode: QuantizeMode;
  frac: number;
  bits: number;
  /** The bits the polynomials cover (Sigmoid / Tanh on a wider input: their limits beyond). */
  fittedBits: number;
  segments: "uniform" | "octave";
  segBits: number;
  degree: number;
  shift: number;
  quotientBits: number;
  /** |out - f(x)| <= maxError max(1, |f(x)|) over the range; and in output units (2^-frac). */
  maxError: number;
  maxErrorUnits: number;
  constraints: number;
  fitMs: number;
}

const rows: Row[] = [];
for (const mode of ["accuracy", "resources"] as const) {
  const frac = MODE_LIMITS[mode].maxActFrac;
  for (const fn of UNARY_FUNCTIONS) {
    const bound = saturationBound({ fn, ...(PARAMS[fn] ?? { alpha: 0, beta: 0 }) }, frac);
    // Sigmoid / Tanh: their saturation range |x| < X alone, and a wider input (limits beyond X)
    const widths =
      bound === null
        ? [frac + RANGE_LOG2 + 1]
        : [frac + Math.log2(bound) + 1, frac + WIDE_RANGE_LOG2 + 1];
    for (const bits of widths) rows.push(await measure(mode, frac, fn, bits));
  }
}

async function measure(
  mode: QuantizeMode,
  frac: number,
  fn: UnaryFunction,
  bits: number,
): Promise<Row> {
  const op = piecewiseOp({ name: fn, input: 0, output: 1, fn, frac, ...PARAMS[fn] });
  // the output check holds f's largest value on the range (what calibration would size)
  const f = unaryFloat(op);
  let top = 0;
  for (let x = op.segments === "octave" ? 1 : -(2 ** (bits - 1)); x < 2 ** (bits - 1); x++)
    top = Math.max(top, Math.abs(f(x / 2 ** frac) * 2 ** frac));
  const t = performance.now();
  piecewise.calibrate(op, {
    inBits: [bits],
    checkedWidth: bitLength(BigInt(Math.ceil(top))) + 2,
  });
  const fitMs = performance.now() - t;
  const table = `[${op.table!.map((r) => `[${r.join(",")}]`).join(",")}]`;
  const sat = saturated(op);
  const main =
    op.segments === "octave"
      ? `PiecewiseOctave(${bits}, ${op.degree}, ${op.shift}, ${op.quotientBits}, ${table})`
      : sat
        ? `PiecewiseSaturated(${bits}, ${sat.bits}, ${op.segBits}, ${op.degree}, ${op.shift}, ${op.quotientBits}, ${sat.low}, ${sat.high}, ${table})`
        : `PiecewiseUniform(${bits}, ${op.segBits}, ${op.degree}, ${op.shift}, ${op.quotientBits}, ${table})`;
  const compiled = await compileCircuit({
    source: `pragma circom 2.1.6;\ninclude "lib/piecewise.circom";\ncomponent main = ${main};\n`,
    outDir: join(ROOT, "build/bench/unary", `${fn}-${mode}-${bits}`),
    library: ["piecewise.circom"],
  });
  const row: Row = {
    fn,
    mode,
    frac,
    bits,
    fittedBits: sat?.bits ?? bits,
    segments: op.segments,
    segBits: op.segBits,
    degree: op.degree,
    shift: op.shift,
    quotientBits: op.quotientBits,
    maxError: op.maxError,
    maxErrorUnits: op.maxError * 2 ** frac,
    constraints: compiled.constraints,
    fitMs: Math.round(fitMs),
  };
  console.log(
    `${mode} ${fn} (${bits} bits): ${row.segments} ${op.segments === "uniform" ? `2^${row.segBits} segments, ` : ""}degree ${row.degree}, ${row.constraints} constraints, error ${row.maxErrorUnits.toFixed(2)} units`,
  );
  return row;
}

const date = new Date().toISOString();
const machine = `${cpus()[0]?.model ?? "unknown"}, ${cpus().length} cores, Node ${process.version}`;
const dir = join(ROOT, "bench/results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "unary.json"), JSON.stringify({ date, machine, rows }, null, 2) + "\n");
const md = [
  "# Smooth unary functions (the `piecewise` op)",
  "",
  `Generated by \`npm run bench:unary\` (scripts/bench-unary.ts) on ${date.slice(0, 10)}, ${machine}.`,
  `Input range |x| < ${2 ** RANGE_LOG2} (x >= 0 for the octave functions); one element's template compiled alone (circom --O1, as the model circuits).`,
  `Sigmoid / Tanh: on their saturation range |x| < X (\`saturationBound\`: f within 1/4 unit of its limits beyond), and on |x| < ${2 ** WIDE_RANGE_LOG2} (PiecewiseSaturated: the same polynomials on |x| < X, the limits beyond).`,
  "Error: |out - f(x)| <= maxError max(1, |f(x)|), measured on every input of the range; also in output units 2^-frac.",
  "",
  "| function | mode | frac | input bits | segments | degree | rescale shift | constraints / element | max error | in output units | fit ms |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ...rows.map(
    (r) =>
      `| ${r.fn} | ${r.mode} | ${r.frac} | ${r.bits} | ${r.segments === "octave" ? `octave (${r.bits})` : `uniform 2^${r.segBits}`}${r.fittedBits < r.bits ? ` on ${r.fittedBits} bits, saturated beyond` : ""} | ${r.degree} | ${r.shift} | ${r.constraints} | ${r.maxError.toExponential(2)} | ${r.maxErrorUnits.toFixed(2)} | ${r.fitMs} |`,
  ),
  "",
].join("\n");
writeFileSync(join(dir, "unary.md"), md);
console.log(`wrote ${join(dir, "unary.md")}`);
