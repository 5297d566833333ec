import { createHash } from "node:crypto";
import { ChaCha } from "ffjavascript";
import type { Curve, CurveGroup } from "ffjavascript";
import { G1_BYTES, G2_BYTES } from "./ptauLayout.ts";

/**
 * The one contribution record of a single-party ceremony, in snarkjs's format (section 7 of a
 * ptau; see snarkjs powersoftau_utils.js writeContribution). Its public key proves knowledge
 * of tau, alpha and beta the way `snarkjs powersoftau contribute` does, so
 * `powersOfTau.verify` checks it like any other contribution.
 */
export interface PtauSecrets {
  tau: Uint8Array;
  alpha: Uint8Array;
  beta: Uint8Array;
}

interface PubKeyPart {
  g1s: Uint8Array;
  g1sx: Uint8Array;
  g2spx: Uint8Array;
}

export interface PtauPubKey {
  tau: PubKeyPart;
  alpha: PubKeyPart;
  beta: PubKeyPart;
}

/** blake2b-512, as every ptau hash is. */
export const blake2b512 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("blake2b512");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** Random secrets; tau avoids the 2^28-th roots of unity (where the Lagrange form divides by 0). */
export function randomSecrets(curve: Curve, rng: ChaCha): PtauSecrets {
  const { Fr } = curve;
  for (;;) {
    const s = { tau: Fr.fromRng(rng), alpha: Fr.fromRng(rng), beta: Fr.fromRng(rng) };
    const root = Fr.eq(Fr.exp(s.tau, 2n ** 28n), Fr.one);
    if (!root && !Fr.isZero(s.alpha) && !Fr.isZero(s.beta)) return s;
  }
}

/** snarkjs's hashToG2: a ChaCha stream seeded by the hash's first 32 bytes (big-endian words). */
function hashToG2(curve: Curve, hash: Uint8Array): Uint8Array {
  const v = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  const seed = Array.from({ length: 8 }, (_, i) => v.getUint32(i * 4));
  return curve.G2.fromRng(new ChaCha(seed));
}

const uncompressed = (G: CurveGroup, p: Uint8Array): Uint8Array => {
  const b = new Uint8Array(G.F.n8 * 2);
  G.toRprUncompressed(b, 0, p);
  return b;
};

/** The G2 point the verifier derives from the challenge and (g1s, g1sx) for a personalization. */
export function g2sp(
  curve: Curve,
  personalization: number,
  challenge: Uint8Array,
  g1s: Uint8Array,
  g1sx: Uint8Array,
): Uint8Array {
  const h = blake2b512(
    new Uint8Array([personalization]),
    challenge,
    uncompressed(curve.G1, g1s),
    uncompressed(curve.G1, g1sx),
  );
  return curve.G2.toAffine(hashToG2(curve, h));
}

/** The contributor's public key for (tau, alpha, beta) against the previous challenge. */
export function ptauPubKey(
  curve: Curve,
  secrets: PtauSecrets,
  challenge: Uint8Array,
  rng: ChaCha,
): PtauPubKey {
  const { G1, G2 } = curve;
  const part = (x: Uint8Array, personalization: number): PubKeyPart => {
    const g1s = G1.toAffine(G1.fromRng(rng));
    const g1sx = G1.toAffine(G1.timesFr(g1s, x));
    const sp = g2sp(curve, personalization, challenge, g1s, g1sx);
    return { g1s, g1sx, g2spx: G2.toAffine(G2.timesFr(sp, x)) };
  };
  return { tau: part(secrets.tau, 0), alpha: part(secrets.alpha, 1), beta: part(secrets.beta, 2) };
}

/** The public key's bytes: six G1 then three G2 points, LEM or uncompressed (for hashing). */
export function pubKeyBytes(curve: Curve, key: PtauPubKey, form: "LEM" | "U"): Uint8Array {
  const { G1, G2 } = curve;
  const out = new Uint8Array(6 * G1_BYTES + 3 * G2_BYTES);
  let pos = 0;
  const put = (G: CurveGroup, p: Uint8Array, n: number) => {
    if (form === "LEM") G.toRprLEM(out, pos, p);
    else G.toRprUncompressed(out, pos, p);
    pos += n;
  };
  for (const k of [key.tau, key.alpha, key.beta]) {
    put(G1, k.g1s, G1_BYTES);
    put(G1, k.g1sx, G1_BYTES);
  }
  for (const k of [key.tau, key.alpha, key.beta]) put(G2, k.g2spx, G2_BYTES);
  return out;
}

export interface ContributionRecord {
  /** tau·G1, tau·G2, alpha·G1, beta·G1, beta·G2 (the points the next contribution follows). */
  tauG1: Uint8Array;
  tauG2: Uint8Array;
  alphaG1: Uint8Array;
  betaG1: Uint8Array;
  betaG2: Uint8Array;
  key: PtauPubKey;
  /** blake2b state after hashing the challenge and the compressed response points. */
  partialHash: Uint8Array;
  nextChallenge: Uint8Array;
  name: string;
}

/** Byte size of section 7 holding one contribution named `name`. */
export const contributionsBytes = (name: string): number =>
  4 +
  3 * G1_BYTES +
  2 * G2_BYTES +
  6 * G1_BYTES +
  3 * G2_BYTES +
  216 +
  64 +
  4 +
  4 +
  2 +
  Buffer.byteLength(name.slice(0, 64));

/** Section 7's data: the contribution count (1) and the record. */
export function encodeContributions(curve: Curve, c: ContributionRecord): Uint8Array {
  const { G1, G2 } = curve;
  const name = new TextEncoder().encode(c.name.slice(0, 64));
  const out = new Uint8Array(contributionsBytes(c.name));
  const v = new DataView(out.buffer);
  v.setUint32(0, 1, true);
  let pos = 4;
  for (const [G, p, n] of [
    [G1, c.tauG1, G1_BYTES],
    [G2, c.tauG2, G2_BYTES],
    [G1, c.alphaG1, G1_BYTES],
    [G1, c.betaG1, G1_BYTES],
    [G2, c.betaG2, G2_BYTES],
  ] as const) {
    G.toRprLEM(out, pos, p);
    pos += n;
  }
  out.set(pubKeyBytes(curve, c.key, "LEM"), pos);
  pos += 6 * G1_BYTES + 3 * G2_BYTES;
  out.set(c.partialHash, pos);
  pos += 216;
  out.set(c.nextChallenge, pos);
  pos += 64;
  v.setUint32(pos, 0, true); // type 0: a contribution, not a beacon
  v.setUint32(pos + 4, 2 + name.length, true);
  out[pos + 8] = 1; // parameter 1: name
  out[pos + 9] = name.length;
  out.set(name, pos + 10);
  return out;
}
