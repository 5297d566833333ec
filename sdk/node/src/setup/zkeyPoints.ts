import type { Curve } from "ffjavascript";
import { glvBatchSumBytes, glvMsmWorkBytes } from "./glvMsmWasm.ts";
import { glvBeta, glvDigitBlock, glvNafRows } from "./sameScalar.ts";
import { N8, leToBigInt, negateAffine } from "./zkeyTerms.ts";
import type { R1csTerms } from "./zkeyTerms.ts";
import { concatBytes } from "../util/concatBytes.ts";

/**
 * The per-signal point sums of a Groth16 zkey (sections 3, 5-8): each output point is
 * sum(coefficient · base) over the signal's terms, with bases from the ptau's Lagrange
 * sections. snarkjs multiplies every term with a full 32-byte scalar; here each signal's terms
 * are grouped by the byte width of their coefficient (negative ones on negated bases), one
 * WASM multiexp per group, so a ±1 term costs one addition instead of a 254-bit
 * multiplication.
 */

export type Group = "G1" | "G2";

/** Where a term's base comes from (the ptau's Lagrange sections 12-15). */
export const BASE_TAU_G1 = 0;
export const BASE_TAU_G2 = 1;
export const BASE_ALPHA_TAU_G1 = 2;
export const BASE_BETA_TAU_G1 = 3;
/** A sum of bases that one signal multiplies by the same coefficient (combineBases). */
const BASE_COMBINED = 4;

/** Terms sorted by output point: entries start[o] .. start[o + 1] - 1 belong to point o. */
export interface PointPlan {
  nOut: number;
  start: Int32Array;
  base: Uint8Array;
  /** Index of the base point in its section (a Lagrange basis index). */
  index: Int32Array;
  /** Index into R1csTerms, or ONE_TERM for coefficient 1. */
  term: Int32Array;
}

export const ONE_TERM = -1;

export type Emit = (out: number, base: number, index: number, term: number) => void;

/** Collects the terms `each` emits into a PointPlan (two passes: count, then fill). */
export function planPoints(nOut: number, each: (emit: Emit) => void): PointPlan {
  const start = new Int32Array(nOut + 1);
  each((out) => void start[out + 1]!++);
  for (let o = 0; o < nOut; o++) start[o + 1]! += start[o]!;
  const n = start[nOut]!;
  const base = new Uint8Array(n);
  const index = new Int32Array(n);
  const term = new Int32Array(n);
  const fill = start.slice(0, nOut);
  each((out, b, i, t) => {
    const k = fill[out]!++;
    base[k] = b;
    index[k] = i;
    term[k] = t;
  });
  return { nOut, start, base, index, term };
}

/** Terms per WASM task: enough tasks to keep every worker busy, few enough to batch. */
const MIN_TASK_TERMS = 1 << 10;
const MAX_TASK_TERMS = 1 << 15;
const TASKS_PER_WORKER = 8;

type Task = Record<string, unknown>[];

/** GLV digit rows by coefficient id, per r1cs (its terms) and group (lambda may differ). */
const glvRowCache = new WeakMap<R1csTerms, Record<Group, Map<number, [Int8Array, Int8Array]>>>();

/**
 * Coefficients wider than this many bytes go through the GLV multiexp (glvMsmWasm.ts: 128-bit
 * halves, width-4 NAF, one accumulator per signal) instead of wasmcurves's multiexp.
 */
const GLV_MIN_BYTES = 16;

/**
 * Computes a section's points (affine, LEM) and hands them to `write` chunk by chunk, in
 * order. Tasks are queued on ffjavascript's workers while the next one is being built.
 * Returns how many terms were folded into another's base (combineBases).
 */
export async function composePoints(p: ComposeParameters): Promise<{ folded: number }> {
  const { plan, combined } = await combineBases(p);
  const bases = [...p.bases];
  bases[BASE_COMBINED] = combined;
  await composeTerms({ ...p, plan, bases });
  return { folded: p.plan.start[p.plan.nOut]! - plan.start[plan.nOut]! };
}

interface ComposeParameters {
  curve: Curve;
  group: Group;
  plan: PointPlan;
  terms: R1csTerms;
  /** Lagrange bases by BASE_* kind (affine, LEM). */
  bases: Uint8Array[];
  qLimbs: Uint32Array;
  write: (points: Uint8Array) => Promise<void>;
}

