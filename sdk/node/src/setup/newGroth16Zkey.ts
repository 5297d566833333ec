import { blake2b } from "@noble/hashes/blake2b";
import {
  createBinFile,
  endWriteSection,
  readBinFile,
  readSection,
  startWriteSection,
  writeBigInt,
} from "@iden3/binfileutils";
import type { BinFile } from "@iden3/binfileutils";
import type { Curve } from "ffjavascript";
import { readR1csHeader } from "r1csfile";
import { SetupError } from "@zkml-verify/core/internal/errors";
import { startPhase2Contribution } from "./phase2Contribution.ts";
import type { Phase2Contribution } from "./phase2Contribution.ts";
import { withCeremonyCurve } from "./ptau/ceremonyCurve.ts";
import {
  BASE_ALPHA_TAU_G1,
  BASE_BETA_TAU_G1,
  BASE_TAU_G1,
  BASE_TAU_G2,
  ONE_TERM,
  composePoints,
  planPoints,
} from "./zkeyPoints.ts";
import type { Emit, Group, PointPlan } from "./zkeyPoints.ts";
import {
  MATRIX_A,
  MATRIX_B,
  N8,
  bigIntToLe,
  leToBigInt,
  limbs,
  readR1csTerms,
} from "./zkeyTerms.ts";
import { concatBytes } from "../util/concatBytes.ts";

export interface NewGroth16ZkeyParameters {
  r1cs: string;
  /** A prepared ptau (with Lagrange sections 12-15) of at least the circuit's power. */
  ptau: string;
  /** Output: the phase-2 initial zkey (no contribution), or with `contributor` a contributed one. */
  zkey: string;
  /**
   * Make one random phase-2 contribution under this name while writing (phase2Contribution.ts:
   * snarkjs `zkey contribute`'s record, L and H scaled as they are written): the key is then
   * ready to use. Without it the key must be contributed to before use.
   */
  contributor?: string;
  onProgress?: (line: string) => void;
}

export interface NewGroth16ZkeyReturnType {
  /** blake2b-512 circuit hash recorded in section 10 (as snarkjs's newZKey returns it). */
  csHash: Uint8Array;
  domainSize: number;
  /** Nonzero r1cs terms, and how many have a coefficient of at most 8 bytes (signed). */
  terms: number;
  narrowTerms: number;
  /** Point terms whose base was added to another's with the same coefficient (k·P + k·Q = k·(P + Q)). */
  foldedTerms: number;
  /** With `contributor`: snarkjs's hash of the contribution (as `zkey contribute` prints it). */
  contributionHash?: Uint8Array;
}

/** zkey sections (snarkjs zkey_utils). */
const SECTION = { header: 1, groth: 2, ic: 3, coeffs: 4, a: 5, b1: 6, b2: 7, c: 8, h: 9, mpc: 10 };
/** ptau sections: tau powers (G1) and the Lagrange bases tau, alpha·tau, beta·tau. */
const PTAU = { header: 1, tauG1: 2, alpha1: 4, beta1: 5, beta2: 6, lagrange: 12 };
const ZKEY_SECTIONS = 10;
const GROTH16_PROTOCOL = 1;
/** binfileutils cache and page sizes, as snarkjs opens these files. */
const CACHE = 1 << 22;
const PAGE = 1 << 24;
/** H points hashed per batch: snarkjs's hashHPoints chunk (its count quirk is kept). */
const H_HASH_CHUNK = 1 << 14;
const WIDE_BYTES = 8;

/**
 * Groth16 phase-2 initial key: the same bytes as snarkjs 0.7.6 `zkey new` (zkey_new.js) for
 * the same r1cs and ptau, computed with per-width scalars (zkeyPoints.ts) instead of a
 * 32-byte scalar per nonzero. The key has delta = gamma = the generator and no contribution:
 * it must be contributed to (snarkjs zkey contribute) before use, unless `contributor` asks
 * for a random contribution made on the way (delta in the header, L and H times 1/delta).
 *
 * @example
 * await newGroth16Zkey({ r1cs: "build/iris/model.r1cs", ptau, zkey: "/tmp/iris_0.zkey" });
 */
