import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/node/src/circuit/compileModel.ts";
import { expectedPublicSignals } from "../../sdk/node/src/circuit/generateCircuit.ts";
import { failingConstraints, loadR1cs } from "../helpers/witnessTools.ts";
import { QuantizationRangeError } from "../../sdk/core/src/errors.ts";
import { evaluateFloat } from "../../sdk/node/src/onnx/evaluateFloat.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import type { ModelIR } from "../../sdk/node/src/onnx/ir.ts";
import { runOnnxBatch } from "../../sdk/node/src/onnx/runOnnx.ts";
import { circuitInput } from "../../sdk/core/src/prove/circuitInput.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { toField, toFixed } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quotientRange } from "../../sdk/core/src/quantize/rescale.ts";
import { inputCommitment } from "../../sdk/core/src/quantize/inputCommitment.ts";
import { outputCommitment } from "../../sdk/core/src/quantize/outputCommitment.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { runOps } from "../../sdk/core/src/quantize/runOps.ts";
import type { QuantizedModel } from "../../sdk/core/src/quantize/types.ts";
import { quantizationErrorBound } from "./errorBound.ts";
import { generateModel } from "./generateGraph.ts";
import type { FuzzRow, GeneratedModel } from "./generateGraph.ts";

/**
 * The differential check of one generated model: onnxruntime, the float evaluator, the
 * quantized evaluator and the circuit's witness (compiled with `compileModel`, the project's
 * compile path, then checked against the r1cs) must agree:
 *
 *  - ort-float: onnxruntime vs evaluateFloat, |d| <= 2e-5 (1 + the row's largest |value|)
 *    (float32 vs float64); an ArgMax only where the float margin exceeds that.
 *  - float-quantized: |evaluateQuantized - evaluateFloat| <= the bound of errorBound.ts
 *    (rigorous, from the scales) + 1e-9 (1 + |y|); argmax where the margin exceeds the bound.
 *  - quantized-circuit: the public signals of the witness equal `expectedPublicSignals` of the
 *    evaluator's outputs (with the input / output commitments when hashed), exactly.
 *  - r1cs: every witness satisfies every constraint (failingConstraints).
 *  - rejection: evaluateQuantized (on the fixed-point input) throws QuantizationRangeError
 *    exactly when the witness calculator has no witness; and an input quantizeInput refuses
 *    has no witness either (the circuit's input range check, issue 12 items 6 and 8).
 *  - compile / evaluator / pipeline: anything else that throws on a model the quantizer accepted.
 * A model that quantizeModel itself refuses (QuantizationRangeError: a field-size bound) is
 * reported as skipped, not failed.
 */

export type FailureKind =
  | "ort-float"
  | "float-quantized"
  | "quantized-circuit"
  | "r1cs"
  | "rejection"
  | "compile"
  | "evaluator"
  | "pipeline";

export interface FuzzFailure {
  kind: FailureKind;
  message: string;
  /** The float input row, when the failure is about one input. */
  row?: number[];
  rowKind?: FuzzRow["kind"];
}

export interface FuzzReport {
  seed: number;
  model: GeneratedModel;
  failures: FuzzFailure[];
  /** Why the model was not checked (quantizer refused it), if so. */
  skipped?: string;
  constraints?: number;
  /** Rows with a witness / rows rejected by both sides. */
  proven: number;
  rejected: number;
  /** The |quantized - float| closest to its bound (largest ratio), and that bound. */
  worstError: { error: number; bound: number };
  ms: number;
  /** Milliseconds per stage: onnxruntime + float, compile, witnesses + r1cs checks. */
  stages: { reference: number; compile: number; witness: number };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0];
const fmt = (v: number) => (Math.abs(v) >= 1e4 || v === 0 ? String(v) : v.toPrecision(6));
const list = (v: ArrayLike<number>) => `[${Array.from(v, fmt).join(", ")}]`;

/**
 * Generates and checks one seed. `workDir` (default: a fresh folder under os.tmpdir()) holds
 * the ONNX file and the build; it is removed afterwards unless `keep`.
 *
 * @example
 * const report = await fuzzSeed(7);
 * if (report.failures.length) console.log(report.failures);
 */
export async function fuzzSeed(
  seed: number,
  opts: { workDir?: string; keep?: boolean; maxFailures?: number } = {},
): Promise<FuzzReport> {
  return checkModel(generateModel(seed), opts);
}

