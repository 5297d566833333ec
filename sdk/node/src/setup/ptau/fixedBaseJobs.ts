import type { Curve } from "ffjavascript";

/**
 * Batched fixed-base scalar multiplication on ffjavascript's worker threads, with the WASM
 * functions of fixedBaseWasm.ts: a comb table per generator, then jobs that derive their
 * scalars (a geometric sequence or Lagrange values) and multiply the table's base by them.
 */

export type Group = "G1" | "G2";

export interface FixedBaseTable {
  group: Group;
  /** Window width in bits and number of windows (w·nWin >= 254). */
  w: number;
  nWin: number;
  bytes: Uint8Array;
}

export type ScalarSpec =
  | { kind: "geom"; first: Uint8Array; inc: Uint8Array }
  | {
      kind: "lagrange";
      tau: Uint8Array;
      w0: Uint8Array;
      w: Uint8Array;
      c: Uint8Array;
      k: Uint8Array;
    };

/** n scalars; each output is (scalar·mul)·G written at a file position. */
export interface Segment {
  scalars: ScalarSpec;
  n: number;
  outputs: { mul: Uint8Array; position: number }[];
}

const prefix = (g: Group) => (g === "G1" ? "g1m" : "g2m");
/** Affine point size in bytes. */
export const affineBytes = (g: Group): number => (g === "G1" ? 64 : 128);

type Task = Record<string, unknown>[];
/** Points per batch-affine call: one field inversion per window per block. */
const BLOCK = 1024;

/**
 * Window width minimizing the work for `nPoints` multiplications: a w-bit window costs one
 * mixed addition per window per point, plus 2^w additions per window to build the table;
 * bigger tables miss the CPU cache more (measured: about 7% slower additions per extra bit,
 * more for G2, whose points are twice as large).
 */
export function chooseWindow(group: Group, nPoints: number): number {
  let best = 8;
  let bestCost = Infinity;
  for (let w = 6; w <= 16; w++) {
    const nWin = Math.ceil(254 / w);
    const slowdown =
      1 + 0.07 * Math.max(0, w - 8) + (group === "G2" ? 0.1 * Math.max(0, w - 12) : 0);
    const cost = (nPoints * nWin + 1.3 * nWin * 2 ** w) * slowdown;
    if (cost < bestCost) [best, bestCost] = [w, cost];
  }
  return best;
}

/** Builds the comb table of a group's generator in one worker. */
export async function buildTable(curve: Curve, group: Group, w: number): Promise<FixedBaseTable> {
  const G = curve[group];
  const sA = affineBytes(group);
  const nWin = Math.ceil(254 / w);
  const base = new Uint8Array(sA);
  G.toRprLEM(base, 0, G.g);
  const tableBytes = (nWin << w) * sA;
  const [bytes] = await curve.tm.queueAction([
    { cmd: "ALLOCSET", var: 0, buff: base },
    { cmd: "ALLOC", var: 1, len: tableBytes },
    { cmd: "ALLOC", var: 2, len: (1 << w) * (sA / 2) * 3 },
    {
      cmd: "CALL",
      fnName: `${prefix(group)}_zkmlTable`,
      params: [{ var: 0 }, { val: w }, { val: nWin }, { var: 1 }, { var: 2 }],
    },
    { cmd: "GET", out: 0, var: 1, len: tableBytes },
  ]);
  return { group, w, nWin, bytes };
}

/**
 * Runs segments as one worker task; resolves to the affine (LEM) points of every output,
 * in segment then output order.
 */
export async function runSegments(
  curve: Curve,
  table: FixedBaseTable,
  segments: Segment[],
): Promise<Uint8Array[]> {
  const sA = affineBytes(table.group);
  const g = prefix(table.group);
  const work = 1;
  const task: Task = [
    { cmd: "ALLOCSET", var: 0, buff: table.bytes },
    { cmd: "ALLOC", var: work, len: BLOCK * (36 + sA / 2 + 4) },
  ];
  let v = 2;
  let out = 0;
  for (const s of segments) {
    const sc = v++;
    task.push({ cmd: "ALLOC", var: sc, len: s.n * 32 });
    const args = s.scalars.kind === "geom" ? [s.scalars.first, s.scalars.inc] : lagrangeArgs(s);
    const argVars = args.map((buff) => {
      task.push({ cmd: "ALLOCSET", var: v, buff });
      return { var: v++ };
    });
    const fnName = s.scalars.kind === "geom" ? "zkml_frGeom" : "zkml_frLagrange";
    task.push({ cmd: "CALL", fnName, params: [...argVars, { val: s.n }, { var: sc }] });
    for (const o of s.outputs) {
      const mul = v++;
      const res = v++;
      task.push(
        { cmd: "ALLOCSET", var: mul, buff: o.mul },
        { cmd: "ALLOC", var: res, len: s.n * sA },
      );
      for (let b = 0; b < s.n; b += BLOCK) {
        task.push({
          cmd: "CALL",
          fnName: `${g}_zkmlFixedBaseBatch`,
          params: [
            { var: 0 },
            { val: table.w },
            { val: table.nWin },
            { var: sc, offset: b * 32 },
            { var: mul },
            { val: Math.min(BLOCK, s.n - b) },
            { var: res, offset: b * sA },
            { var: work },
          ],
        });
      }
      task.push({ cmd: "GET", out: out++, var: res, len: s.n * sA });
    }
  }
  return curve.tm.queueAction(task);
}

function lagrangeArgs(s: Segment): Uint8Array[] {
  if (s.scalars.kind !== "lagrange") throw new Error("not a Lagrange segment");
  const { tau, w0, w, c, k } = s.scalars;
  return [tau, w0, w, c, k];
}
