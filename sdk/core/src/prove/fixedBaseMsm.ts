import type { Curve } from "ffjavascript";
import { batchMsmFunction, batchMsmWorkBytes } from "./batchAffineWasm.ts";
import { hasBatchMsm } from "./proverCurve.ts";

/**
 * Fixed-base multi-exponentiation (issue 15): a proving key's bases never change, so a loaded
 * key can keep, for each base P_j, its window multiples Q_jk = 2^(c·k)·P_j (affine). A sum
 * Σ s_j·P_j is then Σ d_jk·Q_jk with d_jk the c-bit digits of s_j: one bucket pass over n·W
 * points with c-bit scalars, where ffjavascript's Pippenger runs W' passes (one per window of
 * its own, smaller width), each with a bucket reduction. The multiples are computed on
 * ffjavascript's worker threads (wasmcurves's `batchApplyKeyMixed` by 2^c, then
 * `batchToAffine`), the MSM is one task per chunk of bases: our batch-affine bucket pass
 * (`batchAffineWasm.ts`) on a curve built by `proverCurve`, else wasmcurves's own
 * `multiexpAffine_chunk`.
 */

/** Fr (bn128's scalar field) is below 2^254: the digits cover 254 bits. */
export const SCALAR_BITS = 254;
/** Bytes of a scalar as the provers hold them (little-endian, standard form). */
const SCALAR_BYTES = 32;
/** Bytes of a digit handed to `multiexpAffine_chunk` (c <= 16). */
export const DIGIT_BYTES = 2;
/** The window widths tried: up to 16 bits (DIGIT_BYTES), from 4. */
const WINDOW_BITS = { min: 4, max: 16 } as const;
/**
 * A bucket reduction adds Jacobian points (~16 field multiplications) where the bucket pass adds
 * affine points into buckets (~11): the ratio weighs the two when choosing the window width.
 */
const BUCKET_ADD_COST = 1.4;
/** Most additions a batch-affine batch shares one inversion between (measured: 512-1024 best). */
const MAX_BATCH = 1024;

/** Additions per batch for c-bit digits: half the buckets (the queue absorbs the conflicts). */
export const batchSizeFor = (c: number): number => Math.min(MAX_BATCH, 2 ** (c - 1));

export type FixedBaseGroup = "G1" | "G2";

/** The window multiples of a list of affine bases, split in chunks (one MSM task each). */
export interface FixedBaseTable {
  readonly group: FixedBaseGroup;
  /** Window width c in bits, and W = ceil(254 / c) windows. */
  readonly windowBits: number;
  readonly windows: number;
  /** Number of bases. */
  readonly count: number;
  /** Chunk i covers bases [start, start + count): affine points, window-major ([k][j]). */
  readonly chunks: readonly { start: number; count: number; points: Uint8Array }[];
  /** Bytes held (the points). */
  readonly bytes: number;
}

export interface PrecomputeFixedBasesParameters {
  curve: Curve;
  group: FixedBaseGroup;
  /** The affine bases, contiguous (ffjavascript's layout: Montgomery, 64 bytes in G1, 128 in G2). */
  points: Uint8Array;
  /** Tasks to split the bases in (default: the curve's worker count). */
  chunks?: number;
  /** Window width c (default: `windowBitsFor` the chunk size). */
  windowBits?: number;
}

/** Window width minimising the point additions of one chunk of n bases. */
export function windowBitsFor(n: number): number {
  let best: number = WINDOW_BITS.min;
  let bestCost = Infinity;
  for (let c = WINDOW_BITS.min; c <= WINDOW_BITS.max; c++) {
    const cost = n * Math.ceil(SCALAR_BITS / c) + BUCKET_ADD_COST * 2 ** (c + 1);
    if (cost < bestCost) [best, bestCost] = [c, cost];
  }
  return best;
}

