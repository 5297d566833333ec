import { InputError, QuantizationRangeError } from "../errors.ts";
import { toFixed } from "./fixedPoint.ts";
import { quotientRange } from "./rescale.ts";
import type { QuantizedModel } from "./types.ts";

export interface QuantizeInputParameters {
  model: QuantizedModel;
  /** The model input, flattened row-major, in float units. */
  input: readonly number[];
}

/**
 * Converts a float input to the circuit's fixed-point integers (round half away from zero),
 * checking length, finiteness and the calibrated input range (`model.inputBits`).
 *
 * @example
 * quantizeInput({ model, input: [5.1, 3.5, 1.4, 0.2] }); // [20890n, 14336n, 5734n, 819n]
 */
export function quantizeInput({ model, input }: QuantizeInputParameters): bigint[] {
  if (input.length !== model.nInputs) {
    throw new InputError(
      `input ${model.inputName} needs ${model.nInputs} values, got ${input.length}`,
      { details: { input: model.inputName, value: input.length } },
    );
  }
  const { min, max } = quotientRange(model.inputBits);
  return input.map((x, index) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new InputError(
        `input ${model.inputName}[${index}] is ${x}; inputs must be finite numbers`,
        { details: { input: model.inputName, index, value: String(x) } },
      );
    }
    const q = toFixed(x, model.inputFrac);
    if (q < min || q > max) {
      throw new QuantizationRangeError(
        `input ${model.inputName}[${index}] = ${x} is outside the quantization range [${Number(min) / 2 ** model.inputFrac}, ${Number(max) / 2 ** model.inputFrac}] (calibrated); recalibrate with inputs like this one`,
        {
          details: {
            tensor: model.inputName,
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
