// The machine's limit for a Groth16 key, measured in the same run: the arithmetic snarkjs's
// prover and setup cannot avoid (multi-scalar multiplications, FFTs, the contribution's
// scalar multiplications) timed alone on ffjavascript's bn128 curve (the engine snarkjs runs),
// with the key's own sizes. A step's time over its floor is how far it is from the limit.
import { randomBytes } from "node:crypto";
import { buildBn128 } from "ffjavascript";
import type { Curve, CurveGroup, Field } from "ffjavascript";
import { readSections } from "./zkeySections.ts";

/** ffjavascript's calls the repository's ambient typings (sdk/core/src/types) leave out. */
type Buf = Uint8Array;
interface MsmGroup extends CurveGroup {
  multiExpAffine(bases: Buf, scalars: Buf, logger?: unknown, name?: string): Promise<Buf>;
}
interface FftField extends Field {
  fft(b: Buf): Promise<Buf>;
  ifft(b: Buf): Promise<Buf>;
  batchApplyKey(b: Buf, first: Buf, inc: Buf): Promise<Buf>;
}

/** Bytes of an Fr element, a G1 and a G2 affine point in snarkjs's files (bn128). */
const FR_BYTES = 32;
const G1_BYTES = 64;
const G2_BYTES = 128;
/**
 * The setup floor's MSMs and scalar multiplications run on at most this many points and are
 * scaled linearly to the full count (a CNN's millions of nonzeros would take minutes alone;
 * Pippenger gets cheaper per point as n grows, so the scaled floor is, if anything, high).
 */
const SETUP_SAMPLE = 1 << 17;
/** Groth16 zkey sections (snarkjs zkey_utils): header, A, B1, B2, C, H. */
const ZKEY = { header: 2, a: 5, b1: 6, b2: 7, c: 8, h: 9 };

export interface Groth16Floor {
  nVars: number;
  nPublic: number;
  domainSize: number;
  /** The prover's floor: MSMs A, B1, C (G1, the witness), B2 (G2), H (G1, domain), and its FFTs. */
  prove: {
    ms: number;
    /** CPU time of the process, all threads (the MSMs run on ffjavascript's worker threads). */
    cpuMs: number;
    msmG1Ms: number;
    msmG2Ms: number;
    msmHMs: number;
    fftMs: number;
  };
  /**
   * The setup's floor: one G1 MSM over the A + B + C nonzeros, one G2 MSM over the B nonzeros
   * (zkey new composes every wire's point from the ptau's Lagrange bases: this work, split
   * into one small MSM per wire), and the contribution's scalar multiplication of the L and H
   * points by 1/delta (batchApplyKey).
   */
  setup: {
    ms: number;
    cpuMs: number;
    msmG1Ms: number;
    msmG2Ms: number;
    applyKeyMs: number;
    points: number;
    /** Set when the setup's MSMs ran on this many points and were scaled to the full count. */
    sampled?: number;
  };
}

/** Random scalars below 2^253 (< the bn128 scalar field), `n` of them. */
const randomScalars = (n: number): Uint8Array => {
  const b = new Uint8Array(randomBytes(n * FR_BYTES));
  for (let i = 0; i < n; i++) b[i * FR_BYTES + FR_BYTES - 1] &= 0x1f;
  return b;
};

