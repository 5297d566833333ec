import { sha256 } from "@noble/hashes/sha2";
import type { VerificationKey } from "snarkjs";
import { InputError, KeyMismatchError, ProofError } from "../errors.ts";
import type { SignalLayout } from "../layout/publicSignals.ts";
import type { Manifest } from "../manifest.ts";
import { circuitInput } from "../prove/circuitInput.ts";
import type { AnyProof, ProveStage } from "../prove/prove.ts";
import { prove as proveWith, proveError } from "../prove/prove.ts";
import { loadGroth16Key } from "../prove/groth16Key.ts";
import type { Groth16ProvingKey } from "../prove/groth16Key.ts";
import { loadWitnessGenerator } from "../prove/witness.ts";
import type { WitnessGenerator } from "../prove/witness.ts";
import { verifyProof } from "../prove/verifyProof.ts";
import { evaluateQuantized } from "../quantize/evaluateQuantized.ts";
import type { EvaluateQuantizedReturnType } from "../quantize/evaluateQuantized.ts";
import { fromField } from "../quantize/fixedPoint.ts";
import { splitOutputs } from "../quantize/modelInputs.ts";
import type { ModelInput } from "../quantize/modelInputs.ts";
import { quantizeInput } from "../quantize/quantizeInput.ts";
import type { QuantizedModel } from "../quantize/types.ts";
import type { ProofSystem } from "../prove/proofSystem.ts";
import { keepWorkersIdle } from "../util/snarkjsLogger.ts";

/** An artifact: its bytes, or a URL to fetch it from (browser or Node 20+ `fetch`). */
export type ArtifactSource = Uint8Array | ArrayBuffer | URL | string;

/** What a compiled model needs to prove and verify: the files `zkml compile` + `setup` write. */
export interface ModelArtifacts {
  /** manifest.json (object, bytes or URL). */
  manifest: Manifest | ArtifactSource;
  /** quantized.json (object, bytes or URL). */
  quantized: QuantizedModel | ArtifactSource;
  /** The circuit's witness generator, model_js/model.wasm. */
  wasm: ArtifactSource;
  /** The proving key for `system` (model.zkey, model.plonk.zkey, ...). */
  zkey: ArtifactSource;
  /** The verification key for `system` (object, bytes or URL). */
  verificationKey: VerificationKey | ArtifactSource;
}

export interface LoadModelParameters {
  artifacts: ModelArtifacts;
  /** Default: groth16. */
  system?: ProofSystem;
  /**
   * Check the wasm, zkey and verification key bytes against the manifest's sha256 (default
   * true): a key that is not the manifest's is refused with `KeyMismatchError`.
   */
  checkHashes?: boolean;
  /**
   * Groth16, for a model that proves many times (a server, the benchmark's warm stage): after
   * the first proof, precompute window multiples of the key's fixed bases in the background and
   * prove later proofs with them (`LoadGroth16KeyParameters.precomputeBases`; 784_56_10: ~40 MiB,
   * ~12 s of CPU once, ~0.4 s less per proof). Default false.
   */
  precomputeBases?: boolean;
}

/** The outputs a proof states, decoded: raw field values and floats at 2^outputFrac. */
export interface ModelOutputs {
  /** Signed integers at scale 2^outputFrac (an argmax output: the index); all outputs, concatenated. */
  raw: bigint[];
  /** In float units; all outputs, concatenated in the graph's order. */
  values: number[];
  /** `values` split by graph output name (one entry for a single-output model). */
  named: Record<string, number[]>;
  predictedClass: number;
}

export interface ModelProveParameters {
  /**
   * The model input: floats (flattened row-major, or by name: `{ a: [...], b: [...] }`,
   * required with several inputs), or the fixed-point integers `quantizeInput` returns.
   */
  input: ModelInput | readonly bigint[];
  /** For a model compiled with `submitter: "bound"`: the address that will submit the proof. */
  submitter?: string;
  /**
   * For a model compiled with private weights: another weight set of the same architecture
   * (`rebindWeights`), proven under its own commitment with the same key.
   */
  weights?: QuantizedModel;
  /** Called as each stage starts: the witness, then the proof (e.g. to show progress). */
  onProgress?: (stage: ProveStage) => void;
}

