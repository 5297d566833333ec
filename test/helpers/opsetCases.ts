import { f, floats, ints, model, node } from "./opCases.ts";
import type { OpCase } from "./opCases.ts";

/**
 * Attribute / input forms of older opsets (issue 14: model-zoo classics, old Keras and torch
 * exports), merged into few models per opset to keep circuit compiles few: each form is one
 * the ONNX changelog defines for that opset (the survey of every form against onnxruntime is
 * in sdk/node/src/onnx/README.md, "Opset coverage").
 */
export function opsetCases(): OpCase[] {
  return [
    model({
      name: "opset 8 forms: Conv auto_pad SAME_LOWER, BatchNormalization spatial, Dropout ratio + mask, MaxPool SAME_UPPER, Upsample scales attribute, Slice attributes, Flatten axis 0, Gemm alpha / beta",
      input: [1, 2, 4, 4],
      output: [1, 4],
      opset: 8,
      init: [
        floats("W", [3, 2, 3, 3], 0.5),
        { name: "bn_s", shape: [3], data: [1.5, 0.5, 1] },
        { name: "bn_b", shape: [3], data: [0.1, -0.2, 0] },
        { name: "bn_m", shape: [3], data: [0.3, -0.1, 0.2] },
        { name: "bn_v", shape: [3], data: [0.8, 1.2, 0.5] },
        floats("G", [4, 6], 0.5),
        floats("C", [4]),
      ],
      nodes: [
        node("Conv", ["x", "W"], ["c"], { auto_pad: "SAME_LOWER", strides: [2, 2] }),
        node("BatchNormalization", ["c", "bn_s", "bn_b", "bn_m", "bn_v"], ["b"], {
          spatial: 1,
          epsilon: f(1e-5),
          momentum: f(0.9),
        }),
        node("Dropout", ["b"], ["d", "mask"], { ratio: f(0.3) }),
        node("MaxPool", ["d"], ["p"], {
          auto_pad: "SAME_UPPER",
          kernel_shape: [2, 2],
          strides: [2, 2],
        }),
        node("Upsample", ["p"], ["u"], {
          mode: "nearest",
          scales: { type: "floats", value: [1, 1, 2, 2] },
        }),
        node("Slice", ["u"], ["s"], { starts: [1], ends: [4], axes: [2] }), // [1, 3, 1, 2]
        node("Flatten", ["s"], ["fl"], { axis: 0 }),
        node("Gemm", ["fl", "G", "C"], ["y"], { transB: 1, alpha: f(0.5), beta: f(2) }),
      ],
    }),
    model({
      name: "opset 11 forms: Split attribute, Clip with a min input only, Softmax axis 1 of a 3-D input (coerced to 2-D), Pad inputs with a value",
      input: [1, 3, 4],
      output: [1, 2, 4],
      opset: 11,
      tolerance: 0.01,
      init: [
        { name: "lo", shape: [], data: [-0.3] },
        ints("pads", [0, 1, 0, 0, 0, 0]),
        { name: "pv", shape: [], data: [0.25] },
      ],
      nodes: [
        node("Split", ["x"], ["a", "b"], { axis: 1, split: [1, 2] }),
        node("Clip", ["b", "lo"], ["bc"]),
        node("Softmax", ["bc"], ["sm"], { axis: 1 }),
        node("Pad", ["a", "pads", "pv"], ["pa"]),
        node("Add", ["sm", "pa"], ["y"]),
      ],
    }),
    model({
      name: "opset 8 forms: Max / Min with one constant value (Clip), LpNormalization (p 1, axis 1), GlobalMaxPool of a 1-D input, TopK with the k attribute",
      input: [1, 2, 5],
      output: [1, 2, 3],
      opset: 8,
      init: [
        { name: "lo", shape: [], data: [-0.2] },
        { name: "hi", shape: [1], data: [0.6] },
        { name: "one", shape: [], data: [1] },
      ],
      nodes: [
        node("Max", ["x", "lo"], ["a"]),
        node("Min", ["hi", "a"], ["b"]),
        node("Add", ["b", "one"], ["pos"]),
        node("LpNormalization", ["pos"], ["ln"], { axis: 1, p: 1 }),
        node("GlobalMaxPool", ["ln"], ["g"]),
        node("TopK", ["x"], ["top", "i"], { k: 3 }),
        node("Add", ["top", "g"], ["y"]),
      ],
    }),
    model({
      name: "opset 12 forms: Constant value_floats / value_ints, ReduceMean axes attribute, ArgMax select_last_index",
      input: [1, 6],
      output: [1, 1],
      opset: 12,
      outputType: "int64",
      final: "argmax",
      nodes: [
        node("Constant", [], ["k"], {
          value_floats: { type: "floats", value: [0.5, 1, 2, -1, 1.5, 0.25] },
        }),
        node("Mul", ["x", "k"], ["m"]),
        node("Constant", [], ["sh"], { value_ints: [1, 2, 3] }),
        node("Reshape", ["m", "sh"], ["r"]),
        node("ReduceMean", ["r"], ["rm"], { axes: [1], keepdims: 0 }),
        node("ArgMax", ["rm"], ["y"], { axis: 1, select_last_index: 1 }),
      ],
    }),
  ];
}