export async function newGroth16Zkey(
  p: NewGroth16ZkeyParameters,
): Promise<NewGroth16ZkeyReturnType> {
  return withCeremonyCurve((curve) => writeZkey(p, curve));
}

async function writeZkey(
  p: NewGroth16ZkeyParameters,
  curve: Curve,
): Promise<NewGroth16ZkeyReturnType> {
  const say = p.onProgress ?? (() => {});
  const sG1 = 2 * N8;
  const sG2 = 4 * N8;
  const hasher = blake2b.create({ dkLen: 64 });
  const { fd: fdPtau, sections: sPtau } = await readBinFile(p.ptau, "ptau", 1, CACHE, PAGE);
  const { fd: fdR1cs, sections: sR1cs } = await readBinFile(p.r1cs, "r1cs", 1, CACHE, PAGE);
  let fdZkey: BinFile | undefined;
  try {
    fdPtau.pos = sPtau[PTAU.header]![0]!.p;
    const qBytes = await fdPtau.readULE32();
    const q = leToBigInt(await fdPtau.read(qBytes), 0);
    const power = await fdPtau.readULE32();
    if (qBytes !== N8 || q !== curve.q) {
      throw new SetupError(`${p.ptau}: not a bn128 powers of tau`, { details: { file: p.ptau } });
    }
    const r1cs = await readR1csHeader(fdR1cs, sR1cs, { F: curve.Fr }).catch((e: unknown) => {
      throw new SetupError(`${p.r1cs}: not an r1cs over bn128's scalar field`, {
        details: { file: p.r1cs },
        cause: e,
      });
    });
    const nPublic = r1cs.nOutputs + r1cs.nPubInputs;
    const cirPower = floorLog2(r1cs.nConstraints + nPublic) + 1;
    const domainSize = 2 ** cirPower;
    if (cirPower > power) {
      throw new SetupError(
        `${p.r1cs}: ${r1cs.nConstraints} constraints + ${nPublic} public signals need a ptau of 2^${cirPower}, ${p.ptau} has 2^${power}`,
        { details: { file: p.ptau, needed: cirPower, have: power } },
      );
    }
    if (!sPtau[PTAU.lagrange]) {
      throw new SetupError(`${p.ptau}: powers of tau not prepared (no Lagrange sections)`, {
        details: { file: p.ptau },
      });
    }
    if (cirPower >= curve.Fr.s) {
      throw new SetupError(`${p.r1cs}: circuit too big for bn128 (2^${cirPower} points)`, {
        details: { file: p.r1cs, needed: cirPower, have: curve.Fr.s - 1 },
      });
    }
    const contribution: Phase2Contribution | undefined =
      p.contributor === undefined
        ? undefined
        : startPhase2Contribution({ curve, name: p.contributor });
    // L and H as written: times 1/delta when contributing (hashed before, as snarkjs does)
    const scaled = async (points: Uint8Array) =>
      contribution ? contribution.scale(points) : points;
    fdZkey = await createBinFile(p.zkey, "zkey", 1, ZKEY_SECTIONS, CACHE, PAGE);
    const zk = fdZkey;

    await startWriteSection(zk, SECTION.header);
    await zk.writeULE32(GROTH16_PROTOCOL);
    await endWriteSection(zk);

    // Groth16 header: field sizes and primes, sizes, alpha1, beta1, beta2, gamma2, delta1, delta2.
    await startWriteSection(zk, SECTION.groth);
    await zk.writeULE32(N8);
    await writeBigInt(zk, curve.q, N8);
    await zk.writeULE32(N8);
    await writeBigInt(zk, curve.r, N8);
    await zk.writeULE32(r1cs.nVars);
    await zk.writeULE32(nPublic);
    await zk.writeULE32(domainSize);
    for (const [section, group, size] of [
      [PTAU.alpha1, curve.G1, sG1],
      [PTAU.beta1, curve.G1, sG1],
      [PTAU.beta2, curve.G2, sG2],
    ] as const) {
      const b = await fdPtau.read(size, sPtau[section]![0]!.p);
      await zk.write(b);
      hasher.update(await group.batchLEMtoU(b));
    }
    const g1 = new Uint8Array(sG1);
    const g2 = new Uint8Array(sG2);
    curve.G1.toRprLEM(g1, 0, curve.G1.g);
    curve.G2.toRprLEM(g2, 0, curve.G2.g);
    const g1U = new Uint8Array(sG1);
    const g2U = new Uint8Array(sG2);
    curve.G1.toRprUncompressed(g1U, 0, curve.G1.g);
    curve.G2.toRprUncompressed(g2U, 0, curve.G2.g);
    await zk.write(g2); // gamma2
    await zk.write(contribution?.delta1 ?? g1); // delta1
    await zk.write(contribution?.delta2 ?? g2); // delta2
    hasher.update(g2U);
    hasher.update(g1U);
    hasher.update(g2U);
    await endWriteSection(zk);

    say(`zkey new: reading ${r1cs.nConstraints} constraints`);
    const r1csSection = await readSection(fdR1cs, sR1cs, 2);
    if (!(r1csSection instanceof Uint8Array)) {
      throw new SetupError(`${p.r1cs}: constraints section over 1 GiB`, {
        details: { file: p.r1cs },
      });
    }
    const terms = readR1csTerms({
      section: r1csSection,
      nConstraints: r1cs.nConstraints,
      prime: curve.r,
      file: p.r1cs,
    });
    await writeCoefficients(zk, terms, r1csSection, r1cs.nConstraints, nPublic, curve.r);

    const lagrange = async (k: number, size: number) =>
      (await readSection(
        fdPtau,
        sPtau,
        PTAU.lagrange + k,
        (domainSize - 1) * size,
        domainSize * size,
      )) as Uint8Array;
    const bases: Uint8Array[] = [];
    bases[BASE_TAU_G1] = await lagrange(0, sG1);
    bases[BASE_TAU_G2] = await lagrange(1, sG2);
    bases[BASE_ALPHA_TAU_G1] = await lagrange(2, sG1);
    bases[BASE_BETA_TAU_G1] = await lagrange(3, sG1);
    const qLimbs = limbs(curve.q);
    const plans = planSections(terms, r1cs.nVars, r1cs.nConstraints, nPublic);
    let foldedTerms = 0;
    const writePoints = async (id: number, group: Group, plan: PointPlan, name: string) => {
      say(`zkey new: ${name} points (${plan.nOut} signals, ${plan.start[plan.nOut]} terms)`);
      hashU32(hasher, plan.nOut);
      await startWriteSection(zk, id);
      const toScale: Uint8Array[] = [];
      const { folded } = await composePoints({
        curve,
        group,
        plan,
        terms,
        bases,
        qLimbs,
        write: async (points) => {
          if (contribution && id === SECTION.c) toScale.push(points);
          else await zk.write(points);
          hasher.update(await curve[group].batchLEMtoU(points));
        },
      });
      if (toScale.length > 0) {
        say(`zkey contribute: L (${name}) points times 1/delta (${plan.nOut} points)`);
        await zk.write(await scaled(concatBytes(toScale)));
      }
      await endWriteSection(zk);
      foldedTerms += folded;
    };

    await writePoints(SECTION.ic, "G1", plans.ic, "IC");
    say("zkey new: H points");
    await startWriteSection(zk, SECTION.h);
    // H: the odd points of the 2·domainSize Lagrange basis of tau (G1).
    const tau2 = (await readSection(
      fdPtau,
      sPtau,
      PTAU.lagrange,
      (domainSize * 2 - 1) * sG1,
      domainSize * 2 * sG1,
    )) as Uint8Array;
    const h = new Uint8Array(domainSize * sG1);
    for (let i = 0; i < domainSize; i++) {
      h.set(tau2.subarray((2 * i + 1) * sG1, (2 * i + 2) * sG1), i * sG1);
    }
    if (contribution) say(`zkey contribute: H points times 1/delta (${domainSize} points)`);
    await zk.write(await scaled(h));
    await endWriteSection(zk);
    await hashHPoints(curve, fdPtau, sPtau[PTAU.tauG1]![0]!.p, domainSize, hasher);

    await writePoints(SECTION.c, "G1", plans.c, "C");
    await writePoints(SECTION.a, "G1", plans.a, "A");
    await writePoints(SECTION.b1, "G1", plans.b1, "B1");
    await writePoints(SECTION.b2, "G2", plans.b2, "B2");

    const csHash = hasher.digest();
    await startWriteSection(zk, SECTION.mpc);
    const mpc = contribution?.finish(csHash);
    if (mpc) {
      await zk.write(mpc.section);
    } else {
      await zk.write(csHash);
      await zk.writeULE32(0);
    }
    await endWriteSection(zk);
    let narrowTerms = 0;
    for (let t = 0; t < terms.n; t++) if (terms.width[t]! <= WIDE_BYTES) narrowTerms++;
    return {
      csHash,
      domainSize,
      terms: terms.n,
      narrowTerms,
      foldedTerms,
      contributionHash: mpc?.contributionHash,
    };
  } finally {
    await fdZkey?.close();
    await fdR1cs.close();
    await fdPtau.close();
  }
}