/**
 * The window multiples of `points`, computed on the curve's worker threads.
 *
 * @example
 * const table = await precomputeFixedBases({ curve, group: "G1", points: key.pointsH });
 * const sum = await fixedBaseMsm({ curve, table, scalars });
 */
export async function precomputeFixedBases(
  p: PrecomputeFixedBasesParameters,
): Promise<FixedBaseTable> {
  const { curve, group, points } = p;
  const g = curve[group];
  const pointBytes = g.F.n8 * 2;
  const jacobianBytes = g.F.n8 * 3;
  const count = points.length / pointBytes;
  const nChunks = Math.max(1, Math.min(p.chunks ?? curve.tm.concurrency, count));
  const per = Math.ceil(count / nChunks);
  const windowBits = p.windowBits ?? windowBitsFor(per);
  const windows = Math.ceil(SCALAR_BITS / windowBits);
  const prefix = group === "G1" ? "g1m" : "g2m";
  const step = curve.Fr.e(2 ** windowBits); // Montgomery form, as batchApplyKeyMixed reads it
  const chunks = await Promise.all(
    Array.from({ length: Math.ceil(count / per) }, async (_, i) => {
      const start = i * per;
      const n = Math.min(per, count - start);
      const bases = points.slice(start * pointBytes, (start + n) * pointBytes);
      const windowSize = n * pointBytes;
      const [IN, OUT, JAC, STEP, ONE] = [0, 1, 2, 3, 4];
      const task: Record<string, unknown>[] = [
        { cmd: "ALLOCSET", var: IN, buff: bases },
        { cmd: "ALLOC", var: OUT, len: (windows - 1) * windowSize },
        { cmd: "ALLOC", var: JAC, len: n * jacobianBytes },
        { cmd: "ALLOCSET", var: STEP, buff: step },
        { cmd: "ALLOCSET", var: ONE, buff: curve.Fr.one },
      ];
      for (let k = 1; k < windows; k++) {
        const from = k === 1 ? { var: IN } : { var: OUT, offset: (k - 2) * windowSize };
        task.push(
          call(
            `${prefix}_batchApplyKeyMixed`,
            from,
            { val: n },
            { var: STEP },
            { var: ONE },
            {
              var: JAC,
            },
          ),
          call(
            `${prefix}_batchToAffine`,
            { var: JAC },
            { val: n },
            {
              var: OUT,
              offset: (k - 1) * windowSize,
            },
          ),
        );
      }
      task.push({ cmd: "GET", out: 0, var: OUT, len: (windows - 1) * windowSize });
      const [multiples] = (await curve.tm.queueAction(task)) as Uint8Array[];
      const all = sharedBytes(windows * windowSize);
      all.set(bases, 0);
      all.set(multiples, windowSize);
      return { start, count: n, points: all };
    }),
  );
  const bytes = chunks.reduce((sum, c) => sum + c.points.length, 0);
  return { group, windowBits, windows, count, chunks, bytes };
}

export interface FixedBaseMsmParameters {
  curve: Curve;
  table: FixedBaseTable;
  /** One scalar per base: little-endian, standard form, 32 bytes each (zeros are skipped). */
  scalars: Uint8Array;
}

/**
 * Σ scalars[j]·bases[j] over a table's bases: Jacobian point (ffjavascript's layout), the same
 * value `multiExpAffine` over the bases gives.
 */
export async function fixedBaseMsm(p: FixedBaseMsmParameters): Promise<Uint8Array> {
  const { curve, table, scalars } = p;
  const g = curve[table.group];
  const { windowBits: c, windows } = table;
  const sums = await Promise.all(
    table.chunks.map((chunk) =>
      digitMsm({
        curve,
        group: table.group,
        points: chunk.points,
        digits: digitsOf(scalars, chunk.start, chunk.count, c, windows),
        windowBits: c,
      }),
    ),
  );
  return sums.reduce((acc, v) => g.add(acc, v), g.zero);
}