async function composeTerms(p: ComposeParameters): Promise<void> {
  const { curve, group, plan, terms } = p;
  const sIn = group === "G1" ? 2 * N8 : 4 * N8;
  const sMid = (sIn / 2) * 3;
  const pre = group === "G1" ? "g1m" : "g2m";
  const target = Math.min(
    MAX_TASK_TERMS,
    Math.max(
      MIN_TASK_TERMS,
      Math.ceil(plan.start[plan.nOut]! / (curve.tm.concurrency * TASKS_PER_WORKER)),
    ),
  );
  const widthOf = (k: number) => {
    const t = plan.term[k]!;
    return t === ONE_TERM ? 1 : terms.width[t]!;
  };
  // GLV digit rows per wide coefficient (terms.coefId), computed once per group for all sections
  const byGroup = glvRowCache.get(terms) ?? { G1: new Map(), G2: new Map() };
  glvRowCache.set(terms, byGroup);
  const rowsOf = byGroup[group];
  const glvRows = (t: number) => {
    let rows = rowsOf.get(terms.coefId[t]!);
    if (!rows) {
      rows = glvNafRows(curve, group, leToBigInt(terms.magnitude, t * N8));
      rowsOf.set(terms.coefId[t]!, rows);
    }
    return rows;
  };
  const beta = glvBeta(curve, group);

  const buildTask = (o0: number, o1: number): Task => {
    const nOut = o1 - o0;
    const k0 = plan.start[o0]!;
    const nTerms = plan.start[o1]! - k0;
    let scalarBytes = 0;
    for (let k = k0; k < k0 + nTerms; k++) scalarBytes += widthOf(k);
    const bBases = new Uint8Array(nTerms * sIn);
    const bScalars = new Uint8Array(scalarBytes);
    const calls: Task = [];
    const digits: Int8Array[] = [];
    let pD = 0;
    let glvWork = 0;
    // G2's wide groups: one batch-affine call for the whole task (glvMsmBatch)
    const batchBases: Uint8Array[] = [];
    const batchRows: [Int8Array, Int8Array][] = [];
    const batchStart: number[] = [0];
    let pB = 0;
    let pS = 0;
    for (let o = o0; o < o1; o++) {
      const pOut = (o - o0) * sMid;
      const ks: number[] = [];
      for (let k = plan.start[o]!; k < plan.start[o + 1]!; k++) ks.push(k);
      if (ks.length === 0) {
        calls.push({ cmd: "CALL", fnName: `${pre}_zero`, params: [{ var: 2, offset: pOut }] });
        continue;
      }
      ks.sort((a, b) => widthOf(a) - widthOf(b));
      let first = true;
      for (let g = 0; g < ks.length;) {
        const w = widthOf(ks[g]!);
        let e = g;
        const gB = pB;
        const gS = pS;
        while (e < ks.length && widthOf(ks[e]!) === w) {
          const k = ks[e]!;
          const src = p.bases[plan.base[k]!]!;
          const at = plan.index[k]! * sIn;
          bBases.set(src.subarray(at, at + sIn), pB);
          const t = plan.term[k]!;
          if (t === ONE_TERM) {
            bScalars[pS] = 1;
          } else {
            bScalars.set(terms.magnitude.subarray(t * N8, t * N8 + w), pS);
            if (terms.negative[t]) negateAffine(bBases, pB, group === "G1" ? 1 : 2, p.qLimbs);
          }
          pB += sIn;
          pS += w;
          e++;
        }
        const n = e - g;
        const dst = first ? { var: 2, offset: pOut } : { var: 3 };
        let direct = false;
        if (w > GLV_MIN_BYTES && group === "G2") {
          batchBases.push(bBases.slice(gB, pB));
          for (const k of ks.slice(g, e)) batchRows.push(glvRows(plan.term[k]!));
          batchStart.push(batchRows.length);
          const sum = { var: 7, offset: (batchStart.length - 2) * sIn };
          const out = { var: 2, offset: pOut };
          calls.push(
            first
              ? { cmd: "CALL", fnName: `${pre}_toJacobian`, params: [sum, out] }
              : { cmd: "CALL", fnName: `${pre}_addMixed`, params: [out, sum, out] },
          );
          direct = true;
        } else if (w > GLV_MIN_BYTES) {
          const { block, nDigits } = glvDigitBlock(
            ks.slice(g, e).map((k) => glvRows(plan.term[k]!)),
          );
          digits.push(block);
          calls.push({
            cmd: "CALL",
            fnName: `${pre}_zkmlGlvMsm`,
            params: [
              { var: 0, offset: gB },
              { var: 4, offset: pD },
              { val: n },
              { val: nDigits },
              { var: 5 },
              { var: 6 },
              dst,
            ],
          });
          pD += block.byteLength;
          glvWork = Math.max(glvWork, n * glvMsmWorkBytes(group));
        } else {
          calls.push(
            n === 1
              ? {
                  cmd: "CALL",
                  fnName: `${pre}_timesScalarAffine`,
                  params: [{ var: 0, offset: gB }, { var: 1, offset: gS }, { val: w }, dst],
                }
              : {
                  cmd: "CALL",
                  fnName: `${pre}_multiexpAffine`,
                  params: [
                    { var: 0, offset: gB },
                    { var: 1, offset: gS },
                    { val: w },
                    { val: n },
                    dst,
                  ],
                },
          );
        }
        if (!first && !direct) {
          const out = { var: 2, offset: pOut };
          calls.push({ cmd: "CALL", fnName: `${pre}_add`, params: [out, { var: 3 }, out] });
        }
        first = false;
        g = e;
      }
    }
    const glv: Task =
      pD === 0
        ? []
        : [
            { cmd: "ALLOCSET", var: 4, buff: concatDigits(digits, pD) },
            { cmd: "ALLOCSET", var: 5, buff: beta },
            { cmd: "ALLOC", var: 6, len: glvWork },
          ];
    const m = batchStart.length - 1;
    const nBatch = batchRows.length;
    const digitBlock = m === 0 ? undefined : glvDigitBlock(batchRows);
    const batch: Task =
      m === 0
        ? []
        : [
            { cmd: "ALLOCSET", var: 8, buff: concatBytes(batchBases) },
            {
              cmd: "ALLOCSET",
              var: 9,
              buff: new Uint8Array(digitBlock!.block.buffer),
            },
            { cmd: "ALLOCSET", var: 10, buff: new Uint8Array(Uint32Array.from(batchStart).buffer) },
            { cmd: "ALLOCSET", var: 11, buff: beta },
            {
              cmd: "ALLOC",
              var: 12,
              len: nBatch * glvMsmWorkBytes(group) + m * glvBatchSumBytes(group),
            },
            { cmd: "ALLOC", var: 7, len: m * sIn },
            {
              cmd: "CALL",
              fnName: `${pre}_zkmlGlvMsmBatch`,
              params: [
                { var: 8 },
                { var: 9 },
                { var: 10 },
                { val: m },
                { val: digitBlock!.nDigits },
                { var: 11 },
                { var: 12 },
                { var: 7 },
              ],
            },
          ];
    return [
      { cmd: "ALLOCSET", var: 0, buff: bBases },
      { cmd: "ALLOCSET", var: 1, buff: bScalars },
      { cmd: "ALLOC", var: 2, len: nOut * sMid },
      { cmd: "ALLOC", var: 3, len: sMid },
      ...glv,
      ...batch,
      ...calls,
      {
        cmd: "CALL",
        fnName: `${pre}_batchToAffine`,
        params: [{ var: 2 }, { val: nOut }, { var: 2 }],
      },
      { cmd: "GET", out: 0, var: 2, len: nOut * sIn },
    ];
  };

  // At most this many tasks in flight (bounds memory on big circuits).
  const window = curve.tm.concurrency * 2;
  const pending: Promise<Uint8Array[]>[] = [];
  let o = 0;
  while (o < plan.nOut) {
    let o1 = o + 1;
    while (o1 < plan.nOut && plan.start[o1 + 1]! - plan.start[o]! <= target) o1++;
    pending.push(curve.tm.queueAction(buildTask(o, o1)));
    o = o1;
    if (pending.length > window) await p.write((await pending.shift()!)[0]!);
  }
  for (const r of pending) await p.write((await r)[0]!);
}

