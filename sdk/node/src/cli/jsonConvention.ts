/**
 * The one JSON convention of every `zkml ... --json` output (documented in the README's CLI
 * section; test/cli/jsonConvention.test.ts checks these helpers, and the CLI tests the commands):
 *
 * | value                                                       | JSON                                       |
 * | ----------------------------------------------------------- | ------------------------------------------ |
 * | bytes32: commitments, model ids, prediction ids, tx hashes  | "0x" + 64 lowercase hex digits (`bytes32`) |
 * | uint256: gas, wei, public signals, field elements           | decimal string (`uint`)                    |
 * | block numbers, chain ids, versions, counts, sizes, seconds  | number (`blockNumber` for bigints)         |
 * | proof bytes (ABI-encoded for the registry)                  | `proofBytes`: "0x" hex; `proofSize`: bytes |
 * | model outputs                                               | `outputs` (dequantized floats) next to     |
 * |                                                             | `outputsRaw` (signed fixed-point integers  |
 * |                                                             | at 2^outputFrac, decimal strings)          |
 *
 * Anything else that is a bigint prints as a decimal string (`printJson`).
 */
import type { ModelOutputs } from "@zkml-verify/core/internal/model/loadModel";
import { fromField } from "@zkml-verify/core/internal/quantize/fixedPoint";

export type Hex32 = `0x${string}`;

const BYTES32_HEX_DIGITS = 64;

/** A bytes32 value (a field element, a hash, an id) as "0x" + 64 lowercase hex digits. */
export function bytes32(x: bigint | string | number): Hex32 {
  const n = BigInt(x);
  if (n < 0n || n >= 1n << 256n) throw new RangeError(`${x} is not a bytes32 value`);
  return `0x${n.toString(16).padStart(BYTES32_HEX_DIGITS, "0")}`;
}

/** A uint256 quantity (gas, wei, a public signal) as a decimal string. */
export const uint = (x: bigint | number | string): string => BigInt(x).toString();

/** A block number as a JSON number (block numbers stay far below 2^53); null when unknown. */
export const blockNumber = (x: bigint | number | string | null | undefined): number | null =>
  x === null || x === undefined ? null : Number(x);

/** The outputs of a proof: dequantized next to raw, plus the predicted class. */
export function outputsJson(o: Pick<ModelOutputs, "raw" | "values" | "predictedClass">) {
  return {
    outputs: o.values,
    outputsRaw: o.raw.map(uint),
    predictedClass: o.predictedClass,
  };
}

/**
 * Signed fixed-point outputs as the chain states them (field elements: p - x for a negative x),
 * decoded to `outputsJson`: `raw` are the signed integers at 2^outputFrac.
 */
export function outputsFromField(p: {
  field: readonly bigint[];
  outputFrac: number;
  argmax?: boolean;
}) {
  const raw = p.field.map(fromField);
  const values = p.argmax ? raw.map(Number) : raw.map((v) => Number(v) / 2 ** p.outputFrac);
  const predictedClass = p.argmax
    ? Number(raw[0])
    : raw.indexOf(raw.reduce((a, b) => (b > a ? b : a), raw[0]));
  return outputsJson({ raw, values, predictedClass });
}

/** JSON.stringify replacer of the convention: bigints as decimal strings (uint256). */
export const jsonReplacer = (_key: string, v: unknown): unknown =>
  typeof v === "bigint" ? v.toString() : v;

/** `value` as indented JSON text, bigints as decimal strings. */
export const toJsonText = (value: unknown): string => JSON.stringify(value, jsonReplacer, 2);

/** Prints `value` as JSON on stdout (the `--json` result of a command). */
export function printJson(value: unknown): void {
  process.stdout.write(toJsonText(value) + "\n");
}

/**
 * A submission result (submitPrediction, resumeSubmission) in the convention: the event's
 * outputs decoded next to raw (or, for hashed outputs, `outputCommitment` as bytes32), gas as a
 * decimal string, the block number as a number.
 */
export function submissionJson<
  R extends {
    outputs?: readonly bigint[];
    gasUsed?: bigint | string | null;
    blockNumber?: unknown;
  },
>(
  r: R,
  manifest: {
    quantization: { outputFrac: number; outputKind: "logits" | "argmax" };
    visibility: { output: string };
  },
) {
  const { outputs, gasUsed, blockNumber: block, ...rest } = r;
  const decoded =
    outputs === undefined
      ? {}
      : manifest.visibility.output === "hashed"
        ? { outputCommitment: bytes32(outputs[0]) }
        : outputsFromField({
            field: outputs,
            outputFrac: manifest.quantization.outputFrac,
            argmax: manifest.quantization.outputKind === "argmax",
          });
  return {
    ...rest,
    ...decoded,
    ...(gasUsed === undefined ? {} : { gasUsed: gasUsed === null ? null : uint(gasUsed) }),
    ...(block === undefined ? {} : { blockNumber: blockNumber(block as bigint | null) }),
  };
}
