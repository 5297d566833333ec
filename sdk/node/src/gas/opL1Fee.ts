import { fastLzLength } from "./fastLzLength.ts";

/** The L1 fee parameters of an OP stack chain (the L1Block predeploy's values). */
export interface OpFeePreset {
  name: string;
  /** L1 base fee, wei. */
  l1BaseFee: bigint;
  /** L1 blob base fee, wei. */
  l1BlobBaseFee: bigint;
  /** Ecotone base fee scalar (millionths). */
  baseFeeScalar: number;
  /** Ecotone blob base fee scalar (millionths). */
  blobBaseFeeScalar: number;
  /** L2 gas price for the execution part of the cost, wei. */
  l2GasPrice: bigint;
}

/**
 * Illustrative presets: the scalars are the chains' published Ecotone/Fjord values; the fees
 * are round numbers of the right order. Pass your own for real estimates.
 */
export const OP_FEE_PRESETS = {
  "op-mainnet": {
    name: "OP Mainnet",
    l1BaseFee: 2_000_000_000n,
    l1BlobBaseFee: 1_000_000n,
    baseFeeScalar: 5227,
    blobBaseFeeScalar: 1014213,
    l2GasPrice: 1_000_000n,
  },
  base: {
    name: "Base",
    l1BaseFee: 2_000_000_000n,
    l1BlobBaseFee: 1_000_000n,
    baseFeeScalar: 2269,
    blobBaseFeeScalar: 1055762,
    l2GasPrice: 5_000_000n,
  },
} as const satisfies Record<string, OpFeePreset>;

export interface OpL1FeeParameters {
  /** The signed transaction as sent (EIP-2718 envelope: type byte + RLP). */
  signedTx: Uint8Array;
  preset: OpFeePreset;
}

export interface OpL1FeeReturnType {
  /** FastLZ-compressed size of the signed transaction, bytes. */
  fastLzSize: number;
  /** max(100, -42.5856 + 0.8365 * fastLzSize) bytes, scaled by 1e6 (Fjord). */
  estimatedSizeScaled: bigint;
  /** estimatedSize * 16: the receipt's `l1GasUsed`. */
  l1GasUsed: bigint;
  /** The L1 data fee, wei: the receipt's `l1Fee`. */
  l1Fee: bigint;
}

const INTERCEPT = -42_585_600n;
const FASTLZ_COEF = 836_500n;
const MIN_SIZE_SCALED = 100_000_000n;

/**
 * The Fjord L1 data fee of an OP stack transaction: the FastLZ size of the signed transaction
 * turned into an estimated compressed size by a linear regression, times
 * (16 * baseFeeScalar * l1BaseFee + blobBaseFeeScalar * l1BlobBaseFee) / 1e12.
 *
 * @example
 * const { l1Fee } = opL1Fee({ signedTx: getBytes(tx.serialized), preset: OP_FEE_PRESETS.base });
 */
export function opL1Fee(p: OpL1FeeParameters): OpL1FeeReturnType {
  return fjordL1Fee({ fastLzSize: fastLzLength(p.signedTx), preset: p.preset });
}

/**
 * The Fjord L1 data fee for a given FastLZ size (GasPriceOracle.getL1Fee of unsigned bytes
 * prices `fastLzLength(bytes) + 68`, the 68 standing in for the signature).
 *
 * @example
 * const { l1Fee } = fjordL1Fee({ fastLzSize: 400, preset: OP_FEE_PRESETS.base });
 */
export function fjordL1Fee(p: { fastLzSize: number; preset: OpFeePreset }): OpL1FeeReturnType {
  const { fastLzSize } = p;
  let estimatedSizeScaled = INTERCEPT + FASTLZ_COEF * BigInt(fastLzSize);
  if (estimatedSizeScaled < MIN_SIZE_SCALED) estimatedSizeScaled = MIN_SIZE_SCALED;
  const feeScaled =
    16n * BigInt(p.preset.baseFeeScalar) * p.preset.l1BaseFee +
    BigInt(p.preset.blobBaseFeeScalar) * p.preset.l1BlobBaseFee;
  return {
    fastLzSize,
    estimatedSizeScaled,
    l1GasUsed: (estimatedSizeScaled * 16n) / 1_000_000n,
    l1Fee: (estimatedSizeScaled * feeScaled) / 1_000_000_000_000n,
  };
}
