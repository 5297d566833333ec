import type { Groth16Proof, UniversalProof } from "snarkjs";
import { ProofError } from "../errors.ts";
import { FFLONK_LAYOUT, PLONK_LAYOUT } from "./encodeProof.ts";

/**
 * The inverse of `encodeProof`: ABI proof bytes (as the registry's calldata carries them) back
 * into snarkjs's proof object for the system, so auditors re-verify any recorded proof
 * off-chain. Groth16: 8 words (b's coordinates swapped back); PLONK and FFLONK: 24 words.
 *
 * @example
 * const proof = decodeProof({ system: "plonk", bytes: call.proof });
 * await verifyProof({ system: "plonk", verificationKey, proof, publicSignals });
 */
export function decodeProof(p: {
  system: "groth16" | "plonk" | "fflonk";
  bytes: string;
}): Groth16Proof | UniversalProof {
  const hex = p.bytes.replace(/^0x/, "");
  const n = p.system === "groth16" ? 8 : 24;
  if (hex.length !== n * 64 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new ProofError(`a ${p.system} proof is ${n * 32} bytes, got ${hex.length / 2}`, {
      details: { step: `decode ${p.system} proof` },
    });
  }
  const w = Array.from({ length: n }, (_, i) =>
    BigInt(`0x${hex.slice(i * 64, i * 64 + 64)}`).toString(),
  );
  const point = (i: number) => [w[i], w[i + 1], "1"];
  if (p.system === "groth16") {
    return {
      pi_a: point(0),
      pi_b: [
        [w[3], w[2]],
        [w[5], w[4]],
        ["1", "0"],
      ],
      pi_c: point(6),
      protocol: "groth16",
      curve: "bn128",
    };
  }
  const { points, evaluations: evals } = p.system === "plonk" ? PLONK_LAYOUT : FFLONK_LAYOUT;
  const pts = Object.fromEntries(points.map((k, i) => [k, point(2 * i)]));
  const ev = Object.fromEntries(evals.map((k, i) => [k, w[2 * points.length + i]]));
  return p.system === "plonk"
    ? { ...pts, ...ev, protocol: "plonk", curve: "bn128" }
    : { polynomials: pts, evaluations: ev, protocol: "fflonk", curve: "bn128" };
}
