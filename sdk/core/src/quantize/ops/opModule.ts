import type { QuantizedModel, QuantizedOp } from "../types.ts";

/**
 * Records the values the circuit range-checks (calibration sizes the checks from them) and,
 * when the evaluator checks, throws QuantizationRangeError for a value outside `bits` signed
 * bits. Returns the values.
 */
export type Checked = (values: bigint[], bits: number) => bigint[];

/** What an op's circuit block needs to know about where it sits in the model circuit. */
export interface EmitContext {
  model: QuantizedModel;
  /** The op's index in `model.layers`: a unique suffix for its vars and components. */
  k: number;
  /** Signal names of the op's inputs, in operand order. */
  ins: string[];
  /** Signal name of the op's output. */
  out: string;
  /** Number of output elements. */
  n: number;
}

/** A field-size requirement of an op: the decomposition `bits` wide that `what` needs. */
export interface BitNeed {
  what: string;
  bits: number;
}

/**
 * Everything one quantized op kind means, in one place: its integer semantics (what
 * `evaluateQuantized` computes and the circuit enforces bit for bit), its calibration (the
 * widths of its range checks and the proven bound of its output), its field-size needs and
 * its circuit block. Registered in ./index.ts, keyed by kind; the registry's type lists every
 * kind of the `QuantizedOp` union, so adding a kind without a module does not compile.
 *
 * Methods (not function properties) on purpose: one module can serve several kinds of one op
 * type (max and argmax).
 */
export interface OpModule<O extends QuantizedOp = QuantizedOp> {
  /** Library files (in circuits/) the op's circuit block uses. */
  templates(op: O): readonly string[];
  /** The integer semantics: the op's output from its inputs' values. */
  run(op: O, ins: bigint[][], checked: Checked): bigint[];
  /**
   * Sets the op's own widths from calibration (`checkedWidth`: the width that holds the
   * largest |value| passed to `checked`, headroom included) and its inputs' proven bits;
   * returns the proven bits of its output (null: nothing bounds it).
   */
  calibrate(op: O, c: { inBits: (number | null)[]; checkedWidth: number }): number | null;
  /** The decompositions the op needs (each must fit MAX_DECOMPOSITION_BITS). */
  bitNeeds(op: O, c: { inBits: (number | null)[]; outBits: number | null }): BitNeed[];
  /** The op's circom block, inside the model template (constants in vars, loops: no long expressions). */
  emit(op: O, ctx: EmitContext): string[];
}

/** circom array literal of constants. */
export const circomArray = (v: readonly (number | bigint)[]): string => `[${v.join(",")}]`;

/** A line writer that indents the op's lines inside the model template. */
export function blockWriter(): { lines: string[]; L: (s: string) => void } {
  const lines: string[] = [];
  return { lines, L: (s: string) => lines.push(`    ${s}`) };
}
