/** Weights of a one-hidden-layer MLP in ONNX Gemm(transB=1) layout: `w[out][in]`. */
export interface MlpWeights {
  /** hidden x inputs */
  w1: number[][];
  /** hidden */
  b1: number[];
  /** classes x hidden */
  w2: number[][];
  /** classes */
  b2: number[];
}

/**
 * Forward pass of a ReLU MLP: `logits = W2 · relu(W1 · x + b1) + b2` (no softmax). With
 * `float32: true` every weight, product and sum is rounded to float32 (`Math.fround`), to
 * mimic a float32 runtime such as onnxruntime (results still differ in the last bits
 * because the summation order can differ).
 *
 * @example
 * const logits = mlpForward({ weights: { w1, b1, w2, b2 }, input: [5.1, 3.5, 1.4, 0.2] });
 * const predicted = logits.indexOf(Math.max(...logits));
 */
export function mlpForward(options: {
  weights: MlpWeights;
  input: number[];
  float32?: boolean;
}): number[] {
  const { w1, b1, w2, b2 } = options.weights;
  const r = options.float32 ? Math.fround : (v: number) => v;
  const hidden = w1.map((row, j) => {
    let z = r(b1[j]);
    for (let i = 0; i < row.length; i++) z = r(z + r(r(row[i]) * r(options.input[i])));
    return z > 0 ? z : 0;
  });
  return w2.map((row, k) => {
    let z = r(b2[k]);
    for (let j = 0; j < row.length; j++) z = r(z + r(r(row[j]) * hidden[j]));
    return z;
  });
}
