import { argmax, fromFixed } from "./fixedPoint.ts";
import { runOps } from "./runOps.ts";
import type { QuantizedModel } from "./types.ts";

export interface EvaluateQuantizedParameters {
  model: QuantizedModel;
  /** Fixed-point input (see `quantizeInput`). */
  input: readonly bigint[];
}

export interface EvaluateQuantizedReturnType {
  /** Integer outputs at scale 2^model.outputFrac: exactly the circuit's `out` signals. */
  outputs: bigint[];
  /** The outputs in float units. */
  values: number[];
  /** argmax of the outputs (ties: lowest index), or the proven argmax output. */
  predictedClass: number;
}

/**
 * The quantized reference evaluator: the single source of truth for what the circuit computes.
 * Throws `QuantizationRangeError` where the circuit would have no valid witness.
 *
 * @example
 * const { predictedClass } = evaluateQuantized({ model, input: quantizeInput({ model, input: row }) });
 */
export function evaluateQuantized({
  model,
  input,
}: EvaluateQuantizedParameters): EvaluateQuantizedReturnType {
  const outputs = runOps(model, input, { check: true })[model.output];
  const values = outputs.map((o) => fromFixed(o, model.outputFrac));
  const predictedClass = model.outputKind === "argmax" ? Number(outputs[0]) : argmax(outputs);
  return { outputs, values, predictedClass };
}
