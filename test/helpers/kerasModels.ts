import { buildOnnx } from "./buildOnnx.ts";
import type { OnnxInitializerSpec, OnnxNodeSpec } from "./buildOnnx.ts";
import { uniformRows, weights } from "./exporterModel.ts";
import type { ExporterModel } from "./exporterModel.ts";

export function kerasMlp(): ExporterModel {
  const w = weights(11);
  const [F, H, C] = [4, 8, 3];
  const bytes = buildOnnx({
    producer: "tf2onnx",
    opset: 13,
    graphName: "tf2onnx",
    inputs: [{ name: "dense_input", shape: ["unk__6", F] }],
    outputs: [{ name: "dense_1", shape: ["unk__7", C] }],
    initializers: [
      { name: "sequential/dense/MatMul/ReadVariableOp:0", shape: [F, H], data: w(F * H) },
      { name: "sequential/dense/BiasAdd/ReadVariableOp:0", shape: [H], data: w(H, 0.5) },
      { name: "sequential/dense_1/MatMul/ReadVariableOp:0", shape: [H, C], data: w(H * C) },
      { name: "sequential/dense_1/BiasAdd/ReadVariableOp:0", shape: [C], data: w(C, 0.5) },
    ],
    nodes: [
      {
        opType: "Cast",
        name: "sequential/Cast",
        inputs: ["dense_input"],
        outputs: ["sequential/Cast:0"],
        attributes: { to: 1 },
      },
      ...denseLayer("sequential/dense", "sequential/Cast:0", "Relu"),
      ...denseLayer("sequential/dense_1", "sequential/dense/Relu:0", "Softmax"),
      {
        opType: "Identity",
        name: "Identity",
        inputs: ["sequential/dense_1/Softmax:0"],
        outputs: ["dense_1"],
      },
    ],
  });
  return {
    name: "Keras Sequential MLP (tf2onnx: Cast, MatMul + Add, Relu, Softmax, Identity; unk__ batch)",
    exporter: "tf2onnx",
    bytes,
    input: "dense_input",
    shape: [1, F],
    outputs: ["dense_1"],
    tolerance: 0.02,
    rows: uniformRows(F, -2, 2),
  };
}

function denseLayer(scope: string, x: string, act: "Relu" | "Softmax"): OnnxNodeSpec[] {
  return [
    {
      opType: "MatMul",
      name: `${scope}/MatMul`,
      inputs: [x, `${scope}/MatMul/ReadVariableOp:0`],
      outputs: [`${scope}/MatMul:0`],
    },
    {
      opType: "Add",
      name: `${scope}/BiasAdd`,
      inputs: [`${scope}/MatMul:0`, `${scope}/BiasAdd/ReadVariableOp:0`],
      outputs: [`${scope}/BiasAdd:0`],
    },
    {
      opType: act,
      name: `${scope}/${act}`,
      inputs: [`${scope}/BiasAdd:0`],
      outputs: [`${scope}/${act}:0`],
    },
  ];
}

/**
 * Keras CNN on an NHWC image through tf2onnx (opset 15): Transpose to NCHW, Conv with bias,
 * BatchNormalization (unfolded), Relu6 as Clip(min, max), MaxPool, Transpose back to NHWC,
 * Flatten (a constant [-1, K] Reshape, or with `dynamicFlatten` the Shape/Slice/Concat form of
 * `tf.reshape(x, [tf.shape(x)[0], -1])`), Dense as MatMul + Add, Softmax.
 */