/**
 * Σ digits[i]·points[i] (affine points, c-bit u16 digits) as one worker task: the batch-affine
 * bucket pass where the curve has it (`proverCurve`), else wasmcurves's `multiexpAffine_chunk`.
 */
export async function digitMsm(p: {
  curve: Curve;
  group: FixedBaseGroup;
  points: Uint8Array;
  digits: Uint8Array;
  windowBits: number;
}): Promise<Uint8Array> {
  const { curve, group, points, digits, windowBits: c } = p;
  const g = curve[group];
  const prefix = group === "G1" ? "g1m" : "g2m";
  const n = digits.length / DIGIT_BYTES;
  const out = g.F.n8 * 3;
  const [POINTS, DIGITS, OUT, WORK] = [0, 1, 2, 3];
  const batch = batchSizeFor(c);
  const sum = hasBatchMsm(curve)
    ? call(
        batchMsmFunction(prefix),
        { var: POINTS },
        { var: DIGITS },
        { val: n },
        { val: c },
        { val: batch },
        { var: WORK },
        { var: OUT },
      )
    : call(
        `${prefix}_multiexpAffine_chunk`,
        { var: POINTS },
        { var: DIGITS },
        { val: DIGIT_BYTES },
        { val: n },
        { val: 0 },
        { val: c },
        { var: OUT },
      );
  const task = [
    { cmd: "ALLOCSET", var: POINTS, buff: points },
    { cmd: "ALLOCSET", var: DIGITS, buff: digits },
    { cmd: "ALLOC", var: OUT, len: out },
    ...(hasBatchMsm(curve)
      ? [{ cmd: "ALLOC", var: WORK, len: batchMsmWorkBytes(group, c, batch) }]
      : []),
    sum,
    { cmd: "GET", out: 0, var: OUT, len: out },
  ];
  const [result] = (await curve.tm.queueAction(task)) as Uint8Array[];
  return result;
}

/**
 * The c-bit digits of scalars [start, start + n), window-major (digit k of scalar j at k·n + j),
 * as u16 little-endian; scalars of `scalarBytes` bytes each (little-endian, standard form).
 */
export function digitsOf(
  scalars: Uint8Array,
  start: number,
  n: number,
  c: number,
  windows: number,
  scalarBytes: number = SCALAR_BYTES,
): Uint8Array {
  // shared: tasks read their windows' digits without a copy of the whole array
  const digits = new Uint16Array(sharedBytes(windows * n * DIGIT_BYTES).buffer);
  const mask = (1 << c) - 1;
  for (let j = 0; j < n; j++) {
    const o = (start + j) * scalarBytes;
    for (let k = 0, bit = 0; k < windows; k++, bit += c) {
      const b = o + (bit >> 3);
      const end = o + scalarBytes;
      const word =
        (b < end ? scalars[b] : 0) |
        (b + 1 < end ? scalars[b + 1] << 8 : 0) |
        (b + 2 < end ? scalars[b + 2] << 16 : 0);
      digits[k * n + j] = (word >>> (bit & 7)) & mask;
    }
  }
  // Uint16Array is little-endian on every platform wasm runs on
  return new Uint8Array(digits.buffer);
}

/**
 * Bytes that a worker task reads without a copy of the message: a SharedArrayBuffer where the
 * platform allows one (Node; a cross-origin isolated page), else a plain buffer. A table's
 * points (784_56_10: 38 MiB) are otherwise cloned into every proof's messages.
 */
export function sharedBytes(length: number): Uint8Array {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return typeof SharedArrayBuffer === "function" && g.crossOriginIsolated !== false
    ? new Uint8Array(new SharedArrayBuffer(length))
    : new Uint8Array(length);
}

export const call = (
  fnName: string,
  ...params: ({ var: number; offset?: number } | { val: number })[]
) => ({
  cmd: "CALL",
  fnName,
  params,
});
