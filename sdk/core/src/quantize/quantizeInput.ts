import { InputError, QuantizationRangeError } from "../errors.ts";
import { toFixed } from "./fixedPoint.ts";
import { quotientRange } from "./rescale.ts";
import { flattenInput, inputLabel } from "./modelInputs.ts";
import type { ModelInput } from "./modelInputs.ts";
import type { QuantizedModel } from "./types.ts";

export interface QuantizeInputParameters {
  model: QuantizedModel;
  /**
   * The model input in float units: flattened row-major, or by name (`{ a: [...], b: [...] }`,
   * required when the model has several inputs).
   */
  input: ModelInput;
}

/**
 * Converts a float input to the circuit's fixed-point integers (round half away from zero),
 * checking length, finiteness and the calibrated input range (`model.inputBits`).
 *
 * @example
 * quantizeInput({ model, input: [5.1, 3.5, 1.4, 0.2] }); // [20890n, 14336n, 5734n, 819n]
 */
export function quantizeInput({ model, input: given }: QuantizeInputParameters): bigint[] {
  const input = flattenInput({ model, input: given });
  if (input.length !== model.nInputs) {
    const name = model.inputs[0].name;
    throw new InputError(`input ${name} needs ${model.nInputs} values, got ${input.length}`, {
      details: { input: name, value: input.length },
    });
  }
  const { min, max } = quotientRange(model.inputBits);
  return input.map((x, index) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new InputError(
        `input ${inputLabel(model, index)} is ${x}; inputs must be finite numbers`,
        { details: { input: inputLabel(model, index), index, value: String(x) } },
      );
    }
    const q = toFixed(x, model.inputFrac);
    if (q < min || q > max) {
      throw new QuantizationRangeError(
        `input ${inputLabel(model, index)} = ${x} is outside the quantization range [${Number(min) / 2 ** model.inputFrac}, ${Number(max) / 2 ** model.inputFrac}] (calibrated); recalibrate with inputs like this one`,
        {
          details: {
            tensor: inputLabel(model, index),
            index,
            value: String(x),
            min: min.toString(),
            max: max.toString(),
          },
        },
      );
    }
    return q;
  });
}