/** floor(log2(v)) for 0 < v < 2^31 (snarkjs misc.js log2). */
function floorLog2(v: number): number {
  return 31 - Math.clz32(v);
}

function hashU32(hasher: { update(b: Uint8Array): unknown }, n: number): void {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  hasher.update(b);
}

/**
 * The output points and their terms (snarkjs processConstraints): A = sum a·tau, B1 = sum
 * b·tau, B2 = sum b·tau (G2), and for private signals C = sum a·beta·tau + b·alpha·tau +
 * c·tau (public ones: IC). Each public signal s also gets 1·tau_{n+s} in A and
 * 1·beta·tau_{n+s} in IC (n constraints).
 */
function planSections(
  terms: ReturnType<typeof readR1csTerms>,
  nVars: number,
  n: number,
  nPublic: number,
) {
  const kBase = [BASE_BETA_TAU_G1, BASE_ALPHA_TAU_G1, BASE_TAU_G1];
  const linear = (pub: boolean) => (emit: Emit) => {
    for (let t = 0; t < terms.n; t++) {
      const s = terms.signal[t]!;
      if (s <= nPublic !== pub) continue;
      emit(pub ? s : s - nPublic - 1, kBase[terms.matrix[t]!]!, terms.constraint[t]!, t);
    }
    if (pub) for (let s = 0; s <= nPublic; s++) emit(s, BASE_BETA_TAU_G1, n + s, ONE_TERM);
  };
  const matrix = (m: number, base: number, extra: boolean) => (emit: Emit) => {
    for (let t = 0; t < terms.n; t++) {
      if (terms.matrix[t] === m) emit(terms.signal[t]!, base, terms.constraint[t]!, t);
    }
    if (extra) for (let s = 0; s <= nPublic; s++) emit(s, base, n + s, ONE_TERM);
  };
  return {
    ic: planPoints(nPublic + 1, linear(true)),
    c: planPoints(nVars - nPublic - 1, linear(false)),
    a: planPoints(nVars, matrix(MATRIX_A, BASE_TAU_G1, true)),
    b1: planPoints(nVars, matrix(MATRIX_B, BASE_TAU_G1, false)),
    b2: planPoints(nVars, matrix(MATRIX_B, BASE_TAU_G2, false)),
  };
}

