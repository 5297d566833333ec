import { QuantizationRangeError } from "../errors.ts";
import { argmax, fromFixed } from "./fixedPoint.ts";
import { quotientRange, relu, rescale } from "./rescale.ts";
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
  /** argmax of the outputs (ties: lowest index). */
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
  const outputs = runLayers(model, input, (layerIndex, quotients) => {
    const layer = model.layers[layerIndex];
    const bits = layer.rescale!.quotientBits;
    const { min, max } = quotientRange(bits);
    quotients.forEach((q, index) => {
      if (q < min || q > max) {
        throw new QuantizationRangeError(
          `layer ${layer.name} output ${index} is ${q}, outside the range its ${bits}-bit check allows; recalibrate with inputs like this one`,
          {
            details: {
              tensor: layer.name,
              index,
              value: q.toString(),
              min: min.toString(),
              max: max.toString(),
            },
          },
        );
      }
    });
  });
  const values = outputs.map((o) => fromFixed(o, model.outputFrac));
  return { outputs, values, predictedClass: argmax(outputs) };
}

/**
 * Runs the integer layers. `onRescale` sees each hidden layer's quotients before ReLU
 * (the values the circuit range-checks). Returns the final accumulators.
 */
export function runLayers(
  model: QuantizedModel,
  input: readonly bigint[],
  onRescale: (layerIndex: number, quotients: bigint[]) => void,
): bigint[] {
  let x = [...input];
  model.layers.forEach((layer, li) => {
    const acc: bigint[] = [];
    for (let o = 0; o < layer.outFeatures; o++) {
      let s = layer.bias[o];
      const row = o * layer.inFeatures;
      for (let i = 0; i < layer.inFeatures; i++) s += layer.weight[row + i] * x[i];
      acc.push(s);
    }
    if (!layer.rescale) {
      x = acc;
      return;
    }
    const shift = layer.rescale.shift;
    const q = acc.map((v) => rescale(v, shift));
    onRescale(li, q);
    x = layer.relu ? q.map(relu) : q;
  });
  return x;
}
