import { floats, ints, model, node } from "./opCases.ts";
import type { OpCase } from "./opCases.ts";

/**
 * Per-op cases for the ops lowered as compositions (Hardmax, ReduceL2 / ReduceLogSum /
 * ReduceLogSumExp, LpPool / GlobalLpPool, the decomposed LayerNorm), TopK and ConvTranspose
 * over 1 and 3 spatial axes; part of opCases().
 */
export function compositeCases(): OpCase[] {
  return [
    model({
      name: "LayerNorm decomposed as tf2onnx writes it (d * d), fused into one Normalize",
      input: [1, 3, 4],
      output: [1, 3, 4],
      init: [{ name: "eps", shape: [], data: [1e-6] }, floats("gamma", [4]), floats("beta", [4])],
      nodes: [
        node("ReduceMean", ["x"], ["m"], { axes: [-1], keepdims: 1 }),
        node("Sub", ["x", "m"], ["d"]),
        node("Mul", ["d", "d"], ["p"]),
        node("ReduceMean", ["p"], ["v"], { axes: [-1], keepdims: 1 }),
        node("Add", ["v", "eps"], ["ve"]),
        node("Sqrt", ["ve"], ["s"]),
        node("Div", ["d", "s"], ["n"]),
        node("Mul", ["n", "gamma"], ["g"]),
        node("Add", ["g", "beta"], ["y"]),
      ],
      tolerance: 0.02,
    }),
    model({
      name: "ConvTranspose 1-D (stride 2, pads, output_padding, bias) and LpPool 1-D p=1 (kernel 3, stride 2)",
      input: [1, 2, 6],
      output: [1, 43],
      init: [floats("W", [2, 3, 3], 0.5), floats("B", [3])],
      nodes: [
        node("ConvTranspose", ["x", "W", "B"], ["ct"], {
          strides: [2],
          pads: [1, 0],
          output_padding: [1],
        }),
        node("LpPool", ["x"], ["lp"], { kernel_shape: [3], strides: [2], p: 1 }),
        node("Flatten", ["ct"], ["f1"]),
        node("Flatten", ["lp"], ["f2"]),
        node("Concat", ["f1", "f2"], ["y"], { axis: 1 }),
      ],
    }),
    model({
      name: "Hardmax and TopK (largest, last axis: values, indices cast to float) of a Gemm",
      input: [2, 6],
      output: [2, 11],
      init: [floats("W", [5, 6]), ints("K", [3])],
      nodes: [
        node("Gemm", ["x", "W"], ["l"], { transB: 1 }),
        node("Hardmax", ["l"], ["h"]),
        node("TopK", ["l", "K"], ["v", "i"]),
        node("Cast", ["i"], ["fi"], { to: 1 }),
        node("Concat", ["h", "v", "fi"], ["y"], { axis: 1 }),
      ],
    }),
    model({
      name: "Hardmax (opset 11: coerced to 2-D at axis 1) and TopK (smallest, axis 1 of a 3-D input)",
      input: [1, 4, 3],
      output: [1, 8, 3],
      opset: 11,
      init: [ints("K", [2])],
      nodes: [
        node("Hardmax", ["x"], ["h"], { axis: 1 }),
        node("TopK", ["x", "K"], ["v", "i"], { axis: 1, largest: 0 }),
        node("Cast", ["i"], ["fi"], { to: 1 }),
        node("Concat", ["h", "v", "fi"], ["y"], { axis: 1 }),
      ],
    }),
    model({
      name: "ConvTranspose 3-D (depth stride 2, asymmetric pads, group 2) + Relu",
      input: [1, 2, 3, 3, 3],
      output: [1, 4, 6, 3, 3],
      init: [floats("W", [2, 2, 2, 2, 2], 0.5)],
      nodes: [
        node("ConvTranspose", ["x", "W"], ["h"], {
          strides: [2, 1, 1],
          pads: [0, 1, 0, 0, 0, 1],
          output_padding: [1, 0, 0],
          group: 2,
        }),
        node("Relu", ["h"], ["y"]),
      ],
    }),
    model({
      name: "ReduceL2 + ReduceLogSumExp + ReduceLogSum",
      input: [1, 2, 4],
      output: [1, 2, 1],
      init: [{ name: "one", shape: [], data: [1] }],
      nodes: [
        node("ReduceL2", ["x"], ["l2"], { axes: [2], keepdims: 1 }),
        node("ReduceLogSumExp", ["x"], ["lse"], { axes: [2], keepdims: 1 }),
        node("Abs", ["x"], ["a"]),
        node("Add", ["a", "one"], ["a1"]),
        node("ReduceLogSum", ["a1"], ["ls"], { axes: [2], keepdims: 1 }),
        node("Sum", ["l2", "lse", "ls"], ["y"]),
      ],
      tolerance: 0.02,
    }),
    model({
      name: "LpPool p=2 (2x2, pads) + GlobalLpPool p=1",
      input: [1, 2, 4, 4],
      output: [1, 2, 1, 1],
      nodes: [
        node("LpPool", ["x"], ["p2"], { kernel_shape: [2, 2], pads: [1, 1, 0, 0], p: 2 }),
        node("GlobalLpPool", ["p2"], ["y"], { p: 1 }),
      ],
      tolerance: 0.03,
    }),
  ];
}
