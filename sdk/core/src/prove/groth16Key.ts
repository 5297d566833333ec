import { ProofError } from "../errors.ts";
import { sharedBytes } from "./fixedBaseMsm.ts";
import { proverCurve } from "./proverCurve.ts";
import { keepWorkersIdle } from "../util/snarkjsLogger.ts";

/**
 * A Groth16 proving key (.zkey) parsed once and kept in memory: its header, the verification
 * points in ffjavascript's layout, and views (no copies) of the sections a proof reads. A loaded
 * model keeps one and proves with `proveGroth16WithKey`, where snarkjs's `groth16.prove` re-reads
 * and re-parses the file on every call.
 */
export interface Groth16ProvingKey {
  readonly kind: "groth16ProvingKey";
  /** Number of wires (witness length) and of public signals. */
  readonly nVars: number;
  readonly nPublic: number;
  /** The evaluation domain: 2^power >= constraints + public signals + 1. */
  readonly domainSize: number;
  readonly power: number;
  readonly alpha1: Uint8Array;
  readonly beta1: Uint8Array;
  readonly beta2: Uint8Array;
  readonly delta1: Uint8Array;
  readonly delta2: Uint8Array;
  /** Section 4: the QAP coefficients (after their u32 count), nCoefs records of 12 + 32 bytes. */
  readonly coefs: Uint8Array;
  readonly nCoefs: number;
  /** Sections 5-8: the witness MSMs' affine bases (ffjavascript's Montgomery layout, LEM). */
  readonly basesA: Bases;
  readonly basesB1: Bases;
  readonly basesB2: Bases;
  readonly basesC: Bases;
  /** Section 9: the quotient's bases, one per domain point. */
  readonly pointsH: Uint8Array;
  /** `LoadGroth16KeyParameters.precomputeBases`. */
  readonly precomputeBases: boolean;
}

/** A section of affine bases and the indices of those that are not the point at infinity. */
export interface Bases {
  readonly points: Uint8Array;
  /** Bytes per point: 64 in G1, 128 in G2. */
  readonly pointBytes: number;
  /**
   * The non-zero bases' indices: a wire outside a QAP polynomial has the point at infinity
   * (all zero bytes) as its base (784_56_10: 7,138 of A's 23,450, 8,048 of B's).
   */
  readonly nonZero: Uint32Array;
}

export interface LoadGroth16KeyParameters {
  /** The .zkey file's bytes (Groth16, bn128). */
  zkey: Uint8Array;
  /**
   * For a key that proves many times (a server, the benchmark's warm stage): after its first
   * proof, compute the window multiples of its fixed bases in the background (H's, and those of
   * the wires full-width in that proof's witness) and prove later proofs with them
   * (`fixedBaseMsm.ts`). 784_56_10: ~40 MiB held, ~12 s of CPU once, ~0.4 s less per proof
   * (README of this folder). Default false: a one-proof process does not pay for it.
   */
  precomputeBases?: boolean;
}

/** The .zkey sections, numbered as snarkjs writes them (zkey_utils.js). */
const ZKEY_SECTION = { header: 1, groth16: 2, coefs: 4, a: 5, b1: 6, b2: 7, c: 8, h: 9 } as const;
/** snarkjs's protocol id for Groth16 in section 1. */
const GROTH16_PROTOCOL_ID = 1;
/** bn128's base field modulus q: the only curve the model circuits use. */
const BN128_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/**
 * Parses a binary iden3 file (.zkey, .wtns): magic, version, then (id u32, size u64, bytes)
 * sections. Returns views into `bytes` by section id (first occurrence).
 */
export function binSections(
  bytes: Uint8Array,
  magic: string,
  what: string,
): Map<number, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new ProofError(`the ${what} is not a ${magic} file: ${why}`, {
      details: { step: "prove" },
    });
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== magic)
    fail(`it does not start with "${magic}"`);
  const nSections = view.getUint32(8, true);
  const sections = new Map<number, Uint8Array>();
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    if (pos + 12 > bytes.length) fail(`section ${i + 1} of ${nSections} is cut off`);
    const id = view.getUint32(pos, true);
    const size = Number(view.getBigUint64(pos + 4, true));
    pos += 12;
    if (pos + size > bytes.length) fail(`section ${id} is cut off`);
    if (!sections.has(id)) sections.set(id, bytes.subarray(pos, pos + size));
    pos += size;
  }
  return sections;
}

/** A little-endian unsigned integer. */
export const leBigInt = (b: Uint8Array): bigint => {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
};

