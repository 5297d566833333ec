/**
 * A quantized model: the integer program that the circuit enforces and that
 * `evaluateQuantized` computes bit for bit.
 *
 * Values are signed integers v standing for v / 2^frac. Every activation tensor has one
 * power-of-two scale (`frac`, chosen by calibration, shared by the activations so that Add,
 * Concat and Max need no alignment); each linear op has its own weight scale (`weightFrac`,
 * the largest that keeps its coefficients within the mode's weight bits).
 *
 * Bit bounds (why the numbers are safe). The BN254 field has p ~ 2^253.6. A value read as a
 * signed integer is exact while |v| < p/2, i.e. below 2^252. Each range check decomposes into
 * at most MAX_DECOMPOSITION_BITS = 250 bits, so the decomposition is unique (2^250 < p).
 *  - linear: acc = bias + sum coef * x; the generator checks statically that
 *    log2(sum |coef| * 2^(inBits-1) + |bias|) < 250, so acc never wraps; then
 *    q = floor((acc + 2^(shift-1)) / 2^shift) with q in [-2^(qBits-1), 2^(qBits-1)) and
 *    shift + qBits <= 250 (one decomposition checks remainder, quotient and sign).
 *  - mul: a * b with |a| < 2^(aBits-1), |b| < 2^(bBits-1): aBits + bBits <= 250, then rescale.
 *  - max / argmax / clip / activations: inputs are range-checked to `bits` first (a range op
 *    is inserted when the producer gave no bound); each comparison decomposes a difference
 *    into bits + 1 bits, so bits <= 249.
 *  - piecewise (Sigmoid, Tanh, Exp, Erf, ...): polynomials on segments of the input's bits,
 *    evaluated exactly in integers (every Horner intermediate < 2^249) and rescaled once.
 * The evaluator throws `QuantizationRangeError` wherever the circuit would have no witness.
 */

import type { UnaryFunction } from "./unaryFunctions.ts";

export type QuantizeMode = "accuracy" | "resources";

export interface QTensor {
  name: string;
  shape: number[];
  frac: number;
  /** Proven signed bound: -2^(bits-1) <= v < 2^(bits-1); null when nothing bounds it yet. */
  bits: number | null;
}

interface QOpBase {
  name: string;
  /** Tensor ids (indices into QuantizedModel.tensors). */
  inputs: number[];
  output: number;
}

/** out[o] = act(rescale(bias[o] + sum_t weight[t] * in[operand[t]][index[t]], shift)). */
export interface LinearOp extends QOpBase {
  kind: "linear";
  start: number[];
  operand: number[];
  index: number[];
  weight: bigint[];
  bias: bigint[];
  weightFrac: number;
  shift: number;
  quotientBits: number;
  relu: boolean;
  /** Dense/Conv: the trained parameter behind each term / each bias (see LinearTerms.param). */
  param?: number[];
  biasParam?: number[];
  /** Dense/Conv: with private weights, |bias| <= 2^biasBits (twice the trained biases' bound). */
  biasBits?: number;
}

/** out[i] = in[operand[i]][index[i]], or `fill` where operand is -1 (wiring only). */
export interface LayoutOp extends QOpBase {
  kind: "layout";
  operand: number[];
  index: number[];
  fill: number;
}

/** out[i] = rescale(a[aIndex[i]] * b[bIndex[i]], shift). */
export interface MulOp extends QOpBase {
  kind: "mul";
  aIndex: number[];
  bIndex: number[];
  shift: number;
  quotientBits: number;
}

/** out[g] = max of in over groups[g] (MaxPool, ReduceMax); argmax: the position within the group. */
export interface MaxOp extends QOpBase {
  kind: "max" | "argmax";
  groups: number[][];
  /** Input bound (the input is range-checked to it). */
  bits: number;
  /** argmax ties: the last index instead of the first. */
  selectLast: boolean;
}

/**
 * TopK with a constant k over groups of one input: per group, the k largest (or smallest)
 * values in order, ties by the lower position, then their positions scaled to the output's
 * scale: out[g 2k + j] = value j, out[g 2k + k + j] = position j * 2^indexShift.
 */
export interface TopKOp extends QOpBase {
  kind: "topk";
  /** Input indices of each group, in axis order (all of one length N >= k). */
  groups: number[][];
  k: number;
  largest: boolean;
  /** Input bound (the input is range-checked to it). */
  bits: number;
  /** The output's frac: positions are exact integers at that scale. */
  indexShift: number;
}

/** out = min(hi, max(lo, in)) elementwise (null: no bound on that side). */
export interface ClipOp extends QOpBase {
  kind: "clip";
  lo: number | null;
  hi: number | null;
  bits: number;
}

/** LeakyRelu / PRelu: out = rescale(in >= 0 ? in * 2^slopeFrac : slope[i] * in, slopeFrac). */
export interface LeakyOp extends QOpBase {
  kind: "leaky";
  slope: number[];
  slopeFrac: number;
  quotientBits: number;
  bits: number;
}

/**
 * A smooth unary function (Sigmoid, Tanh, Exp, Log, Sqrt, Erf, GELU, ELU, ...): piecewise
 * polynomials over the proven input range, selected by the input's bits, evaluated exactly in
 * integers and rescaled once (see piecewiseFit.ts and ops/piecewise.ts).
 */
