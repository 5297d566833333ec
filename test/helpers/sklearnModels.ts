import { buildOnnx } from "./buildOnnx.ts";
import type { OnnxNodeSpec, OnnxValueSpec } from "./buildOnnx.ts";
import { ml, uniformRows, weights } from "./exporterModel.ts";
import type { ExporterModel } from "./exporterModel.ts";

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
