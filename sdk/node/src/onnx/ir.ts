/**
 * The project's typed graph IR: what the importer produces from ONNX and what the quantizer
 * consumes. A DAG of typed nodes over named tensors, listed in topological order. Tensors are
 * float64 row-major; every value has a static shape (images are NCHW). Constants (weights,
 * biases, slopes) are stored on the nodes; graph edges carry activations only.
 */
import type { UnaryFunction } from "@zkml-verify/core/internal/quantize/unaryFunctions";

export interface Tensor {
  shape: number[];
  data: Float64Array;
}

export interface ValueInfo {
  name: string;
  shape: number[];
}

interface NodeBase {
  /** The ONNX node name (or `<op>_<index>` when the file leaves it empty). */
  name: string;
  /** Activation inputs (graph tensors), in operand order. */
  inputs: string[];
  output: string;
}

/** y[..., o] = sum_i W[o, i] x[..., i] + b[o] over the last axis. Gemm and MatMul lower to it. */
export interface DenseNode extends NodeBase {
  op: "Dense";
  /** [out, in] */
  weight: Tensor;
  bias: Tensor | null;
}

/** 2-D convolution, NCHW, weight [M, C/group, kH, kW]; BatchNormalization is folded in. */
export interface ConvNode extends NodeBase {
  op: "Conv";
  weight: Tensor;
  bias: Tensor | null;
  strides: [number, number];
  /** [top, left, bottom, right] */
  pads: [number, number, number, number];
  dilations: [number, number];
  group: number;
}

/**
 * Transposed convolution over 1, 2 or 3 spatial axes (N, C, ...spatial), weight
 * [C, M/group, ...kernel]: every input position adds its kernel-weighted copy at
 * i * stride - pad_begin + k * dilation on each axis of the output.
 */
export interface ConvTransposeNode extends NodeBase {
  op: "ConvTranspose";
  weight: Tensor;
  bias: Tensor | null;
  /** One per spatial axis. */
  strides: number[];
  /** [begin per axis..., end per axis...], cropped from the full output. */
  pads: number[];
  dilations: number[];
  group: number;
}

/**
 * Resize / Upsample (nearest, linear): separable taps per axis; taps[d][o] lists the input
 * indices along axis d that output index o reads, with their weights (a linear map).
 */
export interface ResizeNode extends NodeBase {
  op: "Resize";
  taps: [index: number, weight: number][][][];
}

/** y = x * scale + bias with ONNX (numpy) broadcasting of the constants: Add/Sub/Mul/Div by constants, Neg, BatchNormalization. */
export interface AffineNode extends NodeBase {
  op: "Affine";
  scale: Tensor;
  bias: Tensor;
}

/** Elementwise op of two activations with broadcasting. */
export interface BinaryNode extends NodeBase {
  op: "Add" | "Sub" | "Mul";
}

/**
 * Activation kinds that are a smooth unary function (the `piecewise` quantized op), and which
 * function each is (sdk/core/src/quantize/unaryFunctions.ts: alpha / beta are its parameters).
 */
export const UNARY_ACTIVATIONS = {
  Exp: "exp",
  Log: "log",
  Sqrt: "sqrt",
  Reciprocal: "reciprocal",
  Pow: "pow",
  Erf: "erf",
  Gelu: "gelu",
  GeluTanh: "geluTanh",
  Elu: "elu",
  Selu: "selu",
  Celu: "celu",
  Softplus: "softplus",
  Softsign: "softsign",
  Mish: "mish",
  Swish: "swish",
  Sigmoid: "sigmoid",
  Tanh: "tanh",
} as const satisfies Record<string, UnaryFunction>;
export type UnaryActivationKind = keyof typeof UNARY_ACTIVATIONS;

/**
 * Matrix product of two activations with numpy `matmul` semantics (batch axes broadcast, a
 * 1-D operand promoted and its axis removed): MatMul / Gemm whose B is not a constant.
 */
export interface MatMulNode extends NodeBase {
  op: "MatMul";
}

/** Elementwise division of two activations, with broadcasting. */
export interface DivNode extends NodeBase {
  op: "Div";
}

