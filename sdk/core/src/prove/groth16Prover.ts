import type { Curve } from "ffjavascript";
import type { Groth16Proof } from "snarkjs";
import { ProofError } from "../errors.ts";
import { fixedBaseMsm, precomputeFixedBases, sharedBytes } from "./fixedBaseMsm.ts";
import type { FixedBaseGroup, FixedBaseTable } from "./fixedBaseMsm.ts";
import { binSections, leBigInt } from "./groth16Key.ts";
import type { Bases, Groth16ProvingKey } from "./groth16Key.ts";
import { proverCurve } from "./proverCurve.ts";
import { variableBaseMsm } from "./variableBaseMsm.ts";
import { keepWorkersIdle } from "../util/snarkjsLogger.ts";

/**
 * Groth16 proving with a key parsed once (`loadGroth16Key`): the same computation, the same wasm
 * primitives (wasmcurves, through ffjavascript's thread pool) and the same proof as snarkjs
 * 0.7.6's `groth16.prove`, without its per-call costs. Measured on 784_56_10 (23,505
 * constraints, domain 2^15; README of this folder): snarkjs re-reads the zkey, builds the QAP
 * evaluations in JavaScript (a wasm call and three copies per coefficient: ~0.25 s) and runs six
 * FFTs as multi-task jobs with bit reversal in JavaScript (~1 s at load). Here the QAP
 * evaluations, the six FFTs, the coset shift and the join are one wasm job on one worker (tens of
 * ms), run while the other workers compute the A, B1, B2 and C multi-exponentiations.
 */

/** The wasm functions of ffjavascript's bn128 module this prover calls (wasmcurves). */
const WASM = {
  buildABC: "qap_buildABC",
  joinABC: "qap_joinABC",
  fft: "frm_fft",
  ifft: "frm_ifft",
  applyKey: "frm_batchApplyKey",
  fromMontgomery: "frm_batchFromMontgomery",
} as const;

/** A coefficient record of the zkey's section 4: matrix u32, constraint u32, signal u32, value. */
const COEF_HEADER_BYTES = 12;
/** The .wtns sections: header (field size, prime, witness count), then the witness. */
const WTNS_SECTION = { header: 1, witness: 2 } as const;

export interface ProveGroth16WithKeyParameters {
  key: Groth16ProvingKey;
  /** The witness as .wtns bytes (a witness generator's `calculate`). */
  wtns: Uint8Array;
}

export interface ProveGroth16WithKeyReturnType {
  /** snarkjs's proof object (decimal strings). */
  proof: Groth16Proof;
  /** Public signals as decimal strings, as snarkjs returns them. */
  publicSignals: string[];
}

/**
 * A Groth16 proof of the witness under the key, in snarkjs's JSON form (verifies with
 * `snarkjs.groth16.verify`). As snarkjs, it does not check that the witness satisfies the
 * constraints: a wrong witness gives a proof that does not verify.
 *
 * @example
 * const key = await loadGroth16Key({ zkey });
 * const { proof, publicSignals } = await proveGroth16WithKey({ key, wtns: await witness.calculate(signals) });
 */
export function proveGroth16WithKey(
  p: ProveGroth16WithKeyParameters,
): Promise<ProveGroth16WithKeyReturnType> {
  return keepWorkersIdle(() => runProveGroth16WithKey(p));
}

