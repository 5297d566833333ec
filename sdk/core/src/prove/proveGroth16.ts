import * as snarkjs from "snarkjs";
import type { Groth16Proof } from "snarkjs";
import { toField } from "../quantize/fixedPoint.ts";
import { encodeGroth16Proof } from "./encodeProof.ts";
import { proveError, withSubmitter } from "./prove.ts";

export interface ProveGroth16Parameters {
  wasm: string;
  zkey: string;
  /** Fixed-point model input (see `quantizeInput`). */
  input: readonly bigint[];
  /** For a model compiled with `submitter: "bound"`: the address that will submit the proof. */
  submitter?: string;
}

export interface ProveGroth16ReturnType {
  proof: Groth16Proof;
  /** Public signals as field elements, in the layout's order. */
  publicSignals: bigint[];
  /** ABI-encoded proof for `IProofVerifier.verify` (256 bytes, hex). */
  proofBytes: `0x${string}`;
  /** Size of the proof in bytes as sent on-chain. */
  proofSize: number;
  ms: number;
}

/**
 * Computes the witness with the circuit's wasm and a Groth16 proof with snarkjs.
 *
 * @example
 * const { proofBytes, publicSignals } = await proveGroth16({ wasm, zkey, input });
 */
export async function proveGroth16(p: ProveGroth16Parameters): Promise<ProveGroth16ReturnType> {
  const start = performance.now();
  const signals = withSubmitter({ in: p.input.map((v) => toField(v).toString()) }, p.submitter);
  try {
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(signals, p.wasm, p.zkey);
    const proofBytes = encodeGroth16Proof(proof);
    return {
      proof,
      publicSignals: publicSignals.map(BigInt),
      proofBytes,
      proofSize: (proofBytes.length - 2) / 2,
      ms: performance.now() - start,
    };
  } catch (cause) {
    throw proveError(`witness or proof generation failed for ${p.wasm}`, cause, signals);
  }
}
