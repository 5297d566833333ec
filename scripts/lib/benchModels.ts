import { buildOnnx } from "../../test/helpers/buildOnnx.ts";
import type { OnnxInitializerSpec, OnnxNodeSpec } from "../../test/helpers/buildOnnx.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";

/** One layer of a sequential benchmark model. */
export type BenchLayer =
  | { kind: "conv"; channels: number; kernel: number }
  | { kind: "relu" }
  | { kind: "avgpool"; size: number }
  | { kind: "flatten" }
  | { kind: "dense"; units: number };

export interface BenchModelSpec {
  name: string;
  /** [C, H, W] for images, [N] for vectors. */
  input: number[];
  layers: BenchLayer[];
}

const convBlock = (channels: number, kernel: number): BenchLayer[] => [
  { kind: "conv", channels, kernel },
  { kind: "relu" },
  { kind: "avgpool", size: 2 },
];

/**
 * The ZKML-Benchmark CNN architectures (see ../shared/models/zkml-benchmark/README.md), rebuilt
 * with seeded weights: Conv (valid) -> ReLU -> AveragePool 2x2, twice, then dense layers.
 * Parameter counts match the published ones (4,966, 5,142 and 44,426).
 */
export const BENCH_CNNS: BenchModelSpec[] = [
  {
    name: "14_5_11_80_10_3",
    input: [1, 14, 14],
    layers: [
      ...convBlock(5, 3),
      ...convBlock(11, 3),
      { kind: "flatten" },
      { kind: "dense", units: 80 },
      { kind: "relu" },
      { kind: "dense", units: 10 },
    ],
  },
  {
    name: "28_6_16_10_5",
    input: [1, 28, 28],
    layers: [
      ...convBlock(6, 5),
      ...convBlock(16, 5),
      { kind: "flatten" },
      { kind: "dense", units: 10 },
    ],
  },
  {
    name: "28_6_16_120_84_10_5",
    input: [1, 28, 28],
    layers: [
      ...convBlock(6, 5),
      ...convBlock(16, 5),
      { kind: "flatten" },
      { kind: "dense", units: 120 },
      { kind: "relu" },
      { kind: "dense", units: 84 },
      { kind: "relu" },
      { kind: "dense", units: 10 },
    ],
  },
];

/**
 * Builds a benchmark model as ONNX (PyTorch export style: NCHW, Conv/Relu/AveragePool,
 * Flatten, Gemm with transB=1) with He-uniform weights from a seeded PRNG. Deterministic.
 *
 * @example
 * const { bytes, parameters } = buildBenchModel({ spec: BENCH_CNNS[0], seed: 1 });
 */
export function buildBenchModel(p: { spec: BenchModelSpec; seed?: number }): {
  bytes: Uint8Array;
  parameters: number;
} {
  const rnd = mulberry32({ seed: p.seed ?? 1 });
  const uniform = (n: number, fanIn: number) => {
    const limit = Math.sqrt(6 / fanIn);
    return Float32Array.from({ length: n }, () => (2 * rnd() - 1) * limit);
  };
  const nodes: OnnxNodeSpec[] = [];
  const initializers: OnnxInitializerSpec[] = [];
  let shape = [...p.spec.input];
  let current = "input";
  let parameters = 0;
  p.spec.layers.forEach((layer, i) => {
    const out = `t${i}`;
    const name = `${layer.kind}_${i}`;
    if (layer.kind === "conv") {
      const [c, h, w] = shape;
      const fanIn = c * layer.kernel * layer.kernel;
      initializers.push({
        name: `${name}.weight`,
        shape: [layer.channels, c, layer.kernel, layer.kernel],
        data: uniform(layer.channels * fanIn, fanIn),
      });
      initializers.push({
        name: `${name}.bias`,
        shape: [layer.channels],
        data: uniform(layer.channels, fanIn).map((x) => x * 0.1),
      });
      parameters += layer.channels * fanIn + layer.channels;
      nodes.push({
        opType: "Conv",
        name,
        inputs: [current, `${name}.weight`, `${name}.bias`],
        outputs: [out],
        attributes: {
          kernel_shape: [layer.kernel, layer.kernel],
          strides: [1, 1],
          pads: [0, 0, 0, 0],
        },
      });
      shape = [layer.channels, h - layer.kernel + 1, w - layer.kernel + 1];
    } else if (layer.kind === "relu") {
      nodes.push({ opType: "Relu", name, inputs: [current], outputs: [out] });
    } else if (layer.kind === "avgpool") {
      nodes.push({
        opType: "AveragePool",
        name,
        inputs: [current],
        outputs: [out],
        attributes: { kernel_shape: [layer.size, layer.size], strides: [layer.size, layer.size] },
      });
      shape = [shape[0], Math.floor(shape[1] / layer.size), Math.floor(shape[2] / layer.size)];
    } else if (layer.kind === "flatten") {
      nodes.push({
        opType: "Flatten",
        name,
        inputs: [current],
        outputs: [out],
        attributes: { axis: 1 },
      });
      shape = [shape.reduce((a, b) => a * b, 1)];
    } else {
      const fanIn = shape[0];
      initializers.push({
        name: `${name}.weight`,
        shape: [layer.units, fanIn],
        data: uniform(layer.units * fanIn, fanIn),
      });
      initializers.push({
        name: `${name}.bias`,
        shape: [layer.units],
        data: uniform(layer.units, fanIn).map((x) => x * 0.1),
      });
      parameters += layer.units * fanIn + layer.units;
      nodes.push({
        opType: "Gemm",
        name,
        inputs: [current, `${name}.weight`, `${name}.bias`],
        outputs: [out],
        attributes: { transB: 1 },
      });
      shape = [layer.units];
    }
    current = out;
  });
  nodes[nodes.length - 1].outputs = ["logits"];
  const bytes = buildOnnx({
    inputs: [{ name: "input", shape: [1, ...p.spec.input] }],
    outputs: [{ name: "logits", shape: [1, ...shape] }],
    initializers,
    nodes,
    producer: "zkml-verify bench",
    graphName: p.spec.name,
    docString: `${p.spec.name}: ZKML-Benchmark architecture with seeded (untrained) weights; outputs logits`,
  });
  return { bytes, parameters };
}