/**
 * Section 4: every A and B term (matrix, constraint, signal, coefficient · R^2 mod r), in r1cs
 * order, then coefficient 1 in A for each public signal at constraint n + s.
 */
async function writeCoefficients(
  zk: BinFile,
  terms: ReturnType<typeof readR1csTerms>,
  section: Uint8Array,
  nConstraints: number,
  nPublic: number,
  r: bigint,
): Promise<void> {
  const R = (1n << BigInt(8 * N8)) % r;
  const R2 = (R * R) % r;
  let count = nPublic + 1;
  for (let t = 0; t < terms.n; t++) if (terms.matrix[t] !== 2) count++;
  const entry = 12 + N8;
  const out = new Uint8Array(4 + count * entry);
  const v = new DataView(out.buffer);
  v.setUint32(0, count, true);
  let pos = 4;
  const put = (m: number, c: number, s: number, coef: bigint) => {
    v.setUint32(pos, m, true);
    v.setUint32(pos + 4, c, true);
    v.setUint32(pos + 8, s, true);
    bigIntToLe((coef * R2) % r, out, pos + 12);
    pos += entry;
  };
  for (let t = 0; t < terms.n; t++) {
    const m = terms.matrix[t]!;
    if (m === MATRIX_A || m === MATRIX_B) {
      put(m, terms.constraint[t]!, terms.signal[t]!, leToBigInt(section, terms.coefPos[t]!));
    }
  }
  for (let s = 0; s <= nPublic; s++) put(MATRIX_A, nConstraints + s, s, 1n);
  await startWriteSection(zk, SECTION.coeffs);
  await zk.write(out);
  await endWriteSection(zk);
}

