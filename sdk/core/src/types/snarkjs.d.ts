// Minimal typings for the parts of snarkjs 0.7 the SDK uses (snarkjs ships none).
declare module "snarkjs" {
  export interface Logger {
    info(msg: string): void;
    debug(msg: string): void;
    warn(msg: string): void;
    error(msg: string): void;
  }
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export type VerificationKey = Record<string, unknown> & { protocol: string; nPublic: number };
  type Signals = (string | bigint | number)[];
  export const groth16: {
    fullProve(
      input: Record<string, unknown>,
      wasm: string,
      zkey: string,
      logger?: Logger,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    prove(
      zkey: string,
      wtns: string,
      logger?: Logger,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(
      vk: VerificationKey,
      publicSignals: Signals,
      proof: Groth16Proof,
      logger?: Logger,
    ): Promise<boolean>;
    exportSolidityCallData(proof: Groth16Proof, publicSignals: Signals): Promise<string>;
  };
  /** A PLONK or FFLONK proof: JSON with decimal-string fields (see encodeProof.ts). */
  export type UniversalProof = Record<string, unknown> & { protocol: string; curve: string };
  export const plonk: {
    setup(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown>;
    fullProve(
      input: Record<string, unknown>,
      wasm: string,
      zkey: string,
      logger?: Logger,
    ): Promise<{ proof: UniversalProof; publicSignals: string[] }>;
    prove(
      zkey: string,
      wtns: string,
      logger?: Logger,
    ): Promise<{ proof: UniversalProof; publicSignals: string[] }>;
    verify(
      vk: VerificationKey,
      publicSignals: Signals,
      proof: UniversalProof,
      logger?: Logger,
    ): Promise<boolean>;
    exportSolidityCallData(proof: UniversalProof, publicSignals: Signals): Promise<string>;
  };
  export const fflonk: {
    setup(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown>;
    fullProve(
      input: Record<string, unknown>,
      wasm: string,
      zkey: string,
      logger?: Logger,
    ): Promise<{ proof: UniversalProof; publicSignals: string[] }>;
    prove(
      zkey: string,
      wtns: string,
      logger?: Logger,
    ): Promise<{ proof: UniversalProof; publicSignals: string[] }>;
    verify(
      vk: VerificationKey,
      publicSignals: Signals,
      proof: UniversalProof,
      logger?: Logger,
    ): Promise<boolean>;
    /** Note the argument order: public signals first. */
    exportSolidityCallData(publicSignals: Signals, proof: UniversalProof): Promise<string>;
  };
  export const powersOfTau: {
    newAccumulator(curve: unknown, power: number, file: string, logger?: Logger): Promise<unknown>;
    contribute(
      oldPtau: string,
      newPtau: string,
      name: string,
      entropy: string,
      logger?: Logger,
    ): Promise<unknown>;
    preparePhase2(oldPtau: string, newPtau: string, logger?: Logger): Promise<void>;
    verify(ptau: string, logger?: Logger): Promise<boolean>;
  };
  export const zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown>;
    contribute(
      oldZkey: string,
      newZkey: string,
      name: string,
      entropy: string,
      logger?: Logger,
    ): Promise<unknown>;
    verifyFromR1cs(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<boolean>;
    verifyFromInit(initZkey: string, ptau: string, zkey: string, logger?: Logger): Promise<boolean>;
    beacon(
      oldZkey: string,
      newZkey: string,
      name: string,
      beaconHashHex: string,
      numIterationsExp: number,
      logger?: Logger,
    ): Promise<unknown>;
    exportVerificationKey(zkey: string, logger?: Logger): Promise<VerificationKey>;
    exportSolidityVerifier(
      zkey: string,
      templates: Record<string, string>,
      logger?: Logger,
    ): Promise<string>;
  };
  export const wtns: {
    calculate(input: Record<string, unknown>, wasm: string, wtnsFile: string): Promise<void>;
    exportJson(wtnsFile: string): Promise<bigint[]>;
    check(r1cs: string, wtnsFile: string, logger?: Logger): Promise<boolean>;
  };
}

declare module "ffjavascript" {
  /** A field element or point: bytes in ffjavascript's internal (Montgomery) layout. */
  type Buf = Uint8Array;
  export interface Field {
    n8: number;
    one: Buf;
    zero: Buf;
    /** w[p]: a primitive 2^p-th root of unity. */
    w: Buf[];
    s: number;
    /** The coset shift used when the domain is the whole 2-adic subgroup. */
    shift: Buf;
    neg(a: Buf): Buf;
    e(v: bigint | number | string): Buf;
    add(a: Buf, b: Buf): Buf;
    sub(a: Buf, b: Buf): Buf;
    mul(a: Buf, b: Buf): Buf;
    div(a: Buf, b: Buf): Buf;
    inv(a: Buf): Buf;
    exp(a: Buf, e: bigint | number | Buf): Buf;
    eq(a: Buf, b: Buf): boolean;
    isZero(a: Buf): boolean;
    fromRng(rng: ChaCha): Buf;
    random(): Buf;
    toObject(a: Buf): bigint;
    fromObject(v: bigint): Buf;
  }
  export interface CurveGroup {
    F: { n8: number };
    g: Buf;
    zero: Buf;
    fromRng(rng: ChaCha): Buf;
    toAffine(p: Buf): Buf;
    /** Coordinates as bigints (G2: pairs), projective with z = 1 for an affine point. */
    toObject(p: Buf): unknown[];
    /** Sum of scalars[i] * bases[i]: affine bases (LEM), scalars of equal size (little-endian). */
    multiExpAffine(bases: Buf, scalars: Buf): Promise<Buf>;
    timesFr(p: Buf, s: Buf): Buf;
    timesScalar(p: Buf, s: bigint | number | Buf): Buf;
    add(a: Buf, b: Buf): Buf;
    double(a: Buf): Buf;
    eq(a: Buf, b: Buf): boolean;
    toRprLEM(out: Buf, pos: number, p: Buf): void;
    fromRprLEM(b: Buf, pos?: number): Buf;
    toRprUncompressed(out: Buf, pos: number, p: Buf): void;
    toRprCompressed(out: Buf, pos: number, p: Buf): void;
    batchLEMtoC(b: Buf): Promise<Buf>;
    batchLEMtoU(b: Buf): Promise<Buf>;
    batchApplyKey(b: Buf, first: Buf, inc: Buf, inType?: string, outType?: string): Promise<Buf>;
  }
  export interface ThreadManager {
    concurrency: number;
    queueAction(task: Record<string, unknown>[]): Promise<Uint8Array[]>;
    terminate(): Promise<void>;
  }
  export interface Curve {
    name: string;
    /** Base field prime (G1 coordinates). */
    q: bigint;
    /** Scalar field prime (Fr). */
    r: bigint;
    Fr: Field;
    G1: CurveGroup;
    G2: CurveGroup;
    tm: ThreadManager;
    terminate(): Promise<void>;
  }
  export class ChaCha {
    constructor(seed?: number[]);
    nextU32(): number;
  }
  export function getCurveFromName(name: string, singleThread?: boolean): Promise<Curve>;
  /** `plugins` receives wasmbuilder's ModuleBuilder before the WASM is built. */
  export function buildBn128(
    singleThread?: boolean,
    plugins?: (moduleBuilder: never) => void,
  ): Promise<Curve>;
}

declare module "r1csfile" {
  /**
   * Section 1 of an r1cs file; `F` (the scalar field) avoids building a second curve. `fd` and
   * `sections` are @iden3/binfileutils's `BinFile` and `Sections` (typed `unknown` here: this
   * file ships in @zkml-verify/core, whose consumers do not have that package).
   */
  export function readR1csHeader(
    fd: unknown,
    sections: unknown,
    options: { F: unknown },
  ): Promise<{
    n8: number;
    prime: bigint;
    nVars: number;
    nOutputs: number;
    nPubInputs: number;
    nPrvInputs: number;
    nConstraints: number;
  }>;
  export function readR1cs(
    file: string,
    opts: { loadConstraints?: boolean; loadMap?: boolean; singleThread?: boolean },
  ): Promise<{
    nVars: number;
    nOutputs: number;
    nPubInputs: number;
    nPrvInputs: number;
    nConstraints: number;
    constraints: [
      Record<string, Uint8Array>,
      Record<string, Uint8Array>,
      Record<string, Uint8Array>,
    ][];
    curve: { Fr: { toObject(x: Uint8Array): bigint }; terminate(): Promise<void> };
  }>;
}

declare module "circom_runtime" {
  /** A circom 2 witness generator instance (circom_runtime's WitnessCalculator). */
  export interface WitnessCalculator {
    /** The witness as a .wtns file's bytes. */
    calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: boolean): Promise<Uint8Array>;
  }
  /** Compiles and instantiates a circuit's witness wasm. */
  export function WitnessCalculatorBuilder(
    code: Uint8Array,
    options?: { memorySize?: number },
  ): Promise<WitnessCalculator>;
}

declare module "@iden3/binfileutils" {
  /** A fastfile handle: positioned reads and writes with a page cache. */
  export interface BinFile {
    pos: number;
    read(n: number, pos?: number): Promise<Uint8Array>;
    readULE32(): Promise<number>;
    write(b: Uint8Array, pos?: number): Promise<void>;
    writeULE32(v: number): Promise<void>;
    close(): Promise<void>;
  }
  /** Sections by id: each occurrence's data position and size. */
  export type Sections = { p: number; size: number }[][];
  export function readBinFile(
    file: string,
    type: string,
    maxVersion: number,
    cacheSize?: number,
    pageSize?: number,
  ): Promise<{ fd: BinFile; sections: Sections }>;
  export function createBinFile(
    file: string,
    type: string,
    version: number,
    nSections: number,
    cacheSize?: number,
    pageSize?: number,
  ): Promise<BinFile>;
  export function startWriteSection(fd: BinFile, id: number): Promise<void>;
  export function endWriteSection(fd: BinFile): Promise<void>;
  export function writeBigInt(fd: BinFile, n: bigint, n8: number, pos?: number): Promise<void>;
  /** A section's bytes (a BigBuffer past 1 GiB). */
  export function readSection(
    fd: BinFile,
    sections: Sections,
    id: number,
    offset?: number,
    length?: number,
  ): Promise<Uint8Array | { byteLength: number }>;
}
