import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import onnxProto from "onnx-proto";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/node/src/circuit/compileModel.ts";
import { calculateWitness } from "../../test/helpers/witnessTools.ts";
import { ZkmlError } from "../../sdk/core/src/errors.ts";
import type { ModelIR, Tensor } from "../../sdk/node/src/onnx/ir.ts";
import { estimateConstraints } from "./estimateConstraints.ts";
import { evaluateFloat, evaluateLastNode } from "../../sdk/node/src/onnx/evaluateFloat.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { parseOnnx, tensorFromProto } from "../../sdk/node/src/onnx/parseOnnx.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { circuitInput } from "../../sdk/core/src/prove/circuitInput.ts";
import { prove } from "../../sdk/core/src/prove/prove.ts";
import { verifyProof } from "../../sdk/core/src/prove/verifyProof.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { fromField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { splitRow } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { setupCircuit } from "../../sdk/node/src/setup/setupCircuit.ts";

const { onnx } = onnxProto;

/**
 * The stated tolerance: a proven output y passes against the expected x when
 * |y - x| <= ATOL + RTOL * max|x| (max over the output tensor). The quantization error of an
 * accuracy-mode model is far below this (activation scales of 2^-10 or finer); the Sigmoid/Tanh
 * polynomials are within 2^-7 over the calibrated range (quantize/README.md).
 */
export const TOLERANCE = { atol: 0.01, rtol: 0.01 } as const;

/**
 * The runner's budget in estimated constraints: circuits up to a few million constraints
 * compile with circom2 (WASM) and fit a 2^22-2^23 ptau on this 2-core machine in minutes; the
 * corpus's models above it need tens of millions (a MaxPool over 2000-wide windows).
 */
export const DEFAULT_MAX_CONSTRAINTS = 3_000_000;

export type Stage =
  "read" | "import" | "compile" | "witness" | "compare" | "setup" | "prove" | "verify";

export interface ConformanceResult {
  model: string;
  pass: boolean;
  /** The stage that failed (absent when the model passed). */
  stage?: Stage;
  /** The error's class (UnsupportedOpError, ShapeError, ...) or "Mismatch". */
  errorClass?: string;
  reason?: string;
  /** A short key grouping failures by cause (for the summary table). */
  cause?: string;
  inputShape?: number[];
  /** `estimateConstraints` of the imported model (what the budget is checked against). */
  estimatedConstraints?: number;
  constraints?: number;
  /** Largest |proven - expected| over the outputs, and the tolerance it was held to. */
  maxAbsError?: number;
  tolerance?: number;
  /** Groth16 proof made and verified (only for circuits up to the prove budget). */
  proved?: boolean;
  /** The proven value is the logits of a dropped final Softmax/LogSoftmax (compared after applying it). */
  droppedSoftmax?: boolean;
  /** How this case departs from the plain comparison with `output_0.pb`, if it does. */
  note?: string;
  ms: number;
}

export interface RunConformanceCaseParameters {
  /** A corpus folder: model.onnx and test_data_set_0/{input,output}_*.pb. */
  dir: string;
  /** Build folder for this model (removed afterwards unless `keep`). */
  buildDir: string;
  /** Prove and verify with Groth16 when the circuit has at most this many constraints (0: never). */
  proveMaxConstraints?: number;
  /** Skip models whose estimated constraint count (`estimateConstraints`) is above this. */
  maxConstraints?: number;
  keep?: boolean;
  /**
   * Input visibility. Default `public` (range-checked public signals): the hashed input's
   * Poseidon commitment is the same for every model and is tested elsewhere, and it would
   * dominate the compile time here.
   */
  input?: "public" | "private" | "hashed";
  onProgress?: (line: string) => void;
}

/** Reads `test_data_set_0/<prefix>_<k>.pb` tensors in order. */
export function readTensors(dir: string, prefix: "input" | "output"): Tensor[] {
  const data = join(dir, "test_data_set_0");
  const files = readdirSync(data)
    .filter((f) => new RegExp(`^${prefix}_\\d+\\.pb$`).test(f))
    .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
  return files.map((f) => {
    const t = onnx.TensorProto.decode(readFileSync(join(data, f)));
    return tensorFromProto(t, join(data, f));
  });
}

/**
 * One conformance case: import, compile (calibrated on the case's own input), witness, compare
 * the circuit's public outputs with the `output_*.pb` files (concatenated) (and bit for bit with the quantized
 * evaluator), then for small circuits a Groth16 setup, proof and verification.
 *
 * @example
 * const r = await runConformanceCase({ dir: ".../test_Linear", buildDir: "build/conformance/test_Linear" });
 */
