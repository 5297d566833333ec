import { toField } from "./fixedPoint.ts";
import { COMMITMENT_TAG, poseidonSponge } from "./poseidonSponge.ts";

/**
 * The commitment to a prediction's outputs for `hashed` output visibility: the shared sponge
 * (tag 4) over the output values as field elements (negative values as p - |v|), unpacked, so
 * the circuit needs no range check to compute it. The prover keeps the outputs and reveals
 * them to whom it chooses; anyone holding them checks them against the on-chain commitment.
 *
 * @example
 * const c = outputCommitment({ outputs: [12n, -3n, 40n] });
 */
export function outputCommitment({ outputs }: { outputs: readonly bigint[] }): bigint {
  return poseidonSponge({ tag: COMMITMENT_TAG.output, elements: outputs.map(toField) });
}
