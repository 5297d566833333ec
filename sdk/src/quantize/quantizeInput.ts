import { InputError } from "../errors.ts";
import { toFixed } from "./fixedPoint.ts";
import type { QuantizedModel } from "./types.ts";

export interface QuantizeInputParameters {
  model: QuantizedModel;
  /** The model input, flattened row-major, in float units. */
  input: readonly number[];
}

/**
 * Converts a float input to the circuit's fixed-point integers (round half up).
 *
 * @example
 * quantizeInput({ model, input: [5.1, 3.5, 1.4, 0.2] }); // [5222n, 3584n, 1434n, 205n]
 */
export function quantizeInput({ model, input }: QuantizeInputParameters): bigint[] {
  if (input.length !== model.nInputs) {
    throw new InputError(
      `input ${model.inputName} needs ${model.nInputs} values, got ${input.length}`,
      {
        details: { input: model.inputName, value: input.length },
      },
    );
  }
  return input.map((x, index) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new InputError(
        `input ${model.inputName}[${index}] is ${x}; inputs must be finite numbers`,
        {
          details: { input: model.inputName, index, value: String(x) },
        },
      );
    }
    return toFixed(x, model.inputFrac);
  });
}