export async function runConformanceCase(
  p: RunConformanceCaseParameters,
): Promise<ConformanceResult> {
  const start = performance.now();
  const model = p.dir.split(/[\\/]/).filter(Boolean).pop()!;
  let stage: Stage = "read";
  const result: ConformanceResult = { model, pass: false, ms: 0 };
  const done = (_failed?: ConformanceResult) => {
    result.ms = Math.round(performance.now() - start);
    if (!p.keep) rmSync(p.buildDir, { recursive: true, force: true });
    return result;
  };
  try {
    const file = join(p.dir, "model.onnx");
    const inputs = readTensors(p.dir, "input");
    const outputs = readTensors(p.dir, "output");
    result.inputShape = inputs[0]?.shape;
    stage = "import";
    const ir = importOnnx({ file });
    const maxConstraints = p.maxConstraints ?? DEFAULT_MAX_CONSTRAINTS;
    result.estimatedConstraints = estimateConstraints(ir);
    if (result.estimatedConstraints > maxConstraints) {
      return done(
        fail(
          result,
          stage,
          "TooLarge",
          `about ${result.estimatedConstraints.toExponential(1)} constraints (estimated from the IR) exceed the runner's budget of ${maxConstraints.toExponential(1)}`,
          "too large for the runner's budget",
        ),
      );
    }
    if (inputs.length !== ir.inputs.length) {
      throw new ZkmlError(
        `the test data has ${inputs.length} inputs, the model ${ir.inputs.length}`,
      );
    }
    // Several inputs or outputs: the circuit's input and output vectors are their concatenations.
    let row = inputs.flatMap((t) => Array.from(t.data));
    let expected: Tensor = {
      shape: [outputs.reduce((n, t) => n + t.data.length, 0)],
      data: Float64Array.from(outputs.flatMap((t) => Array.from(t.data))),
    };
    const magnitude = row.reduce(
      (m, v) => Math.max(m, Number.isFinite(v) ? Math.abs(v) : Infinity),
      0,
    );
    if (magnitude > UNUSABLE_INPUT) {
      // Some of the corpus's inputs are uninitialized memory (torch.Tensor(2, 3)): compare
      // with onnxruntime on a seeded input instead.
      row = seededRow(row.length);
      let reference = "onnxruntime";
      try {
        expected = await onnxruntimeOutput(file, ir, row);
      } catch {
        // onnxruntime implements no opset-6 elementwise op: the importer's float evaluator
        reference = "the float evaluator (onnxruntime cannot run this opset)";
        const out = evaluateFloat({ ir, inputs: splitRow(ir, row) });
        const data = Float64Array.from(ir.outputs.flatMap((o) => Array.from(out[o.name])));
        expected = { shape: [data.length], data };
      }
      result.note = `input_0.pb holds values up to ${magnitude.toExponential(1)} (uninitialized memory): compared with ${reference} on a seeded input in [-1, 1]`;
    }
    stage = "compile";
    const compiled: CompileModelReturnType = await compileModel({
      model: file,
      outDir: p.buildDir,
      calibration: [row],
      inputVisibility: p.input ?? "public",
      onProgress: p.onProgress,
    });
    const { quantized: q, publicSignals } = compiled;
    result.constraints = compiled.circuit.constraints;
    result.droppedSoftmax = q.droppedSoftmax;
    stage = "witness";
    const input = quantizeInput({ model: q, input: splitRow(ir, row) });
    const expectedQ = evaluateQuantized({ model: q, input }).outputs;
    const witness = await calculateWitness({
      wasm: compiled.circuit.wasm,
      input: circuitInput({ model: q, input }),
    });
    const { layout } = publicSignals;
    const proven = Array.from({ length: q.nOutputs }, (_, i) =>
      fromField(witness[1 + layout.outputOffset + i]),
    );
    stage = "compare";
    const firstDiff = proven.findIndex((v, i) => v !== expectedQ[i]);
    if (firstDiff >= 0) {
      return done(
        fail(
          result,
          stage,
          "CircuitMismatch",
          `circuit output ${firstDiff} is ${proven[firstDiff]}, the quantized evaluator gives ${expectedQ[firstDiff]}`,
          "circuit differs from the quantized evaluator",
        ),
      );
    }
    let values = proven.map((v) => Number(v) / 2 ** q.outputFrac);
    if (q.droppedSoftmax) values = Array.from(evaluateLastNode({ ir, input: values }));
    if (expected.data.length !== values.length) {
      return done(
        fail(
          result,
          stage,
          "Mismatch",
          `the circuit proves ${values.length} outputs, the output_*.pb files hold ${expected.data.length}`,
          "output count differs",
        ),
      );
    }
    const scale = expected.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const tolerance = TOLERANCE.atol + TOLERANCE.rtol * scale;
    const maxAbsError = values.reduce((m, v, i) => Math.max(m, Math.abs(v - expected.data[i])), 0);
    result.maxAbsError = maxAbsError;
    result.tolerance = tolerance;
    if (!(maxAbsError <= tolerance)) {
      return done(
        fail(
          result,
          stage,
          "Mismatch",
          `max |proven - expected| = ${maxAbsError.toPrecision(3)} > tolerance ${tolerance.toPrecision(3)}`,
          "outputs outside the tolerance",
        ),
      );
    }
    if ((p.proveMaxConstraints ?? 0) >= compiled.circuit.constraints) {
      stage = "setup";
      const setup = await setupCircuit({
        r1cs: compiled.circuit.r1cs,
        system: "groth16",
        outDir: p.buildDir,
        onProgress: p.onProgress,
      });
      stage = "prove";
      const proof = await prove({
        system: "groth16",
        wasm: compiled.circuit.wasm,
        zkey: setup.zkey,
        input: circuitInput({ model: q, input }),
      });
      stage = "verify";
      const { valid } = await verifyProof({
        system: "groth16",
        verificationKey: setup.verificationKey,
        proof: proof.proof,
        publicSignals: proof.publicSignals,
      });
      const same = proof.publicSignals.every((s, i) => s === witness[1 + i]);
      if (!valid || !same) {
        return done(
          fail(
            result,
            stage,
            "ProofError",
            valid
              ? "the proof's public signals differ from the witness"
              : "the Groth16 proof did not verify",
            "proof did not verify",
          ),
        );
      }
      result.proved = true;
    }
    result.pass = true;
    return done();
  } catch (e) {
    const err = e as Error & { details?: Record<string, unknown> };
    return done(fail(result, stage, err.name ?? "Error", err.message, causeOf(err)));
  }
}

