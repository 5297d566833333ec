import { brotliCompressSync, constants } from "node:zlib";

/** Parameters of Arbitrum's L1 pricing model. */
export interface ArbitrumFeePreset {
  name: string;
  /** ArbOS's L1 price per unit (wei per "L1 gas unit" of posted data). */
  l1PricePerUnit: bigint;
  /** L2 gas price (base fee), wei. */
  l2GasPrice: bigint;
  /** Brotli quality used to size the data (ArbOS prices with a fast level). */
  brotliLevel: number;
}

/** Illustrative values (Arbitrum One's 0.01 gwei minimum L2 base fee). */
export const ARBITRUM_FEE_PRESETS = {
  "arbitrum-one": {
    name: "Arbitrum One",
    l1PricePerUnit: 100_000_000n,
    l2GasPrice: 10_000_000n,
    brotliLevel: 1,
  },
} as const satisfies Record<string, ArbitrumFeePreset>;

export interface ArbitrumL1CostParameters {
  /** The signed transaction as sent (EIP-2718 envelope). */
  signedTx: Uint8Array;
  preset: ArbitrumFeePreset;
}

export interface ArbitrumL1CostReturnType {
  /** Brotli-compressed size of the signed transaction, bytes. */
  compressedSize: number;
  /** 16 units per compressed byte (Nitro's poster-cost rule). */
  l1Units: bigint;
  /** l1Units * l1PricePerUnit, wei. */
  l1Cost: bigint;
}

/**
 * Arbitrum Nitro's L1 component of a transaction's cost: the signed transaction is
 * Brotli-compressed and charged 16 units per compressed byte at the L1 price per unit (the
 * L2 execution gas is paid separately at the L2 gas price).
 *
 * @example
 * const { l1Cost } = arbitrumL1Cost({ signedTx, preset: ARBITRUM_FEE_PRESETS["arbitrum-one"] });
 */
export function arbitrumL1Cost(p: ArbitrumL1CostParameters): ArbitrumL1CostReturnType {
  const compressedSize = brotliCompressSync(p.signedTx, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: p.preset.brotliLevel,
      [constants.BROTLI_PARAM_SIZE_HINT]: p.signedTx.length,
    },
  }).length;
  const l1Units = 16n * BigInt(compressedSize);
  return { compressedSize, l1Units, l1Cost: l1Units * p.preset.l1PricePerUnit };
}