export interface PiecewiseOp extends QOpBase {
  kind: "piecewise";
  fn: UnaryFunction;
  /** The function's parameters (unaryFunctions.ts): Elu/Celu/Selu alpha, Selu gamma, Pow exponent. */
  alpha: number;
  beta: number;
  /** The activation scale of input and output. */
  frac: number;
  /** `uniform`: 2^segBits equal segments of the signed range; `octave`: one per leading bit of x >= 0. */
  segments: "uniform" | "octave";
  /** The input's proven bound (the domain): -2^(bits-1) <= x < 2^(bits-1). */
  bits: number;
  segBits: number;
  degree: number;
  /** S - frac, where the coefficients carry S fractional bits. */
  shift: number;
  quotientBits: number;
  /** Integer coefficients C_0..C_degree per segment; null until calibration fits them. */
  table: bigint[][] | null;
  /** Measured: |out - f(x)| <= maxError * max(1, |f(x)|) over the whole proven range. */
  maxError: number;
  /**
   * A saturating function (Sigmoid, Tanh): the fit covers -2^(bits-1) <= x < 2^(bits-1) only,
   * and an input beyond it (when the proven range is wider) gives `low` / `high` (x < 0 / x >=
   * 0, integers at 2^-frac); null for the others.
   */
  saturation: { bits: number; low: number; high: number } | null;
}

/** Range check: -2^(bits-1) <= in < 2^(bits-1); out = in. */
export interface RangeOp extends QOpBase {
  kind: "range";
  bits: number;
}

/**
 * Sum of products of two activations (MatMul / Gemm of two activations, the variance of a
 * normalization): out[o] = rescale(sum_{t < terms} a[aIndex[o*terms+t]] * b[bIndex[o*terms+t]], shift).
 * One constraint per product, one rescale per output (shift 0: a plain range check).
 */
export interface DotOp extends QOpBase {
  kind: "dot";
  /** Products per output. */
  terms: number;
  aIndex: number[];
  bIndex: number[];
  shift: number;
  quotientBits: number;
}

/**
 * Division of two activations, rounded to nearest (ties up):
 * out[i] = floor((2 a 2^shift sgn(b) + |b|) / (2 |b|)) for a = a[aIndex[i]], b = b[bIndex[i]].
 * b = 0 has no witness (the evaluator throws QuantizationRangeError).
 */
export interface DivOp extends QOpBase {
  kind: "div";
  aIndex: number[];
  bIndex: number[];
  shift: number;
  quotientBits: number;
  /** Proven bound of the divisor (it is range-checked). */
  bBits: number;
}

/**
 * Inverse square root, rounded down: out = floor(2^shift / sqrt(in)), i.e. the largest out >= 0
 * with out^2 in <= 2^(2 shift) (normalizations). in <= 0 has no witness.
 */
export interface RsqrtOp extends QOpBase {
  kind: "rsqrt";
  shift: number;
  /** Width of the root's range check (signed bits, sized by calibration). */
  quotientBits: number;
  /** Proven bound of the input. */
  bits: number;
}

export type QuantizedOp =
  | LinearOp
  | LayoutOp
  | MulOp
  | MaxOp
  | TopKOp
  | ClipOp
  | LeakyOp
  | PiecewiseOp
  | RangeOp
  | DotOp
  | DivOp
  | RsqrtOp;

/** A graph input or output: its name and static shape. */
export interface QTensorInfo {
  name: string;
  shape: number[];
}

export interface QuantizedModel {
  /**
   * The graph inputs, in the ONNX graph's order. The circuit's input vector (tensor 0, `in`,
   * the input commitment) is their concatenation, each flattened row-major.
   */
  inputs: QTensorInfo[];
  /** Total number of input values (the sum over `inputs`). */
  nInputs: number;
  inputFrac: number;
  /** Bits the input values must fit (signed); checked by quantizeInput. */
  inputBits: number;
  mode: QuantizeMode;
  tensors: QTensor[];
  /** The quantized ops in evaluation order (named "layers" for the tools that count them). */
  layers: QuantizedOp[];
  /**
   * The graph outputs, in the ONNX graph's order. The proven output vector (tensor `output`,
   * `out`) is their concatenation, each flattened row-major.
   */
  outputs: QTensorInfo[];
  /** Tensor id of the proven output vector. */
  output: number;
  /** Total number of output values (the sum over `outputs`). */
  nOutputs: number;
  /** Fractional bits of the outputs (0 for an argmax output). */
  outputFrac: number;
  /** The float model ended in Softmax/LogSoftmax; the circuit proves the logits (or argmax). */
  droppedSoftmax: boolean;
  /** What the proven output is. */
  outputKind: "logits" | "argmax";
  /** sha256 of the source ONNX file. */
  modelSha256: string;
}

export interface QuantizeOptions {
  /** `accuracy` (default): larger scales; `resources`: fewer bits, fewer constraints. */
  mode?: QuantizeMode;
  /** Fixed fractional bits of activations (and of the input), overriding calibration. */
  activationFrac?: number;
  /** Fixed fractional bits of weights, overriding the per-op choice. */
  weightFrac?: number;
  /** Extra quotient bits above the largest calibrated value. Default 1 (2x headroom). */
  headroomBits?: number;
  /** For a model ending in Softmax/LogSoftmax/logits: prove the logits (default) or the argmax. */
  output?: "logits" | "argmax";
}
