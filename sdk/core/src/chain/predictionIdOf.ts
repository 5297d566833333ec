import { encodeAbiParameters, keccak256 } from "viem";
import type { Hex } from "./chainClient.ts";

/**
 * The registry's prediction id: keccak256(abi.encode(modelId, version, publicSignals)). It keys
 * on the statement, not the proof bytes (Groth16 proofs are malleable).
 *
 * @example
 * const id = predictionIdOf({ modelId, version: 1, publicSignals });
 */
export function predictionIdOf(p: {
  modelId: string;
  version: number;
  publicSignals: readonly bigint[];
}): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "uint32" }, { type: "uint256[]" }],
      [p.modelId as Hex, p.version, p.publicSignals],
    ),
  );
}