export function kerasCnn(p: { dynamicFlatten?: boolean } = {}): ExporterModel {
  const w = weights(12);
  const [S, Cin, Cout, K, C] = [5, 1, 2, 2, 3];
  const pooled = (S - K + 1) / 2;
  const flat = pooled * pooled * Cout;
  const inits: OnnxInitializerSpec[] = [
    {
      name: "sequential/conv2d/Conv2D/ReadVariableOp:0",
      shape: [Cout, Cin, K, K],
      data: w(Cout * Cin * K * K),
    },
    { name: "sequential/conv2d/BiasAdd/ReadVariableOp:0", shape: [Cout], data: w(Cout, 0.3) },
    { name: "sequential/batch_normalization/gamma:0", shape: [Cout], data: [1.2, 0.8] },
    { name: "sequential/batch_normalization/beta:0", shape: [Cout], data: [0.1, -0.1] },
    { name: "sequential/batch_normalization/moving_mean:0", shape: [Cout], data: [0.05, -0.02] },
    { name: "sequential/batch_normalization/moving_variance:0", shape: [Cout], data: [0.9, 1.1] },
    { name: "sequential/re_lu/Relu6/min:0", shape: [], data: [0] },
    { name: "sequential/re_lu/Relu6/max:0", shape: [], data: [6] },
    { name: "sequential/dense/MatMul/ReadVariableOp:0", shape: [flat, C], data: w(flat * C) },
    { name: "sequential/dense/BiasAdd/ReadVariableOp:0", shape: [C], data: w(C, 0.3) },
  ];
  const flatten: OnnxNodeSpec[] = [];
  if (p.dynamicFlatten) {
    inits.push(
      { name: "const_starts__10", shape: [1], data: [0n] },
      { name: "const_ends__11", shape: [1], data: [1n] },
      { name: "const_axes__12", shape: [1], data: [0n] },
      { name: "const_fold_opt__13", shape: [1], data: [-1n] },
    );
    flatten.push(
      {
        opType: "Shape",
        name: "sequential/flatten/Shape",
        inputs: ["sequential/max_pooling2d/MaxPool__16:0"],
        outputs: ["sequential/flatten/Shape:0"],
      },
      {
        opType: "Slice",
        name: "sequential/flatten/strided_slice",
        inputs: [
          "sequential/flatten/Shape:0",
          "const_starts__10",
          "const_ends__11",
          "const_axes__12",
        ],
        outputs: ["sequential/flatten/strided_slice:0"],
      },
      {
        opType: "Concat",
        name: "sequential/flatten/Reshape/shape",
        inputs: ["sequential/flatten/strided_slice:0", "const_fold_opt__13"],
        outputs: ["sequential/flatten/Reshape/shape:0"],
        attributes: { axis: 0 },
      },
    );
  } else {
    inits.push({ name: "const_fold_opt__13", shape: [2], data: [-1n, BigInt(flat)] });
  }
  const shapeInput = p.dynamicFlatten ? "sequential/flatten/Reshape/shape:0" : "const_fold_opt__13";
  const bytes = buildOnnx({
    producer: "tf2onnx",
    opset: 15,
    graphName: "tf2onnx",
    inputs: [{ name: "input_1", shape: ["unk__20", S, S, Cin] }],
    outputs: [{ name: "dense", shape: ["unk__21", C] }],
    initializers: inits,
    nodes: [
      {
        opType: "Transpose",
        name: "sequential/conv2d/Conv2D__6",
        inputs: ["input_1"],
        outputs: ["sequential/conv2d/Conv2D__6:0"],
        attributes: { perm: [0, 3, 1, 2] },
      },
      {
        opType: "Conv",
        name: "sequential/conv2d/Conv2D",
        inputs: [
          "sequential/conv2d/Conv2D__6:0",
          "sequential/conv2d/Conv2D/ReadVariableOp:0",
          "sequential/conv2d/BiasAdd/ReadVariableOp:0",
        ],
        outputs: ["sequential/conv2d/BiasAdd:0"],
        attributes: { dilations: [1, 1], strides: [1, 1], kernel_shape: [K, K], group: 1 },
      },
      {
        opType: "BatchNormalization",
        name: "sequential/batch_normalization/FusedBatchNormV3",
        inputs: [
          "sequential/conv2d/BiasAdd:0",
          "sequential/batch_normalization/gamma:0",
          "sequential/batch_normalization/beta:0",
          "sequential/batch_normalization/moving_mean:0",
          "sequential/batch_normalization/moving_variance:0",
        ],
        outputs: ["sequential/batch_normalization/FusedBatchNormV3:0"],
        attributes: { epsilon: { type: "float", value: 0.001 } },
      },
      {
        opType: "Clip",
        name: "sequential/re_lu/Relu6",
        inputs: [
          "sequential/batch_normalization/FusedBatchNormV3:0",
          "sequential/re_lu/Relu6/min:0",
          "sequential/re_lu/Relu6/max:0",
        ],
        outputs: ["sequential/re_lu/Relu6:0"],
      },
      {
        opType: "MaxPool",
        name: "sequential/max_pooling2d/MaxPool",
        inputs: ["sequential/re_lu/Relu6:0"],
        outputs: ["sequential/max_pooling2d/MaxPool:0"],
        attributes: { kernel_shape: [2, 2], strides: [2, 2] },
      },
      {
        opType: "Transpose",
        name: "sequential/max_pooling2d/MaxPool__16",
        inputs: ["sequential/max_pooling2d/MaxPool:0"],
        outputs: ["sequential/max_pooling2d/MaxPool__16:0"],
        attributes: { perm: [0, 2, 3, 1] },
      },
      ...flatten,
      {
        opType: "Reshape",
        name: "sequential/flatten/Reshape",
        inputs: ["sequential/max_pooling2d/MaxPool__16:0", shapeInput],
        outputs: ["sequential/flatten/Reshape:0"],
      },
      ...denseLayer("sequential/dense", "sequential/flatten/Reshape:0", "Softmax"),
      {
        opType: "Identity",
        name: "Identity",
        inputs: ["sequential/dense/Softmax:0"],
        outputs: ["dense"],
      },
    ],
  });
  return {
    name: `Keras CNN on NHWC (tf2onnx: Transpose, Conv, BatchNormalization, Relu6 Clip, MaxPool, ${p.dynamicFlatten ? "Shape/Slice/Concat" : "constant [-1, K]"} Flatten, MatMul + Add, Softmax)`,
    exporter: "tf2onnx",
    bytes,
    input: "input_1",
    shape: [1, S, S, Cin],
    outputs: ["dense"],
    tolerance: 0.03,
    rows: uniformRows(S * S * Cin, 0, 1),
  };
}