/**
 * (x - mean) / sqrt(var + epsilon) over `axes` (population variance): the normalization of
 * LayerNormalization (the trailing axes) and InstanceNormalization (the spatial axes); their
 * scale and bias follow as an Affine node.
 */
export interface NormalizeNode extends NodeBase {
  op: "Normalize";
  axes: number[];
  epsilon: number;
}

/**
 * out[i] = keep[i] ? in[broadcast(i)] : fill: Where with a constant condition and a constant
 * scalar on one side, Trilu of an activation (fill 0). A fill of -Infinity (a causal mask) is
 * only quantizable as the input of a Softmax, which leaves the masked elements out.
 */
export interface MaskNode extends NodeBase {
  op: "Mask";
  /** 1 where the input is kept, per output element. */
  keep: Uint8Array;
  fill: number;
}

export type ActivationKind =
  "Relu" | "LeakyRelu" | "PRelu" | "Clip" | "HardSigmoid" | "HardSwish" | UnaryActivationKind;

export interface ActivationNode extends NodeBase {
  op: "Activation";
  kind: ActivationKind;
  /** LeakyRelu/HardSigmoid/Elu/Celu/Selu alpha, HardSigmoid beta, Selu gamma (beta), Pow's exponent (alpha), Clip min/max (±Infinity when absent). */
  alpha: number;
  beta: number;
  min: number;
  max: number;
  /** PRelu slope, broadcast against the input. */
  slope: Tensor | null;
}

/** An activation without parameters (Relu, Sigmoid, Tanh, Abs, ...): what lowerings compose. */
export const plainActivation = (
  kind: ActivationKind,
  name: string,
  input: string,
  output: string,
): ActivationNode => ({
  op: "Activation",
  kind,
  name,
  inputs: [input],
  output,
  alpha: 0,
  beta: 0,
  min: -Infinity,
  max: Infinity,
  slope: null,
});

/** Softmax / LogSoftmax over one axis; quantizable only as the model's last node. */
export interface SoftmaxNode extends NodeBase {
  op: "Softmax" | "LogSoftmax";
  axis: number;
}

export interface ArgMaxNode extends NodeBase {
  op: "ArgMax";
  axis: number;
  keepdims: boolean;
  selectLastIndex: boolean;
}

/**
 * TopK with a constant k along the input's last axis (the lowering transposes the ONNX axis
 * there): per row, the k largest (or smallest) values in order, ties by the lower position,
 * then their positions: output [...rows, 2k] (values, then positions as numbers).
 */
export interface TopKNode extends NodeBase {
  op: "TopK";
  k: number;
  largest: boolean;
}

/** MaxPool / AveragePool / GlobalAveragePool (kernel = the whole image) over NCHW. */
export interface PoolNode extends NodeBase {
  op: "MaxPool" | "AveragePool";
  kernel: [number, number];
  strides: [number, number];
  pads: [number, number, number, number];
  dilations: [number, number];
  countIncludePad: boolean;
}

export interface ReduceNode extends NodeBase {
  op: "ReduceSum" | "ReduceMean" | "ReduceMax";
  axes: number[];
  keepdims: boolean;
}

/** Pure data movement: out[i] = in[index[i]] (or `fill` where index is -1). */
export interface ReshapeNode extends NodeBase {
  op: "Reshape";
  shape: number[];
}

export interface TransposeNode extends NodeBase {
  op: "Transpose";
  perm: number[];
}

export interface ConcatNode extends NodeBase {
  op: "Concat";
  axis: number;
}

export interface SliceNode extends NodeBase {
  op: "Slice";
  /** Per axis of the input: start, step and output length (already clamped). */
  starts: number[];
  steps: number[];
}

export interface PadNode extends NodeBase {
  op: "Pad";
  /** [x1_begin, x2_begin, ..., x1_end, x2_end, ...] (non-negative). */
  pads: number[];
  value: number;
  /** `constant` (default): `value` outside; `reflect`: mirrored without the edge; `edge`: the edge repeated. */
  mode?: "constant" | "reflect" | "edge";
}

/**
 * Wiring by an explicit flat index: out[i] = in[index[i]]. Gather with constant indices,
 * Expand, and the broadcasting that variadic Max/Min need lower to it.
 */
export interface GatherNode extends NodeBase {
  op: "Gather";
  index: number[];
}

