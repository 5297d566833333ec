import { buildOnnx } from "./buildOnnx.ts";
import { compositeCases } from "./compositeCases.ts";
import { opsetCases } from "./opsetCases.ts";
import { productCases } from "./productCases.ts";
import { recurrentCases } from "./recurrentCases.ts";
import type { OnnxInitializerSpec, OnnxNodeSpec } from "./buildOnnx.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { numel } from "../../sdk/node/src/onnx/ir.ts";

/**
 * One tiny ONNX model per supported op (built with the test builder), for the per-op tests:
 * float reference vs onnxruntime, quantized evaluator vs onnxruntime, circuit vs evaluator.
 */
export interface OpCase {
  name: string;
  bytes: Uint8Array;
  inputShape: number[];
  /** Largest |quantized - onnxruntime| allowed (float units), from the stated bounds. */
  tolerance: number;
  /** The model ends in Softmax/LogSoftmax/ArgMax: compare argmax / logits instead. */
  final?: "softmax" | "argmax";
}

const rnd = mulberry32({ seed: 11 });
const rand = (n: number, scale = 1) =>
  Array.from({ length: n }, () => Math.round((rnd() * 2 - 1) * scale * 1000) / 1000);

export function model(p: {
  name: string;
  input: number[];
  output: number[];
  nodes: OnnxNodeSpec[];
  init?: OnnxInitializerSpec[];
  opset?: number;
  tolerance?: number;
  final?: "softmax" | "argmax";
  outputType?: "int64";
}): OpCase {
  const bytes = buildOnnx({
    inputs: [{ name: "x", shape: p.input }],
    outputs: [{ name: "y", shape: p.output, ...(p.outputType ? { dataType: p.outputType } : {}) }],
    initializers: p.init ?? [],
    nodes: p.nodes.map((n, i) => ({ ...n, name: n.name || `${n.opType}_${i}` })),
    opset: p.opset ?? 13,
  });
  return {
    name: p.name,
    bytes,
    inputShape: p.input,
    tolerance: p.tolerance ?? 0.005,
    ...(p.final ? { final: p.final } : {}),
  };
}

export const node = (
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes?: OnnxNodeSpec["attributes"],
): OnnxNodeSpec => ({ opType, inputs, outputs, name: "", ...(attributes ? { attributes } : {}) });
export const f = (value: number) => ({ type: "float" as const, value });
export const ints = (name: string, data: number[]): OnnxInitializerSpec => ({
  name,
  shape: [data.length],
  data: data.map(BigInt),
  dataType: "int64",
});
export const floats = (name: string, shape: number[], scale = 1): OnnxInitializerSpec => ({
  name,
  shape,
  data: rand(
    shape.reduce((a, b) => a * b, 1),
    scale,
  ),
});
const IMG = [1, 2, 4, 4];

/** Seeded inputs in [-1.5, 1.5] (wider for the saturating activations), plus 0. */
export function caseRows(shape: number[], seed: number, n = 16, span = 1.5): number[][] {
  const rnd = mulberry32({ seed });
  const size = numel(shape);
  return [
    new Array<number>(size).fill(0),
    ...Array.from({ length: n }, () => Array.from({ length: size }, () => (rnd() * 2 - 1) * span)),
  ];
}

