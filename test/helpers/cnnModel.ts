import { buildOnnx } from "./buildOnnx.ts";
import type { OnnxInitializerSpec, OnnxNodeSpec } from "./buildOnnx.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";

/**
 * A CNN in PyTorch's export style: Conv -> Relu -> MaxPool, twice, then the flatten that
 * torch.onnx emits (Shape -> Gather(0) -> Unsqueeze -> Concat([batch, -1]) -> Reshape) and
 * Gemm layers. Seeded weights (He-style scale), for tests and constraint counts.
 *
 * @example
 * const bytes = pytorchCnn({ size: 12, channels: [4, 6], kernel: 3, hidden: [16], classes: 10 });
 */
export function pytorchCnn(p: {
  size: number;
  channels: number[];
  kernel: number;
  hidden: number[];
  classes: number;
  seed?: number;
}): { bytes: Uint8Array; inputShape: number[] } {
  const rnd = mulberry32({ seed: p.seed ?? 21 });
  const init: OnnxInitializerSpec[] = [];
  const nodes: OnnxNodeSpec[] = [];
  const weights = (name: string, shape: number[], fanIn: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const s = Math.sqrt(2 / fanIn);
    init.push({ name, shape, data: Array.from({ length: n }, () => (rnd() * 2 - 1) * s * 1.7) });
  };
  let x = "input";
  let c = 1;
  let size = p.size;
  p.channels.forEach((m, i) => {
    weights(`conv${i}.weight`, [m, c, p.kernel, p.kernel], c * p.kernel * p.kernel);
    weights(`conv${i}.bias`, [m], 10);
    nodes.push({
      opType: "Conv",
      name: `/conv${i}/Conv`,
      inputs: [x, `conv${i}.weight`, `conv${i}.bias`],
      outputs: [`c${i}`],
      attributes: {
        kernel_shape: [p.kernel, p.kernel],
        pads: [0, 0, 0, 0],
        strides: [1, 1],
        dilations: [1, 1],
        group: 1,
      },
    });
    nodes.push({ opType: "Relu", name: `/relu${i}/Relu`, inputs: [`c${i}`], outputs: [`r${i}`] });
    nodes.push({
      opType: "MaxPool",
      name: `/pool${i}/MaxPool`,
      inputs: [`r${i}`],
      outputs: [`p${i}`],
      attributes: { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceil_mode: 0 },
    });
    x = `p${i}`;
    c = m;
    size = Math.floor((size - p.kernel + 1) / 2);
  });
  init.push({ name: "zero", shape: [], data: [0n], dataType: "int64" });
  init.push({ name: "minus1", shape: [1], data: [-1n], dataType: "int64" });
  init.push({ name: "axes0", shape: [1], data: [0n], dataType: "int64" });
  nodes.push({ opType: "Shape", name: "/Shape", inputs: [x], outputs: ["shape"] });
  nodes.push({
    opType: "Gather",
    name: "/Gather",
    inputs: ["shape", "zero"],
    outputs: ["batch"],
    attributes: { axis: 0 },
  });
  nodes.push({
    opType: "Unsqueeze",
    name: "/Unsqueeze",
    inputs: ["batch", "axes0"],
    outputs: ["batch1"],
  });
  nodes.push({
    opType: "Concat",
    name: "/Concat",
    inputs: ["batch1", "minus1"],
    outputs: ["newShape"],
    attributes: { axis: 0 },
  });
  nodes.push({ opType: "Reshape", name: "/Reshape", inputs: [x, "newShape"], outputs: ["flat"] });
  let features = c * size * size;
  let h = "flat";
  [...p.hidden, p.classes].forEach((m, i, all) => {
    weights(`fc${i}.weight`, [m, features], features);
    weights(`fc${i}.bias`, [m], 10);
    const out = i === all.length - 1 ? "logits" : `f${i}`;
    nodes.push({
      opType: "Gemm",
      name: `/fc${i}/Gemm`,
      inputs: [h, `fc${i}.weight`, `fc${i}.bias`],
      outputs: [out],
      attributes: {
        alpha: { type: "float", value: 1 },
        beta: { type: "float", value: 1 },
        transB: 1,
      },
    });
    if (i < all.length - 1) {
      nodes.push({ opType: "Relu", name: `/relu_fc${i}/Relu`, inputs: [out], outputs: [`fr${i}`] });
      h = `fr${i}`;
    }
    features = m;
  });
  const bytes = buildOnnx({
    inputs: [{ name: "input", shape: [1, 1, p.size, p.size] }],
    outputs: [{ name: "logits", shape: [1, p.classes] }],
    initializers: init,
    nodes,
    opset: 13,
    producer: "pytorch",
  });
  return { bytes, inputShape: [1, 1, p.size, p.size] };
}