function concatDigits(blocks: Int8Array[], bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let pos = 0;
  for (const b of blocks) {
    out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), pos);
    pos += b.byteLength;
  }
  return out;
}

/**
 * Where a signal has several terms with the same wide coefficient k (a Poseidon MDS entry in
 * two S-box constraints; a·beta·tau and b·alpha·tau of one constraint in C), k·P + k·Q is
 * computed as k·(P + Q): the bases of each such run are added first (one addition per extra
 * term, in WASM tasks), and the plan gets one term on the sum (BASE_COMBINED) per run.
 */
async function combineBases(
  p: ComposeParameters,
): Promise<{ plan: PointPlan; combined: Uint8Array }> {
  const { curve, group, plan, terms } = p;
  const sIn = group === "G1" ? 2 * N8 : 4 * N8;
  const sMid = (sIn / 2) * 3;
  const pre = group === "G1" ? "g1m" : "g2m";
  const base: number[] = [];
  const index: number[] = [];
  const term: number[] = [];
  const start = new Int32Array(plan.nOut + 1);
  /** Members of each run: plan entries, runStart[j] .. runStart[j + 1] - 1 of `members`. */
  const members: number[] = [];
  const runStart: number[] = [0];
  const idOf = (k: number) => (plan.term[k]! === ONE_TERM ? -1 : terms.coefId[plan.term[k]!]!);
  for (let o = 0; o < plan.nOut; o++) {
    const ks: number[] = [];
    for (let k = plan.start[o]!; k < plan.start[o + 1]!; k++) {
      if (idOf(k) < 0) {
        base.push(plan.base[k]!);
        index.push(plan.index[k]!);
        term.push(plan.term[k]!);
      } else ks.push(k);
    }
    ks.sort((a, b) => idOf(a) - idOf(b));
    for (let g = 0; g < ks.length;) {
      let e = g + 1;
      while (e < ks.length && idOf(ks[e]!) === idOf(ks[g]!)) e++;
      const k = ks[g]!;
      if (e - g === 1) {
        base.push(plan.base[k]!);
        index.push(plan.index[k]!);
      } else {
        for (let m = g; m < e; m++) members.push(ks[m]!);
        runStart.push(members.length);
        base.push(BASE_COMBINED);
        index.push(runStart.length - 2);
      }
      term.push(plan.term[k]!);
      g = e;
    }
    start[o + 1] = base.length;
  }
  const nRuns = runStart.length - 1;
  const combined = new Uint8Array(nRuns * sIn);
  const jobs: { first: number; job: Promise<Uint8Array[]> }[] = [];
  for (let j0 = 0; j0 < nRuns;) {
    let j1 = j0 + 1;
    while (j1 < nRuns && runStart[j1 + 1]! - runStart[j0]! <= MAX_TASK_TERMS) j1++;
    const m0 = runStart[j0]!;
    const bBases = new Uint8Array((runStart[j1]! - m0) * sIn);
    for (let m = m0; m < runStart[j1]!; m++) {
      const k = members[m]!;
      const at = plan.index[k]! * sIn;
      bBases.set(p.bases[plan.base[k]!]!.subarray(at, at + sIn), (m - m0) * sIn);
    }
    const calls: Task = [];
    for (let j = j0; j < j1; j++) {
      const out = { var: 1, offset: (j - j0) * sMid };
      const at = (m: number) => ({ var: 0, offset: (m - m0) * sIn });
      calls.push({
        cmd: "CALL",
        fnName: `${pre}_addAffine`,
        params: [at(runStart[j]!), at(runStart[j]! + 1), out],
      });
      for (let m = runStart[j]! + 2; m < runStart[j + 1]!; m++) {
        calls.push({ cmd: "CALL", fnName: `${pre}_addMixed`, params: [out, at(m), out] });
      }
    }
    const task: Task = [
      { cmd: "ALLOCSET", var: 0, buff: bBases },
      { cmd: "ALLOC", var: 1, len: (j1 - j0) * sMid },
      ...calls,
      {
        cmd: "CALL",
        fnName: `${pre}_batchToAffine`,
        params: [{ var: 1 }, { val: j1 - j0 }, { var: 1 }],
      },
      { cmd: "GET", out: 0, var: 1, len: (j1 - j0) * sIn },
    ];
    jobs.push({ first: j0, job: curve.tm.queueAction(task) });
    j0 = j1;
  }
  for (const { first, job } of jobs) combined.set((await job)[0]!, first * sIn);
  return {
    plan: {
      nOut: plan.nOut,
      start,
      base: Uint8Array.from(base),
      index: Int32Array.from(index),
      term: Int32Array.from(term),
    },
    combined,
  };
}
