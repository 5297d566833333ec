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

function denseLayer(
  scope: string,
  x: string,
  act?: "Relu" | "Sigmoid" | "Softmax",
): OnnxNodeSpec[] {
  const nodes: OnnxNodeSpec[] = [
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
  ];
  if (act)
    nodes.push({
      opType: act,
      name: `${scope}/${act}`,
      inputs: [`${scope}/BiasAdd:0`],
      outputs: [`${scope}/${act}:0`],
    });
  return nodes;
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

/**
 * Keras Conv1D on an NWC sequence through tf2onnx (opset 13): TF's conv1d is ExpandDims +
 * Conv2D + Squeeze, written as Unsqueeze, Transpose to NCHW, Conv (kernel [Cout, Cin, 1, K],
 * BiasAdd folded in), Transpose back, Squeeze; BatchNormalization on the rank-3 output is
 * Keras' unfused form, constant-folded by tf2onnx into Mul + Add over the channel axis; Relu;
 * Dropout as Identity; Flatten as a constant Reshape; Dense + a separate Sigmoid node.
 */
export function kerasConv1d(): ExporterModel {
  const w = weights(13);
  const [W, Cin, Cout, K] = [6, 2, 2, 3];
  const Wout = W - K + 1;
  const flat = Wout * Cout;
  const s = "sequential";
  const bytes = buildOnnx({
    producer: "tf2onnx",
    opset: 13,
    graphName: "tf2onnx",
    inputs: [{ name: "conv1d_input", shape: ["unk__18", W, Cin] }],
    outputs: [{ name: "dense", shape: ["unk__19", 1] }],
    initializers: [
      { name: "const_axes__9", shape: [1], data: [1n] },
      {
        name: `${s}/conv1d/Conv1D/ExpandDims_1:0`,
        shape: [Cout, Cin, 1, K],
        data: w(Cout * Cin * K),
      },
      { name: `${s}/conv1d/BiasAdd/ReadVariableOp:0`, shape: [Cout], data: w(Cout, 0.3) },
      { name: `${s}/batch_normalization/batchnorm/mul:0`, shape: [Cout], data: [1.3, 0.7] },
      { name: `${s}/batch_normalization/batchnorm/sub:0`, shape: [Cout], data: [0.2, -0.1] },
      { name: "const_fold_opt__14", shape: [2], data: [-1n, BigInt(flat)] },
      { name: `${s}/dense/MatMul/ReadVariableOp:0`, shape: [flat, 1], data: w(flat) },
      { name: `${s}/dense/BiasAdd/ReadVariableOp:0`, shape: [1], data: w(1, 0.3) },
    ],
    nodes: [
      {
        opType: "Unsqueeze",
        name: `${s}/conv1d/Conv1D/ExpandDims`,
        inputs: ["conv1d_input", "const_axes__9"],
        outputs: [`${s}/conv1d/Conv1D/ExpandDims:0`],
      },
      {
        opType: "Transpose",
        name: `${s}/conv1d/Conv1D__6`,
        inputs: [`${s}/conv1d/Conv1D/ExpandDims:0`],
        outputs: [`${s}/conv1d/Conv1D__6:0`],
        attributes: { perm: [0, 3, 1, 2] },
      },
      {
        opType: "Conv",
        name: `${s}/conv1d/Conv1D`,
        inputs: [
          `${s}/conv1d/Conv1D__6:0`,
          `${s}/conv1d/Conv1D/ExpandDims_1:0`,
          `${s}/conv1d/BiasAdd/ReadVariableOp:0`,
        ],
        outputs: [`${s}/conv1d/Conv1D:0`],
        attributes: { dilations: [1, 1], strides: [1, 1], kernel_shape: [1, K], group: 1 },
      },
      {
        opType: "Transpose",
        name: `${s}/conv1d/Conv1D__8`,
        inputs: [`${s}/conv1d/Conv1D:0`],
        outputs: [`${s}/conv1d/Conv1D__8:0`],
        attributes: { perm: [0, 2, 3, 1] },
      },
      {
        opType: "Squeeze",
        name: `${s}/conv1d/Conv1D/Squeeze`,
        inputs: [`${s}/conv1d/Conv1D__8:0`, "const_axes__9"],
        outputs: [`${s}/conv1d/BiasAdd:0`],
      },
      {
        opType: "Mul",
        name: `${s}/batch_normalization/batchnorm/mul_1`,
        inputs: [`${s}/conv1d/BiasAdd:0`, `${s}/batch_normalization/batchnorm/mul:0`],
        outputs: [`${s}/batch_normalization/batchnorm/mul_1:0`],
      },
      {
        opType: "Add",
        name: `${s}/batch_normalization/batchnorm/add_1`,
        inputs: [
          `${s}/batch_normalization/batchnorm/mul_1:0`,
          `${s}/batch_normalization/batchnorm/sub:0`,
        ],
        outputs: [`${s}/batch_normalization/batchnorm/add_1:0`],
      },
      {
        opType: "Relu",
        name: `${s}/re_lu/Relu`,
        inputs: [`${s}/batch_normalization/batchnorm/add_1:0`],
        outputs: [`${s}/re_lu/Relu:0`],
      },
      {
        opType: "Identity",
        name: `${s}/dropout/Identity`,
        inputs: [`${s}/re_lu/Relu:0`],
        outputs: [`${s}/dropout/Identity:0`],
      },
      {
        opType: "Reshape",
        name: `${s}/flatten/Reshape`,
        inputs: [`${s}/dropout/Identity:0`, "const_fold_opt__14"],
        outputs: [`${s}/flatten/Reshape:0`],
      },
      ...denseLayer(`${s}/dense`, `${s}/flatten/Reshape:0`, "Sigmoid"),
      {
        opType: "Identity",
        name: "Identity",
        inputs: [`${s}/dense/Sigmoid:0`],
        outputs: ["dense"],
      },
    ],
  });
  return {
    name: "Keras Conv1D on NWC (tf2onnx: Unsqueeze, Transpose, Conv 1xK, Transpose, Squeeze, BatchNormalization as Mul + Add, Relu, Dropout Identity, Dense + Sigmoid)",
    exporter: "tf2onnx",
    bytes,
    input: "conv1d_input",
    shape: [1, W, Cin],
    outputs: ["dense"],
    tolerance: 0.02,
    rows: uniformRows(W * Cin, -1, 1),
  };
}

/**
 * Keras CNN with GlobalAveragePooling2D through tf2onnx (opset 13): Transpose to NCHW, Conv,
 * Relu, Transpose back to NHWC, ReduceMean over axes [1, 2] (keepdims 0), Dense without an
 * activation, BatchNormalization (unfused on a rank-2 tensor: Mul + Add, both folded into the
 * Dense), Activation("relu") as its own Relu node, Dropout as Identity, Dense + Softmax.
 */
export function kerasGlobalAveragePool(): ExporterModel {
  const w = weights(14);
  const [S, Cin, Cout, K, H, C] = [4, 1, 2, 2, 3, 3];
  const s = "model";
  const bytes = buildOnnx({
    producer: "tf2onnx",
    opset: 13,
    graphName: "tf2onnx",
    inputs: [{ name: "input_1", shape: ["unk__30", S, S, Cin] }],
    outputs: [{ name: "dense_1", shape: ["unk__31", C] }],
    initializers: [
      { name: `${s}/conv2d/Conv2D/ReadVariableOp:0`, shape: [Cout, Cin, K, K], data: w(8) },
      { name: `${s}/conv2d/BiasAdd/ReadVariableOp:0`, shape: [Cout], data: w(Cout, 0.3) },
      { name: `${s}/dense/MatMul/ReadVariableOp:0`, shape: [Cout, H], data: w(Cout * H) },
      { name: `${s}/dense/BiasAdd/ReadVariableOp:0`, shape: [H], data: w(H, 0.3) },
      { name: `${s}/batch_normalization/batchnorm/mul:0`, shape: [H], data: [1.2, 0.9, 1.1] },
      { name: `${s}/batch_normalization/batchnorm/sub:0`, shape: [H], data: [0.1, -0.2, 0] },
      { name: `${s}/dense_1/MatMul/ReadVariableOp:0`, shape: [H, C], data: w(H * C) },
      { name: `${s}/dense_1/BiasAdd/ReadVariableOp:0`, shape: [C], data: w(C, 0.3) },
    ],
    nodes: [
      {
        opType: "Transpose",
        name: `${s}/conv2d/Conv2D__6`,
        inputs: ["input_1"],
        outputs: [`${s}/conv2d/Conv2D__6:0`],
        attributes: { perm: [0, 3, 1, 2] },
      },
      {
        opType: "Conv",
        name: `${s}/conv2d/Conv2D`,
        inputs: [
          `${s}/conv2d/Conv2D__6:0`,
          `${s}/conv2d/Conv2D/ReadVariableOp:0`,
          `${s}/conv2d/BiasAdd/ReadVariableOp:0`,
        ],
        outputs: [`${s}/conv2d/BiasAdd:0`],
        attributes: { dilations: [1, 1], strides: [1, 1], kernel_shape: [K, K], group: 1 },
      },
      {
        opType: "Relu",
        name: `${s}/conv2d/Relu`,
        inputs: [`${s}/conv2d/BiasAdd:0`],
        outputs: [`${s}/conv2d/Relu:0`],
      },
      {
        opType: "Transpose",
        name: `${s}/conv2d/Relu__8`,
        inputs: [`${s}/conv2d/Relu:0`],
        outputs: [`${s}/conv2d/Relu__8:0`],
        attributes: { perm: [0, 2, 3, 1] },
      },
      {
        opType: "ReduceMean",
        name: `${s}/global_average_pooling2d/Mean`,
        inputs: [`${s}/conv2d/Relu__8:0`],
        outputs: [`${s}/global_average_pooling2d/Mean:0`],
        attributes: { axes: [1, 2], keepdims: 0 },
      },
      ...denseLayer(`${s}/dense`, `${s}/global_average_pooling2d/Mean:0`),
      {
        opType: "Mul",
        name: `${s}/batch_normalization/batchnorm/mul_1`,
        inputs: [`${s}/dense/BiasAdd:0`, `${s}/batch_normalization/batchnorm/mul:0`],
        outputs: [`${s}/batch_normalization/batchnorm/mul_1:0`],
      },
      {
        opType: "Add",
        name: `${s}/batch_normalization/batchnorm/add_1`,
        inputs: [
          `${s}/batch_normalization/batchnorm/mul_1:0`,
          `${s}/batch_normalization/batchnorm/sub:0`,
        ],
        outputs: [`${s}/batch_normalization/batchnorm/add_1:0`],
      },
      {
        opType: "Relu",
        name: `${s}/activation/Relu`,
        inputs: [`${s}/batch_normalization/batchnorm/add_1:0`],
        outputs: [`${s}/activation/Relu:0`],
      },
      {
        opType: "Identity",
        name: `${s}/dropout/Identity`,
        inputs: [`${s}/activation/Relu:0`],
        outputs: [`${s}/dropout/Identity:0`],
      },
      ...denseLayer(`${s}/dense_1`, `${s}/dropout/Identity:0`, "Softmax"),
      {
        opType: "Identity",
        name: "Identity",
        inputs: [`${s}/dense_1/Softmax:0`],
        outputs: ["dense_1"],
      },
    ],
  });
  return {
    name: "Keras CNN with GlobalAveragePooling2D (tf2onnx: ReduceMean over NHWC axes [1, 2], Dense, BatchNormalization as Mul + Add, Relu, Dropout Identity, Dense + Softmax)",
    exporter: "tf2onnx",
    bytes,
    input: "input_1",
    shape: [1, S, S, Cin],
    outputs: ["dense_1"],
    tolerance: 0.03,
    rows: uniformRows(S * S * Cin, 0, 1),
  };
}
