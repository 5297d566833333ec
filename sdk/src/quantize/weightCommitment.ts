import { ZkmlError } from "../errors.ts";
import { privateWeightCommitment } from "./packedWeights.ts";
import { COMMITMENT_TAG, poseidonSponge } from "./poseidonSponge.ts";
import type { QuantizedModel } from "./types.ts";

/** The fixed-weight commitment's domain tag (a new tag whenever the serialization changes). */
export const WEIGHT_COMMITMENT_VERSION = COMMITMENT_TAG.fixedWeights;
/** Each value is stored as an unsigned 64-bit word (value + 2^63). */
const WORD_BITS = 64n;
const WORDS_PER_ELEMENT = 3;

/**
 * The weight commitment: THE definition used by the circuit generator (as a constant or,
 * with private weights, recomputed in-circuit), the registry registration and the auditor.
 *
 * Serialization: [version, inputFrac, nOps, then per op (kind code, output frac, shift,
 * quotientBits, bits, relu, nParams, params...)] where params are a linear op's term
 * coefficients then biases (and slopes, clip bounds, polynomial coefficients for the other
 * ops); each value as a 64-bit offset word, 3 words per field element; then the shared sponge
 * (`poseidonSponge`, tag 2) — except that its length field counts values, not elements.
 *
 * @example
 * const c = weightCommitment({ model }); // 0x... as bigint < p
 */
export function weightCommitment({ model }: { model: QuantizedModel }): bigint {
  const values = serializeModel(model);
  const elements: bigint[] = [];
  for (let i = 0; i < values.length; i += WORDS_PER_ELEMENT) {
    let e = 0n;
    for (let j = 0; j < WORDS_PER_ELEMENT; j++) {
      e |= toWord(values[i + j] ?? 0n, i + j) << (WORD_BITS * BigInt(j));
    }
    elements.push(e);
  }
  return poseidonSponge({ tag: WEIGHT_COMMITMENT_VERSION, elements, length: values.length });
}

/**
 * The weight commitment of a compiled model by its weight visibility (manifest
 * `visibility.weights`): `weightCommitment` for fixed weights, `privateWeightCommitment` for
 * private ones. What registries, auditors and manifest checks recompute.
 *
 * @example
 * const c = modelWeightCommitment({ model, weights: manifest.visibility.weights });
 */
export function modelWeightCommitment(p: {
  model: QuantizedModel;
  weights: "fixed" | "private";
}): bigint {
  return p.weights === "private"
    ? privateWeightCommitment({ model: p.model })
    : weightCommitment({ model: p.model });
}

/** The integer stream the commitment hashes (exported for auditors and tests). */
export function serializeModel(model: QuantizedModel): bigint[] {
  const out: bigint[] = [
    WEIGHT_COMMITMENT_VERSION,
    BigInt(model.inputFrac),
    BigInt(model.layers.length),
  ];
  for (const op of model.layers) {
    const params = opParameters(op);
    const q = "quotientBits" in op ? op.quotientBits : 0;
    const shift = "shift" in op ? op.shift : 0;
    const bits = "bits" in op ? op.bits : 0;
    const relu = op.kind === "linear" && op.relu ? 1 : 0;
    out.push(BigInt(OP_CODES.indexOf(op.kind)), BigInt(model.tensors[op.output].frac));
    out.push(BigInt(shift), BigInt(q), BigInt(bits), BigInt(relu), BigInt(params.length));
    for (const v of params) out.push(v);
  }
  return out;
}

const OP_CODES = ["linear", "layout", "mul", "max", "argmax", "clip", "leaky", "poly", "range"];

/** The numeric parameters of an op (weights, biases, slopes, bounds, coefficients). */
function opParameters(op: QuantizedModel["layers"][number]): bigint[] {
  switch (op.kind) {
    case "linear":
      return [...op.weight, ...op.bias];
    case "layout":
      return [BigInt(op.fill)];
    case "clip":
      return [
        op.lo === null ? 0n : 1n,
        BigInt(op.lo ?? 0),
        op.hi === null ? 0n : 1n,
        BigInt(op.hi ?? 0),
      ];
    case "leaky":
      return [BigInt(op.slopeFrac), ...op.slope.map(BigInt)];
    case "poly":
      return [BigInt(op.clipAt), ...op.coefs.map(BigInt)];
    default:
      return [];
  }
}

function toWord(v: bigint, index: number): bigint {
  const offset = 1n << (WORD_BITS - 1n);
  if (v < -offset || v >= offset) {
    throw new ZkmlError(`value ${v} at position ${index} does not fit a 64-bit commitment word`, {
      details: { index, value: v.toString() },
    });
  }
  return v + offset;
}
