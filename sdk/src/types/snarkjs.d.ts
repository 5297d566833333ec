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
  export function getCurveFromName(
    name: string,
    singleThread?: boolean,
  ): Promise<{ terminate(): Promise<void> }>;
}

declare module "r1csfile" {
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
