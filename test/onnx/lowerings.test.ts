import { expect } from "chai";
import { expectClose } from "../helpers/close.ts";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import type { OnnxInitializerSpec, OnnxNodeSpec } from "../helpers/buildOnnx.ts";
import { evaluateFloat } from "../../sdk/node/src/onnx/evaluateFloat.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { numel } from "../../sdk/node/src/onnx/ir.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { caseRows } from "../helpers/opCases.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";

/**
 * Ops the importer expresses with the ones the circuit already proves (wiring, 2-D windows):
 * 1-D and 3-D Conv and pooling, Pad reflect/edge, Tile, Split. Each against onnxruntime, in the
 * float reference and the quantized evaluator.
 */
const rnd = mulberry32({ seed: 31 });
const floats = (name: string, shape: number[]): OnnxInitializerSpec => ({
  name,
  shape,
  data: Array.from({ length: numel(shape) }, () => Math.round((rnd() * 2 - 1) * 1000) / 1000),
});
const ints = (name: string, data: number[]): OnnxInitializerSpec => ({
  name,
  shape: [data.length],
  data: data.map(BigInt),
  dataType: "int64",
});

interface Case {
  name: string;
  input: number[];
  output: number[];
  nodes: OnnxNodeSpec[];
  init?: OnnxInitializerSpec[];
  /** IR ops the importer should produce (wiring + 2-D ops). */
  ir: string[];
}

const cases: Case[] = [
  {
    name: "Conv 1-D (stride 2, pads, dilation 2, groups 2)",
    input: [1, 4, 11],
    output: [1, 6, 5],
    init: [floats("W", [6, 2, 3]), floats("B", [6])],
    nodes: [
      {
        opType: "Conv",
        name: "conv",
        inputs: ["x", "W", "B"],
        outputs: ["y"],
        attributes: { strides: [2], pads: [1, 2], dilations: [2], group: 2, kernel_shape: [3] },
      },
    ],
    ir: ["Reshape", "Conv", "Reshape"],
  },
  {
    name: "MaxPool 1-D (pads, stride)",
    input: [1, 3, 9],
    output: [1, 3, 5],
    nodes: [
      {
        opType: "MaxPool",
        name: "pool",
        inputs: ["x"],
        outputs: ["y"],
        attributes: { kernel_shape: [3], strides: [2], pads: [1, 1] },
      },
    ],
    ir: ["Reshape", "MaxPool", "Reshape"],
  },
  {
    name: "Conv 3-D (depth pads, stride, dilation, groups 2)",
    input: [1, 4, 6, 5, 4],
    output: [1, 4, 3, 4, 3],
    init: [floats("W", [4, 2, 2, 2, 2]), floats("B", [4])],
    nodes: [
      {
        opType: "Conv",
        name: "conv",
        inputs: ["x", "W", "B"],
        outputs: ["y"],
        attributes: {
          strides: [2, 1, 1],
          pads: [1, 0, 0, 0, 0, 0],
          dilations: [2, 1, 1],
          group: 2,
          kernel_shape: [2, 2, 2],
        },
      },
    ],
    ir: ["Pad", "Reshape", "Conv", "Reshape"],
  },
  {
    name: "MaxPool 3-D (pads, strides)",
    input: [1, 2, 5, 5, 4],
    output: [1, 2, 3, 3, 2],
    nodes: [
      {
        opType: "MaxPool",
        name: "pool",
        inputs: ["x"],
        outputs: ["y"],
        attributes: { kernel_shape: [3, 3, 2], strides: [2, 2, 2], pads: [1, 1, 0, 1, 1, 0] },
      },
    ],
    ir: ["Reshape", "MaxPool", "Reshape", "MaxPool", "Reshape"],
  },
  ...[0, 1].map((countIncludePad): Case => ({
    name: `AveragePool 3-D (pads, count_include_pad ${countIncludePad})`,
    input: [1, 2, 5, 4, 4],
    output: [1, 2, 3, 2, 2],
    nodes: [
      {
        opType: "AveragePool",
        name: "pool",
        inputs: ["x"],
        outputs: ["y"],
        attributes: {
          kernel_shape: [3, 2, 2],
          strides: [2, 2, 2],
          pads: [1, 0, 0, 1, 0, 0],
          count_include_pad: countIncludePad,
        },
      },
    ],
    ir: ["Reshape", "AveragePool", "Reshape", "AveragePool", "Reshape"],
  })),
  ...["reflect", "edge"].map((mode): Case => ({
    name: `Pad ${mode}`,
    input: [1, 2, 4, 3],
    output: [1, 2, 7, 5],
    init: [ints("pads", [0, 0, 2, 1, 0, 0, 1, 1])],
    nodes: [
      { opType: "Pad", name: "pad", inputs: ["x", "pads"], outputs: ["y"], attributes: { mode } },
    ],
    ir: ["Pad"],
  })),
  {
    name: "Tile",
    input: [1, 2, 3],
    output: [2, 2, 9],
    init: [ints("repeats", [2, 1, 3])],
    nodes: [{ opType: "Tile", name: "tile", inputs: ["x", "repeats"], outputs: ["y"] }],
    ir: ["Concat", "Concat"],
  },
  {
    name: "Split (GLU: a * sigmoid(b))",
    input: [2, 6],
    output: [2, 3],
    init: [ints("split", [3, 3])],
    nodes: [
      {
        opType: "Split",
        name: "split",
        inputs: ["x", "split"],
        outputs: ["a", "b"],
        attributes: { axis: 1 },
      },
      { opType: "Sigmoid", name: "sig", inputs: ["b"], outputs: ["s"] },
      { opType: "Mul", name: "mul", inputs: ["a", "s"], outputs: ["y"] },
    ],
    ir: ["Slice", "Slice", "Activation", "Mul"],
  },
];

describe("ops expressed with proven ones (1-D/3-D windows, Pad modes, Tile, Split) vs onnxruntime", function () {
  for (const c of cases) {
    it(c.name, async function () {
      const bytes = buildOnnx({
        inputs: [{ name: "x", shape: c.input }],
        outputs: [{ name: "y", shape: c.output }],
        initializers: c.init ?? [],
        nodes: c.nodes,
        opset: 13,
      });
      const ir = importOnnx({ file: `${c.name}.onnx`, bytes });
      expect(ir.nodes.map((n) => n.op)).to.deep.equal(c.ir);
      expect(ir.shapes.y).to.deep.equal(c.output);
      const rows = caseRows(c.input, 7, 3);
      const q = quantizeModel({ ir, calibration: rows });
      for (const row of rows) {
        const ort = await runOnnx({ model: bytes, inputs: { x: { data: row, shape: c.input } } });
        const expected = Array.from(ort.y.data);
        const float = Array.from(evaluateFloat({ ir, inputs: row }).y);
        float.forEach((v, i) => expectClose(v, expected[i], 1e-5));
        const out = evaluateQuantized({ model: q, input: quantizeInput({ model: q, input: row }) });
        const quantized = out.outputs.map((v) => Number(v) / 2 ** q.outputFrac);
        quantized.forEach((v, i) => expectClose(v, expected[i], 0.01));
      }
    });
  }
});
