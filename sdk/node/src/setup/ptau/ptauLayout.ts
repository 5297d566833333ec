/**
 * Byte layout of a prepared powers-of-tau file as snarkjs writes it (binfile "ptau", version
 * 1, 11 sections): 1 header, 2 tauG1 (2n-1 points), 3 tauG2 (n), 4 alphaTauG1 (n),
 * 5 betaTauG1 (n), 6 betaG2 (1), 7 contributions, then the Lagrange bases of every domain
 * 2^0..2^power: 12 from tauG1 (plus one block of 2^(power+1)), 13 tauG2, 14 alphaTauG1,
 * 15 betaTauG1. Points are affine, little-endian Montgomery ("LEM"): G1 64 bytes, G2 128.
 */

export const G1_BYTES = 64;
export const G2_BYTES = 128;
const HEADER_BYTES = 4 + 32 + 4 + 4;
/** bn128's base field modulus (the ptau header names the curve by it). */
const BN128_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

export type SectionId = 2 | 3 | 4 | 5 | 6 | 7 | 12 | 13 | 14 | 15;

export interface PtauLayout {
  power: number;
  /** Byte offset of each section's data (after its 12-byte id + size). */
  offset: Record<SectionId, number>;
  size: Record<SectionId, number>;
  fileSize: number;
}

/** Section offsets and sizes for a prepared ptau of 2^power points. */
export function ptauLayout(power: number, contributionsBytes: number): PtauLayout {
  const n = 2 ** power;
  const size: Record<SectionId, number> = {
    2: (2 * n - 1) * G1_BYTES,
    3: n * G2_BYTES,
    4: n * G1_BYTES,
    5: n * G1_BYTES,
    6: G2_BYTES,
    7: contributionsBytes,
    12: (4 * n - 1) * G1_BYTES,
    13: (2 * n - 1) * G2_BYTES,
    14: (2 * n - 1) * G1_BYTES,
    15: (2 * n - 1) * G1_BYTES,
  };
  const offset = {} as Record<SectionId, number>;
  let pos = 12 + 12 + HEADER_BYTES;
  for (const id of [2, 3, 4, 5, 6, 7, 12, 13, 14, 15] as const) {
    offset[id] = pos + 12;
    pos += 12 + size[id];
  }
  return { power, offset, size, fileSize: pos };
}

/**
 * The file's bytes before section 2's data, plus each section's 12-byte id + size; the
 * caller writes the data at `offset`.
 */
export function ptauFrame(layout: PtauLayout): { position: number; bytes: Buffer }[] {
  const head = Buffer.alloc(12 + 12 + HEADER_BYTES);
  head.write("ptau", 0, "ascii");
  head.writeUInt32LE(1, 4);
  head.writeUInt32LE(11, 8);
  head.writeUInt32LE(1, 12);
  head.writeBigUInt64LE(BigInt(HEADER_BYTES), 16);
  head.writeUInt32LE(32, 24);
  let q = BN128_Q;
  for (let i = 0; i < 32; i++, q >>= 8n) head[28 + i] = Number(q & 0xffn);
  head.writeUInt32LE(layout.power, 60);
  head.writeUInt32LE(layout.power, 64);
  const frames = [{ position: 0, bytes: head }];
  for (const id of [2, 3, 4, 5, 6, 7, 12, 13, 14, 15] as const) {
    const b = Buffer.alloc(12);
    b.writeUInt32LE(id, 0);
    b.writeBigUInt64LE(BigInt(layout.size[id]), 4);
    frames.push({ position: layout.offset[id] - 12, bytes: b });
  }
  return frames;
}

/** Byte offset, inside a Lagrange section, of the block for the domain 2^p. */
export const lagrangeBlockOffset = (p: number, pointBytes: number): number =>
  (2 ** p - 1) * pointBytes;