export async function checkModel(
  m: GeneratedModel,
  opts: { workDir?: string; keep?: boolean; maxFailures?: number } = {},
): Promise<FuzzReport> {
  const started = Date.now();
  const dir = opts.workDir ?? mkdtempSync(join(tmpdir(), `zkml-fuzz-${m.seed}-`));
  const report: FuzzReport = {
    seed: m.seed,
    model: m,
    failures: [],
    proven: 0,
    rejected: 0,
    worstError: { error: 0, bound: 0 },
    ms: 0,
    stages: { reference: 0, compile: 0, witness: 0 },
  };
  const seen = new Set<string>();
  const fail = (f: FuzzFailure) => {
    // one failure per kind and message shape is enough to act on
    const key = `${f.kind}:${f.message.replace(/-?\d[\d.e+-]*/g, "#")}`;
    if (seen.has(key)) return;
    seen.add(key);
    report.failures.push(f);
  };
  try {
    await check(m, dir, report, fail);
  } catch (e) {
    fail({ kind: "pipeline", message: `unexpected error: ${message(e)}` });
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    report.ms = Date.now() - started;
  }
  if (opts.maxFailures !== undefined) report.failures = report.failures.slice(0, opts.maxFailures);
  return report;
}

async function check(
  m: GeneratedModel,
  dir: string,
  report: FuzzReport,
  fail: (f: FuzzFailure) => void,
): Promise<void> {
  let t0 = Date.now();
  const lap = () => {
    const t = Date.now();
    const d = t - t0;
    t0 = t;
    return d;
  };
  const file = join(dir, "model.onnx");
  writeFileSync(file, m.bytes);
  const ir = importOnnx({ file, bytes: m.bytes });
  const rows = m.rows.map((r) => r.values);

  // 1. onnxruntime vs the float evaluator (every row, in range or not)
  const ort = await runOnnxBatch({
    model: m.bytes,
    inputName: "x",
    rows,
    rowShape: m.inputShape,
    outputName: "y",
  });
  const floats = rows.map((row) => {
    const tensors = floatTensors(ir, row);
    let scale = 0;
    for (const v of [row, ...tensors.values()])
      for (const x of v) if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
    return { out: tensors.get("y")!, tensors, scale };
  });
  const argmaxOut = m.tags.includes("argmax");
  rows.forEach((row, r) => {
    const { out, tensors, scale } = floats[r];
    const tol = 2e-5 * (1 + scale);
    if (argmaxOut) {
      const logits = tensors.get(ir.nodes[ir.nodes.length - 1].inputs[0])!;
      if (margin(logits) > tol && ort[r][0] !== out[0])
        fail({
          kind: "ort-float",
          message: `ArgMax: onnxruntime ${ort[r][0]}, float evaluator ${out[0]} (logits ${list(logits)})`,
          row,
          rowKind: m.rows[r].kind,
        });
      return;
    }
    // a Hardmax (an ArgMax inside the graph) or a TopK whose scores are within float32
    // rounding of a tie may pick other positions in onnxruntime: such rows are not compared
    const nearTie = ir.nodes.some(
      (n) =>
        (n.op === "ArgMax" &&
          n.output !== ir.outputs[0].name &&
          margin(tensors.get(n.inputs[0])!) <= tol) ||
        (n.op === "TopK" && minGap(tensors.get(n.inputs[0])!) <= tol),
    );
    if (nearTie) return;
    // equal infinities agree (Exp of an input far outside the calibrated range), and so does
    // NaN against an infinity (ReduceLogSumExp's exact shift subtracts an infinite maximum)
    const bad = Array.from(out).findIndex(
      (v, i) =>
        !(
          v === ort[r][i] ||
          Math.abs(v - ort[r][i]) <= tol ||
          (!Number.isFinite(v) && !Number.isFinite(ort[r][i]) && !Number.isNaN(ort[r][i]))
        ),
    );
    if (bad >= 0)
      fail({
        kind: "ort-float",
        message: `output ${bad}: onnxruntime ${fmt(ort[r][bad])}, float evaluator ${fmt(out[bad])} (tolerance ${fmt(tol)}); onnxruntime ${list(ort[r])}, float ${list(out)}`,
        row,
        rowKind: m.rows[r].kind,
      });
  });

  report.stages.reference = lap();

  // 2. quantize (a refusal here is the quantizer's documented limit, not a disagreement)
  const options = { mode: m.compile.mode, output: m.compile.output };
  let q: QuantizedModel;
  try {
    q = quantizeModel({ ir, calibration: m.calibration, ...options });
  } catch (e) {
    if (e instanceof QuantizationRangeError) {
      report.skipped = `quantizer refused the model: ${message(e)}`;
      return;
    }
    fail({ kind: "pipeline", message: `quantizeModel threw ${errorName(e)}: ${message(e)}` });
    return;
  }

  // 3. compile with the project's compile path
  let c: CompileModelReturnType;
  try {
    c = await compileModel({
      model: file,
      outDir: join(dir, "build"),
      calibration: m.calibration,
      ...options,
      inputVisibility: m.compile.inputVisibility,
      weightVisibility: m.compile.weightVisibility,
      outputVisibility: m.compile.outputVisibility,
    });
  } catch (e) {
    const stderr = (e as { details?: { stderr?: string } }).details?.stderr;
    const plain = (stderr ?? "").replace(/\x1b\[[0-9;]*m/g, "").trim();
    const detail = plain ? ` / ${plain.split("\n").slice(0, 4).join(" / ")}` : "";
    fail({
      kind: "compile",
      message: `compileModel threw ${errorName(e)}: ${message(e)}${detail}`,
    });
    return;
  }
  report.stages.compile = lap();
  report.constraints = c.circuit.constraints;
  q = c.quantized;
  const r1cs = await loadR1cs(c.circuit.r1cs);
  const computeWitness = witnessCalculator(c.circuit.wasm);

  // the edges of the input range the circuit checks: every value at min / max, one value just
  // outside (min - 1, max + 1 in 2^-frac units)
  const { min, max } = quotientRange(q.inputBits);
  const unit = (k: bigint) => Number(k) / 2 ** q.inputFrac;
  const n = q.nInputs;
  const at1 = (k: bigint) => Array.from({ length: n }, (_, i) => (i === n - 1 ? unit(k) : 0));
  const checked: FuzzRow[] = [
    ...m.rows,
    { values: new Array<number>(n).fill(unit(max)), kind: "boundary" },
    { values: new Array<number>(n).fill(unit(min)), kind: "boundary" },
    { values: at1(max + 1n), kind: "boundary" },
    { values: at1(min - 1n), kind: "boundary" },
  ];

  for (const [r, { values: row, kind: rowKind }] of checked.entries()) {
    const at = { row, rowKind };
    const input = row.map((x) => toFixed(x, q.inputFrac));

    // the evaluator's verdict
    let ev: ReturnType<typeof evaluateQuantized> | null = null;
    let evError = "";
    try {
      ev = evaluateQuantized({ model: q, input });
    } catch (e) {
      if (!(e instanceof QuantizationRangeError)) {
        fail({
          kind: "evaluator",
          message: `evaluateQuantized threw ${errorName(e)}: ${message(e)}`,
          ...at,
        });
        continue;
      }
      evError = message(e);
    }
    let inputRefused = "";
    try {
      quantizeInput({ model: q, input: row });
    } catch (e) {
      if (!(e instanceof QuantizationRangeError)) throw e;
      inputRefused = message(e);
    }

    // the circuit's verdict
    let witness: bigint[] | null = null;
    let witnessError = "";
    try {
      witness = await computeWitness(
        circuitInput({ model: q, input, weights: m.compile.weightVisibility }),
      );
    } catch (e) {
      witnessError = (e instanceof Error ? e.message : String(e)).trim().replace(/\n+/g, " / ");
    }

    if (ev && !witness)
      fail({
        kind: "rejection",
        message: `the evaluator accepts (outputs ${list(ev.values)}) but there is no witness: ${witnessError}`,
        ...at,
      });
    if (!ev && witness)
      fail({
        kind: "rejection",
        message: `the evaluator rejects (${evError}) but the circuit has a witness`,
        ...at,
      });
    if (inputRefused && witness)
      fail({
        kind: "rejection",
        message: `quantizeInput refuses the input (${inputRefused}) but the circuit (${m.compile.inputVisibility} input) has a witness`,
        ...at,
      });
    if (!ev && !witness) report.rejected++;

    if (witness) {
      const failing = failingConstraints(r1cs, witness);
      if (failing.length)
        fail({
          kind: "r1cs",
          message: `the witness fails ${failing.length} constraint(s), first ${failing.slice(0, 5).join(", ")}`,
          ...at,
        });
    }
    if (ev && witness) {
      report.proven++;
      const got = witness.slice(1, 1 + c.publicSignals.layout.nPublic);
      const want = expectedPublicSignals({
        plan: c.publicSignals,
        weightCommitment: c.weightCommitment,
        input,
        outputs: ev.outputs,
        ...(m.compile.inputVisibility === "hashed"
          ? { inputCommitment: inputCommitment({ model: q, input }) }
          : {}),
        ...(m.compile.outputVisibility === "hashed"
          ? { outputCommitment: outputCommitment({ outputs: ev.outputs }) }
          : {}),
      });
      const diff = got.findIndex((v, i) => v !== want[i]);
      if (diff >= 0) {
        const name = c.publicSignals.names[diff];
        const signed = (v: bigint) => (v > toField(-1n) / 2n ? v - toField(-1n) - 1n : v);
        fail({
          kind: "quantized-circuit",
          message: `public signal ${diff} (${name}): circuit ${signed(got[diff])}, evaluator ${signed(want[diff])}; evaluator outputs [${ev.outputs.join(", ")}] at 2^${q.outputFrac}`,
          ...at,
        });
      }
    }
    if (ev) {
      const tensors = floats[r]?.tensors ?? floatTensors(ir, row);
      compareFloat(ir, q, row, input, ev, tensors, report, fail, at);
    }
  }
  report.stages.witness = lap();
}

/**
 * float evaluator vs quantized evaluator within the derived bound: the output (logits, or the
 * argmax where the float margin exceeds the bounds), then every intermediate tensor.
 */
function compareFloat(
  ir: ModelIR,
  q: QuantizedModel,
  row: number[],
  input: bigint[],
  ev: ReturnType<typeof evaluateQuantized>,
  tensors: Map<string, Float64Array>,
  report: FuzzReport,
  fail: (f: FuzzFailure) => void,
  at: { row: number[]; rowKind: FuzzRow["kind"] },
): void {
  const values = runOps(q, input, { check: false });
  const E = quantizationErrorBound({ ir, model: q, input: row, values });
  const floatOf = (id: number) => tensors.get(q.tensors[id].name.replace(/__range$/, ""));
  if (q.outputKind === "argmax") {
    const op = q.layers[q.layers.length - 1];
    const src = op.inputs[0];
    const logits = floatOf(src);
    if (!logits) {
      fail({ kind: "pipeline", message: `no float tensor for ${q.tensors[src].name}`, ...at });
      return;
    }
    const best = argmaxOf(logits);
    const e = E[src];
    const clear = Array.from(logits).every(
      (v, i) => i === best || logits[best] - v > e[best] + e[i] + 1e-9,
    );
    if (clear && Number(ev.outputs[0]) !== best)
      fail({
        kind: "float-quantized",
        message: `argmax: quantized ${ev.outputs[0]}, float ${best} (float logits ${list(logits)}, bounds ${list(e)})`,
        ...at,
      });
    else compareIntermediates(q, values, E, tensors, fail, at);
    return;
  }
  const want = floatOf(q.output);
  if (!want) {
    fail({ kind: "pipeline", message: `no float tensor for ${q.tensors[q.output].name}`, ...at });
    return;
  }
  const e = E[q.output];
  let outputFailed = false;
  ev.values.forEach((v, i) => {
    const err = Math.abs(v - want[i]);
    const bound = e[i] + 1e-9 * (1 + Math.abs(want[i]));
    if (err / bound > report.worstError.error / (report.worstError.bound || 1))
      report.worstError = { error: err, bound };
    if (!(err <= bound) && !outputFailed) {
      outputFailed = true;
      fail({
        kind: "float-quantized",
        message: `output ${i}: quantized ${fmt(v)}, float ${fmt(want[i])}, |d| ${fmt(err)} > bound ${fmt(bound)}; quantized ${list(ev.values)}, float ${list(want)}`,
        ...at,
      });
    }
  });
  if (!outputFailed) compareIntermediates(q, values, E, tensors, fail, at);
}

/**
 * Every intermediate tensor that the float model also has (same name), within its bound: a
 * difference the output hides (a skipped ReLU before an ArgMax, ...) still shows. Reports the
 * first tensor out of bound, in evaluation order.
 */
function compareIntermediates(
  q: QuantizedModel,
  values: bigint[][],
  E: Float64Array[],
  tensors: Map<string, Float64Array>,
  fail: (f: FuzzFailure) => void,
  at: { row: number[]; rowKind: FuzzRow["kind"] },
): void {
  for (const op of q.layers) {
    if (op.kind === "argmax") continue;
    const t = q.tensors[op.output];
    const want = tensors.get(t.name.replace(/__range$/, ""));
    if (!want || want.length !== values[op.output].length) continue;
    for (let i = 0; i < want.length; i++) {
      const got = Number(values[op.output][i]) / 2 ** t.frac;
      const err = Math.abs(got - want[i]);
      const bound = E[op.output][i] + 1e-9 * (1 + Math.abs(want[i]));
      if (!(err <= bound)) {
        fail({
          kind: "float-quantized",
          message: `tensor ${t.name} (${op.kind} op ${op.name}${op.kind === "linear" && op.relu ? ", fused ReLU" : ""}) [${i}]: quantized ${fmt(got)}, float ${fmt(want[i])}, |d| ${fmt(err)} > bound ${fmt(bound)}`,
          ...at,
        });
        return;
      }
    }
  }
}

type WitnessCalculator = {
  calculateWitness(input: Record<string, unknown>, sanityCheck: boolean): Promise<bigint[]>;
};

/**
 * A witness function over the circuit's generated wasm, through the witness_calculator.js that
 * circom writes next to it (what snarkjs's wtns.calculate runs, without the .wtns file round
 * trip, and without printing the failed assertion: it comes back in the error). One wasm
 * instance is reused while it succeeds (each witness starts with the wasm's own init); after a
 * failure the next witness gets a fresh instance, so no state carries over from a failed one.
 */
function witnessCalculator(
  wasmFile: string,
): (input: Record<string, unknown>) => Promise<bigint[]> {
  // circom writes CommonJS; copy it to .cjs so that it loads inside a "type": "module" package too
  const cjs = join(dirname(wasmFile), "witness_calculator.cjs");
  copyFileSync(join(dirname(wasmFile), "witness_calculator.js"), cjs);
  const builder = createRequire(import.meta.url)(cjs) as (
    code: Uint8Array,
  ) => Promise<WitnessCalculator>;
  const code = readFileSync(wasmFile);
  let wc: WitnessCalculator | undefined;
  return async (input) => {
    wc ??= await builder(code);
    try {
      return (await wc.calculateWitness(input, true)).map(BigInt);
    } catch (e) {
      wc = undefined;
      throw e;
    }
  };
}

/** Every tensor of the float evaluation, by name. */
function floatTensors(ir: ModelIR, row: readonly number[]): Map<string, Float64Array> {
  const tensors = new Map<string, Float64Array>();
  evaluateFloat({ ir, inputs: row, onTensor: (name, v) => tensors.set(name, v) });
  return tensors;
}

function argmaxOf(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** Gap between the largest and the second largest value. */
/** The smallest difference between two elements (TopK's positions are stable beyond it). */
function minGap(v: ArrayLike<number>): number {
  const s = Array.from(v).sort((a, b) => a - b);
  return s.slice(1).reduce((m, x, i) => Math.min(m, x - s[i]), Infinity);
}

function margin(v: ArrayLike<number>): number {
  const s = Array.from(v).sort((a, b) => b - a);
  return s.length < 2 ? Infinity : s[0] - s[1];
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.constructor.name : typeof e;
}

/**
 * One line per failure plus the graph, for logs.
 *
 * @example
 * console.log(describeReport(report));
 */
export function describeReport(r: FuzzReport): string {
  const c = r.model.compile;
  const lines = [
    `seed ${r.seed}: ${r.failures.length ? `${r.failures.length} disagreement(s)` : r.skipped ? "skipped" : "ok"}`,
    `  input [${r.model.inputShape}] -> output [${r.model.outputShape}]; mode ${c.mode}, input ${c.inputVisibility}, weights ${c.weightVisibility}, output ${c.outputVisibility}${c.output === "argmax" ? " (argmax)" : ""}`,
    ...(r.model.tags.length ? [`  tags: ${r.model.tags.join(", ")}`] : []),
    "  graph:",
    ...r.model.ops.map((o) => `    ${o}`),
  ];
  if (r.skipped) lines.push(`  ${r.skipped}`);
  for (const f of r.failures) {
    lines.push(`  [${f.kind}] ${f.message}`);
    if (f.row) lines.push(`    input (${f.rowKind}): ${list(f.row)}`);
  }
  return lines.join("\n");
}