/** `proveGroth16WithKey` outside keepWorkersIdle (the caller holds the worker threads). */
async function runProveGroth16WithKey(
  p: ProveGroth16WithKeyParameters,
): Promise<ProveGroth16WithKeyReturnType> {
  const { key } = p;
  const witness = witnessOf(p.wtns, key);
  const curve = await proverCurve();
  const { Fr, G1, G2 } = curve;
  const n8 = Fr.n8;
  const tables = key.precomputeBases ? precomputed.get(key)?.tables : undefined;
  // Worker queue order (FIFO): the quotient's job, the witness MSMs' table tasks, H's tasks as
  // soon as its scalars exist, then the witness MSMs' small-scalar tasks, which fill the end of
  // both workers' queues. Without tables the witness MSMs' tasks go first (nothing else keeps
  // the second worker busy during the quotient's job).
  const hScalars = quotientScalars(curve, key, witness);
  const hMsm = hScalars.then((h) =>
    tables
      ? fixedBaseMsm({ curve, table: tables.h, scalars: h })
      : variableBaseMsm({ curve, group: "G1", points: key.pointsH, scalars: h }),
  );
  const plainAfter = tables && hScalars;
  const privateWitness = witness.subarray((key.nPublic + 1) * n8);
  const msm = (group: FixedBaseGroup, bases: Bases, w: Uint8Array, wires?: FixedWires) =>
    witnessMsm({ curve, group, bases, witness: w, fixed: wires && { wires, plainAfter } });
  const [a, b1, b2, c, h] = await Promise.all([
    msm("G1", key.basesA, witness, tables?.a),
    msm("G1", key.basesB1, witness, tables?.b1),
    msm("G2", key.basesB2, witness, tables?.b2),
    msm("G1", key.basesC, privateWitness, tables?.c),
    hMsm,
  ]);
  if (key.precomputeBases && !precomputed.has(key)) startPrecompute(curve, key, witness);

  // The blinding, as snarkjs: A = a + alpha + r delta, B = b + beta + s delta,
  // C = c + h + s A + r B1 - r s delta.
  const r = Fr.random();
  const s = Fr.random();
  const piA = G1.add(G1.add(a, key.alpha1), G1.timesFr(key.delta1, r));
  const piB = G2.add(G2.add(b2, key.beta2), G2.timesFr(key.delta2, s));
  const pib1 = G1.add(G1.add(b1, key.beta1), G1.timesFr(key.delta1, s));
  let piC = G1.add(c, h);
  piC = G1.add(piC, G1.timesFr(piA, s));
  piC = G1.add(piC, G1.timesFr(pib1, r));
  piC = G1.add(piC, G1.timesFr(key.delta1, Fr.neg(Fr.mul(r, s))));

  const publicSignals: string[] = [];
  for (let i = 1; i <= key.nPublic; i++)
    publicSignals.push(leBigInt(witness.subarray(i * n8, (i + 1) * n8)).toString());
  const str = (v: unknown): unknown => (Array.isArray(v) ? v.map(str) : String(v));
  return {
    proof: {
      pi_a: str(G1.toObject(G1.toAffine(piA))) as string[],
      pi_b: str(G2.toObject(G2.toAffine(piB))) as string[][],
      pi_c: str(G1.toObject(G1.toAffine(piC))) as string[],
      protocol: "groth16",
      curve: curve.name,
    },
    publicSignals,
  };
}

/**
 * Scalar widths in bytes the witness MSMs are split by: a wire's value is mostly a bit or a
 * small integer (784_56_10's C: 7,223 zeros, 6,414 ones, 842 below 2^64, 8,958 full field
 * elements, mostly Poseidon's). ffjavascript's Pippenger runs one bucket pass per window of
 * every scalar's full width and sizes its windows by the point count, so a small scalar costs
 * as much as a large one and the bucket sums of 24 windows dominate A's and B's MSMs.
 */
const SCALAR_WIDTHS = [1, 8, 32] as const;

/**
 * sum(witness[i] * bases[i]): zero scalars and bases at infinity left out, the rest as one MSM
 * per scalar width (SCALAR_WIDTHS), on ffjavascript's thread pool. With `fixed` (a loaded key's
 * precomputed window multiples), the full-width scalars of the wires it covers go through
 * `fixedBaseMsm`.
 */