export interface ModelProof {
  system: ProofSystem;
  /** snarkjs proof object. */
  proof: AnyProof;
  /** ABI-encoded proof for the registry. */
  proofBytes: `0x${string}`;
  proofSize: number;
  /** Public signals as field elements, in the layout's order. */
  publicSignals: bigint[];
  /** The outputs the proof states (for hashed outputs: the ones its commitment opens to). */
  outputs: ModelOutputs;
  /** The weight commitment the proof carries. */
  weightCommitment: bigint;
  ms: number;
}

/** One compiled model, loaded once, proving and verifying many inputs (`loadModel`). */
export interface LoadedModel {
  readonly system: ProofSystem;
  readonly manifest: Manifest;
  readonly quantized: QuantizedModel;
  readonly layout: SignalLayout;
  /** Float input -> the circuit's fixed-point integers (length, finiteness, calibrated range). */
  quantizeInput(p: { input: ModelInput }): bigint[];
  /** The quantized evaluator: exactly the outputs the circuit proves. */
  evaluate(p: { input: ModelInput | readonly bigint[] }): EvaluateQuantizedReturnType;
  /** Witness and proof; the evaluator runs first, so a bad input fails with a named error. */
  prove(p: ModelProveParameters): Promise<ModelProof>;
  /** Off-chain verification with the model's verification key. */
  verify(p: { proof: AnyProof; publicSignals: readonly bigint[] }): Promise<boolean>;
  /** The outputs stated by public signals (public outputs only). */
  decodeOutputs(p: { publicSignals: readonly bigint[] }): ModelOutputs;
}

/**
 * Loads a compiled model's artifacts (bytes or URLs) once, for proving and verifying many
 * inputs: THE proving path, used by the CLI, the demo, the benchmark, the gas lab, the tests
 * and the browser. snarkjs's worker threads are left idle between calls, so a script exits
 * when its work is done.
 *
 * @example
 * const model = await loadModel({ artifacts: { manifest, quantized, wasm, zkey, verificationKey } });
 * const { proofBytes, publicSignals, outputs } = await model.prove({ input: [5.1, 3.5, 1.4, 0.2] });
 */
