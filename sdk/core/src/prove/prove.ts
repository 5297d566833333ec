import type { Groth16Proof, UniversalProof } from "snarkjs";
import { snarkjs } from "../util/snarkjs.ts";
import { ProofError } from "../errors.ts";
import { submitterSignal } from "../layout/publicSignals.ts";
import { toField } from "../quantize/fixedPoint.ts";
import type { ProofSystem } from "./proofSystem.ts";
import { encodeProof } from "./encodeProof.ts";
import { isGroth16ProvingKey, loadGroth16Key } from "./groth16Key.ts";
import type { Groth16ProvingKey } from "./groth16Key.ts";
import { proveGroth16WithKey } from "./groth16Prover.ts";
import { computeWitness, isWitnessGenerator } from "./witness.ts";
import type { WitnessGenerator } from "./witness.ts";
import { keepWorkersIdle } from "../util/snarkjsLogger.ts";

export type AnyProof = Groth16Proof | UniversalProof;

export interface ProveParameters {
  system: ProofSystem;
  /**
   * The witness generator (model.wasm): a path (Node), a URL (browser), its bytes, or one
   * compiled already (`loadWitnessGenerator`: what a loaded model keeps between proofs).
   */
  wasm: string | Uint8Array | WitnessGenerator;
  /**
   * The proving key: a path, a URL, its bytes, or (Groth16) one parsed already
   * (`loadGroth16Key`: what a loaded model keeps between proofs). A Groth16 key given as bytes
   * or parsed is proven with `proveGroth16WithKey`; a path or URL, and PLONK / FFLONK keys, with
   * snarkjs. A promise of bytes or a parsed key (one still loading) is awaited after the
   * witness, which is computed meanwhile.
   */
  zkey: string | Uint8Array | Groth16ProvingKey | Promise<Uint8Array | Groth16ProvingKey>;
  /** Fixed-point model input (signal `in`, see `quantizeInput`), or a full signal object. */
  input: readonly bigint[] | Record<string, unknown>;
  /**
   * For a model compiled with `submitter: "bound"`: the address that will submit the proof (the
   * registry records it only from that address). Sets the `submitter` signal of the input.
   */
  submitter?: string;
  /** Called as each stage starts: the witness (model.wasm), then the proof (snarkjs). */
  onProgress?: (stage: ProveStage) => void;
}

/** The stages of a proof, in order, as `onProgress` reports them. */
export type ProveStage = "witness" | "proof";

export interface ProveReturnType {
  system: ProofSystem;
  proof: AnyProof;
  /** Public signals as field elements, in the layout's order. */
  publicSignals: bigint[];
  /** ABI-encoded proof for `IProofVerifier.verify` (Groth16 256 bytes, PLONK/FFLONK 768). */
  proofBytes: `0x${string}`;
  /** Size of the proof in bytes as sent on-chain. */
  proofSize: number;
  ms: number;
}

/**
 * Witness from the circuit's wasm, then a proof with snarkjs for the chosen system.
 *
 * @example
 * const { proofBytes, publicSignals } = await prove({ system: "plonk", wasm, zkey, input });
 */
export function prove(p: ProveParameters): Promise<ProveReturnType> {
  return keepWorkersIdle(() => runProve(p));
}

/** `prove` outside keepWorkersIdle (the caller holds the worker threads). */
async function runProve(p: ProveParameters): Promise<ProveReturnType> {
  const start = performance.now();
  const signals = withSubmitter(
    Array.isArray(p.input)
      ? { in: (p.input as readonly bigint[]).map((v) => toField(v).toString()) }
      : (p.input as Record<string, unknown>),
    p.submitter,
  );
  const checkSystem = (zkey: unknown) => {
    if (isGroth16ProvingKey(zkey) && p.system !== "groth16") {
      throw new ProofError(`a parsed Groth16 proving key cannot make a ${p.system} proof`, {
        details: { step: "prove" },
      });
    }
  };
  checkSystem(p.zkey);
  // a key still loading is awaited after the witness: handled now, so that its failure in the
  // meantime is reported there, not as an unhandled rejection
  if (p.zkey instanceof Promise) p.zkey.catch(() => undefined);
  const failed = (cause: unknown) =>
    proveError(
      `witness or ${p.system} proof generation failed for ${nameOf(p.wasm)}`,
      cause,
      signals,
    );
  // What snarkjs's fullProve does, in two steps so a caller can show them: the witness
  // (bytes of a .wtns file, in memory), then the proof.
  let data: Uint8Array;
  try {
    p.onProgress?.("witness");
    data = await computeWitness({ wasm: p.wasm, signals });
  } catch (cause) {
    throw failed(cause);
  }
  // a key still loading (a promise) was loading while the witness was computed; its own
  // failure is reported as it is
  const zkey = await p.zkey;
  checkSystem(zkey);
  let r: { proof: AnyProof; publicSignals: string[] };
  try {
    p.onProgress?.("proof");
    if (p.system === "groth16" && typeof zkey !== "string") {
      const key = isGroth16ProvingKey(zkey) ? zkey : await loadGroth16Key({ zkey });
      const proving = proveGroth16WithKey({ key, wtns: data });
      // snarkjs loads while the worker threads prove, for the verification that usually follows
      snarkjs().catch(() => undefined);
      r = await proving;
    } else {
      const prover = (await snarkjs())[p.system];
      r = await prover.prove(fileOf(zkey as string | Uint8Array), {
        type: "mem",
        data,
      } as unknown as string);
    }
  } catch (cause) {
    throw failed(cause);
  }
  const protocol = (r.proof as { protocol?: string }).protocol;
  if (protocol !== p.system) {
    const key = typeof zkey === "string" ? zkey : "the proving key";
    throw new ProofError(`${key} is a ${protocol} key, not ${p.system}`, {
      details: { step: "prove" },
    });
  }
  const proofBytes =
    p.system === "groth16"
      ? encodeProof({ system: "groth16", proof: r.proof as Groth16Proof })
      : encodeProof({ system: p.system, proof: r.proof as UniversalProof });
  return {
    system: p.system,
    proof: r.proof,
    publicSignals: r.publicSignals.map(BigInt),
    proofBytes,
    proofSize: (proofBytes.length - 2) / 2,
    ms: performance.now() - start,
  };
}

/** The witness input with the bound submitter's signal, when one is given. */
export function withSubmitter(
  signals: Record<string, unknown>,
  submitter: string | undefined,
): Record<string, unknown> {
  if (submitter === undefined) return signals;
  return { ...signals, submitter: submitterSignal(submitter).toString() };
}

/**
 * A ProofError; when the witness lacks an input and none named `submitter` was given, the
 * message says that a bound circuit needs it.
 */
export function proveError(
  message: string,
  cause: unknown,
  signals?: Record<string, unknown>,
): ProofError {
  const missing =
    /Not all inputs have been set|Not enough values for input signal submitter/.test(
      String(cause),
    ) && !(signals && "submitter" in signals);
  return new ProofError(
    missing
      ? `${message}: an input is missing; if the model was compiled with submitter "bound", pass the address that will submit the proof (submitter, zkml prove --submitter 0x...)`
      : message,
    { details: { step: "prove" }, cause },
  );
}

/** snarkjs (fastfile) reads a path or URL, or bytes as an in-memory file. */
const fileOf = (f: string | Uint8Array) =>
  typeof f === "string" ? f : ({ type: "mem", data: f } as unknown as string);

const nameOf = (f: string | Uint8Array | WitnessGenerator) =>
  typeof f === "string"
    ? f
    : `the witness generator (${isWitnessGenerator(f) ? f.wasmBytes : f.length} bytes)`;
