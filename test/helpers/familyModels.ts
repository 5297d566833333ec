import { f, floats, ints, model, node } from "./opCases.ts";
import type { OpCase } from "./opCases.ts";

/**
 * One tiny model per op family of issue 14, built the way its exporter writes it, for the
 * end-to-end tests (test/pipeline/families.test.ts: compile, Groth16 setup, prove, verify,
 * outputs against onnxruntime).
 */

const T = 3; // sequence length
const D = 4; // model width
const H = 2; // heads
const DH = D / H;

/**
 * Causal multi-head self-attention as torch.onnx.export writes nn.MultiheadAttention /
 * scaled_dot_product_attention: Q, K, V projections (MatMul + bias Add), heads split by
 * Reshape + Transpose, scores MatMul of two activations, Div by sqrt(d_head), the causal mask
 * as Where(tril, scores, -inf), Softmax in the middle, MatMul with V, heads merged, output
 * projection.
 */
export function attentionBlock(): OpCase {
  const tril = Array.from({ length: T * T }, (_, i) => BigInt(+(i % T <= Math.floor(i / T))));
  const proj = (p: string) => [
    node("MatMul", ["x", `W${p}`], [`${p}0`]),
    node("Add", [`${p}0`, `b${p}`], [p]),
    node("Reshape", [p, "heads"], [`${p}h`]),
  ];
  return model({
    name: "attention",
    input: [1, T, D],
    output: [1, T, D],
    opset: 14,
    init: [
      ...["q", "k", "v", "o"].flatMap((p) => [floats(`W${p}`, [D, D]), floats(`b${p}`, [D], 0.2)]),
      ints("heads", [1, T, H, DH]),
      ints("merged", [1, T, D]),
      { name: "sqrtd", shape: [], data: [Math.sqrt(DH)] },
      { name: "tril", shape: [T, T], data: tril, dataType: "bool" },
      { name: "ninf", shape: [], data: [-Infinity] },
    ],
    nodes: [
      ...proj("q"),
      ...proj("k"),
      ...proj("v"),
      node("Transpose", ["qh"], ["qt"], { perm: [0, 2, 1, 3] }),
      node("Transpose", ["kh"], ["kt"], { perm: [0, 2, 3, 1] }),
      node("Transpose", ["vh"], ["vt"], { perm: [0, 2, 1, 3] }),
      node("MatMul", ["qt", "kt"], ["s"]),
      node("Div", ["s", "sqrtd"], ["sd"]),
      node("Where", ["tril", "sd", "ninf"], ["sm"]),
      node("Softmax", ["sm"], ["p"], { axis: -1 }),
      node("MatMul", ["p", "vt"], ["o"]),
      node("Transpose", ["o"], ["ot"], { perm: [0, 2, 1, 3] }),
      node("Reshape", ["ot", "merged"], ["oc"]),
      node("MatMul", ["oc", "Wo"], ["y0"]),
      node("Add", ["y0", "bo"], ["y"]),
    ],
    tolerance: 0.03,
  });
}

/**
 * LayerNorm twice: decomposed exactly as PyTorch < 2 and tf2onnx emit it (ReduceMean, Sub,
 * Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul gamma, Add beta), a MatMul, then the opset-17
 * LayerNormalization op.
 */
export function layerNorms(): OpCase {
  return model({
    name: "layernorm",
    input: [1, T, D],
    output: [1, T, D],
    opset: 17,
    init: [
      { name: "two", shape: [], data: [2] },
      { name: "eps", shape: [], data: [1e-5] },
      floats("gamma", [D]),
      floats("beta", [D], 0.2),
      floats("W", [D, D]),
      floats("gamma2", [D]),
      floats("beta2", [D], 0.2),
    ],
    nodes: [
      node("ReduceMean", ["x"], ["m"], { axes: [-1], keepdims: 1 }),
      node("Sub", ["x", "m"], ["d"]),
      node("Pow", ["d", "two"], ["p"]),
      node("ReduceMean", ["p"], ["v"], { axes: [-1], keepdims: 1 }),
      node("Add", ["v", "eps"], ["ve"]),
      node("Sqrt", ["ve"], ["s"]),
      node("Div", ["d", "s"], ["n"]),
      node("Mul", ["n", "gamma"], ["g"]),
      node("Add", ["g", "beta"], ["ln"]),
      node("MatMul", ["ln", "W"], ["h"]),
      node("LayerNormalization", ["h", "gamma2", "beta2"], ["y"], {
        axis: -1,
        epsilon: f(1e-5),
      }),
    ],
    tolerance: 0.05,
  });
}