function fail(
  r: ConformanceResult,
  stage: Stage,
  errorClass: string,
  reason: string,
  cause: string,
): ConformanceResult {
  return Object.assign(r, { pass: false, stage, errorClass, reason: oneLine(reason), cause });
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim().slice(0, 400);

/** A short grouping key for an error: the unsupported op, the kind of shape or range problem. */
export function causeOf(e: Error & { details?: Record<string, unknown> }): string {
  const d = e.details ?? {};
  const m = e.message;
  if (e.name === "UnsupportedOpError") {
    if (/no op to prove/.test(m)) return "no op to prove";
    if (/can only be the model's last op/.test(m)) return `${d.op} not last`;
    const op = String(d.op || "");
    if (/has attribute (\w+)/.test(m))
      return `${op}: attribute ${/has attribute (\w+)/.exec(m)![1]}`;
    if (d.attribute)
      return `${op}: ${String(d.attribute)} (${oneLine(m.split(": ").slice(1).join(": ")).slice(0, 60)})`;
    const why = /is not supported(?:: (.*))?$/.exec(m)?.[1];
    if (why && !/^domain|supported:/.test(why)) return `${op}: ${why.slice(0, 70)}`;
    return `unsupported op ${op}`;
  }
  if (e.name === "CircuitCompileError") {
    const code = /error\[(\w+)\]/.exec(String(d.stderr ?? ""))?.[1];
    return `circom ${code ?? "failed"}`;
  }
  if (e.name === "OnnxParseError" && /data type (\w+)/.test(m))
    return `tensor data type ${/data type (\w+)/.exec(m)![1]}`;
  return `${e.name}: ${oneLine(m)
    .replace(/\b\d[\d.e+-]*/g, "N")
    .slice(0, 70)}`;
}

/** Inputs with a value above this are not test data (see `note`). */
const UNUSABLE_INPUT = 1e6;

function seededRow(n: number): number[] {
  const rnd = mulberry32({ seed: 5 });
  return Array.from({ length: n }, () => Math.round((rnd() * 2 - 1) * 1000) / 1000);
}

/** The model's outputs in onnxruntime (concatenated), feeding each input in its declared element type. */
async function onnxruntimeOutput(file: string, ir: ModelIR, row: number[]): Promise<Tensor> {
  const { model } = parseOnnx({ file });
  const named = splitRow(ir, row);
  const inputs = Object.fromEntries(
    ir.inputs.map((i) => {
      const declared = model.graph!.input!.find((g) => g.name === i.name)?.type?.tensorType
        ?.elemType;
      const type = declared === 11 ? "float64" : declared === 7 ? "int64" : "float32";
      return [i.name, { data: named[i.name], shape: i.shape, type } as const];
    }),
  );
  const out = await runOnnx({ model: file, inputs });
  const data = Float64Array.from(ir.outputs.flatMap((o) => Array.from(out[o.name].data)));
  return { shape: [data.length], data };
}

/** The corpus's model folders (each with model.onnx), sorted. */
export function listCorpus(root: string): string[] {
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, "model.onnx")))
    .sort();
}
