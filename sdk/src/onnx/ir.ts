/**
 * The project's typed graph IR: what the importer produces from ONNX and what the quantizer
 * consumes. Tensors are float64 row-major; every value has a static shape.
 */

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
  input: string;
  output: string;
}

/** y = W x + b, W is [out, in]. Gemm and MatMul(+Add) both lower to it. */
export interface DenseNode extends NodeBase {
  op: "Dense";
  weight: Tensor;
  bias: Tensor | null;
}

export interface ReluNode extends NodeBase {
  op: "Relu";
}

/** Softmax over the last axis; only as the final node (it preserves the argmax). */
export interface SoftmaxNode extends NodeBase {
  op: "Softmax";
}

/** Flatten, Reshape, Identity, Dropout: no change to the row-major data, only to the shape. */
export interface ReshapeNode extends NodeBase {
  op: "Reshape";
  shape: number[];
}

export type IrNode = DenseNode | ReluNode | SoftmaxNode | ReshapeNode;

export interface ModelIR {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: IrNode[];
  /** Static shape of every value in the graph. */
  shapes: Record<string, number[]>;
  source: { file: string; sha256: string; opset: number; producer: string };
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
