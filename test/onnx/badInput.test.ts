import { expect } from "chai";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  InputError,
  OnnxParseError,
  QuantizationRangeError,
  ShapeError,
  UnsupportedOpError,
} from "../../sdk/core/src/errors.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { readInputFile } from "../../sdk/node/src/onnx/readInputFile.ts";
import { fidelity } from "../../sdk/node/src/quantize/fidelity.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { BUILD } from "../helpers/templateHarness.ts";

const IRIS = join(import.meta.dirname, "../../models/iris-mlp.onnx");
const DIR = join(BUILD, "bad-input");
mkdirSync(DIR, { recursive: true });

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

const oneNode = (
  opType: string,
  attributes: Record<string, number | number[]> = {},
  shape: (number | string)[] = [1, 1, 4, 4],
) =>
  buildOnnx({
    inputs: [{ name: "x", shape }],
    outputs: [{ name: "y", shape: [1] }],
    nodes: [{ opType, name: "the_node", inputs: ["x"], outputs: ["y"], attributes }],
  });

describe("bad input gives a clear error", function () {
  it("a truncated file: OnnxParseError naming the file", function () {
    const file = join(DIR, "truncated.onnx");
    writeFileSync(file, readFileSync(IRIS).subarray(0, 100));
    const e = thrown(() => importOnnx({ file }));
    expect(e).to.be.instanceOf(OnnxParseError);
    expect(e.message).to.contain("truncated.onnx");
  });

  it("an unknown op: UnsupportedOpError naming op, node and the supported list", function () {
    const e = thrown(() =>
      importOnnx({ file: "stft.onnx", bytes: oneNode("STFT") }),
    ) as UnsupportedOpError;
    expect(e).to.be.instanceOf(UnsupportedOpError);
    expect(e.message).to.contain('STFT node "the_node"');
    expect(e.details.supported).to.include("Conv");
  });

  it("an unsupported attribute: UnsupportedOpError naming it", function () {
    const e = thrown(() =>
      importOnnx({
        file: "m.onnx",
        bytes: oneNode("MaxPool", { kernel_shape: [2, 2], storage_order: 1 }),
      }),
    ) as UnsupportedOpError;
    expect(e).to.be.instanceOf(UnsupportedOpError);
    expect(e.details.attribute).to.equal("storage_order");
  });

  it("a dynamic non-batch dimension without inputShapes: ShapeError asking for one; with it the import works", function () {
    const bytes = oneNode("Relu", {}, ["batch", "features"]);
    const e = thrown(() => importOnnx({ file: "dyn.onnx", bytes }));
    expect(e).to.be.instanceOf(ShapeError);
    expect(e.message).to.contain("features (axis 1)");
    expect(e.message).to.contain("--input-shape x=1x<features>");
    expect(
      importOnnx({ file: "dyn.onnx", bytes, inputShapes: { x: [1, 4] } }).shapes.y,
    ).to.deep.equal([1, 4]);
  });

  describe("inputs", function () {
    const q = quantizeModel({ ir: importOnnx({ file: IRIS }), calibration: loadIris().features });
    it("NaN and Inf: InputError naming the index", function () {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const e = thrown(() => quantizeInput({ model: q, input: [5, 3, bad, 1] })) as InputError;
        expect(e).to.be.instanceOf(InputError);
        expect(e.details.index).to.equal(2);
      }
    });
    it("a wrong input length: InputError", function () {
      expect(thrown(() => quantizeInput({ model: q, input: [5, 3, 1] }))).to.be.instanceOf(
        InputError,
      );
    });
    it("a value outside the quantization range: QuantizationRangeError with the range", function () {
      const e = thrown(() =>
        quantizeInput({ model: q, input: [5, 3, 1e6, 1] }),
      ) as QuantizationRangeError;
      expect(e).to.be.instanceOf(QuantizationRangeError);
      expect(e.message).to.contain("outside the quantization range");
    });
  });
});

describe("readInputFile", function () {
  const ir = importOnnx({ file: IRIS });
  const write = (name: string, v: unknown) => {
    const file = join(DIR, name);
    writeFileSync(file, typeof v === "string" ? v : JSON.stringify(v));
    return file;
  };
  it("reads the project's format (nested or flat), arrays of rows, and {input_data}", function () {
    expect(
      readInputFile({ file: write("a.json", { input: [[5.1, 3.5, 1.4, 0.2]] }), ir }),
    ).to.deep.equal([[5.1, 3.5, 1.4, 0.2]]);
    expect(
      readInputFile({
        file: write("b.json", [{ input: [1, 2, 3, 4] }, { input: [5, 6, 7, 8] }]),
        ir,
      }),
    ).to.have.length(2);
    expect(
      readInputFile({ file: write("c.json", { input_data: [[1, 2, 3, 4]] }), ir }),
    ).to.deep.equal([[1, 2, 3, 4]]);
  });
  it("errors name the file", function () {
    for (const [name, v] of [
      ["bad.json", "{nope"],
      ["short.json", { input: [1, 2] }],
      ["nan.json", { input_data: [[1, 2, "x", 4]] }],
    ] as const) {
      const e = thrown(() => readInputFile({ file: write(name, v), ir }));
      expect(e).to.be.instanceOf(InputError);
      expect(e.message).to.contain(name);
    }
  });
});

describe("fidelity", function () {
  it("reports agreement, per-output errors, scales and outputs for the Iris model", async function () {
    const r = await fidelity({
      model: IRIS,
      rows: loadIris().features.slice(0, 30),
      includeOutputs: true,
      mode: "resources",
    });
    expect(r.rows).to.equal(30);
    expect(r.agreement).to.be.at.least(0.9);
    expect(r.maxAbsError).to.have.length(3);
    expect(r.scales.mode).to.equal("resources");
    expect(r.outputs![0].float).to.have.length(3);
    r.meanAbsError.forEach((m, i) => expect(m).to.be.at.most(r.maxAbsError[i]));
  });
});
