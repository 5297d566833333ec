import { AbiCoder } from "ethers";
import type { Groth16Proof } from "snarkjs";

/**
 * ABI-encodes a Groth16 proof as (uint256[2] a, uint256[2][2] b, uint256[2] c), with b's
 * coordinates swapped into the order the EVM pairing precompile (and snarkjs's verifier) expects.
 *
 * @example
 * const bytes = encodeGroth16Proof(proof); // 0x + 512 hex chars
 */
export function encodeGroth16Proof(proof: Groth16Proof): `0x${string}` {
  const a = [proof.pi_a[0], proof.pi_a[1]];
  const b = [
    [proof.pi_b[0][1], proof.pi_b[0][0]],
    [proof.pi_b[1][1], proof.pi_b[1][0]],
  ];
  const c = [proof.pi_c[0], proof.pi_c[1]];
  return AbiCoder.defaultAbiCoder().encode(
    ["uint256[2]", "uint256[2][2]", "uint256[2]"],
    [a, b, c],
  ) as `0x${string}`;
}
