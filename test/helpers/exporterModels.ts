import { buildOnnx } from "./buildOnnx.ts";
import type {
  OnnxAttributeValue,
  OnnxInitializerSpec,
  OnnxNodeSpec,
  OnnxValueSpec,
} from "./buildOnnx.ts";
import { GRID, ML, treeAttributes } from "./treeModels.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";

/**
 * Models built the way the non-PyTorch exporters write them (node patterns, names, opsets and
 * symbolic dims read from their converters' source):
 *  - tf2onnx (Keras): `input_1`-style inputs with an `unk__N` batch dim, Dense as MatMul + Add,
 *    NHWC inputs with Transposes around Conv, Relu6 as Clip with min/max inputs, Flatten as a
 *    Reshape to a constant [-1, K] or a Shape/Slice/Concat subgraph, an unfolded
 *    BatchNormalization, Identity outputs, Cast on the input;
 *  - sklearn-onnx: LogisticRegression (LinearClassifier + Normalizer L1 + ZipMap, label Cast),
 *    MLPClassifier (Cast, MatMul/Add/Relu, Softmax, ArgMax + ArrayFeatureExtractor labels),
 *    Normalizer (L1, L2, MAX), ArrayFeatureExtractor column selection;
 *  - hummingbird-ml: the GEMM strategy of a tree ensemble (MatMul, LessOrEqual, Cast, Equal,
 *    ReduceSum, ArgMax);
 *  - onnxmltools: LightGBM / XGBoost TreeEnsemble attributes (missing-value tracks, BRANCH_LT,
 *    base_values).
 */

export interface ExporterModel {
  name: string;
  exporter: "tf2onnx" | "skl2onnx" | "hummingbird-ml" | "onnxmltools";
  bytes: Uint8Array;
  /** The same graph as onnxruntime-node can read its outputs (no sequence-of-maps output). */
  reference?: Uint8Array;
  input: string;
  /** The input's shape at batch 1 (as fed to onnxruntime). */
  shape: number[];
  /** The graph outputs compared with onnxruntime, in the order they are proven. */
  outputs: string[];
  /** Largest |quantized - onnxruntime| allowed. */
  tolerance: number;
  /** Seeded input rows (each the flattened input). */
  rows: (n: number, seed: number) => number[][];
}

const ml = (n: Omit<OnnxNodeSpec, "domain">): OnnxNodeSpec => ({ ...n, domain: ML });

function weights(seed: number) {
  const rnd = mulberry32({ seed });
  return (n: number, scale = 1) =>
    Array.from({ length: n }, () => Math.round((rnd() * 2 - 1) * scale * 1000) / 1000);
}

function uniformRows(width: number, lo: number, hi: number) {
  return (n: number, seed: number) => {
    const rnd = mulberry32({ seed });
    return Array.from({ length: n }, () =>
      Array.from({ length: width }, () => Math.round((lo + (hi - lo) * rnd()) * GRID) / GRID),
    );
  };
}

/** Keras Sequential MLP (Dense-relu, Dense-softmax) through tf2onnx (from_keras, opset 13). */
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

/**
 * LogisticRegression through sklearn-onnx: LinearClassifier (multi_class 1 and SOFTMAX for the
 * multinomial model, LOGISTIC for one-vs-rest), Normalizer L1 of the probabilities, the label
 * through Cast, the probabilities through ZipMap (a sequence of maps; `reference` is the
 * zipmap=False export onnxruntime-node can read).
 */
