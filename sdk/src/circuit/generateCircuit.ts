import { createHash } from "node:crypto";
import { toField } from "../quantize/fixedPoint.ts";
import type { QuantizedModel } from "../quantize/types.ts";
import { emitOp } from "./emitOps.ts";
import { INPUT_COMMITMENT_VERSION } from "../quantize/inputCommitment.ts";
import { publicSignalLayout } from "./publicSignals.ts";
import type { InputVisibility, PublicSignalPlan } from "./publicSignals.ts";

export interface GenerateCircuitParameters {
  model: QuantizedModel;
  /** The weight commitment (see `weightCommitment`), bound as a public signal. */
  weightCommitment: bigint;
  inputVisibility?: InputVisibility;
}

export interface GenerateCircuitReturnType {
  /** The main circuit's source. */
  source: string;
  /** Public signals, in order, as the circuit declares them. */
  publicSignals: PublicSignalPlan;
  /** sha256 of the generator configuration (quantized model + visibility). */
  configSha256: string;
  /** Library files (in circuits/) the circuit includes. */
  library: string[];
}

/** circomlib files the input commitment needs (copied next to the library). */
const POSEIDON_FILES = ["circomlib/poseidon.circom", "circomlib/poseidon_constants.circom"];

/** Library files (in circuits/) that a generated model includes. */
export const CIRCUIT_LIBRARY = ["rescale.circom", "compare.circom", "activation.circom"] as const;

/**
 * Generates the circom main circuit for a quantized model, with the weights as constants.
 * Deterministic: the same model and options give the same bytes.
 *
 * @example
 * const { source } = generateCircuit({ model, weightCommitment: weightCommitment({ model }) });
 */
export function generateCircuit(p: GenerateCircuitParameters): GenerateCircuitReturnType {
  const { model, weightCommitment } = p;
  const inputVisibility = p.inputVisibility ?? "public";
  const publicSignals = publicSignalLayout({
    inputVisibility,
    nInputs: model.nInputs,
    nOutputs: model.nOutputs,
  });
  const configSha256 = createHash("sha256")
    .update(
      JSON.stringify({ model, inputVisibility }, (_k, v) =>
        typeof v === "bigint" ? v.toString() : v,
      ),
    )
    .digest("hex");

  const kinds = new Set(model.layers.map((op) => op.kind));
  const library = [
    "rescale.circom",
    ...(["max", "argmax", "clip"].some((k) => kinds.has(k as never)) ? ["compare.circom"] : []),
    ...(["mul", "leaky", "poly"].some((k) => kinds.has(k as never)) ? ["activation.circom"] : []),
    ...(inputVisibility === "hashed" ? ["commitment.circom"] : []),
  ];
  const lines: string[] = [
    "pragma circom 2.1.6;",
    "",
    `// generated from model sha256 ${model.modelSha256}, config sha256 ${configSha256}`,
    "// by sdk/src/circuit/generateCircuit.ts. Do not edit: regenerate with `zkml compile`.",
    "//",
    "// Constrained: out = the quantized model applied to in (integer semantics:",
    "// sdk/src/quantize/runOps.ts), with the weights as constants, and weightCommitment = the",
    "// commitment to those weights (sdk/src/quantize/weightCommitment.ts).",
    inputVisibility === "public"
      ? `// NOTE: the inputs are public signals and are not range-checked here: their meaning (scale 2^${model.inputFrac}, ${model.inputBits}-bit) is checked by the verifier's user.`
      : inputVisibility === "hashed"
        ? `// The inputs are private, range-checked to ${model.inputBits} signed bits and committed: inputCommitment (sdk/src/quantize/inputCommitment.ts).`
        : `// The private inputs are range-checked to ${model.inputBits} signed bits.`,
    "",
    ...library.map((f) => `include "lib/${f}";`),
    "",
    "template Model() {",
    `    signal input in[${model.nInputs}];`,
    "    signal output weightCommitment;",
    ...(inputVisibility === "hashed" ? ["    signal output inputCommitment;"] : []),
    `    signal output out[${model.nOutputs}];`,
    "",
    `    weightCommitment <== ${weightCommitment};`,
  ];
  const names = new Map<number, string>([[model.output, "out"]]);
  let inputSignal = "in";
  if (inputVisibility === "hashed") {
    lines.push(
      "",
      `    // hashed input: range check to ${model.inputBits} signed bits + Poseidon commitment`,
      `    component inHash = InputCommitment(${model.nInputs}, ${model.inputBits}, ${INPUT_COMMITMENT_VERSION});`,
      `    for (var i = 0; i < ${model.nInputs}; i++) inHash.in[i] <== in[i];`,
      "    inputCommitment <== inHash.out;",
    );
    inputSignal = "inHash.checked";
  } else if (inputVisibility === "private") {
    lines.push(
      "",
      `    // private input: range check to ${model.inputBits} signed bits`,
      `    signal inChecked[${model.nInputs}];`,
      `    component inRange[${model.nInputs}];`,
      `    for (var i = 0; i < ${model.nInputs}; i++) {`,
      `        inRange[i] = Rescale(0, ${model.inputBits});`,
      "        inRange[i].in <== in[i];",
      "        inChecked[i] <== inRange[i].out;",
      "    }",
    );
    inputSignal = "inChecked";
  }
  names.set(0, inputSignal);
  const sig = (id: number) => names.get(id) ?? `t${id}`;
  model.layers.forEach((op, k) => {
    lines.push("");
    if (op.output !== model.output) {
      const n = model.tensors[op.output].shape.reduce((a, b) => a * b, 1);
      lines.push(`    signal t${op.output}[${n}];`);
    }
    lines.push(...emitOp(model, op, k, sig));
  });
  const main =
    inputVisibility === "public"
      ? "component main {public [in]} = Model();"
      : "component main = Model();";
  lines.push("}", "", main, "");
  const copied = inputVisibility === "hashed" ? [...library, ...POSEIDON_FILES] : library;
  return { source: lines.join("\n"), publicSignals, configSha256, library: copied };
}

/**
 * Public signals of an evaluation, as field elements in layout order (for checks and tests).
 *
 * @example
 * const s = expectedPublicSignals({ plan, weightCommitment, input, outputs });
 */
export function expectedPublicSignals(p: {
  plan: PublicSignalPlan;
  weightCommitment: bigint;
  input: readonly bigint[];
  outputs: readonly bigint[];
  /** For hashed inputs: `inputCommitment({ model, input })`. */
  inputCommitment?: bigint;
}): bigint[] {
  const s = new Array<bigint>(p.plan.layout.nPublic).fill(0n);
  const { layout } = p.plan;
  s[layout.weightCommitmentIndex] = p.weightCommitment;
  p.outputs.forEach((v, i) => (s[layout.outputOffset + i] = toField(v)));
  if (layout.inputKind === 0) p.input.forEach((v, i) => (s[layout.inputOffset + i] = toField(v)));
  if (layout.inputKind === 1) s[layout.inputOffset] = p.inputCommitment ?? 0n;
  return s;
}
