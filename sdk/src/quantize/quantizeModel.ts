import { QuantizationRangeError, UnsupportedOpError } from "../errors.ts";
import type { DenseNode, ModelIR } from "../onnx/ir.ts";
import { numel } from "../onnx/ir.ts";
import { bitLength, MAX_DECOMPOSITION_BITS, toFixed } from "./fixedPoint.ts";
import { runLayers } from "./evaluateQuantized.ts";
import { quantizeInput } from "./quantizeInput.ts";
import type { QuantizedLayer, QuantizedModel, QuantizeOptions } from "./types.ts";

export interface QuantizeModelParameters extends QuantizeOptions {
  ir: ModelIR;
  /** Sample inputs (float, flattened) used to size each layer's range checks. */
  calibration: number[][];
}

/**
 * Quantizes an imported model to fixed point and calibrates the range-check widths.
 *
 * Supported structure today: a chain of Dense layers, each optionally followed by Relu,
 * optionally ending in Softmax (proven as logits). Reshape nodes are free.
 *
 * @example
 * const q = quantizeModel({ ir, calibration: iris.features });
 * q.layers[0].rescale; // { shift: 10, quotientBits: 15 }
 */
export function quantizeModel(p: QuantizeModelParameters): QuantizedModel {
  const { ir, activationFrac = 10, weightFrac = 10, headroomBits = 1 } = p;
  const chain = toDenseChain(ir);
  const layers: QuantizedLayer[] = chain.map(({ dense, relu }, i) => ({
    name: dense.name,
    inFeatures: dense.weight.shape[1],
    outFeatures: dense.weight.shape[0],
    weight: Array.from(dense.weight.data, (w) => toFixed(w, weightFrac)),
    bias: Array.from(dense.bias?.data ?? new Float64Array(dense.weight.shape[0]), (b) =>
      toFixed(b, activationFrac + weightFrac),
    ),
    inFrac: activationFrac,
    weightFrac,
    relu,
    rescale:
      i < chain.length - 1 || relu
        ? { shift: weightFrac, quotientBits: MAX_DECOMPOSITION_BITS - weightFrac }
        : null,
  }));
  const input = ir.inputs[0];
  const model: QuantizedModel = {
    inputName: input.name,
    inputShape: input.shape,
    nInputs: numel(input.shape),
    inputFrac: activationFrac,
    layers,
    nOutputs: layers[layers.length - 1].outFeatures,
    outputFrac: layers[layers.length - 1].rescale ? activationFrac : activationFrac + weightFrac,
    droppedSoftmax: ir.nodes[ir.nodes.length - 1].op === "Softmax",
    modelSha256: ir.source.sha256,
  };
  calibrate(model, p.calibration, headroomBits);
  return model;
}

/** Sets each rescale's quotientBits to the bits the calibration data needs, plus headroom. */
function calibrate(model: QuantizedModel, calibration: number[][], headroomBits: number): void {
  const maxAbs = model.layers.map(() => 0n);
  for (const row of calibration) {
    const x = quantizeInput({ model, input: row });
    runLayers(model, x, (layer, quotients) => {
      for (const q of quotients)
        if ((q < 0n ? -q : q) > maxAbs[layer]) maxAbs[layer] = q < 0n ? -q : q;
    });
  }
  model.layers.forEach((layer, i) => {
    if (!layer.rescale) return;
    const bits = Math.max(2, bitLength(maxAbs[i]) + 1 + headroomBits);
    if (bits + layer.rescale.shift > MAX_DECOMPOSITION_BITS) {
      throw new QuantizationRangeError(
        `layer ${layer.name} needs ${bits} quotient bits, over the circuit's bound`,
        {
          details: {
            tensor: layer.name,
            index: i,
            value: maxAbs[i].toString(),
            min: "0",
            max: `2^${MAX_DECOMPOSITION_BITS - layer.rescale.shift}`,
          },
        },
      );
    }
    layer.rescale.quotientBits = bits;
  });
}

function toDenseChain(ir: ModelIR): { dense: DenseNode; relu: boolean }[] {
  const chain: { dense: DenseNode; relu: boolean }[] = [];
  ir.nodes.forEach((node, i) => {
    const last = chain[chain.length - 1];
    if (node.op === "Dense") chain.push({ dense: node, relu: false });
    else if (node.op === "Relu" && last && !last.relu) last.relu = true;
    else if (node.op === "Softmax" && i === ir.nodes.length - 1 && last && !last.relu) return;
    else if (node.op !== "Reshape") {
      throw new UnsupportedOpError(
        `${node.op} node "${node.name}" cannot be quantized in this position (supported so far: Dense [Relu] chains ending in an optional Softmax)`,
        {
          details: {
            op: node.op,
            node: node.name,
            supported: ["Dense", "Relu", "Softmax (final)", "Reshape"],
          },
        },
      );
    }
  });
  if (chain.length === 0) {
    throw new UnsupportedOpError("the model has no Gemm/MatMul layer to prove", {
      details: { op: "", node: "", supported: ["Gemm", "MatMul"] },
    });
  }
  return chain;
}
