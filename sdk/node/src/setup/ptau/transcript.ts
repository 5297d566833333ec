import { createHash } from "node:crypto";
import { readSync } from "node:fs";
import { blake2b } from "@noble/hashes/blake2b";
import type { Curve } from "ffjavascript";
import type { PtauLayout } from "./ptauLayout.ts";

/**
 * The ptau transcript hashes, as snarkjs computes them (powersoftau_contribute.js,
 * powersoftau_utils.js): the first challenge hashes the blank accumulator (every point a
 * generator); the response hash covers the challenge, the compressed new points and the
 * public key; the next challenge covers the response hash and the uncompressed new points.
 */

type Hasher = { update(b: Uint8Array): unknown };
const SECTIONS = [
  { id: 2, group: "G1" },
  { id: 3, group: "G2" },
  { id: 4, group: "G1" },
  { id: 5, group: "G1" },
  { id: 6, group: "G2" },
] as const;

/** blake2b of the blank accumulator of 2^power points (snarkjs calculateFirstChallengeHash). */
export function firstChallengeHash(curve: Curve, power: number): Uint8Array {
  const h = createHash("blake2b512");
  const u1 = new Uint8Array(64);
  const u2 = new Uint8Array(128);
  curve.G1.toRprUncompressed(u1, 0, curve.G1.g);
  curve.G2.toRprUncompressed(u2, 0, curve.G2.g);
  h.update(createHash("blake2b512").digest());
  const n = 2 ** power;
  const repeat = (p: Uint8Array, count: number) => {
    const block = 4096;
    const big = Buffer.alloc(block * p.length);
    for (let i = 0; i < block; i++) big.set(p, i * p.length);
    for (let i = 0; i < count; i += block) {
      h.update(i + block <= count ? big : big.subarray(0, (count - i) * p.length));
    }
  };
  repeat(u1, 2 * n - 1);
  repeat(u2, n);
  repeat(u1, n);
  repeat(u1, n);
  h.update(u2);
  return new Uint8Array(h.digest());
}

/** Feeds sections 2..6 of the file, converted to compressed ("C") or uncompressed ("U") form. */
export async function hashResponsePoints(
  curve: Curve,
  fd: number,
  layout: PtauLayout,
  form: "C" | "U",
  hasher: Hasher,
): Promise<void> {
  const CHUNK = 1 << 16;
  for (const { id, group } of SECTIONS) {
    const G = curve[group];
    const sG = group === "G1" ? 64 : 128;
    const nPoints = layout.size[id] / sG;
    // Convert chunk i+1 in the workers while chunk i is hashed.
    let pending: Promise<Uint8Array> | undefined;
    const convert = (i: number) => {
      const n = Math.min(CHUNK, nPoints - i);
      const buf = new Uint8Array(n * sG);
      readSync(fd, buf, 0, buf.length, layout.offset[id] + i * sG);
      return form === "C" ? G.batchLEMtoC(buf) : G.batchLEMtoU(buf);
    };
    for (let i = 0; i < nPoints; i += CHUNK) {
      const cur = pending ?? convert(i);
      pending = i + CHUNK < nPoints ? convert(i + CHUNK) : undefined;
      hasher.update(await cur);
    }
  }
}

/** A noble blake2b-512 hasher (snarkjs stores its internal state as the "partial hash"). */
export const nobleBlake2b = () => blake2b.create({ dkLen: 64 });

/**
 * snarkjs's toPartialHash: the 216-byte serialization of a noble blake2b state (pending block,
 * the eight 64-bit words as low/high halves, bytes hashed and block position).
 */
export function toPartialHash(hasher: ReturnType<typeof nobleBlake2b>): Uint8Array {
  const h = hasher as unknown as Record<string, number> & { buffer: Uint8Array };
  const out = new Uint8Array(216);
  const w = new Uint32Array(out.buffer, 128, 22);
  out.set(h.buffer);
  const names = ["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"];
  names.forEach((v, i) => {
    w[2 * i] = h[`${v}l`];
    w[2 * i + 1] = h[`${v}h`];
  });
  w[16] = h.length - h.pos;
  w[18] = h.pos;
  return out;
}