export async function witnessMsm(p: {
  curve: Curve;
  group: FixedBaseGroup;
  bases: Bases;
  witness: Uint8Array;
  fixed?: {
    wires: FixedWires;
    /** Queue the MSMs of the scalars outside the table once this settles (scheduling). */
    plainAfter?: Promise<unknown>;
  };
}): Promise<Uint8Array> {
  const { curve, bases, witness, fixed } = p;
  const group = curve[p.group];
  const { nonZero, points, pointBytes } = bases;
  const n8 = SCALAR_WIDTHS[SCALAR_WIDTHS.length - 1];
  const full = SCALAR_WIDTHS.length - 1;
  const width = scalarWidths(bases, witness);
  const tableScalars = fixed && new Uint8Array(fixed.wires.table.count * n8);
  const counts = SCALAR_WIDTHS.map(() => 0);
  for (let k = 0; k < nonZero.length; k++) {
    const w = width[k] - 1;
    if (w < 0) continue;
    const slot = fixed ? fixed.wires.slotOf[k] : -1;
    if (w === full && tableScalars && slot >= 0) {
      const o = nonZero[k] * n8;
      tableScalars.set(witness.subarray(o, o + n8), slot * n8);
      width[k] = 0; // handled by the table
    } else counts[w]++;
  }
  const parts = SCALAR_WIDTHS.map((bytes, w) => {
    // shared: every task of the part's MSM reads the bases without a copy of its message
    const partBases = sharedBytes(counts[w] * pointBytes);
    return {
      bytes,
      bases: partBases,
      bases32: new Uint32Array(partBases.buffer),
      scalars: new Uint8Array(counts[w] * bytes),
      n: 0,
    };
  });
  // Word loops where the bytes are 4-aligned (a loaded key's bases are; a witness from the
  // generator is): a subarray per wire costs more than the copy, ~16k wires per MSM.
  const points32 = words(points);
  for (let k = 0; k < nonZero.length; k++) {
    if (width[k] === 0) continue;
    const part = parts[width[k] - 1];
    const i = nonZero[k];
    const [from, to] = [i * pointBytes, part.n * pointBytes];
    if (points32) {
      const dst = part.bases32;
      for (let b = from >> 2, d = to >> 2, end = (from + pointBytes) >> 2; b < end; b++, d++)
        dst[d] = points32[b];
    } else for (let b = 0; b < pointBytes; b++) part.bases[to + b] = points[from + b];
    const [s, d] = [i * n8, part.n * part.bytes];
    for (let b = 0; b < part.bytes; b++) part.scalars[d + b] = witness[s + b];
    part.n++;
  }
  const tableSum =
    fixed && tableScalars
      ? fixedBaseMsm({ curve, table: fixed.wires.table, scalars: tableScalars })
      : undefined;
  if (fixed?.plainAfter) {
    tableSum?.catch(() => undefined); // awaited below: no unhandled rejection meanwhile
    await fixed.plainAfter.catch(() => undefined); // its failure is its owner's to report
  }
  const sums = await Promise.all([
    ...(tableSum ? [tableSum] : []),
    ...parts
      .filter((part) => part.n > 0)
      .map((part) =>
        variableBaseMsm({
          curve,
          group: p.group,
          points: part.bases,
          scalars: part.scalars,
          scalarBytes: part.bytes,
        }),
      ),
  ]);
  return sums.reduce((acc, v) => group.add(acc, v), group.zero);
}

/** A 32-bit view of 4-aligned bytes, else undefined. */
const words = (b: Uint8Array): Uint32Array | undefined =>
  b.byteOffset % 4 === 0 && b.length % 4 === 0
    ? new Uint32Array(b.buffer, b.byteOffset, b.length / 4)
    : undefined;

/** Per non-zero base: 0 for a zero scalar, else 1 + the index in SCALAR_WIDTHS of its width. */
function scalarWidths(bases: Bases, witness: Uint8Array): Uint8Array {
  const { nonZero } = bases;
  const n8 = SCALAR_WIDTHS[SCALAR_WIDTHS.length - 1];
  const width = new Uint8Array(nonZero.length);
  const w32 = words(witness);
  for (let k = 0; k < nonZero.length; k++) {
    const o = nonZero[k] * n8;
    let top = n8 - 1; // the highest non-zero byte
    if (w32) {
      let t = (o + n8) / 4 - 1;
      while (t >= o / 4 && w32[t] === 0) t--;
      top = t < o / 4 ? -1 : (t - o / 4) * 4 + 3;
      while (top >= 0 && witness[o + top] === 0) top--;
    } else while (top >= 0 && witness[o + top] === 0) top--;
    let w = 0;
    if (top >= 0) while (top >= SCALAR_WIDTHS[w]) w++;
    width[k] = top < 0 ? 0 : w + 1;
  }
  return width;
}

