import { submitterSignal } from "../layout/publicSignals.ts";
import { toField } from "../quantize/fixedPoint.ts";
import { packWeights } from "../quantize/packedWeights.ts";
import type { QuantizedModel } from "../quantize/types.ts";

/**
 * The witness input of a generated model circuit: the fixed-point input (`in`) and, for a
 * model compiled with `weights: "private"`, the packed weights and biases (`w<k>`, `b<k>`)
 * of the weight set to prove with: the compiled model's, or another of the same architecture
 * (same scales, e.g. a fine-tuned version), whose commitment the proof then carries; and, for a
 * model compiled with `submitter: "bound"`, the address that may submit the proof (`submitter`,
 * one field element: the registry records the proof only from that address).
 *
 * @example
 * const signals = circuitInput({ model, input: quantizeInput({ model, input: row }), weights: "private" });
 * await prove({ system: "groth16", wasm, zkey, input: signals });
 */
export function circuitInput(p: {
  model: QuantizedModel;
  input: readonly bigint[];
  weights?: "fixed" | "private";
  /** The submitter's address (0x + 40 hex), for a model compiled with `submitter: "bound"`. */
  submitter?: string;
}): Record<string, string[]> {
  const signals: Record<string, string[]> = { in: p.input.map((v) => toField(v).toString()) };
  if (p.submitter !== undefined) signals.submitter = [submitterSignal(p.submitter).toString()];
  if (p.weights === "private") {
    for (const q of packWeights({ model: p.model })) {
      signals[`w${q.op}`] = q.weightElements.map(String);
      signals[`b${q.op}`] = q.biasElements.map(String);
    }
  }
  return signals;
}
