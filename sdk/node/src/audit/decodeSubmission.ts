import { decodeAbiParameters, decodeFunctionData } from "viem";
import type { Groth16Proof } from "snarkjs";
import type { Hex } from "@zkml-verify/core/internal/chain/chainClient";
import { modelRegistryAbi } from "@zkml-verify/core/internal/chain/generated/ModelRegistry";
import { predictionIdOf } from "@zkml-verify/core/internal/chain/predictionIdOf";

/**
 * Decodes the registry call in a transaction's calldata and returns the proof and public
 * signals of the prediction `predictionId` (one item of a batch, or the single submission).
 * Returns null when the calldata is not a direct registry submission carrying it.
 *
 * @example
 * const s = decodeSubmission({ input: tx.input, predictionId, version });
 */
export function decodeSubmission(p: {
  input: Hex;
  predictionId: Hex;
  version: number;
}): { modelId: Hex; proof: Hex; publicSignals: bigint[]; functionName: string } | null {
  let call;
  try {
    call = decodeFunctionData({ abi: modelRegistryAbi, data: p.input });
  } catch {
    return null;
  }
  const items: { modelId: Hex; proof: Hex; publicSignals: readonly bigint[] }[] = [];
  const args = call.args as readonly unknown[];
  if (call.functionName === "submitPrediction") {
    items.push({
      modelId: args[0] as Hex,
      proof: args[1] as Hex,
      publicSignals: args[2] as readonly bigint[],
    });
  } else if (call.functionName === "submitPredictions") {
    const proofs = args[1] as readonly Hex[];
    const signals = args[2] as readonly (readonly bigint[])[];
    proofs.forEach((proof, i) =>
      items.push({ modelId: args[0] as Hex, proof, publicSignals: signals[i] }),
    );
  }
  for (const it of items) {
    const id = predictionIdOf({
      modelId: it.modelId,
      version: p.version,
      publicSignals: it.publicSignals,
    });
    if (id.toLowerCase() === p.predictionId.toLowerCase()) {
      return { ...it, publicSignals: [...it.publicSignals], functionName: call.functionName };
    }
  }
  return null;
}

/**
 * Decodes ABI proof bytes (uint256[2] a, uint256[2][2] b, uint256[2] c) into snarkjs's Groth16
 * proof object, undoing the coordinate swap of `encodeGroth16Proof`.
 *
 * @example
 * const proof = decodeGroth16Proof(proofBytes);
 */
export function decodeGroth16Proof(bytes: Hex): Groth16Proof {
  const [a, b, c] = decodeAbiParameters(
    [{ type: "uint256[2]" }, { type: "uint256[2][2]" }, { type: "uint256[2]" }],
    bytes,
  );
  const s = (x: bigint) => x.toString();
  return {
    pi_a: [s(a[0]), s(a[1]), "1"],
    pi_b: [
      [s(b[0][1]), s(b[0][0])],
      [s(b[1][1]), s(b[1][0])],
      ["1", "0"],
    ],
    pi_c: [s(c[0]), s(c[1]), "1"],
    protocol: "groth16",
    curve: "bn128",
  };
}