export async function loadModel(p: LoadModelParameters): Promise<LoadedModel> {
  const system = p.system ?? "groth16";
  const a = p.artifacts;
  const [manifestBytes, quantizedBytes, wasm, zkey, vkBytes] = await Promise.all([
    isObject(a.manifest) ? null : readSource(a.manifest),
    isObject(a.quantized) ? null : readSource(a.quantized),
    readSource(a.wasm),
    readSource(a.zkey),
    isObject(a.verificationKey) ? null : readSource(a.verificationKey),
  ]);
  const manifest = (manifestBytes ? parseJson(manifestBytes, "manifest") : a.manifest) as Manifest;
  const quantized = quantizedBytes
    ? reviveQuantized(parseJson(quantizedBytes, "quantized model"))
    : (a.quantized as QuantizedModel);
  const verificationKey = (
    vkBytes ? parseJson(vkBytes, "verification key") : a.verificationKey
  ) as VerificationKey;
  if (p.checkHashes ?? true) {
    const record = manifest.setups?.[system] ?? (system === "groth16" ? manifest.setup : undefined);
    if (!record) {
      throw new KeyMismatchError(`the manifest records no ${system} setup for these keys`, {
        details: {
          file: `${system} proving key`,
          expected: `setups.${system}`,
          actual: "none",
          manifest: "manifest.json",
        },
      });
    }
    checkHash("model.wasm", wasm, manifest.circuit.wasmSha256);
    checkHash(`${system} proving key`, zkey, record.zkeySha256);
    if (vkBytes) checkHash(`${system} verification key`, vkBytes, record.verificationKeySha256);
  }
  const { visibility } = manifest;
  const layout = manifest.publicSignals.layout;
  const toInput = (input: ModelInput | readonly bigint[], model = quantized) =>
    Array.isArray(input) && typeof input[0] === "bigint"
      ? (input as readonly bigint[])
      : quantizeInput({ model, input: input as ModelInput });
  const decode = (raw: bigint[], model: QuantizedModel): ModelOutputs => {
    const values = raw.map((v) => Number(v) / 2 ** model.outputFrac);
    const predictedClass =
      model.outputKind === "argmax" ? Number(raw[0]) : raw.indexOf(raw.reduce(maxOf, raw[0]));
    return { raw, values, named: splitOutputs({ model, values }), predictedClass };
  };
  // Compiled at the first proof and kept: later proofs skip WebAssembly compilation.
  let witness: Promise<WitnessGenerator> | undefined;
  const witnessGenerator = () =>
    (witness ??= loadWitnessGenerator({ wasm }).catch((cause: unknown) => {
      witness = undefined;
      throw proveError("the witness generator (model.wasm) cannot be compiled", cause);
    }));
  // A Groth16 key is parsed once and kept (groth16Key.ts); PLONK and FFLONK proofs read the
  // key's bytes with snarkjs. Its parse builds the curve (proverCurve.ts) once the witness
  // generator's instance exists, whether or not that failed (the proof reports it):
  // - a host's witness instantiation (Node: useProverV8Flags, a high V8 tier-up budget) must
  //   not cover the curve's instances, which would stay in baseline code (784_56_10, a fresh
  //   proof's MSMs and FFTs: 0.49 s, 0.77 s if they did);
  // - registered at load, it runs before a first proof's witness, so the curve's worker
  //   threads start while the witness is computed (~0.1 s of a fresh `zkml prove`).
  let parsedKey: Promise<Groth16ProvingKey> | undefined;
  const parseKey = () => loadGroth16Key({ zkey, precomputeBases: p.precomputeBases });
  const provingKey = (): Promise<Groth16ProvingKey | Uint8Array> =>
    system !== "groth16"
      ? Promise.resolve(zkey)
      : (parsedKey ??= witnessGenerator()
          .then(parseKey, parseKey)
          .catch((cause: unknown) => {
            parsedKey = undefined;
            throw proveError("the Groth16 proving key cannot be read", cause);
          }));
  // Both start now, in the background: the curve's worker threads start and compile while the
  // caller reads its input (784_56_10, a fresh `zkml prove`: ~0.3 s of the wall time). A failure
  // is reported by the proof that needs them (each is retried there).
  witnessGenerator().catch(ignore);
  keepWorkersIdle(provingKey).catch(ignore);
  return {
    system,
    manifest,
    quantized,
    layout,
    quantizeInput: ({ input }) => quantizeInput({ model: quantized, input }),
    evaluate: ({ input }) => evaluateQuantized({ model: quantized, input: toInput(input) }),
    async prove({ input, submitter, weights, onProgress }) {
      if (weights && visibility.weights !== "private") {
        throw new InputError("another weight set needs a model compiled with private weights", {
          details: { input: "weights", value: visibility.weights },
        });
      }
      if (visibility.submitter === "bound" && submitter === undefined) {
        throw new InputError(
          "this model binds the submitter: pass the address that will submit the proof",
          { details: { input: "submitter" } },
        );
      }
      const model = weights ?? quantized;
      const q = toInput(input, model);
      const expected = evaluateQuantized({ model, input: q });
      const signals = circuitInput({
        model,
        input: q,
        weights: visibility.weights,
        ...(visibility.submitter === "bound" ? { submitter } : {}),
      });
      onProgress?.("witness"); // the first proof compiles the generator: part of this stage
      const r = await keepWorkersIdle(async () => {
        // model.wasm compiles on V8's background threads while the key is parsed, and the
        // witness is computed while the key (the curve's worker threads, at a first proof)
        // still loads: in a fresh `zkml prove` of 784_56_10 it was waited for before
        const key = provingKey();
        key.catch(ignore); // awaited by proveWith
        const generator = await witnessGenerator();
        const later =
          onProgress && ((stage: ProveStage) => stage !== "witness" && onProgress(stage));
        return proveWith({ system, wasm: generator, zkey: key, input: signals, onProgress: later });
      });
      // Poseidon's constants load only for another weight set (~40 ms of a fresh process)
      const weightCommitment = weights
        ? (await import("../quantize/weightCommitment.ts")).privateWeightCommitment({
            model: weights,
          })
        : BigInt(manifest.weightCommitment);
      if (r.publicSignals[layout.weightCommitmentIndex] !== weightCommitment) {
        throw new ProofError("the proof's weight commitment is not the model's", {
          details: { step: "prove" },
        });
      }
      if (layout.outputKind === 0) {
        const stated = r.publicSignals
          .slice(layout.outputOffset, layout.outputOffset + layout.outputCount)
          .map(fromField);
        if (stated.some((v, i) => v !== expected.outputs[i])) {
          throw new ProofError("the circuit's outputs differ from the quantized evaluator's", {
            details: { step: "prove" },
          });
        }
      }
      return {
        system,
        proof: r.proof,
        proofBytes: r.proofBytes,
        proofSize: r.proofSize,
        publicSignals: r.publicSignals,
        outputs: decode(expected.outputs, model),
        weightCommitment,
        ms: r.ms,
      };
    },
    async verify({ proof, publicSignals }) {
      const { valid } = await keepWorkersIdle(() =>
        verifyProof({ system, verificationKey, proof, publicSignals }),
      );
      return valid;
    },
    decodeOutputs({ publicSignals }) {
      if (layout.outputKind !== 0) {
        throw new InputError(
          "the outputs are hashed: the public signals carry only their commitment",
          {
            details: { input: "publicSignals" },
          },
        );
      }
      const raw = publicSignals
        .slice(layout.outputOffset, layout.outputOffset + layout.outputCount)
        .map(fromField);
      return decode(raw, quantized);
    },
  };
}