export function opCases(): OpCase[] {
  return [
    model({
      name: "Gemm(alpha, beta, transB) + bias C",
      input: [1, 6],
      output: [1, 3],
      init: [floats("W", [3, 6]), floats("C", [3])],
      nodes: [node("Gemm", ["x", "W", "C"], ["y"], { alpha: f(0.5), beta: f(2), transB: 1 })],
    }),
    model({
      name: "Gemm(transA) + Relu",
      input: [6, 1],
      output: [1, 3],
      init: [floats("W", [6, 3])],
      nodes: [node("Gemm", ["x", "W"], ["h"], { transA: 1 }), node("Relu", ["h"], ["y"])],
    }),
    model({
      name: "MatMul + Add (bias folded) + Relu + MatMul",
      input: [1, 6],
      output: [1, 2],
      init: [floats("W", [6, 4]), floats("b", [4]), floats("V", [4, 2])],
      nodes: [
        node("MatMul", ["x", "W"], ["a"]),
        node("Add", ["a", "b"], ["h"]),
        node("Relu", ["h"], ["r"]),
        node("MatMul", ["r", "V"], ["y"]),
      ],
    }),
    model({
      name: "Add / Sub of activations",
      input: [1, 6],
      output: [1, 6],
      nodes: [
        node("Relu", ["x"], ["r"]),
        node("Add", ["r", "x"], ["s"]),
        node("Sub", ["s", "r"], ["y"]),
      ],
    }),
    model({
      name: "Sub / Mul / Div by constants, Neg",
      input: [1, 6],
      output: [1, 6],
      init: [floats("c", [6]), floats("m", [1, 6]), { name: "d", shape: [], data: [4] }],
      nodes: [
        node("Sub", ["c", "x"], ["a"]),
        node("Mul", ["a", "m"], ["b"]),
        node("Div", ["b", "d"], ["e"]),
        node("Neg", ["e"], ["y"]),
      ],
    }),
    model({
      name: "Mul of two activations (broadcast)",
      input: [1, 2, 3],
      output: [1, 2, 3],
      init: [{ name: "axes", shape: [1], data: [2n], dataType: "int64" }],
      nodes: [
        node("ReduceSum", ["x", "axes"], ["s"], { keepdims: 1 }),
        node("Mul", ["x", "s"], ["y"]),
      ],
    }),
    model({
      name: "LeakyRelu",
      input: [1, 6],
      output: [1, 6],
      nodes: [node("LeakyRelu", ["x"], ["y"], { alpha: f(0.1) })],
    }),
    model({
      name: "PRelu (per channel)",
      input: IMG,
      output: IMG,
      init: [{ name: "s", shape: [2, 1, 1], data: [0.25, -0.5] }],
      nodes: [node("PRelu", ["x", "s"], ["y"])],
    }),
    model({
      name: "Clip (opset 13 inputs)",
      input: [1, 6],
      output: [1, 6],
      init: [
        { name: "lo", shape: [], data: [-0.25] },
        { name: "hi", shape: [], data: [0.5] },
      ],
      nodes: [node("Clip", ["x", "lo", "hi"], ["y"])],
    }),
    model({
      name: "Clip (opset 9 attributes, Relu6-like)",
      input: [1, 6],
      output: [1, 6],
      opset: 9,
      nodes: [node("Clip", ["x"], ["y"], { min: f(0), max: f(0.6) })],
    }),
    model({
      name: "Sigmoid",
      input: [1, 8],
      output: [1, 8],
      tolerance: 0.002,
      nodes: [node("Sigmoid", ["x"], ["y"])],
    }),
    model({
      name: "Tanh",
      input: [1, 8],
      output: [1, 8],
      tolerance: 0.002,
      nodes: [node("Tanh", ["x"], ["y"])],
    }),
    model({
      name: "HardSigmoid",
      input: [1, 6],
      output: [1, 6],
      nodes: [node("HardSigmoid", ["x"], ["y"], { alpha: f(0.5), beta: f(0.4) })],
    }),
    model({
      name: "HardSwish",
      input: [1, 6],
      output: [1, 6],
      opset: 14,
      nodes: [node("HardSwish", ["x"], ["y"])],
    }),
    model({
      name: "Gemm + Softmax (proven as logits)",
      input: [1, 6],
      output: [1, 4],
      init: [floats("W", [4, 6])],
      final: "softmax",
      nodes: [
        node("Gemm", ["x", "W"], ["l"], { transB: 1 }),
        node("Softmax", ["l"], ["y"], { axis: 1 }),
      ],
    }),
    model({
      name: "Gemm + LogSoftmax",
      input: [1, 6],
      output: [1, 4],
      init: [floats("W", [4, 6])],
      final: "softmax",
      nodes: [
        node("Gemm", ["x", "W"], ["l"], { transB: 1 }),
        node("LogSoftmax", ["l"], ["y"], { axis: -1 }),
      ],
    }),
    model({
      name: "Gemm + ArgMax",
      input: [1, 6],
      output: [1, 1],
      outputType: "int64",
      init: [floats("W", [5, 6])],
      final: "argmax",
      nodes: [
        node("Gemm", ["x", "W"], ["l"], { transB: 1 }),
        node("ArgMax", ["l"], ["y"], { axis: 1, keepdims: 1 }),
      ],
    }),
    model({
      name: "Conv (stride 2, pads, dilation) + Relu",
      input: [1, 2, 6, 6],
      output: [1, 3, 2, 2],
      init: [floats("W", [3, 2, 3, 3]), floats("B", [3])],
      nodes: [
        node("Conv", ["x", "W", "B"], ["c"], {
          strides: [2, 2],
          pads: [1, 1, 0, 0],
          dilations: [2, 2],
          kernel_shape: [3, 3],
        }),
        node("Relu", ["c"], ["y"]),
      ],
    }),
    model({
      name: "Conv depthwise (group 2) + BatchNormalization (folded)",
      input: IMG,
      output: [1, 2, 4, 4],
      init: [
        floats("W", [2, 1, 3, 3]),
        floats("g", [2]),
        floats("b", [2]),
        floats("mu", [2]),
        { name: "var", shape: [2], data: [0.5, 2] },
      ],
      nodes: [
        node("Conv", ["x", "W"], ["c"], { group: 2, pads: [1, 1, 1, 1] }),
        node("BatchNormalization", ["c", "g", "b", "mu", "var"], ["y"], { epsilon: f(1e-5) }),
      ],
    }),
    model({
      name: "BatchNormalization (standalone)",
      input: IMG,
      output: IMG,
      init: [
        floats("g", [2]),
        floats("b", [2]),
        floats("mu", [2]),
        { name: "var", shape: [2], data: [0.5, 2] },
      ],
      nodes: [
        node("Relu", ["x"], ["r"]),
        node("BatchNormalization", ["r", "g", "b", "mu", "var"], ["y"]),
      ],
    }),
    model({
      name: "MaxPool 2x2 stride 2",
      input: IMG,
      output: [1, 2, 2, 2],
      nodes: [node("MaxPool", ["x"], ["y"], { kernel_shape: [2, 2], strides: [2, 2] })],
    }),
    model({
      name: "MaxPool 3x3 pads, ceil_mode",
      input: [1, 1, 5, 5],
      output: [1, 1, 3, 3],
      nodes: [
        node("MaxPool", ["x"], ["y"], {
          kernel_shape: [3, 3],
          strides: [2, 2],
          pads: [1, 1, 1, 1],
          ceil_mode: 1,
        }),
      ],
    }),
    model({
      name: "AveragePool count_include_pad",
      input: IMG,
      output: [1, 2, 2, 2],
      nodes: [
        node("AveragePool", ["x"], ["y"], {
          kernel_shape: [3, 3],
          strides: [2, 2],
          pads: [1, 1, 1, 1],
          count_include_pad: 1,
        }),
      ],
    }),
    model({
      name: "AveragePool (pads excluded) + GlobalAveragePool",
      input: IMG,
      output: [1, 2, 1, 1],
      nodes: [
        node("AveragePool", ["x"], ["a"], { kernel_shape: [2, 2], pads: [1, 1, 0, 0] }),
        node("GlobalAveragePool", ["a"], ["y"]),
      ],
    }),
    model({
      name: "Flatten + Reshape + Transpose",
      input: [1, 2, 3],
      output: [3, 2],
      init: [ints("s", [2, 3])],
      nodes: [
        node("Flatten", ["x"], ["a"], { axis: 1 }),
        node("Reshape", ["a", "s"], ["b"]),
        node("Transpose", ["b"], ["y"], { perm: [1, 0] }),
      ],
    }),
    model({
      name: "Squeeze / Unsqueeze (opset 13 inputs)",
      input: [1, 1, 6],
      output: [1, 6, 1],
      init: [ints("a0", [1]), ints("a2", [2])],
      nodes: [node("Squeeze", ["x", "a0"], ["s"]), node("Unsqueeze", ["s", "a2"], ["y"])],
    }),
    model({
      name: "Squeeze / Unsqueeze (opset 11 attributes)",
      input: [1, 1, 6],
      output: [1, 6, 1],
      opset: 11,
      nodes: [
        node("Squeeze", ["x"], ["s"], { axes: [1] }),
        node("Unsqueeze", ["s"], ["y"], { axes: [2] }),
      ],
    }),
    model({
      name: "Concat + Slice (steps) + Pad (constant) + Identity/Dropout/Cast",
      input: [1, 2, 3],
      output: [1, 3, 5],
      init: [
        ints("st", [0, 2]),
        ints("en", [3, -100]),
        ints("ax", [2, 1]),
        ints("sp", [1, -1]),
        ints("pads", [0, 0, 1, 0, 0, 1]),
        { name: "pv", shape: [], data: [0.5] },
      ],
      nodes: [
        node("Relu", ["x"], ["r"]),
        node("Concat", ["x", "r"], ["c"], { axis: 1 }),
        node("Slice", ["c", "st", "en", "ax", "sp"], ["s"]),
        node("Pad", ["s", "pads", "pv"], ["p"], { mode: "constant" }),
        node("Identity", ["p"], ["i"]),
        node("Dropout", ["i"], ["d"]),
        node("Cast", ["d"], ["y"], { to: 1 }),
      ],
    }),
    model({
      name: "ReduceMean (axes attribute) + ReduceSum (axes input)",
      input: IMG,
      output: [1, 2],
      init: [ints("ax", [1])],
      nodes: [
        node("ReduceMean", ["x"], ["m"], { axes: [2, 3], keepdims: 0 }),
        node("ReduceSum", ["m", "ax"], ["s"], { keepdims: 1 }),
        node("Add", ["m", "s"], ["y"]),
      ],
    }),
    model({
      name: "ReduceMax (opset 18, axes input)",
      input: IMG,
      output: [1, 2, 1, 4],
      opset: 18,
      init: [ints("ax", [2])],
      nodes: [node("ReduceMax", ["x", "ax"], ["y"], { keepdims: 1 })],
    }),
    model({
      name: "Sum / Mean / Max / Min of three activations (broadcast)",
      input: [2, 3],
      output: [2, 3],
      init: [ints("st", [0]), ints("en", [1]), ints("ax", [0])],
      nodes: [
        node("Relu", ["x"], ["r"]),
        node("Slice", ["x", "st", "en", "ax"], ["row"]),
        node("Sum", ["x", "r", "row"], ["s"]),
        node("Mean", ["x", "r", "row"], ["m"]),
        node("Max", ["s", "row", "m"], ["a"]),
        node("Min", ["a", "x", "r"], ["y"]),
      ],
    }),
    model({
      name: "Abs + ReduceL1 + ReduceSumSquare + ReduceMin",
      input: [1, 2, 3],
      output: [1, 2, 1],
      nodes: [
        node("Abs", ["x"], ["a"]),
        node("ReduceL1", ["x"], ["l1"], { axes: [2], keepdims: 1 }),
        node("ReduceSumSquare", ["x"], ["sq"], { axes: [2], keepdims: 1 }),
        node("ReduceMin", ["a"], ["mn"], { axes: [2], keepdims: 1 }),
        node("Sum", ["l1", "sq", "mn"], ["y"]),
      ],
    }),
    model({
      name: "Gemm + ArgMin (last index)",
      input: [1, 6],
      output: [1],
      outputType: "int64",
      init: [floats("W", [5, 6])],
      final: "argmax",
      nodes: [
        node("Gemm", ["x", "W"], ["l"], { transB: 1 }),
        node("ArgMin", ["l"], ["y"], { axis: 1, keepdims: 0, select_last_index: 1 }),
      ],
    }),
    model({
      name: "Gather (constant indices, axis 1) + Expand + Split + Tile (wiring)",
      input: [1, 4],
      output: [2, 6],
      init: [ints("idx", [3, 0, -1]), ints("shp", [2, 1]), ints("rep", [1, 2])],
      nodes: [
        node("Gather", ["x", "idx"], ["g"], { axis: 1 }),
        node("Expand", ["g", "shp"], ["e"]),
        node("Split", ["e"], ["p", "q"], { axis: 1, split: [1, 2] }),
        node("Concat", ["q", "p"], ["c"], { axis: 1 }),
        node("Tile", ["c", "rep"], ["y"]),
      ],
      opset: 11,
    }),
    ...unaryCases(),
    ...productCases(),
    ...opsetCases(),
    ...compositeCases(),
    ...recurrentCases(),
  ];
}