/**
 * Parses a Groth16 .zkey (bn128) once. The key holds bytes only (no curve: a prover takes
 * ffjavascript's shared bn128 instance, the one snarkjs uses, at each proof).
 *
 * @example
 * const key = await loadGroth16Key({ zkey: zkeyBytes });
 * const { proof, publicSignals } = await proveGroth16WithKey({ key, wtns });
 */
export function loadGroth16Key(p: LoadGroth16KeyParameters): Promise<Groth16ProvingKey> {
  return keepWorkersIdle(() => runLoadGroth16Key(p));
}

/** `loadGroth16Key` outside keepWorkersIdle (the caller holds the worker threads). */
async function runLoadGroth16Key(p: LoadGroth16KeyParameters): Promise<Groth16ProvingKey> {
  const s = binSections(p.zkey, "zkey", "proving key");
  const section = (id: number): Uint8Array => {
    const b = s.get(id);
    if (!b) {
      throw new ProofError(`the proving key has no section ${id}`, {
        details: { step: "prove" },
      });
    }
    return b;
  };
  const header = section(ZKEY_SECTION.header);
  const protocol = new DataView(header.buffer, header.byteOffset, 4).getUint32(0, true);
  if (protocol !== GROTH16_PROTOCOL_ID) {
    throw new ProofError(`the proving key is not a Groth16 key (protocol id ${protocol})`, {
      details: { step: "prove" },
    });
  }
  const g = section(ZKEY_SECTION.groth16);
  const dv = new DataView(g.buffer, g.byteOffset, g.byteLength);
  let pos = 0;
  const u32 = () => ((pos += 4), dv.getUint32(pos - 4, true));
  const bytes = (n: number) => ((pos += n), g.subarray(pos - n, pos));
  const n8q = u32();
  const q = leBigInt(bytes(n8q));
  const n8r = u32();
  bytes(n8r); // r: implied by q
  if (q !== BN128_Q) {
    throw new ProofError("the proving key is not over bn128", {
      details: { step: "prove" },
    });
  }
  const curve = await proverCurve();
  const nVars = u32();
  const nPublic = u32();
  const domainSize = u32();
  const g1 = () => curve.G1.fromRprLEM(bytes(n8q * 2), 0);
  const g2 = () => curve.G2.fromRprLEM(bytes(n8q * 4), 0);
  const alpha1 = g1();
  const beta1 = g1();
  const beta2 = g2();
  g2(); // gamma2: verification only
  const delta1 = g1();
  const delta2 = g2();
  const coefSection = section(ZKEY_SECTION.coefs);
  const nCoefs = new DataView(coefSection.buffer, coefSection.byteOffset, 4).getUint32(0, true);
  return {
    kind: "groth16ProvingKey",
    nVars,
    nPublic,
    domainSize,
    power: Math.log2(domainSize),
    alpha1,
    beta1,
    beta2,
    delta1,
    delta2,
    coefs: copyOf(coefSection.subarray(4)),
    nCoefs,
    basesA: basesOf(section(ZKEY_SECTION.a), n8q * 2),
    basesB1: basesOf(section(ZKEY_SECTION.b1), n8q * 2),
    basesB2: basesOf(section(ZKEY_SECTION.b2), n8q * 4),
    basesC: basesOf(section(ZKEY_SECTION.c), n8q * 2),
    pointsH: copyOf(section(ZKEY_SECTION.h)),
    precomputeBases: p.precomputeBases ?? false,
  };
}

/**
 * A copy the worker tasks (the quotient's, H's MSM) read without cloning it (`sharedBytes`): a
 * view of the .zkey would make every task's message clone the whole file (784_56_10: 12 MB per
 * task, four tasks for H without tables).
 */
function copyOf(bytes: Uint8Array): Uint8Array {
  const out = sharedBytes(bytes.length);
  out.set(bytes);
  return out;
}

function basesOf(points: Uint8Array, pointBytes: number): Bases {
  const n = points.length / pointBytes;
  const nonZero: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let b = i * pointBytes, end = b + pointBytes; b < end; b++) {
      if (points[b] !== 0) {
        nonZero.push(i);
        break;
      }
    }
  }
  // an aligned copy: the prover gathers the bases it uses per proof 4 bytes at a time
  return { points: copyOf(points), pointBytes, nonZero: Uint32Array.from(nonZero) };
}

export const isGroth16ProvingKey = (v: unknown): v is Groth16ProvingKey =>
  typeof v === "object" && v !== null && (v as Groth16ProvingKey).kind === "groth16ProvingKey";