const maxOf = (m: bigint, v: bigint) => (v > m ? v : m);
const ignore = () => {};

function isObject<T extends object>(v: T | ArtifactSource): v is T {
  return (
    typeof v === "object" &&
    v !== null &&
    !(v instanceof Uint8Array) &&
    !(v instanceof ArrayBuffer) &&
    !(v instanceof URL)
  );
}

/** Bytes of an artifact: as given, or fetched from its URL. */
export async function readSource(source: ArtifactSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const url = source.toString();
  let response: Response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw new InputError(`cannot fetch the artifact ${url}`, { details: { input: url }, cause });
  }
  if (!response.ok) {
    throw new InputError(`cannot fetch the artifact ${url}: HTTP ${response.status}`, {
      details: { input: url, value: response.status },
    });
  }
  return new Uint8Array(await response.arrayBuffer());
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new InputError(`the ${what} is not valid JSON`, { details: { input: what }, cause });
  }
}

/**
 * quantized.json stores every bigint as a decimal string: a linear op's weight and bias, a
 * piecewise op's coefficient table. The one reader of it (loadModel, readQuantizedModel).
 */
export function reviveQuantized(json: unknown): QuantizedModel {
  const model = json as QuantizedModel;
  for (const op of model.layers) {
    if (op.kind === "linear") {
      op.weight = op.weight.map((v) => BigInt(v));
      op.bias = op.bias.map((v) => BigInt(v));
    } else if (op.kind === "piecewise" && op.table) {
      op.table = op.table.map((row) => row.map((v) => BigInt(v)));
    }
  }
  return model;
}

function checkHash(what: string, bytes: Uint8Array, expected: string): void {
  const actual = Array.from(sha256(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
  if (actual !== expected) {
    throw new KeyMismatchError(`the ${what} is not the one the manifest records`, {
      details: { file: what, expected, actual, manifest: "manifest.json" },
    });
  }
}
