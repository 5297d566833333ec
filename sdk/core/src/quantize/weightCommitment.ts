import { sha256 } from "@noble/hashes/sha2";
import { ZkmlError } from "../errors.ts";
import { packWeights, privateWeightElements } from "./packedWeights.ts";
import { COMMITMENT_TAG, poseidonSponge } from "./poseidonSponge.ts";
import type { QuantizedModel } from "./types.ts";

/** The fixed-model commitment's domain tag (a new tag whenever the serialization changes). */
export const WEIGHT_COMMITMENT_VERSION = COMMITMENT_TAG.fixedModel;

/**
 * The fixed-weight commitment: THE definition used by the circuit generator (a constant public
 * signal), the registry registration and the auditor. It identifies the whole quantized model,
 * not only its parameters: two models that differ anywhere in what the circuit computes (a
 * transpose's index map, a pooling group, a term's operand, a scale, a range width, the output
 * kind) have different commitments.
 *
 * Serialization (`serializeModel`): the quantized model as canonical text, every field but the
 * names (op and tensor names, the input name) and the source file's hash, objects with their
 * keys sorted, integers in decimal. commitment = poseidonSponge(tag 5, [hi, lo]) where hi, lo
 * are the two 128-bit halves of sha256(serialization). The circuit only holds the result as a
 * constant, so the hash over the (large) serialization is sha256, and Poseidon just maps it
 * into the field with the commitment's domain tag.
 *
 * @example
 * const c = weightCommitment({ model }); // 0x... as bigint < p
 */
export function weightCommitment({ model }: { model: QuantizedModel }): bigint {
  const digest = sha256(new TextEncoder().encode(serializeModel(model)));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  return poseidonSponge({
    tag: WEIGHT_COMMITMENT_VERSION,
    elements: [BigInt(`0x${hex.slice(0, 32)}`), BigInt(`0x${hex.slice(32)}`)],
  });
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

/** Fields left out of the commitment: names and provenance, which change no computed value. */
const UNCOMMITTED_FIELDS = new Set(["name", "modelSha256"]);

/**
 * The canonical text the fixed-weight commitment hashes (exported for auditors and tests):
 * every field of the quantized model except `UNCOMMITTED_FIELDS`, keys sorted.
 *
 * @example
 * serializeModel(model).startsWith('{"droppedSoftmax":'); // true
 */
export function serializeModel(model: QuantizedModel): string {
  return canonical(model);
}

function canonical(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new ZkmlError(`the model holds a non-finite number (${v})`);
    return String(v);
  }
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => !UNCOMMITTED_FIELDS.has(k) && o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
  }
  throw new ZkmlError(`the model holds a value of type ${typeof v}, which has no canonical form`);
}

/**
 * The weight commitment of a model compiled with `weights: "private"`: the shared sponge
 * (tag 3) over the packed weight and bias elements of its Dense/Conv ops. The circuit
 * recomputes it from the private witness; two weight sets of one architecture (same scales)
 * share the verifier and differ in this commitment.
 *
 * @example
 * const c = privateWeightCommitment({ model });
 */
export function privateWeightCommitment({ model }: { model: QuantizedModel }): bigint {
  return poseidonSponge({
    tag: COMMITMENT_TAG.privateWeights,
    elements: privateWeightElements(packWeights({ model })),
  });
}
