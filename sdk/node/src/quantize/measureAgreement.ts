import type { ModelIR } from "../onnx/ir.ts";
import { runOnnxBatch } from "../onnx/runOnnx.ts";
import { evaluateQuantized } from "@zkml-verify/core/internal/quantize/evaluateQuantized";
import { argmax } from "@zkml-verify/core/internal/quantize/fixedPoint";
import { quantizeInput } from "@zkml-verify/core/internal/quantize/quantizeInput";
import type { QuantizedModel } from "@zkml-verify/core/internal/quantize/types";

export interface MeasureAgreementParameters {
  /** The ONNX file (run in onnxruntime-node as the float reference). */
  model: string;
  ir: ModelIR;
  quantized: QuantizedModel;
  rows: number[][];
}

export interface MeasureAgreementReturnType {
  /** Fraction of rows whose argmax matches between onnxruntime and the quantized evaluator. */
  agreement: number;
  rows: number;
  disagreements: number[];
  /** Largest |float output - dequantized output| over all rows and outputs (pre-softmax if dropped). */
  maxAbsError: number;
  floatPredictions: number[];
  quantizedPredictions: number[];
}

/**
 * Compares the quantized evaluator with the float model in onnxruntime-node over a data set.
 *
 * @example
 * const { agreement } = await measureAgreement({ model: file, ir, quantized, rows: iris.features });
 */
export async function measureAgreement(
  p: MeasureAgreementParameters,
): Promise<MeasureAgreementReturnType> {
  const input = p.ir.inputs[0];
  const float = await runOnnxBatch({
    model: p.model,
    inputName: input.name,
    rows: p.rows,
    rowShape: input.shape,
  });
  const floatPredictions = float.map((f) => argmax(Array.from(f)));
  const disagreements: number[] = [];
  let maxAbsError = 0;
  const quantizedPredictions = p.rows.map((row, i) => {
    const q = evaluateQuantized({
      model: p.quantized,
      input: quantizeInput({ model: p.quantized, input: row }),
    });
    if (q.predictedClass !== floatPredictions[i]) disagreements.push(i);
    if (!p.quantized.droppedSoftmax) {
      q.values.forEach((v, j) => (maxAbsError = Math.max(maxAbsError, Math.abs(v - float[i][j]))));
    }
    return q.predictedClass;
  });
  return {
    agreement: 1 - disagreements.length / p.rows.length,
    rows: p.rows.length,
    disagreements,
    maxAbsError: p.quantized.droppedSoftmax ? NaN : maxAbsError,
    floatPredictions,
    quantizedPredictions,
  };
}
