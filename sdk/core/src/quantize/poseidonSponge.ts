// The two arities the sponge uses, by subpath: the package's index loads and parses the round
// constants of all sixteen (about 0.15 s of every fresh process's start).
import { poseidon2 } from "poseidon-lite/poseidon2";
import { poseidon16 } from "poseidon-lite/poseidon16";

/** Field elements absorbed per Poseidon(16) call (the 16th input chains the previous hash). */
export const SPONGE_BLOCK = 15;

/**
 * Domain tags of the commitments (the first value hashed): each commitment kind has its own,
 * so a value committed as one kind never opens as another. A change to a serialization takes
 * a new, unused tag.
 */
export const COMMITMENT_TAG = {
  input: 1n,
  // 2 was the fixed-weight commitment over the parameters alone (it left the wiring out).
  privateWeights: 3n,
  output: 4n,
  fixedModel: 5n,
} as const;

/**
 * THE Poseidon sponge every commitment uses (circuits/commitment.circom `PoseidonSponge`
 * computes the same): h = Poseidon2(tag, nElements); then for each block of 15 elements
 * (zero padded) h = Poseidon16(h, e1..e15).
 *
 * @example
 * const h = poseidonSponge({ tag: COMMITMENT_TAG.output, elements: [3n, 1n] });
 */
export function poseidonSponge({
  tag,
  elements,
  length = elements.length,
}: {
  tag: bigint;
  elements: readonly bigint[];
  /** The length hashed in the head (default: the number of elements). */
  length?: number;
}): bigint {
  let h = spongeHead({ tag, length });
  for (let i = 0; i < elements.length; i += SPONGE_BLOCK) {
    const block = elements.slice(i, i + SPONGE_BLOCK);
    while (block.length < SPONGE_BLOCK) block.push(0n);
    h = poseidon16([h, ...block]);
  }
  return h;
}

/**
 * The sponge's state after its head, Poseidon2(tag, length): a constant of the commitment kind
 * and length, so circuits take it as a parameter (`PoseidonSponge(E, HEAD)` in
 * circuits/commitment.circom) rather than spend constraints hashing constants.
 *
 * @example
 * const head = spongeHead({ tag: COMMITMENT_TAG.output, length: 10 });
 */
export function spongeHead({ tag, length }: { tag: bigint; length: number }): bigint {
  return poseidon2([tag, BigInt(length)]);
}
