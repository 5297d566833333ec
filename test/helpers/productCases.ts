import { f, floats, model, node } from "./opCases.ts";
import type { OpCase } from "./opCases.ts";

/**
 * Per-op cases for arithmetic on two activations and normalizations (MatMul / Gemm of two
 * activations, Div of two activations, LayerNormalization, InstanceNormalization), built the
 * way PyTorch exports them; part of opCases().
 */
export function productCases(): OpCase[] {
  return [
    model({
      name: "MatMul of two activations (x @ x^T, batched)",
      input: [2, 3, 4],
      output: [2, 3, 3],
      nodes: [
        node("Transpose", ["x"], ["t"], { perm: [0, 2, 1] }),
        node("MatMul", ["x", "t"], ["y"]),
      ],
      tolerance: 0.01,
    }),
    model({
      name: "Gemm of two activations (transB, alpha, beta, C an activation)",
      input: [3, 3],
      output: [3, 3],
      nodes: [
        node("Sigmoid", ["x"], ["s"]),
        node("Gemm", ["x", "s", "x"], ["y"], { alpha: f(0.5), beta: f(2), transB: 1 }),
      ],
      tolerance: 0.03,
    }),
    model({
      name: "Gemm with a constant A and an activation B, constant C",
      input: [3, 4],
      output: [2, 4],
      init: [floats("A", [2, 3]), floats("C", [4])],
      nodes: [node("Gemm", ["A", "x", "C"], ["y"])],
    }),
    model({
      name: "Div of two activations (positive and negative divisors)",
      input: [1, 6],
      output: [1, 12],
      nodes: [
        node("Clip", ["x", "lo", "hi"], ["b"]),
        node("Neg", ["b"], ["nb"]),
        node("Div", ["x", "b"], ["p"]),
        node("Div", ["x", "nb"], ["q"]),
        node("Concat", ["p", "q"], ["y"], { axis: 1 }),
      ],
      init: [
        { name: "lo", shape: [], data: [0.5] },
        { name: "hi", shape: [], data: [2] },
      ],
    }),
    model({
      name: "Trilu (lower, k) and Where (constant bool condition, scalar fill) of activations",
      input: [1, 3, 4],
      output: [1, 3, 4],
      opset: 14,
      init: [
        { name: "k", shape: [], data: [1n], dataType: "int64" },
        { name: "c", shape: [3, 1], data: [1n, 0n, 1n], dataType: "bool" },
        { name: "v", shape: [], data: [-0.5] },
      ],
      nodes: [
        node("Trilu", ["x", "k"], ["t"], { upper: 0 }),
        node("Where", ["c", "t", "v"], ["y"]),
      ],
    }),
    model({
      name: "Softmax in the middle (attention: softmax(x x^T) x)",
      input: [1, 3, 4],
      output: [1, 3, 4],
      nodes: [
        node("Transpose", ["x"], ["t"], { perm: [0, 2, 1] }),
        node("MatMul", ["x", "t"], ["s"]),
        node("Softmax", ["s"], ["p"], { axis: -1 }),
        node("MatMul", ["p", "x"], ["y"]),
      ],
      tolerance: 0.01,
    }),
    model({
      name: "causal mask: Where(tril, scores, -inf), Softmax, MatMul; LogSoftmax in the middle",
      input: [1, 3, 4],
      output: [1, 3, 4],
      init: [
        {
          name: "tril",
          shape: [3, 3],
          data: [1n, 0n, 0n, 1n, 1n, 0n, 1n, 1n, 1n],
          dataType: "bool",
        },
        { name: "ninf", shape: [], data: [-Infinity] },
      ],
      nodes: [
        node("Transpose", ["x"], ["t"], { perm: [0, 2, 1] }),
        node("MatMul", ["x", "t"], ["s"]),
        node("Where", ["tril", "s", "ninf"], ["m"]),
        node("Softmax", ["m"], ["p"], { axis: -1 }),
        node("MatMul", ["p", "x"], ["a"]),
        node("LogSoftmax", ["x"], ["l"], { axis: 1 }),
        node("Add", ["a", "l"], ["y"]),
      ],
      tolerance: 0.01,
    }),
    model({
      name: "LayerNormalization (last axis, scale and bias)",
      input: [1, 3, 8],
      output: [1, 3, 8],
      opset: 17,
      init: [floats("g", [8]), floats("b", [8])],
      nodes: [node("LayerNormalization", ["x", "g", "b"], ["y"], { epsilon: f(1e-5) })],
      tolerance: 0.01,
    }),
    model({
      name: "InstanceNormalization",
      input: [1, 2, 4, 4],
      output: [1, 2, 4, 4],
      init: [floats("g", [2]), floats("b", [2])],
      nodes: [node("InstanceNormalization", ["x", "g", "b"], ["y"], { epsilon: f(1e-5) })],
      tolerance: 0.01,
    }),
  ];
}
