import type * as Ort from "onnxruntime-node";
import { InputError, OnnxParseError, OnnxRuntimeError } from "@zkml-verify/core/internal/errors";

/** A model: a path to an `.onnx` file or its bytes. */
export type OnnxModelSource = string | Uint8Array;

/** A dense row-major tensor fed to or read from onnxruntime. */
export interface RunOnnxTensor {
  data: Float32Array | number[];
  shape: number[];
  /** The element type the model declares for this input. Default float32. */
  type?: "float32" | "float64" | "int64";
}

/**
 * Run a model once in onnxruntime-node (CPU) and return every graph output as float32.
 * Non-float outputs (e.g. int64 from ArgMax) are converted to `Float32Array` as well.
 * Throws `OnnxParseError` when the model cannot be loaded, `InputError` when an input is
 * missing or its data does not match its shape, `OnnxRuntimeError` when inference fails;
 * each names the model file (`details.file`, `"<bytes>"` for an in-memory model).
 *
 * @example
 * const out = await runOnnx({
 *   model: "models/iris-mlp.onnx",
 *   inputs: { input: { data: [5.1, 3.5, 1.4, 0.2], shape: [1, 4] } },
 * });
 * console.log(out.logits.data); // Float32Array(3)
 */
export async function runOnnx(options: {
  model: OnnxModelSource;
  inputs: Record<string, RunOnnxTensor>;
}): Promise<Record<string, { data: Float32Array; shape: number[] }>> {
  const file = modelLabel(options.model);
  const session = await openSession(options.model);
  try {
    const feeds: Record<string, Ort.Tensor> = {};
    for (const name of session.inputNames) {
      const input = options.inputs[name];
      if (input === undefined) {
        throw new InputError(`model "${file}" needs input "${name}", which was not given`, {
          details: { input: name },
        });
      }
      feeds[name] = toTensor(file, name, input);
    }
    const results = await runSession(session, file, feeds);
    const out: Record<string, { data: Float32Array; shape: number[] }> = {};
    for (const name of session.outputNames) {
      const t = results[name];
      out[name] = { data: toFloat32(t.data), shape: [...t.dims] };
    }
    return out;
  } finally {
    await session.release();
  }
}

/**
 * Run a single-input model over many rows with one session; returns the first output (or
 * `outputName`) of each row as a `Float32Array`, in row order. Each row is reshaped to
 * `rowShape` (e.g. `[1, 4]`), so this is for fast agreement/accuracy checks over a data set.
 *
 * @example
 * const { features } = loadIris();
 * const logits = await runOnnxBatch({
 *   model: "models/iris-mlp.onnx",
 *   inputName: "input",
 *   rows: features,
 *   rowShape: [1, 4],
 * });
 * const predicted = logits.map((l) => l.indexOf(Math.max(...l)));
 */
export async function runOnnxBatch(options: {
  model: OnnxModelSource;
  inputName: string;
  rows: number[][];
  rowShape: number[];
  outputName?: string;
}): Promise<Float32Array[]> {
  const file = modelLabel(options.model);
  const session = await openSession(options.model);
  try {
    const outputName = options.outputName ?? session.outputNames[0];
    if (!session.outputNames.includes(outputName)) {
      throw new InputError(`model "${file}" has no output "${outputName}"`, {
        details: { input: outputName, value: session.outputNames },
      });
    }
    const out: Float32Array[] = [];
    for (let i = 0; i < options.rows.length; i++) {
      const tensor = toTensor(file, options.inputName, {
        data: options.rows[i],
        shape: options.rowShape,
      });
      const results = await runSession(session, file, { [options.inputName]: tensor });
      out.push(toFloat32(results[outputName].data));
    }
    return out;
  } finally {
    await session.release();
  }
}

function modelLabel(model: OnnxModelSource): string {
  return typeof model === "string" ? model : "<bytes>";
}

async function openSession(model: OnnxModelSource): Promise<Ort.InferenceSession> {
  const file = modelLabel(model);
  const options: Ort.InferenceSession.SessionOptions = {
    executionProviders: ["cpu"],
    logSeverityLevel: 3,
  };
  try {
    return typeof model === "string"
      ? await (await onnxruntime()).InferenceSession.create(model, options)
      : await (await onnxruntime()).InferenceSession.create(model, options);
  } catch (cause) {
    throw new OnnxParseError(`cannot load ONNX model "${file}": ${message(cause)}`, {
      details: { file },
      cause,
    });
  }
}

async function runSession(
  session: Ort.InferenceSession,
  file: string,
  feeds: Record<string, Ort.Tensor>,
): Promise<Ort.InferenceSession.OnnxValueMapType> {
  try {
    return await session.run(feeds);
  } catch (cause) {
    throw new OnnxRuntimeError(`onnxruntime failed on model "${file}": ${message(cause)}`, {
      details: { file, step: "run" },
      cause,
    });
  }
}

function toTensor(file: string, name: string, input: RunOnnxTensor): Ort.Tensor {
  const size = input.shape.reduce((a, b) => a * b, 1);
  if (input.data.length !== size) {
    throw new InputError(
      `input "${name}" of model "${file}" has ${input.data.length} values but shape [${input.shape.join(", ")}] needs ${size}`,
      { details: { input: name, value: input.shape } },
    );
  }
  if (input.type === "float64")
    return new (loaded().Tensor)("float64", Float64Array.from(input.data), input.shape);
  if (input.type === "int64")
    return new (loaded().Tensor)(
      "int64",
      BigInt64Array.from(input.data, (v) => BigInt(Math.round(v))),
      input.shape,
    );
  const data = input.data instanceof Float32Array ? input.data : Float32Array.from(input.data);
  return new (loaded().Tensor)("float32", data, input.shape);
}

function toFloat32(data: Ort.Tensor["data"]): Float32Array {
  if (data instanceof Float32Array) return data;
  if (Array.isArray(data)) throw new TypeError("string tensors are not supported");
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

let ortModule: typeof Ort | undefined;

/**
 * onnxruntime-node, loaded on first use: it is an optional peer dependency of
 * @zkml-verify/node (the float reference for `fidelity` and the prove command's comparison).
 */
async function onnxruntime(): Promise<typeof Ort> {
  if (ortModule) return ortModule;
  try {
    ortModule = (await import("onnxruntime-node")) as typeof Ort;
    return ortModule;
  } catch (cause) {
    throw new OnnxRuntimeError(
      "onnxruntime-node is not installed: it is optional, needed only for the float reference (npm install onnxruntime-node)",
      { details: { file: "onnxruntime-node", step: "run" }, cause },
    );
  }
}

function loaded(): typeof Ort {
  if (!ortModule) throw new TypeError("onnxruntime-node is used before it is loaded");
  return ortModule;
}
