/**
 * One error base for the whole SDK. Every failure a user can hit is a subclass with a
 * literal `name`, a short message, structured `details` (the op, node, file or value at
 * fault) and an optional `cause`.
 *
 * @example
 * try { await importOnnx({ file: "model.onnx" }) }
 * catch (e) { if (e instanceof UnsupportedOpError) console.error(e.details.op) }
 */
export class ZkmlError<D extends Record<string, unknown> = Record<string, unknown>> extends Error {
  override name: string = "ZkmlError";
  readonly details: D;

  constructor(message: string, options: { details?: D; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details ?? ({} as D);
  }

  /** Message plus details, one `key: value` per line, for CLI output. */
  describe(): string {
    const lines = Object.entries(this.details)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `  ${k}: ${formatValue(v)}`);
    return [`${this.name}: ${this.message}`, ...lines].join("\n");
  }
}

function formatValue(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return v;
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
}

/** The ONNX file cannot be read or decoded. */
export class OnnxParseError extends ZkmlError<{ file: string }> {
  override name = "OnnxParseError" as const;
}

/** onnxruntime failed while running a model that loaded fine (wrong input shape, bad op, ...). */
export class OnnxRuntimeError extends ZkmlError<{ file: string; step: "run" }> {
  override name = "OnnxRuntimeError" as const;
}

/** An ONNX operator (or one of its attributes) that the importer does not support. */
export class UnsupportedOpError extends ZkmlError<{
  op: string;
  node: string;
  attribute?: string;
  supported: readonly string[];
}> {
  override name = "UnsupportedOpError" as const;
}

/** A visibility option (private weights, hashed outputs) that this model cannot take. */
export class VisibilityError extends ZkmlError<{
  node: string;
  visibility: string;
  reason: string;
}> {
  override name = "VisibilityError" as const;
}

/** A tensor shape that is dynamic, missing or inconsistent. */
export class ShapeError extends ZkmlError<{ tensor: string; node?: string; shape?: unknown }> {
  override name = "ShapeError" as const;
}

/** An input or intermediate value that does not fit the circuit's fixed-point range. */
export class QuantizationRangeError extends ZkmlError<{
  tensor: string;
  index: number;
  value: string;
  min: string;
  max: string;
}> {
  override name = "QuantizationRangeError" as const;
}

/** Input data that is not what the model expects (length, NaN, Inf, format). */
export class InputError extends ZkmlError<{ input?: string; index?: number; value?: unknown }> {
  override name = "InputError" as const;
}

/** circom compilation failed. */
export class CircuitCompileError extends ZkmlError<{
  file: string;
  stderr: string;
  /** The witness wasm's largest function, when it is what V8 would refuse. */
  largestFunctionBytes?: number;
}> {
  override name = "CircuitCompileError" as const;
}

/** Trusted-setup or proving artifact problems (ptau too small, mismatched zkey, ...). */
export class SetupError extends ZkmlError<{ file?: string; needed?: number; have?: number }> {
  override name = "SetupError" as const;
}

/** Witness generation or proving failed, or a proof did not verify. */
export class ProofError extends ZkmlError<{ step: string }> {
  override name = "ProofError" as const;
}

/** A chain interaction failed (deploy, register, submit); carries the decoded revert. */
export class ChainError extends ZkmlError<{ action: string; reason?: string; txHash?: string }> {
  override name = "ChainError" as const;
}

/** The node rejected the transaction's nonce as already used (another tx from the same key landed first). */
export class NonceTooLowError extends ZkmlError<{
  action: string;
  nonce?: number;
  pendingFile?: string;
}> {
  override name = "NonceTooLowError" as const;
}

/** A transaction with the same nonce is pending and the new one does not pay enough more to replace it. */
export class ReplacementUnderpricedError extends ZkmlError<{
  action: string;
  nonce?: number;
  pendingFile?: string;
}> {
  override name = "ReplacementUnderpricedError" as const;
}