export type CompareKind = "Less" | "Greater" | "LessOrEqual" | "GreaterOrEqual" | "Equal";

/**
 * Elementwise comparison of two activations, or of an activation and a constant (then the
 * activation is inputs[0] and `constant` the right operand, broadcast): 1 where it holds, 0
 * elsewhere (ONNX bool as a number). Not/And/Or/Xor/Where lower onto it and Affine/Mul/Add.
 */
export interface CompareNode extends NodeBase {
  op: "Compare";
  kind: CompareKind;
  constant: Tensor | null;
}

/** How a tree node routes a row: `LEAF`, or a comparison of x[feature] with `value`. */
export type TreeNodeMode =
  "BRANCH_LEQ" | "BRANCH_LT" | "BRANCH_GTE" | "BRANCH_GT" | "BRANCH_EQ" | "BRANCH_NEQ" | "LEAF";

/** One tree node; `trueChild`/`falseChild` index the same tree's `nodes` (root: 0). */
export interface TreeNode {
  mode: TreeNodeMode;
  feature: number;
  value: number;
  trueChild: number;
  falseChild: number;
  /** Leaves: the (output column, weight) votes. */
  weights: [number, number][];
}

/**
 * The scores of an ai.onnx.ml TreeEnsembleRegressor / TreeEnsembleClassifier, before its
 * post transform (a Softmax / Sigmoid node after it): for each row b of the [N, F] input,
 * out[b, t] = base[t] + (1 / trees.length if `average`) * sum over trees of the weights for
 * column t of the leaf the row reaches.
 */
export interface TreeEnsembleNode extends NodeBase {
  op: "TreeEnsemble";
  /** Rows N of the input ([N, F], or [F]: one row). */
  rows: number;
  nTargets: number;
  trees: TreeNode[][];
  base: number[];
  average: boolean;
}

export type IrNode =
  | GatherNode
  | DenseNode
  | ConvTransposeNode
  | ResizeNode
  | CompareNode
  | TreeEnsembleNode
  | ConvNode
  | AffineNode
  | BinaryNode
  | MatMulNode
  | DivNode
  | NormalizeNode
  | MaskNode
  | ActivationNode
  | SoftmaxNode
  | ArgMaxNode
  | TopKNode
  | PoolNode
  | ReduceNode
  | ReshapeNode
  | TransposeNode
  | ConcatNode
  | SliceNode
  | PadNode;

export interface ModelIR {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Topological order. */
  nodes: IrNode[];
  /** Static shape of every value in the graph. */
  shapes: Record<string, number[]>;
  source: { file: string; sha256: string; opset: number; producer: string };
}

/**
 * Number of elements of a shape.
 *
 * @example
 * numel([1, 3, 4]); // 12
 */
export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * The most elements one tensor may have (2^24, 16.8M). Every value of a tensor the circuit
 * computes is at least one signal, and snarkjs proves at most 2^28 constraints, so a larger
 * tensor is beyond any provable circuit; the importer refuses it with a ShapeError before
 * allocating anything (a [1, 2e9] input would otherwise exhaust memory).
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 24;

/**
 * Row-major strides of a shape.
 *
 * @example
 * strides([2, 3, 4]); // [12, 4, 1]
 */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/**
 * The numpy broadcast of two shapes, or null when they do not broadcast.
 *
 * @example
 * broadcastShapes([2, 1, 4], [3, 1]); // [2, 3, 4]
 */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(Math.max(x, y));
  }
  return out;
}

/**
 * For each flat index of `out`, the flat index of a `from`-shaped operand broadcast to it.
 *
 * @example
 * broadcastIndex([3], [2, 3]); // Int32Array [0, 1, 2, 0, 1, 2]
 */
export function broadcastIndex(from: readonly number[], out: readonly number[]): Int32Array {
  const total = numel(out);
  const idx = new Int32Array(total);
  const os = strides(out);
  const fs = strides(from);
  const off = out.length - from.length;
  for (let i = 0; i < total; i++) {
    let j = 0;
    for (let d = 0; d < from.length; d++) {
      const coord = Math.floor(i / os[d + off]) % out[d + off];
      if (from[d] !== 1) j += coord * fs[d];
    }
    idx[i] = j;
  }
  return idx;
}
