import { createHash } from "node:crypto";
import { ZkmlError } from "../errors.ts";
import { toField } from "../quantize/fixedPoint.ts";
import type { QuantizedLayer, QuantizedModel } from "../quantize/types.ts";
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
}

/** Library files (in circuits/) that a generated model includes. */
export const CIRCUIT_LIBRARY = ["rescale.circom"] as const;

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
  if (inputVisibility === "hashed") {
    throw new ZkmlError("input visibility 'hashed' is not implemented yet; use public or private", {
      details: { inputVisibility },
    });
  }
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

  const lines: string[] = [
    "pragma circom 2.1.6;",
    "",
    `// generated from model sha256 ${model.modelSha256}, config sha256 ${configSha256}`,
    "// by sdk/src/circuit/generateCircuit.ts. Do not edit: regenerate with `zkml compile`.",
    "//",
    "// Constrained: out = the quantized model applied to in (see sdk/src/quantize/types.ts),",
    "// with the weights as constants, and weightCommitment = the commitment to those weights.",
    inputVisibility === "private"
      ? "// NOTE: the input is private and not range-checked here; it is bound by nothing public."
      : "// NOTE: the inputs are public signals; their meaning (scale 2^" +
        model.inputFrac +
        ") is checked by the verifier's user.",
    "",
    ...CIRCUIT_LIBRARY.map((f) => `include "lib/${f}";`),
    "",
    "template Model() {",
    `    signal input in[${model.nInputs}];`,
    "    signal output weightCommitment;",
    `    signal output out[${model.nOutputs}];`,
    "",
    `    weightCommitment <== ${weightCommitment};`,
  ];
  let prev = "in";
  model.layers.forEach((layer, li) => {
    const last = li === model.layers.length - 1;
    lines.push("", ...layerSource(layer, li, prev, last ? "out" : `a${li}`, !last));
    prev = `a${li}`;
  });
  const main =
    inputVisibility === "public"
      ? "component main {public [in]} = Model();"
      : "component main = Model();";
  lines.push("}", "", main, "");
  return { source: lines.join("\n"), publicSignals, configSha256 };
}

function layerSource(
  layer: QuantizedLayer,
  li: number,
  input: string,
  output: string,
  declare: boolean,
): string[] {
  const { inFeatures: n, outFeatures: m } = layer;
  const rows: string[] = [];
  for (let o = 0; o < m; o++) rows.push(`[${layer.weight.slice(o * n, (o + 1) * n).join(",")}]`);
  const desc = layer.rescale
    ? `rescale 2^-${layer.rescale.shift}, ${layer.rescale.quotientBits}-bit quotient${layer.relu ? ", ReLU" : ""}`
    : "no rescale (outputs are the accumulators)";
  const out: string[] = [`    // layer ${li}: ${layer.name}, Dense ${n} -> ${m}, ${desc}`];
  out.push(`    var W${li}[${m}][${n}] = [`, `        ${rows.join(",\n        ")}`, "    ];");
  out.push(`    var B${li}[${m}] = [${layer.bias.join(",")}];`);
  if (declare) out.push(`    signal ${output}[${m}];`);
  if (layer.rescale) out.push(`    component r${li}[${m}];`);
  out.push(`    for (var o = 0; o < ${m}; o++) {`, `        var acc = B${li}[o];`);
  out.push(`        for (var i = 0; i < ${n}; i++) acc += W${li}[o][i] * ${input}[i];`);
  if (layer.rescale) {
    const t = layer.relu ? "RescaleRelu" : "Rescale";
    out.push(`        r${li}[o] = ${t}(${layer.rescale.shift}, ${layer.rescale.quotientBits});`);
    out.push(`        r${li}[o].in <== acc;`, `        ${output}[o] <== r${li}[o].out;`);
  } else {
    out.push(`        ${output}[o] <== acc;`);
  }
  out.push("    }");
  return out;
}

/** Public signals of an evaluation, as field elements in layout order (for checks and tests). */
export function expectedPublicSignals(p: {
  plan: PublicSignalPlan;
  weightCommitment: bigint;
  input: readonly bigint[];
  outputs: readonly bigint[];
}): bigint[] {
  const s = new Array<bigint>(p.plan.layout.nPublic).fill(0n);
  const { layout } = p.plan;
  s[layout.weightCommitmentIndex] = p.weightCommitment;
  p.outputs.forEach((v, i) => (s[layout.outputOffset + i] = toField(v)));
  if (layout.inputKind === 0) p.input.forEach((v, i) => (s[layout.inputOffset + i] = toField(v)));
  return s;
}
