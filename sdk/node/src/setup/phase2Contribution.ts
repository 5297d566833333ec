import { randomBytes } from "node:crypto";
import { blake2b } from "@noble/hashes/blake2b";
import { ChaCha } from "ffjavascript";
import type { Curve } from "ffjavascript";
import { SetupError } from "@zkml-verify/core/internal/errors";
import { scaleG1Points } from "./sameScalar.ts";
import { concatBytes } from "../util/concatBytes.ts";

/** Bytes of crypto randomness mixed into the contribution's seed (snarkjs getRandomRng). */
const RANDOM_BYTES = 64;
/** Bytes of the entropy string's source (setupGroth16 used to pass 32 random bytes as hex). */
const ENTROPY_BYTES = 32;
const SEED_WORDS = 8;
/** snarkjs writeContribution: name parameter id, and names cut at 64 characters. */
const PARAM_NAME = 1;
const MAX_NAME = 64;
/** Contribution type 0: a random contribution (1 would be a beacon). */
const TYPE_RANDOM = 0;

export interface Phase2Contribution {
  /** delta·G1 and delta·G2 (affine, LEM) for the Groth16 header. */
  delta1: Uint8Array;
  delta2: Uint8Array;
  /** L and H points (affine G1, LEM) times 1/delta. */
  scale(points: Uint8Array): Promise<Uint8Array>;
  /**
   * The zkey's section 10 (mpcParams) with this one contribution, for the key's circuit hash;
   * forgets delta. Also returns snarkjs's contribution hash.
   */
  finish(csHash: Uint8Array): { section: Uint8Array; contributionHash: Uint8Array };
}

/**
 * One random Groth16 phase-2 contribution to a key with none yet, as snarkjs 0.7.6
 * `zkey contribute` (zkey_contribute.js) makes it: delta = Fr.fromRng of a ChaCha seeded
 * by blake2b(64 crypto-random bytes, entropy), the proof of knowledge (g1_s, g1_s·delta,
 * g2_sp = hashToG2(transcript), g2_sp·delta) and the transcript over the circuit hash. The
 * caller writes delta1/delta2 into the header, L and H through `scale`, and `finish`'s
 * section; snarkjs's verifyFromR1cs / verifyFromInit check the result. Delta never leaves
 * this closure and is zeroed by `finish`.
 *
 * @example
 * const c = startPhase2Contribution({ curve, name: "local dev" });
 */
export function startPhase2Contribution(p: { curve: Curve; name: string }): Phase2Contribution {
  const { curve } = p;
  const { Fr, G1, G2 } = curve;
  const entropy = randomBytes(ENTROPY_BYTES).toString("hex");
  const rng = chacha(
    blake2b
      .create({ dkLen: 64 })
      .update(randomBytes(RANDOM_BYTES))
      .update(new TextEncoder().encode(entropy))
      .digest(),
  );
  const delta = Fr.fromRng(rng);
  const g1s = G1.toAffine(G1.fromRng(rng));
  const g1sx = G1.toAffine(G1.timesFr(g1s, delta));
  const delta1 = G1.toAffine(G1.timesFr(G1.g, delta));
  const delta2 = G2.toAffine(G2.timesFr(G2.g, delta));
  const invDelta = Fr.inv(delta);
  let scalar: bigint | undefined = Fr.toObject(invDelta);
  invDelta.fill(0);
  return {
    delta1,
    delta2,
    scale: async (points) => {
      if (scalar === undefined) throw new SetupError("phase-2 contribution already finished");
      return scaleG1Points({ curve, points, scalar });
    },
    finish: (csHash) => {
      const u = (g: typeof G1, pt: Uint8Array) => {
        const b = new Uint8Array(g === G1 ? 64 : 128);
        g.toRprUncompressed(b, 0, pt);
        return b;
      };
      const transcript = blake2b
        .create({ dkLen: 64 })
        .update(csHash)
        .update(u(G1, g1s))
        .update(u(G1, g1sx))
        .digest();
      const g2sp = G2.fromRng(chacha(transcript)); // snarkjs keypair.js hashToG2
      const g2spx = G2.toAffine(G2.timesFr(g2sp, delta));
      delta.fill(0);
      scalar = undefined;
      const name = new TextEncoder().encode(p.name.substring(0, MAX_NAME));
      const params = new Uint8Array([PARAM_NAME, name.byteLength, ...name]);
      const parts: Uint8Array[] = [csHash, u32(1)];
      for (const [g, pt] of [
        [G1, delta1],
        [G1, g1s],
        [G1, g1sx],
        [G2, g2spx],
      ] as const) {
        const b = new Uint8Array(g === G1 ? 64 : 128);
        g.toRprLEM(b, 0, pt);
        parts.push(b);
      }
      parts.push(transcript, u32(TYPE_RANDOM), u32(params.byteLength), params);
      const contributionHash = blake2b
        .create({ dkLen: 64 })
        .update(u(G1, delta1))
        .update(u(G1, g1s))
        .update(u(G1, g1sx))
        .update(u(G2, g2spx))
        .update(transcript)
        .digest();
      return { section: concatBytes(parts), contributionHash };
    },
  };
}

/** ffjavascript's ChaCha seeded with a hash's first 8 big-endian words (snarkjs's way). */
function chacha(hash: Uint8Array): ChaCha {
  const v = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  const seed: number[] = [];
  for (let i = 0; i < SEED_WORDS; i++) seed.push(v.getUint32(4 * i, false));
  return new ChaCha(seed);
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}