export function sklearnLogistic(p: { ovr: boolean; zipmap: boolean }): ExporterModel {
  const w = weights(p.ovr ? 13 : 14);
  const [F, C] = [4, 3];
  const [coefficients, intercepts] = [w(C * F, 2), w(C)];
  const build = (zipmap: boolean) => {
    const outputs: OnnxValueSpec[] = [
      { name: "output_label", shape: ["N"], dataType: "int64" },
      zipmap
        ? { name: "output_probability", shape: [], sequenceOfMaps: "int64" }
        : { name: "probabilities", shape: ["N", C] },
    ];
    const nodes: OnnxNodeSpec[] = [
      ml({
        opType: "LinearClassifier",
        name: "LinearClassifier",
        inputs: ["float_input"],
        outputs: ["label", "probability_tensor"],
        attributes: {
          coefficients: { type: "floats", value: coefficients },
          intercepts: { type: "floats", value: intercepts },
          classlabels_ints: [0, 1, 2],
          multi_class: p.ovr ? 0 : 1,
          post_transform: p.ovr ? "LOGISTIC" : "SOFTMAX",
        },
      }),
      ml({
        opType: "Normalizer",
        name: "Normalizer",
        inputs: ["probability_tensor"],
        outputs: ["probabilities"],
        attributes: { norm: "L1" },
      }),
      {
        opType: "Cast",
        name: "Cast",
        inputs: ["label"],
        outputs: ["output_label"],
        attributes: { to: 7 },
      },
    ];
    if (zipmap)
      nodes.push(
        ml({
          opType: "ZipMap",
          name: "ZipMap",
          inputs: ["probabilities"],
          outputs: ["output_probability"],
          attributes: { classlabels_int64s: [0, 1, 2] },
        }),
      );
    return buildOnnx({
      producer: "skl2onnx",
      opset: 15,
      inputs: [{ name: "float_input", shape: ["N", F] }],
      outputs,
      nodes,
    });
  };
  return {
    name: `LogisticRegression ${p.ovr ? "one-vs-rest (LOGISTIC)" : "multinomial (multi_class 1, SOFTMAX)"} + Normalizer L1${p.zipmap ? " + ZipMap" : ""} (skl2onnx)`,
    exporter: "skl2onnx",
    bytes: build(p.zipmap),
    reference: p.zipmap ? build(false) : undefined,
    input: "float_input",
    shape: [1, F],
    outputs: ["output_label", "probabilities"],
    tolerance: 0.02,
    rows: uniformRows(F, -1.5, 1.5),
  };
}

/** sklearn's Normalizer transformer (ai.onnx.ml Normalizer) after a column selection. */
export function sklearnNormalizer(norm: "L1" | "L2" | "MAX"): ExporterModel {
  const F = 5;
  const bytes = buildOnnx({
    producer: "skl2onnx",
    opset: 15,
    inputs: [{ name: "X", shape: ["N", F] }],
    outputs: [{ name: "variable", shape: ["N", 3] }],
    initializers: [{ name: "column_indices", shape: [3], data: [0n, 2n, 3n] }],
    nodes: [
      ml({
        opType: "ArrayFeatureExtractor",
        name: "ArrayFeatureExtractor",
        inputs: ["X", "column_indices"],
        outputs: ["selected"],
      }),
      ml({
        opType: "Normalizer",
        name: "Normalizer",
        inputs: ["selected"],
        outputs: ["variable"],
        attributes: { norm },
      }),
    ],
  });
  return {
    name: `ColumnTransformer column selection + Normalizer ${norm} (skl2onnx: ArrayFeatureExtractor, Normalizer)`,
    exporter: "skl2onnx",
    bytes,
    input: "X",
    shape: [1, F],
    outputs: ["variable"],
    tolerance: 0.02,
    // positive rows, away from 0 (MAX divides by the largest value)
    rows: uniformRows(F, 0.25, 2),
  };
}

/**
 * MLPClassifier through sklearn-onnx: Cast, MatMul + Add ([1, H] intercepts) + Relu, MatMul +
 * Add + Softmax, Identity to the probabilities, the label as ArrayFeatureExtractor(classes,
 * ArgMax) + Reshape(-1) + Cast (int32 classes).
 */
