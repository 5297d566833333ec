/**
 * The precompile prices of a Groth16 verification on the EVM (EIP-1108) and of a transaction
 * (EIP-2028): the one derivation of the "Groth16 floor" that the gas lab's report, chart and
 * docs quote.
 */
export const GROTH16_GAS = {
  /** ecPairing: 45,000 + 34,000 per pair; a Groth16 check multiplies 4 pairings. */
  pairingBase: 45_000,
  pairingPerPair: 34_000,
  pairs: 4,
  /** Per public input: one ecMul (6,000) and one ecAdd (150) to build vk_x. */
  ecMul: 6_000,
  ecAdd: 150,
  /** Every transaction's base cost. */
  txBase: 21_000,
  /** Calldata: 16 gas per non-zero byte, 4 per zero byte; a public input is one 32-byte word. */
  calldataPerByte: 16,
  calldataPerZeroByte: 4,
  wordBytes: 32,
} as const;

export interface Groth16FloorParameters {
  nPublic: number;
  /** Calldata gas of the verification transaction (measured: its intrinsic gas - 21,000). */
  calldataGas: number;
}

export interface Groth16FloorReturnType {
  /** 45,000 + 4 x 34,000 = 181,000. */
  pairings: number;
  /** (6,000 + 150) x nPublic. */
  publicInputs: number;
  /** 21,000. */
  txBase: number;
  calldata: number;
  total: number;
}

/**
 * The least gas one bare Groth16 verification transaction can cost: pairings + vk_x's ecMul
 * and ecAdd per public input + the transaction base + its calldata. Each public input adds
 * 6,150 gas of precompiles and up to 32 x 16 = 512 of calldata.
 *
 * @example
 * groth16Floor({ nPublic: 8, calldataGas: 6_460 }).total; // 181,000 + 49,200 + 21,000 + 6,460
 */
export function groth16Floor(p: Groth16FloorParameters): Groth16FloorReturnType {
  const g = GROTH16_GAS;
  const pairings = g.pairingBase + g.pairs * g.pairingPerPair;
  const publicInputs = (g.ecMul + g.ecAdd) * p.nPublic;
  return {
    pairings,
    publicInputs,
    txBase: g.txBase,
    calldata: p.calldataGas,
    total: pairings + publicInputs + g.txBase + p.calldataGas,
  };
}

/** The floor as one line of text, with its terms (the report and the chart quote it). */
export function describeGroth16Floor(nPublic: number, f: Groth16FloorReturnType): string {
  const n = (v: number) => v.toLocaleString("en-US");
  return `Groth16 floor of one bare verification transaction = pairings 45,000 + 4 x 34,000 (${n(f.pairings)}) + ${nPublic} public inputs x (ecMul 6,000 + ecAdd 150) (${n(f.publicInputs)}) + base ${n(f.txBase)} + calldata ${n(f.calldata)} = ${n(f.total)} gas`;
}
