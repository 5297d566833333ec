import { QuantizationRangeError } from "../errors.ts";
import { quotientRange } from "./rescale.ts";
import { inputLabel } from "./modelInputs.ts";
import { opModule } from "./ops/index.ts";
import type { QuantizedModel, QuantizedOp } from "./types.ts";

/**
 * Runs the integer semantics of every quantized op (each kind's module in ./ops/ says what it
 * computes; the circuit templates implement exactly that). `onCheck` sees every value the circuit range-checks (quotients and range ops),
 * with the op index; with `check` the values are checked against their widths.
 *
 * @example
 * const tensors = runOps(model, input, { check: true }); tensors[model.output];
 */
export function runOps(
  model: QuantizedModel,
  input: readonly bigint[],
  opts: { check: boolean; onCheck?: (op: number, values: bigint[]) => void },
): bigint[][] {
  if (opts.check) checkInput(model, input);
  const values: bigint[][] = [[...input]];
  model.layers.forEach((op, i) => {
    const ins = op.inputs.map((id) => values[id]);
    const checked = (vals: bigint[], bits: number) => {
      opts.onCheck?.(i, vals);
      if (opts.check) checkRange(op, vals, bits);
      return vals;
    };
    values[op.output] = opModule(op).run(op, ins, checked);
  });
  return values;
}

function checkRange(op: QuantizedOp, vals: bigint[], bits: number): void {
  const { min, max } = quotientRange(bits);
  vals.forEach((q, index) => {
    if (q < min || q > max) {
      throw new QuantizationRangeError(
        `${op.kind} op ${op.name}: value ${index} is ${q}, outside the ${bits}-bit range the circuit checks; recalibrate with inputs like this one`,
        {
          details: {
            tensor: op.name,
            index,
            value: q.toString(),
            min: min.toString(),
            max: max.toString(),
          },
        },
      );
    }
  });
}

/** The input range check every circuit makes (`model.inputBits` signed bits, any visibility). */
function checkInput(model: QuantizedModel, input: readonly bigint[]): void {
  const { min, max } = quotientRange(model.inputBits);
  input.forEach((v, index) => {
    if (v < min || v > max) {
      throw new QuantizationRangeError(
        `input ${inputLabel(model, index)} is ${v} (2^-${model.inputFrac} units), outside the ${model.inputBits}-bit range the circuit checks; recalibrate with inputs like this one`,
        {
          details: {
            tensor: inputLabel(model, index),
            index,
            value: v.toString(),
            min: min.toString(),
            max: max.toString(),
          },
        },
      );
    }
  });
}
