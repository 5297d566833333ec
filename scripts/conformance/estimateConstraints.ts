import type { ModelIR } from "../../sdk/node/src/onnx/ir.ts";
import { numel } from "../../sdk/node/src/onnx/ir.ts";

/**
 * Constraints per range-checked value in the estimate: a decomposition into about 20 bits
 * (activations of accuracy mode are 16-24 bits wide).
 */
export const CONSTRAINTS_PER_CHECK = 20;

/**
 * A rough constraint count of a model's circuit, from the IR alone (before quantizing or
 * compiling): one range check per input value, per rescaled output of a linear op or
 * activation, and per comparison of a max (pool window minus one); wiring is free. It sizes
 * the runner's budget by what compiling costs, not by tensor sizes (a large Reshape costs
 * nothing, a small MaxPool with a large window a lot). The runner records it beside the
 * compiled count (conformance.json: estimatedConstraints, constraints).
 *
 * @example
 * estimateConstraints(ir) > 3_000_000; // too large to compile here
 */
export function estimateConstraints(ir: ModelIR): number {
  let checks = ir.inputs.reduce((s, i) => s + numel(i.shape), 0);
  for (const node of ir.nodes) {
    const out = numel(ir.shapes[node.output]);
    switch (node.op) {
      case "MaxPool":
        checks += out * Math.max(1, node.kernel[0] * node.kernel[1] - 1);
        break;
      case "ReduceMax":
      case "ArgMax":
        checks += numel(ir.shapes[node.inputs[0]]);
        break;
      case "Reshape":
      case "Transpose":
      case "Concat":
      case "Slice":
      case "Pad":
      case "Gather":
        break;
      default:
        checks += out;
    }
  }
  return checks * CONSTRAINTS_PER_CHECK;
}
