import { importOnnx } from "../onnx/importOnnx.ts";

import { runOnnxBatch } from "../onnx/runOnnx.ts";
import { evaluateQuantized } from "@zkml-verify/core/internal/quantize/evaluateQuantized";
import { argmax } from "@zkml-verify/core/internal/quantize/fixedPoint";
import { quantizeInput } from "@zkml-verify/core/internal/quantize/quantizeInput";
import { quantizeModel } from "./quantizeModel.ts";
import type { QuantizeMode } from "@zkml-verify/core/internal/quantize/types";

export interface FidelityParameters {
  /** The ONNX file (run in onnxruntime-node as the float reference). */
  model: string;
  /** Float inputs, flattened row-major; also the calibration set unless `calibration` is given. */
  rows: number[][];
  calibration?: number[][];
  mode?: QuantizeMode;
  inputShapes?: Record<string, number[]>;
  /** Include each row's float and dequantized outputs. */
  includeOutputs?: boolean;
}

export interface FidelityReturnType {
  /** Fraction of rows whose argmax matches between onnxruntime and the quantized evaluator. */
  agreement: number;
  rows: number;
  /** Per output: max and mean |float - dequantized| (against the logits when Softmax is dropped). */
  maxAbsError: number[];
  meanAbsError: number[];
  scales: {
    mode: QuantizeMode;
    inputFrac: number;
    inputBits: number;
    outputFrac: number;
    ops: {
      name: string;
      kind: string;
      weightFrac: number | null;
      shift: number | null;
      quotientBits: number | null;
    }[];
  };
  outputs?: { float: number[]; quantized: number[] }[];
}

/**
 * Fidelity report: runs the float model (onnxruntime-node) and the quantized evaluator over
 * a data set and reports argmax agreement, per-output errors and the chosen scales. When the
 * model ends in Softmax the circuit proves the logits, so errors are measured against the
 * float logits (the model's output with the final Softmax removed, from the float IR).
 *
 * @example
 * const r = await fidelity({ model: "models/iris-mlp.onnx", rows: loadIris().features });
 * console.log(r.agreement); // 1
 */
export async function fidelity(p: FidelityParameters): Promise<FidelityReturnType> {
  const ir = importOnnx({ file: p.model, inputShapes: p.inputShapes });
  const q = quantizeModel({ ir, calibration: p.calibration ?? p.rows, mode: p.mode });
  const input = ir.inputs[0];
  const float = await runOnnxBatch({
    model: p.model,
    inputName: input.name,
    rows: p.rows,
    rowShape: input.shape,
  });
  const last = ir.nodes[ir.nodes.length - 1];
  const logitsIr = q.droppedSoftmax
    ? {
        ...ir,
        nodes: ir.nodes.slice(0, -1),
        outputs: [{ name: last.inputs[0], shape: ir.shapes[last.inputs[0]] }],
      }
    : ir;
  const { evaluateFloat } = await import("../onnx/evaluateFloat.ts");
  const nOut = q.outputKind === "argmax" ? 1 : q.nOutputs;
  const maxAbsError = new Array<number>(nOut).fill(0);
  const sumAbs = new Array<number>(nOut).fill(0);
  const outputs: { float: number[]; quantized: number[] }[] = [];
  let agree = 0;
  p.rows.forEach((row, r) => {
    const ev = evaluateQuantized({ model: q, input: quantizeInput({ model: q, input: row }) });
    const reference =
      q.outputKind === "argmax"
        ? [argmax(float[r])]
        : q.droppedSoftmax
          ? Array.from(Object.values(evaluateFloat({ ir: logitsIr, inputs: row }))[0])
          : Array.from(float[r]);
    if (ev.predictedClass === argmax(float[r])) agree++;
    ev.values.forEach((v, i) => {
      const e = Math.abs(v - reference[i]);
      maxAbsError[i] = Math.max(maxAbsError[i], e);
      sumAbs[i] += e;
    });
    if (p.includeOutputs) outputs.push({ float: reference, quantized: ev.values });
  });
  return {
    agreement: p.rows.length ? agree / p.rows.length : 0,
    rows: p.rows.length,
    maxAbsError,
    meanAbsError: sumAbs.map((s) => s / Math.max(1, p.rows.length)),
    scales: {
      mode: q.mode,
      inputFrac: q.inputFrac,
      inputBits: q.inputBits,
      outputFrac: q.outputFrac,
      ops: q.layers.map((l) => ({
        name: l.name,
        kind: l.kind,
        weightFrac: l.kind === "linear" ? l.weightFrac : null,
        shift: "shift" in l && l.quotientBits ? l.shift : null,
        quotientBits: "quotientBits" in l && l.quotientBits ? l.quotientBits : null,
      })),
    },
    ...(p.includeOutputs ? { outputs } : {}),
  };
}