/**
 * Window multiples of the bases of the wires that were full-width in a witness: `slotOf[k]` is
 * the table index of the k-th non-zero base, or -1.
 */
export interface FixedWires {
  readonly slotOf: Int32Array;
  readonly table: FixedBaseTable;
}

/** A loaded key's precomputed tables (`LoadGroth16KeyParameters.precomputeBases`). */
export interface Groth16BaseTables {
  readonly h: FixedBaseTable;
  readonly a: FixedWires;
  readonly b1: FixedWires;
  readonly b2: FixedWires;
  readonly c: FixedWires;
  /** Bytes held by the tables' points. */
  readonly bytes: number;
}

/**
 * Window multiples of H's bases and of the bases of the wires that are full-width in `witness`
 * (the same wires are full width in most witnesses of a circuit: Poseidon's, negative values).
 *
 * @example
 * const tables = await precomputeGroth16Bases({ curve, key, witness });
 */
export async function precomputeGroth16Bases(p: {
  curve: Curve;
  key: Groth16ProvingKey;
  /** The witness section of a .wtns (nVars field elements). */
  witness: Uint8Array;
}): Promise<Groth16BaseTables> {
  const { curve, key, witness } = p;
  const n8 = curve.Fr.n8;
  const full = SCALAR_WIDTHS.length;
  const wiresOf = async (
    group: FixedBaseGroup,
    bases: Bases,
    w: Uint8Array,
  ): Promise<FixedWires> => {
    const width = scalarWidths(bases, w);
    const slotOf = new Int32Array(bases.nonZero.length).fill(-1);
    let count = 0;
    for (let k = 0; k < width.length; k++) if (width[k] === full) slotOf[k] = count++;
    const points = new Uint8Array(count * bases.pointBytes);
    for (let k = 0; k < width.length; k++) {
      if (slotOf[k] < 0) continue;
      const i = bases.nonZero[k];
      points.set(
        bases.points.subarray(i * bases.pointBytes, (i + 1) * bases.pointBytes),
        slotOf[k] * bases.pointBytes,
      );
    }
    return { slotOf, table: await precomputeFixedBases({ curve, group, points }) };
  };
  const privateWitness = witness.subarray((key.nPublic + 1) * n8);
  const [h, a, b1, b2, c] = await Promise.all([
    precomputeFixedBases({ curve, group: "G1", points: key.pointsH }),
    wiresOf("G1", key.basesA, witness),
    wiresOf("G1", key.basesB1, witness),
    wiresOf("G2", key.basesB2, witness),
    wiresOf("G1", key.basesC, privateWitness),
  ]);
  const bytes = h.bytes + [a, b1, b2, c].reduce((sum, t) => sum + t.table.bytes, 0);
  return { h, a, b1, b2, c, bytes };
}

/**
 * The tables of keys loaded with `precomputeBases`: computed in the background after the key's
 * first proof (from its witness). A proof does not wait for them: one started meanwhile runs
 * without them, its tasks queued behind the precomputation's on the same workers (a proof on
 * a rebuilt curve, after `releaseSnarkjs`, does not hang on a terminated one). A failed
 * precomputation leaves the key on the plain MSMs.
 */
const precomputed = new WeakMap<
  Groth16ProvingKey,
  { done: Promise<Groth16BaseTables | undefined>; tables?: Groth16BaseTables }
>();

function startPrecompute(curve: Curve, key: Groth16ProvingKey, witness: Uint8Array): void {
  const state: { done: Promise<Groth16BaseTables | undefined>; tables?: Groth16BaseTables } = {
    done: precomputeGroth16Bases({ curve, key, witness: witness.slice() }).then(
      (tables) => (state.tables = tables),
      () => undefined,
    ),
  };
  precomputed.set(key, state);
}

