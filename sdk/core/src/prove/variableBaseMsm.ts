import type { Curve } from "ffjavascript";
import { batchMsmFunction, batchMsmWorkBytes } from "./batchAffineWasm.ts";
import { batchSizeFor, call, DIGIT_BYTES, digitsOf, SCALAR_BITS } from "./fixedBaseMsm.ts";
import type { FixedBaseGroup } from "./fixedBaseMsm.ts";
import { hasBatchMsm } from "./proverCurve.ts";

/**
 * Σ scalars[i]·points[i] over bases that have no precomputed table (issue 15): Pippenger with
 * c-bit windows, each window one batch-affine bucket pass (`batchAffineWasm.ts`) over all the
 * points, the windows split in tasks over ffjavascript's worker threads, then
 * Σ_k 2^(c·k)·S_k by doublings. ffjavascript's `multiExpAffine` does the same with wasmcurves's
 * mixed Jacobian additions; it is the path on a curve without our wasm (`hasBatchMsm`).
 */

/** The window widths tried (digits are u16: c <= 16). */
const WINDOW_BITS = { min: 2, max: 16 } as const;
/**
 * A bucket's share of the reduction (a mixed and a Jacobian addition, ~27 field multiplications)
 * in batch-affine additions (~6.5): weighs the buckets against the points when choosing c.
 */
const BUCKET_REDUCTION_COST = 4;
/** Tasks per worker the windows are split in (a task sends all the points to its worker). */
const TASKS_PER_WORKER = 2;

export interface VariableBaseMsmParameters {
  curve: Curve;
  group: FixedBaseGroup;
  /** Affine points, contiguous (ffjavascript's layout); infinity (all zeros) is skipped. */
  points: Uint8Array;
  /** One scalar per point, `scalarBytes` bytes each, little-endian, standard form. */
  scalars: Uint8Array;
  /** Bytes per scalar (default 32: full field elements). */
  scalarBytes?: number;
}

/** Window width minimising the additions of a bucket pass per window over n points. */
export function variableWindowBitsFor(n: number, bits: number): number {
  let best: number = WINDOW_BITS.min;
  let bestCost = Infinity;
  for (let c = WINDOW_BITS.min; c <= WINDOW_BITS.max; c++) {
    const cost = Math.ceil(bits / c) * (n + BUCKET_REDUCTION_COST * 2 ** c);
    if (cost < bestCost) [best, bestCost] = [c, cost];
  }
  return best;
}

/**
 * Σ scalars[i]·points[i] as a Jacobian point (ffjavascript's layout): what
 * `curve[group].multiExpAffine(points, scalars)` returns.
 *
 * @example
 * const h = await variableBaseMsm({ curve, group: "G1", points: key.pointsH, scalars });
 */
export async function variableBaseMsm(p: VariableBaseMsmParameters): Promise<Uint8Array> {
  const { curve, group, points, scalars } = p;
  const g = curve[group];
  const scalarBytes = p.scalarBytes ?? 32;
  if (!hasBatchMsm(curve)) return g.multiExpAffine(points, scalars);
  const n = scalars.length / scalarBytes;
  if (n === 0) return g.zero;
  const bits = Math.min(SCALAR_BITS, 8 * scalarBytes);
  const c = variableWindowBitsFor(n, bits);
  const windows = Math.ceil(bits / c);
  const digits = digitsOf(scalars, 0, n, c, windows, scalarBytes);
  const nTasks = Math.min(windows, curve.tm.concurrency * TASKS_PER_WORKER);
  const batch = batchSizeFor(c);
  const jacobianBytes = g.F.n8 * 3;
  const windowBytes = n * DIGIT_BYTES;
  const prefix = group === "G1" ? "g1m" : "g2m";
  const [POINTS, DIGITS, WORK, OUT] = [0, 1, 2, 3];
  const perTask = await Promise.all(
    Array.from({ length: nTasks }, async (_, t) => {
      const [from, to] = [
        Math.floor((t * windows) / nTasks),
        Math.floor(((t + 1) * windows) / nTasks),
      ];
      const task: Record<string, unknown>[] = [
        { cmd: "ALLOCSET", var: POINTS, buff: points },
        {
          cmd: "ALLOCSET",
          var: DIGITS,
          buff: digits.subarray(from * windowBytes, to * windowBytes),
        },
        { cmd: "ALLOC", var: WORK, len: batchMsmWorkBytes(group, c, batch) },
        { cmd: "ALLOC", var: OUT, len: (to - from) * jacobianBytes },
      ];
      for (let k = 0; k < to - from; k++) {
        task.push(
          call(
            batchMsmFunction(prefix),
            { var: POINTS },
            { var: DIGITS, offset: k * windowBytes },
            { val: n },
            { val: c },
            { val: batch },
            { var: WORK },
            { var: OUT, offset: k * jacobianBytes },
          ),
        );
      }
      task.push({ cmd: "GET", out: 0, var: OUT, len: (to - from) * jacobianBytes });
      const [out] = (await curve.tm.queueAction(task)) as Uint8Array[];
      return out;
    }),
  );
  const sums = perTask.flatMap((out) =>
    Array.from({ length: out.length / jacobianBytes }, (_, k) =>
      out.subarray(k * jacobianBytes, (k + 1) * jacobianBytes),
    ),
  );
  // Σ_k 2^(c·k)·S_k, from the top window down
  let acc = sums[windows - 1];
  for (let k = windows - 2; k >= 0; k--) {
    for (let i = 0; i < c; i++) acc = g.double(acc);
    acc = g.add(acc, sums[k]);
  }
  return acc;
}
