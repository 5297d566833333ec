import { opModule } from "@zkml-verify/core/internal/quantize/ops/index";
import type { QuantizedModel, QuantizedOp } from "@zkml-verify/core/internal/quantize/types";

/**
 * circom source for one quantized op: its kind's module (sdk/core/src/quantize/ops/) emits it,
 * next to the integer semantics it must match. Constants go into `var` arrays and loops, so
 * the text stays small and no single expression grows long (circom2 crashes on very long ones).
 *
 * @example
 * const lines = emitOp(model, model.layers[0], 0, (id) => `t${id}`);
 */
export function emitOp(
  model: QuantizedModel,
  op: QuantizedOp,
  k: number,
  sig: (id: number) => string,
): string[] {
  const n = model.tensors[op.output].shape.reduce((a, b) => a * b, 1);
  return opModule(op).emit(op, { model, k, ins: op.inputs.map(sig), out: sig(op.output), n });
}

/**
 * The library files (in circuits/) the ops of a model use.
 *
 * @example
 * opTemplates(model); // ["rescale.circom", "compare.circom"]
 */
export function opTemplates(model: QuantizedModel): string[] {
  return [...new Set(model.layers.flatMap((op) => opModule(op).templates(op)))];
}
