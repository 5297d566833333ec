import { createHash } from "node:crypto";
import { toField } from "@zkml-verify/core/internal/quantize/fixedPoint";
import type { QuantizedModel } from "@zkml-verify/core/internal/quantize/types";
import { INLINE_CONSTANT_BUDGET, outlineConstantTables } from "./constantTables.ts";
import { emitOp, opTemplates } from "./emitOps.ts";
import { emitPackedLinear } from "./emitPackedLinear.ts";
import {
  INPUT_COMMITMENT_VERSION,
  valuesPerElement,
} from "@zkml-verify/core/internal/quantize/inputCommitment";
import { packWeights } from "@zkml-verify/core/internal/quantize/packedWeights";
import { COMMITMENT_TAG, spongeHead } from "@zkml-verify/core/internal/quantize/poseidonSponge";
import { modelWeightCommitment } from "@zkml-verify/core/internal/quantize/weightCommitment";
import { publicSignalLayout } from "@zkml-verify/core/internal/layout/publicSignals";
import type {
  InputVisibility,
  OutputVisibility,
  PublicSignalPlan,
} from "@zkml-verify/core/internal/layout/publicSignals";
import type { SubmitterVisibility } from "@zkml-verify/core/internal/layout/publicSignals";

/** `fixed`: weights are circuit constants; `private`: a private witness bound by a commitment. */
export type WeightVisibility = "fixed" | "private";