/**
 * The key's tables once its background precomputation has finished; undefined if none was
 * started (before the first proof, or a key without `precomputeBases`) or it failed.
 */
export const readyTables = (key: Groth16ProvingKey): Promise<Groth16BaseTables | undefined> =>
  precomputed.get(key)?.done ?? Promise.resolve(undefined);

/** The witness section of .wtns bytes, checked against the key (length, field). */
function witnessOf(wtns: Uint8Array, key: Groth16ProvingKey): Uint8Array {
  const s = binSections(wtns, "wtns", "witness");
  const header = s.get(WTNS_SECTION.header);
  const data = s.get(WTNS_SECTION.witness);
  if (!header || !data) {
    throw new ProofError("the witness has no header or no witness section", {
      details: { step: "prove" },
    });
  }
  const dv = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const n8 = dv.getUint32(0, true);
  const nWitness = dv.getUint32(4 + n8, true);
  if (nWitness !== key.nVars || data.length !== nWitness * n8) {
    throw new ProofError(
      `the witness has ${nWitness} values; the proving key's circuit has ${key.nVars}`,
      { details: { step: "prove" } },
    );
  }
  return data;
}

/**
 * The scalars of the H multi-exponentiation: with A, B, C the QAP polynomials' evaluations on
 * the domain (from the coefficients and the witness), (A·B − C) evaluated on the odd coset
 * (inverse FFT, shift by a 2^(power+1)-th root of unity, FFT), out of Montgomery form. One job
 * on one worker; what snarkjs's buildABC1, Fr.ifft/fft, batchApplyKey and joinABC compute.
 */
export async function quotientScalars(
  curve: Curve,
  key: Groth16ProvingKey,
  witness: Uint8Array,
): Promise<Uint8Array> {
  const { Fr } = curve;
  const n = key.domainSize;
  const bytes = n * Fr.n8;
  if (key.coefs.length !== key.nCoefs * (COEF_HEADER_BYTES + Fr.n8)) {
    throw new ProofError("the proving key's coefficient section has the wrong length", {
      details: { step: "prove" },
    });
  }
  const shift = key.power === Fr.s ? Fr.shift : Fr.w[key.power + 1];
  const [A, B, C, W, K, ONE, SHIFT] = [0, 1, 2, 3, 4, 5, 6];
  const task: Record<string, unknown>[] = [
    { cmd: "ALLOCSET", var: K, buff: key.coefs },
    { cmd: "ALLOCSET", var: W, buff: witness },
    { cmd: "ALLOCSET", var: ONE, buff: Fr.one },
    { cmd: "ALLOCSET", var: SHIFT, buff: shift },
    { cmd: "ALLOC", var: A, len: bytes },
    { cmd: "ALLOC", var: B, len: bytes },
    { cmd: "ALLOC", var: C, len: bytes },
    call(
      WASM.buildABC,
      { var: K },
      { val: key.nCoefs },
      { var: W },
      { var: A },
      { var: B },
      { var: C },
      { val: 0 },
      { val: n },
      { val: 0 },
      { val: key.nVars },
    ),
  ];
  for (const v of [A, B, C]) {
    task.push(
      call(WASM.ifft, { var: v }, { val: n }),
      call(WASM.applyKey, { var: v }, { val: n }, { var: ONE }, { var: SHIFT }, { var: v }),
      call(WASM.fft, { var: v }, { val: n }),
    );
  }
  task.push(
    call(WASM.joinABC, { var: A }, { var: B }, { var: C }, { val: n }, { var: A }),
    call(WASM.fromMontgomery, { var: A }, { val: n }, { var: A }),
    { cmd: "GET", out: 0, var: A, len: bytes },
  );
  const [out] = await curve.tm.queueAction(task);
  return out;
}

const call = (fnName: string, ...params: ({ var: number } | { val: number })[]) => ({
  cmd: "CALL",
  fnName,
  params,
});
