/**
 * A quantized model: the integer program that the circuit enforces and that
 * `evaluateQuantized` computes bit for bit.
 *
 * Per dense layer: acc = W x + b, with x at scale 2^inFrac, W at 2^weightFrac and b at
 * 2^(inFrac + weightFrac). Hidden layers then rescale with rounding,
 * q = floor((acc + 2^(shift-1)) / 2^shift), require -2^(quotientBits-1) <= q < 2^(quotientBits-1),
 * and apply ReLU if `relu`. The final layer exposes acc itself (scale 2^outputFrac).
 */
export interface QuantizedLayer {
  /** The IR Dense node this layer came from. */
  name: string;
  inFeatures: number;
  outFeatures: number;
  /** [outFeatures * inFeatures], row-major. */
  weight: bigint[];
  bias: bigint[];
  inFrac: number;
  weightFrac: number;
  relu: boolean;
  /** null on the final layer (no rescale: the outputs are the accumulators). */
  rescale: { shift: number; quotientBits: number } | null;
}

export interface QuantizedModel {
  inputName: string;
  inputShape: number[];
  nInputs: number;
  inputFrac: number;
  layers: QuantizedLayer[];
  nOutputs: number;
  /** Fractional bits of the outputs. */
  outputFrac: number;
  /** The float model ended in Softmax; the circuit proves the logits (argmax is unchanged). */
  droppedSoftmax: boolean;
  /** sha256 of the source ONNX file. */
  modelSha256: string;
}

export interface QuantizeOptions {
  /** Fractional bits of activations (and of the input). Default 10. */
  activationFrac?: number;
  /** Fractional bits of weights. Default 10. */
  weightFrac?: number;
  /** Extra quotient bits above the largest calibrated value. Default 1 (2x headroom). */
  headroomBits?: number;
}
