import {
  InputError,
  QuantizationRangeError,
  UnsupportedOpError,
} from "@zkml-verify/core/internal/errors";
import { evaluateFloat } from "../onnx/evaluateFloat.ts";
import type { IrNode, ModelIR } from "../onnx/ir.ts";
import { numel } from "../onnx/ir.ts";
import { calibrateModel } from "./calibrateModel.ts";
import { lowerToQuantized } from "./lowerToQuantized.ts";
import { MASKED_FILL } from "./lowerSoftmax.ts";
import { MODE_LIMITS } from "@zkml-verify/core/internal/quantize/modeLimits";
import type { QuantizedModel, QuantizeOptions } from "@zkml-verify/core/internal/quantize/types";

export interface QuantizeModelParameters extends QuantizeOptions {
  ir: ModelIR;
  /**
   * Sample inputs (float) used to choose scales and size each range check: each row is the
   * graph inputs flattened and concatenated in the graph's order (`flattenInput`).
   */
  calibration: number[][];
}

/**
 * Quantizes an imported model to fixed point: one activation scale 2^frac chosen by
 * calibration (the largest that keeps every calibrated activation within the mode's bit
 * budget), a weight scale per linear op, and range-check widths sized by calibration.
 * A final Softmax/LogSoftmax is proven as its logits (or, with `output: "argmax"`, as the
 * argmax index).
 *
 * @example
 * const q = quantizeModel({ ir, calibration: iris.features, mode: "accuracy" });
 * q.layers.map((op) => op.kind); // ["linear", "linear"]
 */
export function quantizeModel(p: QuantizeModelParameters): QuantizedModel {
  const { ir } = p;
  const mode = p.mode ?? "accuracy";
  const limits = MODE_LIMITS[mode];
  const { nodes, droppedSoftmax } = provenNodes(ir);
  let maxAbs = 0;
  for (const [r, row] of p.calibration.entries()) {
    evaluateFloat({
      ir,
      inputs: splitRow(ir, row),
      onTensor: (name, v) => {
        const node = nodes.find((n) => n.output === name);
        if (!node || node.op === "ArgMax" || isSoftmaxMask(node)) return;
        v.forEach((x, index) => {
          // NaN / Infinity (Sqrt or Log of a negative value, Exp overflow) has no fixed point
          if (!Number.isFinite(x))
            throw new QuantizationRangeError(
              `${node.op === "Activation" ? node.kind : node.op} node "${node.name}" computes ${x} at ${name}[${index}] on calibration row ${r}: no circuit proves that value (e.g. Sqrt or Log of a negative number)`,
              { details: { tensor: name, index, value: String(x), min: "", max: "" } },
            );
          maxAbs = Math.max(maxAbs, Math.abs(x));
        });
      },
    });
    for (const x of row) maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  const headroom = p.headroomBits ?? 1;
  const intBits = Math.max(0, Math.ceil(Math.log2(maxAbs + 1e-9))) + headroom;
  const frac =
    p.activationFrac ?? Math.max(0, Math.min(limits.maxActFrac, limits.actBits - 1 - intBits));
  const model = lowerToQuantized({
    ir,
    nodes,
    droppedSoftmax,
    frac,
    mode,
    weightFrac: p.weightFrac,
    output: p.output ?? "logits",
  });
  calibrateModel({ model, calibration: p.calibration, headroomBits: headroom });
  return model;
}

/**
 * The nodes to prove: all of them, minus a final Softmax/LogSoftmax (proven as logits: argmax is
 * unchanged and the logits cost nothing more; a Softmax elsewhere is proven, see lowerSoftmax.ts).
 */
function provenNodes(ir: ModelIR): { nodes: IrNode[]; droppedSoftmax: boolean } {
  const last = ir.nodes[ir.nodes.length - 1];
  const droppedSoftmax =
    !!last &&
    ir.outputs.length === 1 &&
    (last.op === "Softmax" || last.op === "LogSoftmax") &&
    last.output === ir.outputs[0].name;
  const nodes = droppedSoftmax ? ir.nodes.slice(0, -1) : ir.nodes;
  for (const [i, n] of nodes.entries()) {
    const final = i === nodes.length - 1;
    // an index is an integer at scale 2^0: a comparison with constants (Hardmax's one-hot)
    // reads it exactly; any other reader would take it for an activation at 2^frac
    const indexReaders = nodes.filter((m) => m.inputs.includes(n.output));
    const compared = indexReaders.length > 0 && indexReaders.every((m) => m.op === "Compare");
    if (n.op === "ArgMax" && !final && !compared) {
      throw new UnsupportedOpError(
        `${n.op} node "${n.name}" can only be the model's last op or compared with constants (it is proven as an index)`,
        {
          details: {
            op: n.op,
            node: n.name,
            supported: ["ArgMax as the final op", "ArgMax read by comparisons (Hardmax)"],
          },
        },
      );
    }
  }
  if (nodes.length === 0 || ir.outputs.every((o) => numel(o.shape) === 0)) {
    throw new UnsupportedOpError("the model has no op to prove", {
      details: { op: "", node: "", supported: [] },
    });
  }
  return { nodes, droppedSoftmax };
}

/** A concatenated calibration row -> the float evaluator's inputs by name. */
export function splitRow(ir: ModelIR, row: readonly number[]): Record<string, number[]> {
  const named: Record<string, number[]> = {};
  let offset = 0;
  for (const i of ir.inputs) {
    const n = numel(i.shape);
    named[i.name] = row.slice(offset, offset + n);
    offset += n;
  }
  if (offset !== row.length)
    throw new InputError(
      `a calibration row has ${row.length} values; the inputs ${ir.inputs.map((i) => `${i.name} [${i.shape}]`).join(", ")} need ${offset}`,
      { details: { input: "calibration", value: row.length } },
    );
  return named;
}

/** A -inf (or huge negative) mask in front of a Softmax: not a value the circuit holds. */
const isSoftmaxMask = (n: IrNode) => n.op === "Mask" && !(n.fill > MASKED_FILL);
