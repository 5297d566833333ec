/**
 * The public-signal layout: the ONE definition of which public signals a model circuit
 * exposes, in which order, and what each means. The circuit generator declares its signals
 * from it, the SDK's proof type indexes into it, and the registry stores the same fields
 * (`IModelRegistry.SignalLayout`) to find the commitment, the inputs and the outputs.
 *
 * Order (circom puts public outputs first, then public inputs, each in declaration order):
 *   [weightCommitment] [inputCommitment if input is hashed]
 *   [outputs... | outputCommitment if output is hashed] [inputs... if public]
 *   [submitter if bound]
 */

import { InputError } from "../errors.ts";

export type InputVisibility = "public" | "private" | "hashed";
export type OutputVisibility = "public" | "hashed";
/**
 * `none`: anyone may submit a proof. `bound`: the circuit takes the intended submitter's address
 * as its last public signal and the registry records the proof only from that address, so a
 * copy from the mempool cannot be recorded under the copier's (front-running).
 */
export type SubmitterVisibility = "none" | "bound";

/** Field-for-field the Solidity struct `IModelRegistry.SignalLayout`. */
export interface SignalLayout {
  /** Total number of public signals. */
  nPublic: number;
  /** Index of the weight commitment (always 0). */
  weightCommitmentIndex: number;
  /** 0 = public inputs (the slice is hashed with keccak256 on-chain), 1 = a Poseidon commitment, 2 = private (no input signal). */
  inputKind: number;
  /** First index of the input slice (or of the input commitment). */
  inputOffset: number;
  /** Number of input signals (1 for a commitment, 0 for private). */
  inputCount: number;
  /** First index of the outputs. */
  outputOffset: number;
  /** Number of output signals (1 for a commitment). */
  outputCount: number;
  /** 0 = the output values, 1 = one Poseidon commitment to them (`outputCommitment`). */
  outputKind: number;
  /** 0 = none, 1 = bound: the signal at `submitterIndex` is the address that must submit. */
  submitterKind: number;
  /** Index of the submitter signal (the last signal when bound, 0 when none). */
  submitterIndex: number;
}

export const INPUT_KIND = { public: 0, hashed: 1, private: 2 } as const satisfies Record<
  InputVisibility,
  number
>;

/** Names of the public signals in order, as the circuit generator declares them. */
export interface PublicSignalPlan {
  layout: SignalLayout;
  names: string[];
}

export const OUTPUT_KIND = { public: 0, hashed: 1 } as const satisfies Record<
  OutputVisibility,
  number
>;

export const SUBMITTER_KIND = { none: 0, bound: 1 } as const satisfies Record<
  SubmitterVisibility,
  number
>;

export interface PublicSignalLayoutParameters {
  inputVisibility: InputVisibility;
  /** Default `public`. */
  outputVisibility?: OutputVisibility;
  /** Default `none`. */
  submitter?: SubmitterVisibility;
  nInputs: number;
  nOutputs: number;
}

/**
 * Builds the layout for a model.
 *
 * @example
 * const { layout, names } = publicSignalLayout({ inputVisibility: "public", nInputs: 4, nOutputs: 3 });
 * // names: ["weightCommitment", "out[0]", "out[1]", "out[2]", "in[0]", ..., "in[3]"]
 */
export function publicSignalLayout(p: PublicSignalLayoutParameters): PublicSignalPlan {
  const names = ["weightCommitment"];
  const hashed = p.inputVisibility === "hashed";
  if (hashed) names.push("inputCommitment");
  const outputOffset = names.length;
  const outputHashed = p.outputVisibility === "hashed";
  if (outputHashed) names.push("outputCommitment");
  else for (let i = 0; i < p.nOutputs; i++) names.push(`out[${i}]`);
  const isPublic = p.inputVisibility === "public";
  const publicInputOffset = names.length;
  if (isPublic) for (let i = 0; i < p.nInputs; i++) names.push(`in[${i}]`);
  const bound = p.submitter === "bound";
  if (bound) names.push("submitter");
  const layout: SignalLayout = {
    nPublic: names.length,
    weightCommitmentIndex: 0,
    inputKind: INPUT_KIND[p.inputVisibility],
    inputOffset: hashed ? 1 : isPublic ? publicInputOffset : 0,
    inputCount: hashed ? 1 : isPublic ? p.nInputs : 0,
    outputOffset,
    outputCount: outputHashed ? 1 : p.nOutputs,
    outputKind: OUTPUT_KIND[p.outputVisibility ?? "public"],
    submitterKind: SUBMITTER_KIND[p.submitter ?? "none"],
    submitterIndex: bound ? names.length - 1 : 0,
  };
  return { layout, names };
}

/** Reads the parts of a public-signal vector by the layout. */
export function splitPublicSignals(layout: SignalLayout, signals: readonly bigint[]) {
  if (signals.length !== layout.nPublic) {
    throw new RangeError(`expected ${layout.nPublic} public signals, got ${signals.length}`);
  }
  return {
    weightCommitment: signals[layout.weightCommitmentIndex],
    inputs: signals.slice(layout.inputOffset, layout.inputOffset + layout.inputCount),
    outputs: signals.slice(layout.outputOffset, layout.outputOffset + layout.outputCount),
    /** The bound submitter's address (as a field element), when the layout binds one. */
    submitter:
      layout.submitterKind === SUBMITTER_KIND.bound ? signals[layout.submitterIndex] : undefined,
  };
}

/** The BN254 scalar field order r: every public signal must be below it (the registry checks). */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/**
 * The submitter signal for an address: the 160-bit address as a field element (what the
 * circuit's `submitter` input takes and the registry compares with `msg.sender`).
 *
 * @example
 * circuitInput({ model, input, submitter: "0xf39F..." }); // uses submitterSignal internally
 */
export function submitterSignal(address: string): bigint {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new InputError(
      `submitter must be a 20-byte hex address, got ${JSON.stringify(address)}`,
      {
        details: { input: "submitter", value: address },
      },
    );
  }
  return BigInt(address);
}