export function sklearnMlp(): ExporterModel {
  const w = weights(15);
  const [F, H, C] = [4, 6, 3];
  const bytes = buildOnnx({
    producer: "skl2onnx",
    opset: 15,
    inputs: [{ name: "float_input", shape: ["N", F] }],
    outputs: [
      { name: "label", shape: ["N"], dataType: "int64" },
      { name: "probabilities", shape: ["N", C] },
    ],
    initializers: [
      { name: "coefficient", shape: [F, H], data: w(F * H, 1.5) },
      { name: "intercepts", shape: [1, H], data: w(H, 0.5) },
      { name: "coefficient1", shape: [H, C], data: w(H * C, 1.5) },
      { name: "intercepts1", shape: [1, C], data: w(C, 0.5) },
      { name: "classes", shape: [C], data: [0, 1, 2], dataType: "int32" },
      { name: "shape_tensor", shape: [1], data: [-1n] },
    ],
    nodes: [
      {
        opType: "Cast",
        name: "Cast",
        inputs: ["float_input"],
        outputs: ["cast_input"],
        attributes: { to: 1 },
      },
      {
        opType: "MatMul",
        name: "MatMul",
        inputs: ["cast_input", "coefficient"],
        outputs: ["mul_result"],
      },
      { opType: "Add", name: "Add", inputs: ["mul_result", "intercepts"], outputs: ["add_result"] },
      { opType: "Relu", name: "Relu", inputs: ["add_result"], outputs: ["next_activations"] },
      {
        opType: "MatMul",
        name: "MatMul1",
        inputs: ["next_activations", "coefficient1"],
        outputs: ["mul_result1"],
      },
      {
        opType: "Add",
        name: "Add1",
        inputs: ["mul_result1", "intercepts1"],
        outputs: ["add_result1"],
      },
      {
        opType: "Softmax",
        name: "Relu1",
        inputs: ["add_result1"],
        outputs: ["out_activations_result"],
      },
      {
        opType: "Identity",
        name: "Identity",
        inputs: ["out_activations_result"],
        outputs: ["probabilities"],
      },
      {
        opType: "ArgMax",
        name: "ArgMax",
        inputs: ["probabilities"],
        outputs: ["argmax_output"],
        attributes: { axis: 1 },
      },
      ml({
        opType: "ArrayFeatureExtractor",
        name: "ArrayFeatureExtractor",
        inputs: ["classes", "argmax_output"],
        outputs: ["array_feature_extractor_result"],
      }),
      {
        opType: "Reshape",
        name: "Reshape",
        inputs: ["array_feature_extractor_result", "shape_tensor"],
        outputs: ["reshaped_result"],
      },
      {
        opType: "Cast",
        name: "Cast1",
        inputs: ["reshaped_result"],
        outputs: ["label"],
        attributes: { to: 7 },
      },
    ],
  });
  return {
    name: "MLPClassifier (skl2onnx: Cast, MatMul + Add + Relu, Softmax, ArgMax + ArrayFeatureExtractor label)",
    exporter: "skl2onnx",
    bytes,
    input: "float_input",
    shape: [1, F],
    outputs: ["label", "probabilities"],
    tolerance: 0.02,
    rows: uniformRows(F, -2, 2),
  };
}

/**
 * A tree ensemble in hummingbird-ml's GEMM strategy (torch.onnx export of
 * `hummingbird.ml.convert(model, "onnx")`): per tree, the decisions `W1 x^T <= b1` (Transpose,
 * MatMul, LessOrEqual), leaf indicators `W2 d == b2` (Cast, MatMul, Equal) and the leaf values
 * `W3 l` (Cast, MatMul); the trees summed (ReduceSum), transposed to [N, C]; the label is the
 * ArgMax of the scores. Built from the same random full trees as the ai.onnx.ml fixtures.
 */
