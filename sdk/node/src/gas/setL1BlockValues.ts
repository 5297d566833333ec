import { toBeHex } from "ethers";

/** The OP stack L1Block predeploy, whose storage the L1 fee is computed from. */
export const L1_BLOCK_ADDRESS = "0x4200000000000000000000000000000000000015";

/** Anything with an EIP-1193-style `send` (ethers' provider, Hardhat's network provider). */
export interface RpcSender {
  send(method: string, params: unknown[]): Promise<unknown>;
}

export interface SetL1BlockValuesParameters {
  provider: RpcSender;
  l1BaseFee: bigint;
  l1BlobBaseFee: bigint;
  baseFeeScalar: number;
  blobBaseFeeScalar: number;
  /** Isthmus operator fee: fee = gasUsed x operatorFeeScalar / 1e6 + operatorFeeConstant. */
  operatorFeeScalar?: number;
  operatorFeeConstant?: bigint;
}

/**
 * Writes the L1 fee values into the L1Block predeploy of a simulated OP chain (Hardhat's
 * `chainType: "op"`), whose fresh state has zero scalars, so that receipts carry a real
 * `l1Fee`. Storage layout (Ecotone): slot 1 `basefee`; slot 3 `sequenceNumber` (uint64) |
 * `blobBaseFeeScalar` (uint32) << 64 | `baseFeeScalar` (uint32) << 96; slot 7 `blobBaseFee`;
 * (Isthmus) slot 8 `operatorFeeConstant` (uint64) | `operatorFeeScalar` (uint32) << 64.
 *
 * @example
 * await setL1BlockValues({ provider: ethers.provider, ...OP_FEE_PRESETS.base });
 */
export async function setL1BlockValues(p: SetL1BlockValuesParameters): Promise<void> {
  const word = (v: bigint) => toBeHex(v, 32);
  const scalars = (BigInt(p.blobBaseFeeScalar) << 64n) | (BigInt(p.baseFeeScalar) << 96n);
  for (const [slot, value] of [
    [1n, p.l1BaseFee],
    [3n, scalars],
    [7n, p.l1BlobBaseFee],
    [8n, (BigInt(p.operatorFeeScalar ?? 0) << 64n) | (p.operatorFeeConstant ?? 0n)],
  ] as const) {
    await p.provider.send("hardhat_setStorageAt", [L1_BLOCK_ADDRESS, toBeHex(slot), word(value)]);
  }
}
