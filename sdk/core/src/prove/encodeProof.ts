import type { Groth16Proof, UniversalProof } from "snarkjs";

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
  return encodeWords([...a, ...b.flat(), ...c].map(word));
}

/**
 * ABI encoding of static uint256 arrays is the words back to back, so the proofs need no ABI
 * library (keeping ethers out of the prover's start-up time).
 */
function encodeWords(words: bigint[]): `0x${string}` {
  return `0x${words
    .map((w) => {
      if (w < 0n || w >= 1n << 256n) throw new RangeError(`proof word ${w} is not a uint256`);
      return w.toString(16).padStart(64, "0");
    })
    .join("")}`;
}

const word = (v: unknown): bigint => BigInt(v as string);

/** Word order of snarkjs's PLONK calldata: these points (x, y each), then these evaluations. */
export const PLONK_LAYOUT = {
  points: ["A", "B", "C", "Z", "T1", "T2", "T3", "Wxi", "Wxiw"],
  evaluations: ["eval_a", "eval_b", "eval_c", "eval_s1", "eval_s2", "eval_zw"],
} as const;

/** Word order of snarkjs's FFLONK calldata: these polynomial commitments, then these evaluations. */
export const FFLONK_LAYOUT = {
  points: ["C1", "C2", "W1", "W2"],
  evaluations: [
    "ql",
    "qr",
    "qm",
    "qo",
    "qc",
    "s1",
    "s2",
    "s3",
    "a",
    "b",
    "c",
    "z",
    "zw",
    "t1w",
    "t2w",
    "inv",
  ],
} as const;

/**
 * ABI-encodes a PLONK proof as the `uint256[24] _proof` snarkjs's PlonkVerifier takes, in
 * snarkjs's exportSolidityCallData order: A, B, C, Z, T1, T2, T3, Wxi, Wxiw (x, y each), then
 * eval_a, eval_b, eval_c, eval_s1, eval_s2, eval_zw.
 *
 * @example
 * const bytes = encodePlonkProof(proof); // 0x + 24 words (768 bytes)
 */
export function encodePlonkProof(proof: UniversalProof): `0x${string}` {
  const pts = PLONK_LAYOUT.points.flatMap((k) => {
    const p = proof[k] as string[];
    return [word(p[0]), word(p[1])];
  });
  const evals = PLONK_LAYOUT.evaluations.map((k) => word(proof[k]));
  return encodeWords([...pts, ...evals]);
}

/**
 * ABI-encodes an FFLONK proof as the `bytes32[24] proof` snarkjs's FflonkVerifier takes, in
 * its exportSolidityCallData order: C1, C2, W1, W2 (x, y each), then the evaluations ql, qr,
 * qm, qo, qc, s1, s2, s3, a, b, c, z, zw, t1w, t2w, inv.
 *
 * @example
 * const bytes = encodeFflonkProof(proof); // 0x + 24 words (768 bytes)
 */
export function encodeFflonkProof(proof: UniversalProof): `0x${string}` {
  const polys = proof.polynomials as Record<string, string[]>;
  const evals = proof.evaluations as Record<string, string>;
  const words = [
    ...FFLONK_LAYOUT.points.flatMap((k) => [word(polys[k][0]), word(polys[k][1])]),
    ...FFLONK_LAYOUT.evaluations.map((k) => word(evals[k])),
  ];
  return encodeWords(words);
}

/**
 * ABI-encodes a proof of any system for `IProofVerifier.verify(bytes proof, uint256[])`.
 *
 * @example
 * const bytes = encodeProof({ system: "plonk", proof });
 */
export function encodeProof(
  p:
    | { system: "groth16"; proof: Groth16Proof }
    | { system: "plonk" | "fflonk"; proof: UniversalProof },
): `0x${string}` {
  if (p.system === "groth16") return encodeGroth16Proof(p.proof);
  return p.system === "plonk" ? encodePlonkProof(p.proof) : encodeFflonkProof(p.proof);
}