export function hummingbirdGemm(p: {
  trees: number;
  depth: number;
  features: number;
  classes: number;
}): ExporterModel {
  const a = treeAttributes(
    {
      seed: 21,
      trees: p.trees,
      depth: p.depth,
      features: p.features,
      columns: p.classes,
      weights: "probabilities",
    },
    "class",
  ) as Record<string, number[] | string[]>;
  const T = p.trees;
  const nodes = a.nodes_treeids as number[];
  // per tree: internal nodes, leaves, and each leaf's path (internal node -> went left?)
  const I = Math.max(
    ...Array.from(
      { length: T },
      (_, t) => nodes.filter((x, i) => x === t && a.nodes_modes[i] !== "LEAF").length,
    ),
  );
  const L = Math.max(
    ...Array.from(
      { length: T },
      (_, t) => nodes.filter((x, i) => x === t && a.nodes_modes[i] === "LEAF").length,
    ),
  );
  const W1 = new Array<number>(T * I * p.features).fill(0);
  const B1 = new Array<number>(T * I).fill(0);
  const W2 = new Array<number>(T * L * I).fill(0);
  const B2 = new Array<number>(T * L).fill(-1); // padding leaves never match
  const W3 = new Array<number>(T * p.classes * L).fill(0);
  for (let t = 0; t < T; t++) {
    const idx = nodes.map((x, i) => (x === t ? i : -1)).filter((i) => i >= 0);
    const byId = new Map(idx.map((i) => [a.nodes_nodeids[i] as number, i]));
    const internal = idx.filter((i) => a.nodes_modes[i] !== "LEAF");
    const leaves = idx.filter((i) => a.nodes_modes[i] === "LEAF");
    internal.forEach((i, k) => {
      W1[(t * I + k) * p.features + (a.nodes_featureids[i] as number)] = 1;
      B1[t * I + k] = a.nodes_values[i] as number;
    });
    const walk = (i: number, path: [number, boolean][]) => {
      if (a.nodes_modes[i] === "LEAF") {
        const l = leaves.indexOf(i);
        let lefts = 0;
        for (const [k, left] of path) {
          W2[(t * L + l) * I + k] = left ? 1 : -1;
          if (left) lefts++;
        }
        B2[t * L + l] = lefts;
        const id = a.nodes_nodeids[i];
        (a.class_nodeids as number[]).forEach((n, j) => {
          if (n === id && a.class_treeids[j] === t)
            W3[(t * p.classes + (a.class_ids[j] as number)) * L + l] = a.class_weights[j] as number;
        });
        return;
      }
      const k = internal.indexOf(i);
      walk(byId.get(a.nodes_truenodeids[i] as number)!, [...path, [k, true]]);
      walk(byId.get(a.nodes_falsenodeids[i] as number)!, [...path, [k, false]]);
    };
    walk(idx[0], []);
  }
  const bytes = buildOnnx({
    producer: "pytorch",
    opset: 13,
    graphName: "torch_jit",
    inputs: [{ name: "input_0", shape: ["sym", p.features] }],
    outputs: [
      { name: "variable", shape: ["sym"], dataType: "int64" },
      { name: "onnx::ArgMax_21", shape: ["sym", p.classes] },
    ],
    initializers: [
      { name: "_operators.0.weight_1", shape: [T * I, p.features], data: W1 },
      { name: "_operators.0.bias_1", shape: [T * I, 1], data: B1 },
      { name: "_operators.0.weight_2", shape: [T, L, I], data: W2 },
      { name: "_operators.0.bias_2", shape: [T * L, 1], data: B2 },
      { name: "_operators.0.weight_3", shape: [T, p.classes, L], data: W3 },
      { name: "onnx::Reshape_3", shape: [3], data: [BigInt(T), BigInt(I), -1n] },
      { name: "onnx::Reshape_4", shape: [2], data: [BigInt(T * L), -1n] },
      { name: "onnx::Reshape_5", shape: [3], data: [BigInt(T), BigInt(L), -1n] },
      { name: "onnx::ReduceSum_axes", shape: [1], data: [0n] },
    ],
    nodes: [
      {
        opType: "Transpose",
        name: "/_operators.0/Transpose",
        inputs: ["input_0"],
        outputs: ["/Transpose_output_0"],
        attributes: { perm: [1, 0] },
      },
      {
        opType: "MatMul",
        name: "/_operators.0/MatMul",
        inputs: ["_operators.0.weight_1", "/Transpose_output_0"],
        outputs: ["/MatMul_output_0"],
      },
      {
        opType: "LessOrEqual",
        name: "/_operators.0/LessOrEqual",
        inputs: ["/MatMul_output_0", "_operators.0.bias_1"],
        outputs: ["/LessOrEqual_output_0"],
      },
      {
        opType: "Reshape",
        name: "/_operators.0/Reshape",
        inputs: ["/LessOrEqual_output_0", "onnx::Reshape_3"],
        outputs: ["/Reshape_output_0"],
      },
      {
        opType: "Cast",
        name: "/_operators.0/Cast",
        inputs: ["/Reshape_output_0"],
        outputs: ["/Cast_output_0"],
        attributes: { to: 1 },
      },
      {
        opType: "MatMul",
        name: "/_operators.0/MatMul_1",
        inputs: ["_operators.0.weight_2", "/Cast_output_0"],
        outputs: ["/MatMul_1_output_0"],
      },
      {
        opType: "Reshape",
        name: "/_operators.0/Reshape_1",
        inputs: ["/MatMul_1_output_0", "onnx::Reshape_4"],
        outputs: ["/Reshape_1_output_0"],
      },
      {
        opType: "Equal",
        name: "/_operators.0/Equal",
        inputs: ["/Reshape_1_output_0", "_operators.0.bias_2"],
        outputs: ["/Equal_output_0"],
      },
      {
        opType: "Reshape",
        name: "/_operators.0/Reshape_2",
        inputs: ["/Equal_output_0", "onnx::Reshape_5"],
        outputs: ["/Reshape_2_output_0"],
      },
      {
        opType: "Cast",
        name: "/_operators.0/Cast_1",
        inputs: ["/Reshape_2_output_0"],
        outputs: ["/Cast_1_output_0"],
        attributes: { to: 1 },
      },
      {
        opType: "MatMul",
        name: "/_operators.0/MatMul_2",
        inputs: ["_operators.0.weight_3", "/Cast_1_output_0"],
        outputs: ["/MatMul_2_output_0"],
      },
      {
        opType: "ReduceSum",
        name: "/_operators.0/ReduceSum",
        inputs: ["/MatMul_2_output_0", "onnx::ReduceSum_axes"],
        outputs: ["/ReduceSum_output_0"],
        attributes: { keepdims: 0 },
      },
      {
        opType: "Transpose",
        name: "/_operators.0/Transpose_1",
        inputs: ["/ReduceSum_output_0"],
        outputs: ["onnx::ArgMax_21"],
        attributes: { perm: [1, 0] },
      },
      {
        opType: "ArgMax",
        name: "/_operators.0/ArgMax",
        inputs: ["onnx::ArgMax_21"],
        outputs: ["variable"],
        attributes: { axis: 1, keepdims: 0 },
      },
    ],
  });
  return {
    name: `hummingbird-ml GEMM tree ensemble (${T} trees of depth ${p.depth}: Transpose, MatMul, LessOrEqual, Cast, Equal, ReduceSum, ArgMax)`,
    exporter: "hummingbird-ml",
    bytes,
    input: "input_0",
    shape: [1, p.features],
    outputs: ["variable", "onnx::ArgMax_21"],
    tolerance: 0.002,
    rows: uniformRows(p.features, -1.5, 1.5),
  };
}