/** A tiny decoder: ConvTranspose (stride 2) + Relu, bilinear Resize x2, a 1x1 Conv. */
export function decoder(): OpCase {
  return model({
    name: "decoder",
    input: [1, 2, 2, 2],
    output: [1, 1, 8, 8],
    opset: 13,
    init: [
      floats("Wt", [2, 2, 2, 2], 0.5),
      floats("Bt", [2], 0.2),
      { name: "scales", shape: [4], data: [1, 1, 2, 2] },
      floats("Wc", [1, 2, 1, 1]),
    ],
    nodes: [
      node("ConvTranspose", ["x", "Wt", "Bt"], ["u"], { strides: [2, 2] }),
      node("Relu", ["u"], ["r"]),
      node("Resize", ["r", "", "scales"], ["z"], {
        mode: "linear",
        coordinate_transformation_mode: "half_pixel",
      }),
      node("Conv", ["z", "Wc"], ["y"]),
    ],
    tolerance: 0.01,
  });
}

/**
 * 1-D windows and a selection head: reflect Pad, Conv1d, MaxPool1d, AvgPool1d, LpPool1d (p = 2),
 * a Gemm, then TopK (k = 2: values and indices) and Hardmax of the logits, side by side.
 */
export function conv1d(): OpCase {
  return model({
    name: "conv1d",
    input: [1, 2, 8],
    output: [1, 8],
    opset: 13,
    init: [
      ints("pads", [0, 0, 1, 0, 0, 1]),
      floats("W", [3, 2, 3]),
      floats("B", [3], 0.2),
      floats("Wf", [4, 6]),
      ints("K", [2]),
    ],
    nodes: [
      node("Pad", ["x", "pads"], ["xp"], { mode: "reflect" }),
      node("Conv", ["xp", "W", "B"], ["c"]),
      node("Relu", ["c"], ["r"]),
      node("MaxPool", ["r"], ["mp"], { kernel_shape: [2], strides: [2] }),
      node("AveragePool", ["mp"], ["ap"], { kernel_shape: [2], strides: [1] }),
      node("LpPool", ["ap"], ["lp"], { kernel_shape: [2], p: 2 }),
      node("Flatten", ["lp"], ["fl"]),
      node("Gemm", ["fl", "Wf"], ["l"], { transB: 1 }),
      node("TopK", ["l", "K"], ["v", "i"]),
      node("Cast", ["i"], ["fi"], { to: 1 }),
      node("Hardmax", ["l"], ["h"]),
      node("Concat", ["v", "fi", "h"], ["y"], { axis: 1 }),
    ],
    tolerance: 0.02,
  });
}

/**
 * 3-D windows as torch.onnx.export writes nn.Conv3d / MaxPool3d / AvgPool3d (explicit
 * kernel_shape, pads, strides): a tiny volume 1x1x4x4x4, Conv with three spatial axes
 * (2 channels, kernel 2), Relu, MaxPool3d (kernel 2, stride 1), AvgPool3d (kernel 2, stride 2),
 * Flatten, a Gemm.
 */
export function conv3d(): OpCase {
  return model({
    name: "conv3d",
    input: [1, 1, 4, 4, 4],
    output: [1, 3],
    opset: 13,
    init: [floats("W", [2, 1, 2, 2, 2]), floats("B", [2], 0.2), floats("Wf", [3, 2])],
    nodes: [
      node("Conv", ["x", "W", "B"], ["c"], {
        kernel_shape: [2, 2, 2],
        pads: [0, 0, 0, 0, 0, 0],
        strides: [1, 1, 1],
        dilations: [1, 1, 1],
        group: 1,
      }),
      node("Relu", ["c"], ["r"]),
      node("MaxPool", ["r"], ["mp"], {
        kernel_shape: [2, 2, 2],
        strides: [1, 1, 1],
        pads: [0, 0, 0, 0, 0, 0],
        ceil_mode: 0,
      }),
      node("AveragePool", ["mp"], ["ap"], {
        kernel_shape: [2, 2, 2],
        strides: [2, 2, 2],
        pads: [0, 0, 0, 0, 0, 0],
        ceil_mode: 0,
      }),
      node("Flatten", ["ap"], ["fl"], { axis: 1 }),
      node("Gemm", ["fl", "Wf"], ["y"], { transB: 1 }),
    ],
    tolerance: 0.02,
  });
}
