import { buildOnnx } from "./buildOnnx.ts";
import type { OnnxNodeSpec } from "./buildOnnx.ts";
import { weights } from "./exporterModel.ts";

/** The input side of {@link cntkMnist} (the zoo model's is 28: the graph is the same). */
export const CNTK_MNIST_SIZE = 8;

/**
 * The ONNX model zoo's mnist-8 (CNTK's export, opset 8) at a small size, node for node: input
 * `Input3`, Conv `auto_pad` SAME_UPPER (5x5) + Plus of a [C, 1, 1] Parameter + ReLU + MaxPool
 * (2x2, stride 2, explicit zero pads), twice; `Times212_reshape0` a Reshape of the activations to
 * an initializer shape, `Times212_reshape1` a Reshape of the constant weight Parameter193 (folded),
 * MatMul `Times212` and the bias Add `Plus214` (output `Plus214_Output_0`). `opset` 12 gives the
 * zoo's mnist-12 form (the same graph re-stamped).
 */
export function cntkMnist(opset = 8): Uint8Array {
  const w = weights(8);
  const [c1, c2, classes] = [2, 3, 10];
  const pooled = CNTK_MNIST_SIZE / 4;
  const flat = c2 * pooled * pooled;
  const conv = (
    name: string,
    input: string,
    weight: string,
    bias: string,
    i: number,
  ): OnnxNodeSpec[] => [
    {
      opType: "Conv",
      name: `Convolution${name}`,
      inputs: [input, weight],
      outputs: [`Convolution${name}_Output_0`],
      attributes: {
        kernel_shape: [5, 5],
        strides: [1, 1],
        auto_pad: "SAME_UPPER",
        group: 1,
        dilations: [1, 1],
      },
    },
    {
      opType: "Add",
      name: `Plus${i}`,
      inputs: [`Convolution${name}_Output_0`, bias],
      outputs: [`Plus${i}_Output_0`],
    },
    {
      opType: "Relu",
      name: `ReLU${i + 2}`,
      inputs: [`Plus${i}_Output_0`],
      outputs: [`ReLU${i + 2}_Output_0`],
    },
    {
      opType: "MaxPool",
      name: `Pooling${i + 36}`,
      inputs: [`ReLU${i + 2}_Output_0`],
      outputs: [`Pooling${i + 36}_Output_0`],
      attributes: { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], auto_pad: "NOTSET" },
    },
  ];
  return buildOnnx({
    producer: "CNTK",
    opset,
    inputs: [{ name: "Input3", shape: [1, 1, CNTK_MNIST_SIZE, CNTK_MNIST_SIZE] }],
    outputs: [{ name: "Plus214_Output_0", shape: [1, classes] }],
    initializers: [
      { name: "Parameter5", shape: [c1, 1, 5, 5], data: w(c1 * 25, 0.4) },
      { name: "Parameter6", shape: [c1, 1, 1], data: w(c1, 0.1) },
      { name: "Parameter87", shape: [c2, c1, 5, 5], data: w(c2 * c1 * 25, 0.3) },
      { name: "Parameter88", shape: [c2, 1, 1], data: w(c2, 0.1) },
      { name: "Parameter193", shape: [c2, pooled, pooled, classes], data: w(flat * classes, 0.5) },
      { name: "Parameter193_reshape1_shape", shape: [2], data: [BigInt(flat), BigInt(classes)] },
      { name: "Pooling160_Output_0_reshape0_shape", shape: [2], data: [1n, BigInt(flat)] },
      { name: "Parameter194", shape: [1, classes], data: w(classes, 0.1) },
    ],
    nodes: [
      {
        opType: "Reshape",
        name: "Times212_reshape1",
        inputs: ["Parameter193", "Parameter193_reshape1_shape"],
        outputs: ["Parameter193_reshape1"],
      },
      ...conv("28", "Input3", "Parameter5", "Parameter6", 30),
      ...conv("110", "Pooling66_Output_0", "Parameter87", "Parameter88", 112),
      {
        opType: "Reshape",
        name: "Times212_reshape0",
        inputs: ["Pooling148_Output_0", "Pooling160_Output_0_reshape0_shape"],
        outputs: ["Pooling160_Output_0_reshape0"],
      },
      {
        opType: "MatMul",
        name: "Times212",
        inputs: ["Pooling160_Output_0_reshape0", "Parameter193_reshape1"],
        outputs: ["Times212_Output_0"],
      },
      {
        opType: "Add",
        name: "Plus214",
        inputs: ["Times212_Output_0", "Parameter194"],
        outputs: ["Plus214_Output_0"],
      },
    ],
  });
}