/**
 * Hashes the H points as snarkjs's hashHPoints does: tau^(i + d)·G1 - tau^i·G1 for i in
 * chunks of H_HASH_CHUNK, each chunk H_HASH_CHUNK long even past d - 1 (snarkjs's count).
 */
async function hashHPoints(
  curve: Curve,
  fd: BinFile,
  tauG1Pos: number,
  domainSize: number,
  hasher: { update(b: Uint8Array): unknown },
): Promise<void> {
  const sG1 = 2 * N8;
  const sMid = 3 * N8;
  hashU32(hasher, domainSize - 1);
  const n = Math.min(domainSize - 1, H_HASH_CHUNK);
  for (let i = 0; i < domainSize - 1; i += H_HASH_CHUNK) {
    const hi = await fd.read(n * sG1, tauG1Pos + (i + domainSize) * sG1);
    const lo = await fd.read(n * sG1, tauG1Pos + i * sG1);
    const per = Math.ceil(n / curve.tm.concurrency);
    const jobs: Promise<Uint8Array[]>[] = [];
    for (let j = 0; j < n; j += per) {
      const m = Math.min(per, n - j);
      const task: Record<string, unknown>[] = [
        { cmd: "ALLOCSET", var: 0, buff: hi.slice(j * sG1, (j + m) * sG1) },
        { cmd: "ALLOCSET", var: 1, buff: lo.slice(j * sG1, (j + m) * sG1) },
        { cmd: "ALLOC", var: 2, len: m * sMid },
      ];
      for (let k = 0; k < m; k++) {
        task.push({
          cmd: "CALL",
          fnName: "g1m_subAffine",
          params: [
            { var: 0, offset: k * sG1 },
            { var: 1, offset: k * sG1 },
            { var: 2, offset: k * sMid },
          ],
        });
      }
      task.push(
        { cmd: "CALL", fnName: "g1m_batchToAffine", params: [{ var: 2 }, { val: m }, { var: 2 }] },
        { cmd: "CALL", fnName: "g1m_batchLEMtoU", params: [{ var: 2 }, { val: m }, { var: 2 }] },
        { cmd: "GET", out: 0, var: 2, len: m * sG1 },
      );
      jobs.push(curve.tm.queueAction(task));
    }
    for (const j of jobs) hasher.update((await j)[0]!);
  }
}
