import { VisibilityError } from "@zkml-verify/core/internal/errors";
import type { ModelIR } from "../onnx/ir.ts";
import { linearTerms } from "../onnx/linearTerms.ts";
import type { LinearIrNode } from "../onnx/linearTerms.ts";
import type { LinearOp, QuantizedModel } from "@zkml-verify/core/internal/quantize/types";

/**
 * Another weight set for a model compiled with `weights: "private"`: the Gemm/MatMul/Conv
 * weights and biases of `ir` (e.g. a fine-tuned version of the same architecture), quantized
 * at the compiled model's scales, so the SAME circuit, zkey and verifier prove with them; the
 * proof then carries their commitment (`privateWeightCommitment`). Packing checks that the new
 * weights fit the scales (`QuantizationRangeError` names the op otherwise).
 *
 * @example
 * const tuned = rebindWeights({ model, ir: importOnnx({ file: "tuned.onnx" }) });
 * const signals = circuitInput({ model: tuned, input, weights: "private" });
 */
export function rebindWeights(p: { model: QuantizedModel; ir: ModelIR }): QuantizedModel {
  const model = structuredClone(p.model);
  model.modelSha256 = p.ir.source.sha256;
  const trained = p.ir.nodes.filter(
    (n) => n.op === "Dense" || n.op === "Conv" || n.op === "ConvTranspose",
  );
  const ops = model.layers.filter((op): op is LinearOp => op.kind === "linear" && !!op.param);
  if (trained.length !== ops.length) {
    throw mismatch(
      ops[0]?.name ?? p.ir.source.file,
      `${trained.length} trained ops, compiled ${ops.length}`,
    );
  }
  ops.forEach((op, i) => {
    const node = (trained.find((n) => n.name === op.name) ?? trained[i]) as LinearIrNode;
    const inShapes = node.inputs.map((n) => p.ir.shapes[n]);
    const t = linearTerms(node, inShapes, p.ir.shapes[node.output]);
    const same =
      t.start.length === op.start.length &&
      t.index.length === op.index.length &&
      t.start.every((v, k) => v === op.start[k]) &&
      t.index.every((v, k) => v === op.index[k]);
    if (!same) throw mismatch(op.name, `node ${node.name} reads different inputs`);
    const inFrac = model.tensors[op.inputs[0]].frac;
    op.weight = Array.from(t.coef, (c) => BigInt(Math.round(c * 2 ** op.weightFrac)));
    op.bias = Array.from(t.bias, (b) => BigInt(Math.round(b * 2 ** (inFrac + op.weightFrac))));
  });
  return model;
}

const mismatch = (node: string, reason: string) =>
  new VisibilityError(`weights from another architecture: ${reason}`, {
    details: { node, visibility: "weights: private", reason },
  });