export interface GenerateCircuitParameters {
  model: QuantizedModel;
  /** Fixed weights: the weight commitment (see `weightCommitment`), bound as a constant public signal. */
  weightCommitment?: bigint;
  inputVisibility?: InputVisibility;
  /** Default `fixed`. */
  weightVisibility?: WeightVisibility;
  /** Default `public`. */
  outputVisibility?: OutputVisibility;
  /** `bound`: a last public input `submitter` (the intended submitter's address). Default `none`. */
  submitter?: SubmitterVisibility;
  /**
   * Constant-table elements allowed inline in the model template (the larger tables become
   * lookup functions, see constantTables.ts). Default INLINE_CONSTANT_BUDGET; tests lower it.
   */
  inlineConstants?: number;
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

/** Library files (in circuits/) that a generated model includes. */
export const CIRCUIT_LIBRARY = [
  "rescale.circom",
  "compare.circom",
  "activation.circom",
  "commitment.circom",
  "packed-linear.circom",
  "piecewise.circom",
  "arith.circom",
  "topk.circom",
] as const;

/** Includes in a fixed order (the library's), whatever order the ops appear in. */
function libraryOrder(file: string): number {
  const i = (CIRCUIT_LIBRARY as readonly string[]).indexOf(file);
  return i < 0 ? CIRCUIT_LIBRARY.length : i;
}

/**
 * Generates the circom main circuit for a quantized model: weights as constants (`fixed`) or
 * as a private witness bound by the Poseidon weight commitment (`private`, see
 * packedWeights.ts); inputs public, private or hashed; outputs public or hashed.
 * Deterministic: the same model and options give the same bytes.
 *
 * @example
 * const { source } = generateCircuit({ model, weightCommitment: weightCommitment({ model }) });
 */
export function generateCircuit(p: GenerateCircuitParameters): GenerateCircuitReturnType {
  const { model } = p;
  const inputVisibility = p.inputVisibility ?? "public";
  const weightVisibility = p.weightVisibility ?? "fixed";
  const outputVisibility = p.outputVisibility ?? "public";
  if (weightVisibility === "fixed" && p.weightCommitment === undefined) {
    throw new TypeError("fixed weights need the weightCommitment");
  }
  const privateWeights = weightVisibility === "private";
  const packed = privateWeights ? packWeights({ model }) : [];
  const packedByOp = new Map(packed.map((q) => [q.op, q]));
  const submitter = p.submitter ?? "none";
  const publicSignals = publicSignalLayout({
    inputVisibility,
    outputVisibility,
    submitter,
    nInputs: model.nInputs,
    nOutputs: model.nOutputs,
  });
  const configSha256 = createHash("sha256")
    .update(
      JSON.stringify(
        {
          model,
          inputVisibility,
          weightVisibility,
          outputVisibility,
          ...(submitter === "bound" ? { submitter } : {}),
        },
        (_k, v) => (typeof v === "bigint" ? v.toString() : v),
      ),
    )
    .digest("hex");

  const hashes = inputVisibility === "hashed" || privateWeights || outputVisibility === "hashed";
  // rescale.circom always: the input range check uses it.
  const library = [
    ...new Set([
      "rescale.circom",
      ...opTemplates(model),
      ...(hashes ? ["commitment.circom"] : []),
      ...(privateWeights ? ["packed-linear.circom"] : []),
    ]),
  ].sort((a, b) => libraryOrder(a) - libraryOrder(b) || a.localeCompare(b));
  const lines: string[] = [
    "pragma circom 2.1.6;",
    "",
    `// generated from model sha256 ${model.modelSha256}, config sha256 ${configSha256}`,
    "// by sdk/node/src/circuit/generateCircuit.ts. Do not edit: regenerate with `zkml compile`.",
    "//",
    "// Constrained: out = the quantized model applied to in (integer semantics:",
    ...(privateWeights
      ? [
          "// sdk/core/src/quantize/runOps.ts), with the Gemm/MatMul/Conv weights and biases as a private",
          "// witness (packed: sdk/core/src/quantize/packedWeights.ts) and weightCommitment = the Poseidon",
          "// commitment to them; every other parameter is a constant of this circuit.",
        ]
      : [
          "// sdk/core/src/quantize/runOps.ts), with the weights as constants, and weightCommitment = the",
          "// commitment to the whole quantized model: architecture, wiring and parameters",
          "// (sdk/core/src/quantize/weightCommitment.ts).",
        ]),
    inputVisibility === "public"
      ? `// The inputs are public signals, range-checked to ${model.inputBits} signed bits (so no` +
        "\n// field element outside that range, e.g. x + k with W k = 0 mod p, has a witness)."
      : inputVisibility === "hashed"
        ? `// The inputs are private, range-checked to ${model.inputBits} signed bits and committed: inputCommitment (sdk/core/src/quantize/inputCommitment.ts).`
        : `// The private inputs are range-checked to ${model.inputBits} signed bits.`,
    ...(outputVisibility === "hashed"
      ? [
          "// The outputs are private; outputCommitment is their Poseidon commitment",
          "// (sdk/core/src/quantize/outputCommitment.ts).",
        ]
      : []),
    ...(privateWeights
      ? [
          "// NOTE: the commitment binds the weights; that they are the model's (and within the packing",
          "// bounds) is checked by whoever recomputes the commitment from the published weights.",
        ]
      : []),
    "",
    ...library.map((f) => `include "lib/${f}";`),
    "",
    "template Model() {",
    `    signal input in[${model.nInputs}];`,
    ...(submitter === "bound" ? SUBMITTER_LINES : []),
    "    signal output weightCommitment;",
    ...(inputVisibility === "hashed" ? ["    signal output inputCommitment;"] : []),
    outputVisibility === "hashed"
      ? `    signal output outputCommitment;\n    signal out[${model.nOutputs}];`
      : `    signal output out[${model.nOutputs}];`,
  ];
  if (!privateWeights) lines.push("", `    weightCommitment <== ${p.weightCommitment};`);
  const names = new Map<number, string>([[model.output, "out"]]);
  let inputSignal = "in";
  if (inputVisibility === "hashed") {
    lines.push(
      "",
      `    // hashed input: range check to ${model.inputBits} signed bits + Poseidon commitment`,
      `    component inHash = InputCommitment(${model.nInputs}, ${model.inputBits}, ${inputHead(model)});`,
      `    for (var i = 0; i < ${model.nInputs}; i++) inHash.in[i] <== in[i];`,
      "    inputCommitment <== inHash.out;",
    );
    inputSignal = "inHash.checked";
  } else {
    lines.push(
      "",
      `    // ${inputVisibility} input: range check to ${model.inputBits} signed bits`,
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
    const q = packedByOp.get(k);
    if (q && op.kind === "linear")
      lines.push(...emitPackedLinear({ model, op, k, packed: q, sig }));
    else lines.push(...emitOp(model, op, k, sig));
  });
  if (privateWeights) lines.push("", ...spongeLines("weightCommitment", "wHash", packed));
  if (outputVisibility === "hashed") {
    lines.push(
      "",
      `    // hashed output: Poseidon commitment to the ${model.nOutputs} output values`,
      `    component outHash = ${spongeTemplate(model.nOutputs, COMMITMENT_TAG.output)};`,
      `    for (var i = 0; i < ${model.nOutputs}; i++) outHash.in[i] <== out[i];`,
      "    outputCommitment <== outHash.out;",
    );
  }
  const publicInputs = [
    ...(inputVisibility === "public" ? ["in"] : []),
    ...(submitter === "bound" ? ["submitter"] : []),
  ];
  const main = publicInputs.length
    ? `component main {public [${publicInputs.join(", ")}]} = Model();`
    : "component main = Model();";
  lines.push("}", "", main, "");
  const start = lines.indexOf("template Model() {");
  const body = outlineConstantTables({
    lines: lines.slice(start),
    budget: p.inlineConstants ?? INLINE_CONSTANT_BUDGET,
  });
  const source = [...lines.slice(0, start), ...body.functions, ...body.lines].join("\n");
  // commitment.circom's circomlib include (poseidon_constants.circom) is copied as part of the
  // include closure (compileCircuit's libraryClosure)
  return { source, publicSignals, configSha256, library };
}

/**
 * The submitter binding (declared after `in`, so the last public signal): the intended
 * submitter's address as a field element, in one constraint so that it is part of the proof.
 * NOTE: not compared with anything here; the registry checks it against `msg.sender`.
 */
const SUBMITTER_LINES = [
  "    // submitter: the address that may submit this proof (the registry checks msg.sender);",
  "    // the dummy square keeps it in a constraint (as Semaphore does), so the proof binds it.",
  "    signal input submitter;",
  "    signal submitterSquare <== submitter * submitter;",
];

/**
 * The weight commitment for the model's weight visibility, then the circuit: the step that
 * `compileModel` and the manifest rebuild (`rebuildModel`) share, so both make the same bytes.
 *
 * @example
 * const { weightCommitment, circuit } = generateModelCircuit({ model, weights: "private", input: "hashed", output: "public" });
 */
export function generateModelCircuit(p: {
  model: QuantizedModel;
  weights: WeightVisibility;
  input: InputVisibility;
  output: OutputVisibility;
  /** Default `none`. */
  submitter?: SubmitterVisibility;
}): { weightCommitment: bigint; circuit: GenerateCircuitReturnType } {
  const weightCommitment = modelWeightCommitment({ model: p.model, weights: p.weights });
  const circuit = generateCircuit({
    model: p.model,
    weightCommitment,
    inputVisibility: p.input,
    weightVisibility: p.weights,
    outputVisibility: p.output,
    submitter: p.submitter,
  });
  return { weightCommitment, circuit };
}

/** `PoseidonSponge(E, HEAD)` over E elements with the commitment kind's tag (HEAD: `spongeHead`). */
function spongeTemplate(elements: number, tag: bigint): string {
  return `PoseidonSponge(${elements}, ${spongeHead({ tag, length: elements })})`;
}

/** The input commitment's sponge head: its tag and the number of packed elements. */
function inputHead(model: QuantizedModel): bigint {
  const elements = Math.ceil(model.nInputs / valuesPerElement(model.inputBits));
  return spongeHead({ tag: INPUT_COMMITMENT_VERSION, length: elements });
}

/** The private-weight commitment: one sponge over every op's w<k> then b<k>, in op order. */
function spongeLines(
  target: string,
  name: string,
  packed: ReturnType<typeof packWeights>,
): string[] {
  const total = packed.reduce((n, q) => n + q.weightElements.length + q.biasElements.length, 0);
  const lines = [
    `    // private weights: Poseidon commitment to the ${total} packed weight and bias elements`,
    `    component ${name} = ${spongeTemplate(total, COMMITMENT_TAG.privateWeights)};`,
  ];
  let at = 0;
  for (const q of packed) {
    for (const [arr, n] of [
      [`w${q.op}`, q.weightElements.length],
      [`b${q.op}`, q.biasElements.length],
    ] as const) {
      lines.push(`    for (var i = 0; i < ${n}; i++) ${name}.in[${at} + i] <== ${arr}[i];`);
      at += n;
    }
  }
  lines.push(`    ${target} <== ${name}.out;`);
  return lines;
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
  /** For hashed outputs: `outputCommitment({ outputs })`. */
  outputCommitment?: bigint;
  /** For a bound submitter: `submitterSignal(address)`. */
  submitter?: bigint;
}): bigint[] {
  const s = new Array<bigint>(p.plan.layout.nPublic).fill(0n);
  const { layout } = p.plan;
  s[layout.weightCommitmentIndex] = p.weightCommitment;
  if (layout.outputKind === 1) s[layout.outputOffset] = p.outputCommitment ?? 0n;
  else p.outputs.forEach((v, i) => (s[layout.outputOffset + i] = toField(v)));
  if (layout.inputKind === 0) p.input.forEach((v, i) => (s[layout.inputOffset + i] = toField(v)));
  if (layout.inputKind === 1) s[layout.inputOffset] = p.inputCommitment ?? 0n;
  if (layout.submitterKind === 1) s[layout.submitterIndex] = p.submitter ?? 0n;
  return s;
}
