import { SetupError } from "@zkml-verify/core/internal/errors";

/**
 * The r1cs matrices as flat term arrays, and each coefficient as the narrowest signed scalar:
 * the input of newGroth16Zkey's width-aware point sums (zkeyPoints.ts).
 */

/** Field element size in bytes (bn128 Fr and Fq). */
export const N8 = 32;

export const MATRIX_A = 0;
export const MATRIX_B = 1;
export const MATRIX_C = 2;

export interface R1csTerms {
  /** Number of nonzero terms of A, B and C together, in file order. */
  n: number;
  matrix: Uint8Array;
  constraint: Int32Array;
  signal: Int32Array;
  /** Byte offset of the coefficient (32 bytes, little-endian, canonical) in the section. */
  coefPos: Int32Array;
  /**
   * |c| as the smaller of c and r - c: 32 little-endian bytes per term, of which the first
   * `width[t]` (>= 1) are significant; `negative[t]` when the scalar is r - c.
   */
  magnitude: Uint8Array;
  width: Uint8Array;
  negative: Uint8Array;
  /**
   * Terms with the same signed coefficient share an id (for coefficients of at least
   * COMBINE_MIN_BYTES; -1 for narrower ones): zkeyPoints adds their bases before multiplying.
   */
  coefId: Int32Array;
}

/** Narrower coefficients are not worth an addition per shared base (a multiexp term costs less). */
export const COMBINE_MIN_BYTES = 3;

/**
 * Reads the constraints section (r1cs section 2) into term arrays and classifies each
 * coefficient. Small coefficients (|c| < 2^64, the common case) take no BigInt.
 */
export function readR1csTerms(p: {
  section: Uint8Array;
  nConstraints: number;
  prime: bigint;
  file: string;
}): R1csTerms {
  const { section, prime } = p;
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength);
  // Each term holds at least a u32 signal id and a coefficient.
  const maxTerms = Math.floor(section.byteLength / (4 + N8));
  const matrix = new Uint8Array(maxTerms);
  const constraint = new Int32Array(maxTerms);
  const signal = new Int32Array(maxTerms);
  const coefPos = new Int32Array(maxTerms);
  const magnitude = new Uint8Array(maxTerms * N8);
  const width = new Uint8Array(maxTerms);
  const negative = new Uint8Array(maxTerms);
  const coefId = new Int32Array(maxTerms).fill(-1);
  const ids = new Map<string, number>();
  let pos = 0;
  let n = 0;
  for (let c = 0; c < p.nConstraints; c++) {
    for (let m = MATRIX_A; m <= MATRIX_C; m++) {
      if (pos + 4 > section.byteLength) truncated(p.file, c);
      const nTerms = view.getUint32(pos, true);
      pos += 4;
      if (pos + nTerms * (4 + N8) > section.byteLength) truncated(p.file, c);
      for (let i = 0; i < nTerms; i++) {
        matrix[n] = m;
        constraint[n] = c;
        signal[n] = view.getUint32(pos, true);
        coefPos[n] = pos + 4;
        classify(section, pos + 4, prime, magnitude, n, width, negative);
        if (width[n]! >= COMBINE_MIN_BYTES) {
          const key = Buffer.from(section.buffer, section.byteOffset + pos + 4, N8).toString(
            "latin1",
          );
          let id = ids.get(key);
          if (id === undefined) ids.set(key, (id = ids.size));
          coefId[n] = id;
        }
        pos += 4 + N8;
        n++;
      }
    }
  }
  return { n, matrix, constraint, signal, coefPos, magnitude, width, negative, coefId };
}

function truncated(file: string, c: number): never {
  throw new SetupError(`${file}: constraints section ends inside constraint ${c}`, {
    details: { file },
  });
}

/** Little-endian bytes to a bigint (32 bytes). */
export function leToBigInt(b: Uint8Array, off: number): bigint {
  const v = new DataView(b.buffer, b.byteOffset + off, N8);
  return (
    v.getBigUint64(0, true) |
    (v.getBigUint64(8, true) << 64n) |
    (v.getBigUint64(16, true) << 128n) |
    (v.getBigUint64(24, true) << 192n)
  );
}

/** A bigint < 2^256 as 32 little-endian bytes at `off`. */
export function bigIntToLe(x: bigint, out: Uint8Array, off: number): void {
  const v = new DataView(out.buffer, out.byteOffset + off, N8);
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < 4; i++) v.setBigUint64(8 * i, (x >> BigInt(64 * i)) & mask, true);
}

function classify(
  src: Uint8Array,
  off: number,
  prime: bigint,
  magnitude: Uint8Array,
  t: number,
  width: Uint8Array,
  negative: Uint8Array,
): void {
  let high = false;
  for (let k = 8; k < N8; k++) {
    if (src[off + k] !== 0) {
      high = true;
      break;
    }
  }
  const dst = t * N8;
  if (!high) {
    magnitude.set(src.subarray(off, off + 8), dst);
  } else {
    const c = leToBigInt(src, off);
    const neg = prime - c;
    if (neg < c) {
      bigIntToLe(neg, magnitude, dst);
      negative[t] = 1;
    } else {
      magnitude.set(src.subarray(off, off + N8), dst);
    }
  }
  let w = N8;
  while (w > 1 && magnitude[dst + w - 1] === 0) w--;
  width[t] = w;
}

/**
 * Negates an affine point in place (LEM: Montgomery coordinates, little-endian): each
 * coordinate of y becomes q - y (0 stays 0). `coords` is 1 for G1 (y in Fq), 2 for G2 (Fq2).
 */
export function negateAffine(buf: Uint8Array, off: number, coords: 1 | 2, qLimbs: Uint32Array) {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let k = 0; k < coords; k++) {
    const y = off + N8 * coords + N8 * k;
    let zero = true;
    for (let i = 0; i < N8 / 4; i++) if (v.getUint32(y + 4 * i, true) !== 0) zero = false;
    if (zero) continue;
    let borrow = 0;
    for (let i = 0; i < N8 / 4; i++) {
      const d = qLimbs[i]! - v.getUint32(y + 4 * i, true) - borrow;
      borrow = d < 0 ? 1 : 0;
      v.setUint32(y + 4 * i, d < 0 ? d + 2 ** 32 : d, true);
    }
  }
}

/** q as eight 32-bit little-endian limbs, for negateAffine. */
export function limbs(q: bigint): Uint32Array {
  const out = new Uint32Array(N8 / 4);
  for (let i = 0; i < out.length; i++) out[i] = Number((q >> BigInt(32 * i)) & 0xffffffffn);
  return out;
}
