import { InputError } from "../errors.ts";
import type { QTensorInfo, QuantizedModel } from "./types.ts";

/**
 * A model input as users give it: a flat (row-major) array for a single-input model, or the
 * inputs by name (`{ a: [...], b: [...] }`, each flattened row-major), which works for any
 * model. The circuit's input vector is the inputs concatenated in the graph's order.
 */
export type ModelInput = readonly number[] | Readonly<Record<string, ArrayLike<number>>>;

const size = (t: QTensorInfo) => t.shape.reduce((a, b) => a * b, 1);

/**
 * The model's inputs as one vector (the graph's order), checking names and lengths.
 *
 * @example
 * flattenInput({ model, input: { a: [1, 2], b: [3] } }); // [1, 2, 3]
 */
export function flattenInput(p: { model: QuantizedModel; input: ModelInput }): number[] {
  const { model, input } = p;
  const names = model.inputs.map((i) => i.name);
  if (Array.isArray(input)) {
    if (model.inputs.length > 1)
      throw new InputError(
        `the model has ${names.length} inputs (${names.join(", ")}): pass them by name, { ${names.map((n) => `${n}: [...]`).join(", ")} }`,
        { details: { input: names.join(", "), value: input.length } },
      );
    return input as number[];
  }
  const rec = input as Readonly<Record<string, ArrayLike<number>>>;
  const unknown = Object.keys(rec).filter((k) => !names.includes(k));
  if (unknown.length > 0)
    throw new InputError(
      `unknown input ${unknown.join(", ")}: the model's inputs are ${names.join(", ")}`,
      { details: { input: unknown.join(", ") } },
    );
  const out: number[] = [];
  for (const i of model.inputs) {
    const v = rec[i.name];
    if (!v || v.length !== size(i))
      throw new InputError(
        `input ${i.name} needs ${size(i)} values (shape [${i.shape}]), got ${v?.length ?? 0}`,
        { details: { input: i.name, value: v?.length ?? 0 } },
      );
    for (let k = 0; k < v.length; k++) out.push(v[k]);
  }
  return out;
}

/**
 * Names position `index` of the input vector for messages: `x[3]`, or with several inputs
 * the input it falls in and the position within it.
 *
 * @example
 * inputLabel(model, 5); // "b[1]" when a has 4 values
 */
export function inputLabel(model: QuantizedModel, index: number): string {
  let offset = 0;
  for (const i of model.inputs) {
    if (index < offset + size(i)) return `${i.name}[${index - offset}]`;
    offset += size(i);
  }
  return `input[${index}]`;
}

/**
 * Splits the output vector into the graph's outputs, by name.
 *
 * @example
 * splitOutputs({ model, values: [0.1, 0.2, 0.3] }); // { y: [0.1, 0.2], z: [0.3] }
 */
export function splitOutputs<T>(p: {
  model: QuantizedModel;
  values: readonly T[];
}): Record<string, T[]> {
  const { model, values } = p;
  // An argmax output replaces the logits with their index: one value, under the single output.
  if (model.outputKind === "argmax" || model.outputs.length === 1)
    return { [model.outputs[0].name]: [...values] };
  const out: Record<string, T[]> = {};
  let offset = 0;
  for (const o of model.outputs) {
    out[o.name] = values.slice(offset, offset + size(o));
    offset += size(o);
  }
  return out;
}