/** The sending account cannot pay gas * fee + value. */
export class InsufficientFundsError extends ZkmlError<{
  action: string;
  account?: string;
  pendingFile?: string;
}> {
  override name = "InsufficientFundsError" as const;
}

/** Gas estimation or the gas limit failed (out of gas, intrinsic gas too low, over the block limit). */
export class GasError extends ZkmlError<{ action: string; gas?: string; pendingFile?: string }> {
  override name = "GasError" as const;
}

/** No receipt within the timeout: the transaction may be dropped or still pending; resume from the pending file. */
export class TransactionTimeoutError extends ZkmlError<{
  action: string;
  txHash: string;
  timeoutMs: number;
  pendingFile?: string;
}> {
  override name = "TransactionTimeoutError" as const;
}

/**
 * A Groth16 key anyone can forge proofs with: no phase-2 contribution (delta = gamma = the G2
 * generator, as `snarkjs zkey new` leaves it), or delta equal to +-gamma / +-the generator.
 */
export class UntrustedKeyError extends ZkmlError<{
  file: string;
  reason:
    | "no-contribution"
    | "delta-equals-gamma"
    | "delta-is-generator"
    | "delta-is-infinity"
    | "unreadable-delta";
  contributions?: number;
}> {
  override name = "UntrustedKeyError" as const;
}

/** A key file (zkey, verification key, verifier) whose sha256 is not the manifest's record. */
export class KeyMismatchError extends ZkmlError<{
  file: string;
  expected: string;
  actual: string;
  manifest: string;
}> {
  override name = "KeyMismatchError" as const;
}

/** A single-party (development) setup about to be deployed or registered on a non-dev chain. */
export class DevSetupError extends ZkmlError<{
  network: string;
  chainId: number;
  system: string;
  reasons: string[];
  flag: "--allow-dev-setup";
}> {
  override name = "DevSetupError" as const;
}

/** The model folder has no key for the proof system (prove never runs a setup by itself). */
export class MissingKeyError extends ZkmlError<{
  file: string;
  system: string;
  deployment?: string;
  verifier?: string;
}> {
  override name = "MissingKeyError" as const;
}

/** A pending submission file that cannot be used: not JSON, a missing field, a mismatched id. */
export class CorruptSubmissionError extends ZkmlError<{ file: string; reason: string }> {
  override name = "CorruptSubmissionError" as const;
}

/**
 * The model already has a version with this weight commitment: registering it again would make
 * version n + 1 of the same weights. Pass `newVersion` (`zkml register --new-version`) to do it
 * on purpose (e.g. the same weights behind a new verifier after a ceremony).
 */
export class AlreadyRegisteredError extends ZkmlError<{
  modelId: string;
  weightCommitment: string;
  versions: number[];
  latestVersion: number;
  flag: "--new-version";
}> {
  override name = "AlreadyRegisteredError" as const;
}

/**
 * A command line the CLI cannot run: an unknown command or option, a missing argument, a value
 * outside the option's choices. `suggestion` is the nearest valid name, when one is close.
 */
export class UsageError extends ZkmlError<{
  command?: string;
  option?: string;
  value?: string;
  expected?: readonly string[];
  suggestion?: string;
}> {
  override name = "UsageError" as const;
}

/** A JSON-RPC endpoint or Hardhat network that cannot be reached, or that does not answer in time. */
export class ConnectionError extends ZkmlError<{
  network: string;
  /** The endpoint's origin only (a URL's path and query can carry an API key). */
  endpoint?: string;
  timeoutMs?: number;
  reason: "refused" | "timeout" | "unknown-network" | "bad-response" | "unreachable";
  known?: readonly string[];
}> {
  override name = "ConnectionError" as const;
}

/** A model parameter (weight, bias, constant) that is NaN or infinite, named with the node reading it. */
export class InvalidWeightError extends ZkmlError<{
  file: string;
  op: string;
  node: string;
  tensor: string;
  index: number;
  value: string;
}> {
  override name = "InvalidWeightError" as const;
}