/**
 * LightGBM / XGBoost through onnxmltools: TreeEnsembleClassifier (binary: one score column,
 * LOGISTIC) or TreeEnsembleRegressor, every node tracking missing values to the true branch,
 * LightGBM's BRANCH_LEQ or XGBoost's BRANCH_LT, a base value (XGBoost's base_score), then
 * ZipMap for the classifier (its zipmap=False form is the `reference`).
 */
export function boostedTrees(p: {
  library: "LightGBM" | "XGBoost";
  classifier: boolean;
}): ExporterModel {
  const F = 4;
  const spec = {
    seed: p.library === "LightGBM" ? 31 : 32,
    trees: 3,
    depth: 3,
    features: F,
    columns: p.classifier ? 2 : 1,
    weights: "signed" as const,
    singleColumn: p.classifier,
    modes: [p.library === "LightGBM" ? ("BRANCH_LEQ" as const) : ("BRANCH_LT" as const)],
  };
  const prefix = p.classifier ? "class" : "target";
  const attrs = treeAttributes(spec, prefix) as Record<string, number[] | string[]>;
  attrs.nodes_missing_value_tracks_true = (attrs.nodes_missing_value_tracks_true as number[]).map(
    () => 1,
  );
  const typedAttrs: Record<string, OnnxAttributeValue> = {};
  for (const [k, v] of Object.entries(attrs))
    typedAttrs[k] =
      typeof v[0] === "string"
        ? { type: "strings", value: v as string[] }
        : /values|weights|hitrates/.test(k)
          ? { type: "floats", value: v as number[] }
          : { type: "ints", value: v as number[] };
  const base = p.library === "XGBoost" ? [0.5] : [];
  const name = p.library === "LightGBM" ? "LightGbmLGBM" : "XGBoostXGB";
  const build = (zipmap: boolean) =>
    buildOnnx({
      producer: "OnnxMLTools",
      opset: 15,
      inputs: [{ name: "input", shape: ["N", F] }],
      outputs: p.classifier
        ? [
            { name: "label", shape: ["N"], dataType: "int64" },
            zipmap
              ? { name: "probabilities", shape: [], sequenceOfMaps: "int64" }
              : { name: "probability_tensor", shape: ["N", 2] },
          ]
        : [{ name: "variable", shape: ["N", 1] }],
      nodes: [
        ml({
          opType: p.classifier ? "TreeEnsembleClassifier" : "TreeEnsembleRegressor",
          name: `${name}${p.classifier ? "Classifier" : "Regressor"}`,
          inputs: ["input"],
          outputs: p.classifier ? ["label", "probability_tensor"] : ["variable"],
          attributes: {
            ...typedAttrs,
            ...(p.classifier
              ? { classlabels_int64s: [0, 1], post_transform: "LOGISTIC" }
              : { n_targets: 1, post_transform: "NONE", aggregate_function: "SUM" }),
            ...(base.length ? { base_values: { type: "floats", value: base } } : {}),
          },
        }),
        ...(zipmap
          ? [
              ml({
                opType: "ZipMap",
                name: "ZipMap",
                inputs: ["probability_tensor"],
                outputs: ["probabilities"],
                attributes: { classlabels_int64s: [0, 1] },
              }),
            ]
          : []),
      ],
    });
  return {
    name: `${p.library} ${p.classifier ? "binary classifier (TreeEnsembleClassifier, LOGISTIC, ZipMap)" : "regressor (TreeEnsembleRegressor)"} with missing-value tracks, ${spec.modes[0]}${base.length ? ", base_values" : ""} (onnxmltools)`,
    exporter: "onnxmltools",
    bytes: build(p.classifier),
    reference: p.classifier ? build(false) : undefined,
    input: "input",
    shape: [1, F],
    outputs: p.classifier ? ["label", "probability_tensor"] : ["variable"],
    tolerance: p.classifier ? 0.01 : 0.002,
    rows: uniformRows(F, -1.5, 1.5),
  };
}

/** Every exporter form the tests cover (small models). */
export function exporterModels(): ExporterModel[] {
  return [
    kerasMlp(),
    kerasCnn(),
    kerasCnn({ dynamicFlatten: true }),
    sklearnLogistic({ ovr: false, zipmap: true }),
    sklearnLogistic({ ovr: true, zipmap: false }),
    sklearnNormalizer("L1"),
    sklearnNormalizer("L2"),
    sklearnNormalizer("MAX"),
    sklearnMlp(),
    hummingbirdGemm({ trees: 2, depth: 2, features: 3, classes: 3 }),
    boostedTrees({ library: "LightGBM", classifier: true }),
    boostedTrees({ library: "XGBoost", classifier: false }),
  ];
}