const scalar = (name: string, value: number): OnnxInitializerSpec => ({
  name,
  shape: [],
  data: [value],
});

/**
 * The smooth unary functions (the piecewise op) and Pow, chained a few per model (each
 * circuit compile costs ~10 s): every link is still checked against onnxruntime.
 */
function unaryCases(): OpCase[] {
  const V = [1, 6];
  const chain = (name: string, ops: [string, OnnxNodeSpec["attributes"]?][], opset = 13) =>
    model({
      name,
      input: V,
      output: V,
      opset,
      tolerance: 0.002,
      nodes: ops.map(([op, attributes], i) =>
        node(op, [i === 0 ? "x" : `t${i}`], [i === ops.length - 1 ? "y" : `t${i + 1}`], attributes),
      ),
    });
  return [
    chain("Exp", [["Exp"]]),
    chain("Erf, Elu (alpha 2), Selu", [["Erf"], ["Elu", { alpha: f(2) }], ["Selu"]]),
    chain(
      "Celu (alpha 0.5), Softplus, Softsign, Mish (opset 18)",
      [["Celu", { alpha: f(0.5) }], ["Softplus"], ["Softsign"], ["Mish"]],
      18,
    ),
    chain(
      "Gelu, Gelu (approximate tanh) (opset 20)",
      [["Gelu"], ["Gelu", { approximate: "tanh" }]],
      20,
    ),
    // The positive-domain functions read |x| + 0.25 (Abs is exact), so every input is defined.
    model({
      name: "Abs, Pow(., 1.5), Sqrt, Reciprocal, Log",
      input: V,
      output: V,
      tolerance: 0.002,
      init: [scalar("c", 0.25), scalar("e", 1.5)],
      nodes: [
        node("Abs", ["x"], ["a"]),
        node("Add", ["a", "c"], ["p"]),
        node("Pow", ["p", "e"], ["q"]),
        node("Sqrt", ["q"], ["s"]),
        node("Reciprocal", ["s"], ["r"]),
        node("Log", ["r"], ["y"]),
      ],
    }),
    // 24 x spans about +-50: wider than both saturation bounds (PiecewiseSaturated)
    model({
      name: "Sigmoid and Tanh of 24 x (their limits beyond the saturation bound)",
      input: V,
      output: V,
      tolerance: 0.002,
      init: [scalar("k", 24)],
      nodes: [
        node("Mul", ["x", "k"], ["a"]),
        node("Sigmoid", ["a"], ["s"]),
        node("Tanh", ["a"], ["t"]),
        node("Add", ["s", "t"], ["y"]),
      ],
    }),
    model({
      name: "SiLU as PyTorch exports it (x * Sigmoid(x), fused into one Swish)",
      input: V,
      output: V,
      tolerance: 0.002,
      nodes: [node("Sigmoid", ["x"], ["s"]), node("Mul", ["x", "s"], ["y"])],
    }),
    model({
      name: "Pow(x, 3) (exact products) and Pow(x, 2), + Sqrt(Exp(constant)) (folded)",
      input: V,
      output: V,
      tolerance: 0.003,
      init: [scalar("three", 3), scalar("two", 2), scalar("k", 0.7)],
      nodes: [
        node("Pow", ["x", "three"], ["c"]),
        node("Pow", ["x", "two"], ["s"]),
        node("Add", ["c", "s"], ["a"]),
        node("Exp", ["k"], ["ek"]),
        node("Sqrt", ["ek"], ["sk"]),
        node("Add", ["a", "sk"], ["y"]),
      ],
    }),
    model({
      name: "GELU as PyTorch exports it (x/sqrt2, Erf, +1, *x, *0.5)",
      input: V,
      output: V,
      tolerance: 0.002,
      init: [scalar("r2", Math.SQRT2), scalar("one", 1), scalar("half", 0.5)],
      nodes: [
        node("Div", ["x", "r2"], ["d"]),
        node("Erf", ["d"], ["e"]),
        node("Add", ["e", "one"], ["a"]),
        node("Mul", ["x", "a"], ["m"]),
        node("Mul", ["m", "half"], ["y"]),
      ],
    }),
    model({
      name: "Resize nearest (asymmetric, floor: PyTorch's interpolate) + Resize linear (half_pixel, sizes)",
      input: IMG,
      output: [1, 2, 5, 7],
      init: [{ name: "sc", shape: [4], data: [1, 1, 2, 2] }, ints("sz", [1, 2, 5, 7])],
      nodes: [
        node("Resize", ["x", "", "sc"], ["u"], {
          mode: "nearest",
          coordinate_transformation_mode: "asymmetric",
          nearest_mode: "floor",
        }),
        node("Resize", ["u", "", "", "sz"], ["y"], { mode: "linear" }),
      ],
    }),
    model({
      name: "Resize linear (align_corners up, pytorch_half_pixel down)",
      input: IMG,
      output: [1, 2, 6, 3],
      init: [
        { name: "sc", shape: [4], data: [1, 1, 1.5, 1.5] },
        { name: "sc2", shape: [4], data: [1, 1, 1, 0.5] },
      ],
      nodes: [
        node("Resize", ["x", "", "sc"], ["a"], {
          mode: "linear",
          coordinate_transformation_mode: "align_corners",
        }),
        node("Resize", ["a", "", "sc2"], ["y"], {
          mode: "linear",
          coordinate_transformation_mode: "pytorch_half_pixel",
        }),
      ],
    }),
    model({
      name: "Upsample (opset 9, nearest, scales input)",
      input: IMG,
      output: [1, 2, 8, 12],
      opset: 9,
      init: [{ name: "sc", shape: [4], data: [1, 1, 2, 3] }],
      nodes: [node("Upsample", ["x", "sc"], ["y"], { mode: "nearest" })],
    }),
    model({
      name: "ConvTranspose (stride 2, pads, output_padding, group 2, bias)",
      input: IMG,
      output: [1, 4, 9, 9],
      init: [floats("W", [2, 2, 3, 3], 0.5), floats("B", [4])],
      nodes: [
        node("ConvTranspose", ["x", "W", "B"], ["y"], {
          strides: [2, 2],
          pads: [1, 0, 0, 1],
          output_padding: [1, 1],
          group: 2,
        }),
      ],
    }),
    model({
      name: "ConvTranspose (dilation 2, no bias) + Relu",
      input: IMG,
      output: [1, 3, 8, 8],
      init: [floats("W", [2, 3, 3, 3], 0.5)],
      nodes: [
        node("ConvTranspose", ["x", "W"], ["h"], { dilations: [2, 2] }),
        node("Relu", ["h"], ["y"]),
      ],
    }),
    model({
      name: "Less / Greater / LessOrEqual / Equal (constants and activations) + Not / And / Or / Xor",
      input: [1, 6],
      output: [1, 6],
      init: [
        { name: "t", shape: [6], data: [-1, -0.5, 0, 0.25, 0.5, 1] },
        { name: "zero", shape: [], data: [0] },
        { name: "q", shape: [], data: [0.75] },
      ],
      nodes: [
        node("Less", ["x", "t"], ["a"]),
        node("Relu", ["x"], ["r"]),
        node("Neg", ["x"], ["n"]),
        node("Greater", ["r", "n"], ["g"]),
        node("Equal", ["zero", "r"], ["e"]),
        node("LessOrEqual", ["q", "x"], ["l"]),
        node("Not", ["a"], ["na"]),
        node("And", ["na", "g"], ["and"]),
        node("Or", ["and", "e"], ["or"]),
        node("Xor", ["or", "l"], ["xo"]),
        node("Cast", ["xo"], ["y"], { to: 1 }),
      ],
    }),
    model({
      name: "Where (data-dependent and constant conditions) + GreaterOrEqual of activations",
      input: [1, 6],
      output: [1, 6],
      init: [
        { name: "t", shape: [], data: [0.25] },
        { name: "half", shape: [], data: [0.5] },
        ints("mask", [1, 0, 1, 0, 0, 1]),
      ],
      nodes: [
        node("LessOrEqual", ["x", "t"], ["c"]),
        node("Neg", ["x"], ["n"]),
        node("Where", ["c", "x", "n"], ["w1"]),
        node("Where", ["c", "half", "x"], ["w2"]),
        node("GreaterOrEqual", ["w1", "w2"], ["ge"]),
        node("Where", ["ge", "w1", "w2"], ["mx"]),
        node("Cast", ["mask"], ["m"], { to: 9 }),
        node("Where", ["m", "mx", "w1"], ["y"]),
      ],
    }),
  ];
}