/** `n` points taken cyclically from `from`'s non-zero points (the MSM cost of distinct points). */
function tile(from: Uint8Array, size: number, n: number): Uint8Array {
  const nonzero: number[] = [];
  for (let i = 0; i < from.length / size; i++)
    if (from.subarray(i * size, (i + 1) * size).some((x) => x !== 0)) nonzero.push(i);
  const out = new Uint8Array(n * size);
  for (let i = 0; i < n; i++) {
    const k = nonzero[i % nonzero.length];
    out.set(from.subarray(k * size, (k + 1) * size), i * size);
  }
  return out;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const timed = async (f: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

/**
 * Measures the Groth16 floor of a zkey: the prover's MSMs on the key's own bases with the
 * witness `wtns` (scalars as snarkjs passes them) and its FFTs, and the setup's MSMs over the
 * circuit's nonzeros and its contribution. The curve is built before timing (snarkjs builds it
 * once per process too).
 *
 * @example
 * const f = await measureGroth16Floor({ zkey: "model.zkey", wtns: "bench.wtns", nonzeros: { a, b, c } });
 */
export async function measureGroth16Floor(p: {
  zkey: string;
  wtns: string;
  nonzeros: { a: number; b: number; c: number };
}): Promise<Groth16Floor> {
  const z = readSections({ file: p.zkey, ids: Object.values(ZKEY) });
  const w = readSections({ file: p.wtns, ids: [2] });
  const header = Buffer.from(z[ZKEY.header]);
  const n8q = header.readUInt32LE(0);
  const n8r = header.readUInt32LE(4 + n8q);
  const at = 8 + n8q + n8r;
  const nVars = header.readUInt32LE(at);
  const nPublic = header.readUInt32LE(at + 4);
  const domainSize = header.readUInt32LE(at + 8);
  const witness = w[2];
  const curve: Curve = await buildBn128();
  try {
    const G1 = curve.G1 as MsmGroup;
    const G2 = curve.G2 as MsmGroup;
    const Fr = curve.Fr as FftField;
    // prove: the five MSMs and 3 x (ifft, shift, fft) as groth16_prove.js runs them
    const proveCpu0 = cpuNow();
    const msmG1Ms =
      (await timed(() => G1.multiExpAffine(z[ZKEY.a], witness))) +
      (await timed(() => G1.multiExpAffine(z[ZKEY.b1], witness))) +
      (await timed(() => G1.multiExpAffine(z[ZKEY.c], witness.slice((nPublic + 1) * FR_BYTES))));
    const msmG2Ms = await timed(() => G2.multiExpAffine(z[ZKEY.b2], witness));
    const msmHMs = await timed(() => G1.multiExpAffine(z[ZKEY.h], randomScalars(domainSize)));
    const power = Math.log2(domainSize);
    const inc = power === Fr.s ? Fr.e(5) : Fr.w[power + 1];
    let fftMs = 0;
    for (let k = 0; k < 3; k++) {
      const poly = randomScalars(domainSize);
      fftMs += await timed(async () =>
        Fr.fft(await Fr.batchApplyKey(await Fr.ifft(poly), Fr.e(1), inc)),
      );
    }
    const proveCpuMs = cpuNow() - proveCpu0;
    // setup: the nonzeros' MSMs (bases: the key's points, cyclically) and the contribution
    const nz = p.nonzeros;
    const points = nVars - nPublic - 1 + domainSize;
    const [nG1, nG2, nKey] = [nz.a + nz.b + nz.c, nz.b, points].map((n) =>
      Math.max(1, Math.min(n, SETUP_SAMPLE)),
    );
    const g1Bases = tile(z[ZKEY.h], G1_BYTES, nG1);
    const g1Scalars = randomScalars(nG1);
    const g2Bases = tile(z[ZKEY.b2], G2_BYTES, nG2);
    const g2Scalars = randomScalars(nG2);
    const lh = tile(z[ZKEY.h], G1_BYTES, nKey);
    const setupCpu0 = cpuNow();
    const g1Ms = await timed(() => G1.multiExpAffine(g1Bases, g1Scalars));
    const g1Cpu = cpuNow() - setupCpu0;
    const g2Ms = await timed(() => G2.multiExpAffine(g2Bases, g2Scalars));
    const g2Cpu = cpuNow() - setupCpu0 - g1Cpu;
    const keyMs = await timed(() => G1.batchApplyKey(lh, Fr.e(7), Fr.e(1)));
    const keyCpu = cpuNow() - setupCpu0 - g1Cpu - g2Cpu;
    const [s1, s2, s3] = [nz.a + nz.b + nz.c, nz.b, points].map((n, i) => n / [nG1, nG2, nKey][i]);
    const setupG1 = g1Ms * s1;
    const setupG2 = g2Ms * s2;
    const applyKeyMs = keyMs * s3;
    const setupCpuMs = g1Cpu * s1 + g2Cpu * s2 + keyCpu * s3;
    return {
      nVars,
      nPublic,
      domainSize,
      prove: {
        ms: msmG1Ms + msmG2Ms + msmHMs + fftMs,
        cpuMs: proveCpuMs,
        msmG1Ms,
        msmG2Ms,
        msmHMs,
        fftMs,
      },
      setup: {
        ms: setupG1 + setupG2 + applyKeyMs,
        cpuMs: setupCpuMs,
        msmG1Ms: setupG1,
        msmG2Ms: setupG2,
        applyKeyMs,
        points,
        sampled: Math.max(s1, s2, s3) > 1 ? SETUP_SAMPLE : undefined,
      },
    };
  } finally {
    await curve.terminate();
  }
}
