import { QuantizationRangeError } from "../errors.ts";
import { COMMITMENT_TAG, poseidonSponge } from "./poseidonSponge.ts";
import { inputLabel } from "./modelInputs.ts";
import type { QuantizedModel } from "./types.ts";

/** The input commitment's domain tag (a new tag whenever the packing below changes). */
export const INPUT_COMMITMENT_VERSION = COMMITMENT_TAG.input;

/**
 * How many inputBits-wide values share one field element (at most 250 bits per element).
 *
 * @example
 * valuesPerElement(12); // 20
 */
export const valuesPerElement = (inputBits: number): number =>
  Math.max(1, Math.floor(250 / inputBits));

/**
 * The commitment to a quantized input for `hashed` input visibility: THE definition the
 * circuit recomputes (circuits/commitment.circom via the generator) and the prover exposes.
 *
 * Each value v (range-checked to inputBits signed bits) becomes u = v + 2^(inputBits-1) in
 * [0, 2^inputBits); k = floor(250 / inputBits) values are packed per field element
 * (e = sum u_j 2^(inputBits j), unique since k inputBits <= 250 < log2 p); then the shared
 * sponge (`poseidonSponge`, tag 1) over those elements.
 *
 * @example
 * const c = inputCommitment({ model, input: quantizeInput({ model, input: row }) });
 */
export function inputCommitment(p: { model: QuantizedModel; input: readonly bigint[] }): bigint {
  return poseidonSponge({ tag: INPUT_COMMITMENT_VERSION, elements: packInput(p) });
}

/**
 * The packed field elements (exported for the circuit tests).
 *
 * @example
 * packInput({ model, input }).length; // ceil(nInputs / valuesPerElement(model.inputBits))
 */
export function packInput({
  model,
  input,
}: {
  model: QuantizedModel;
  input: readonly bigint[];
}): bigint[] {
  const b = BigInt(model.inputBits);
  const offset = 1n << (b - 1n);
  const k = valuesPerElement(model.inputBits);
  const elements: bigint[] = [];
  input.forEach((v, i) => {
    const u = v + offset;
    if (u < 0n || u >= 1n << b)
      throw new QuantizationRangeError(
        `input ${inputLabel(model, i)} = ${v} does not fit ${model.inputBits} signed bits`,
        {
          details: {
            tensor: inputLabel(model, i),
            index: i,
            value: v.toString(),
            min: (-offset).toString(),
            max: (offset - 1n).toString(),
          },
        },
      );
    if (i % k === 0) elements.push(0n);
    elements[elements.length - 1] += u << (b * BigInt(i % k));
  });
  return elements;
}
