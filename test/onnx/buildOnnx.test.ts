import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import onnxProto from "onnx-proto";
import type { onnx as Onnx } from "onnx-proto";
import { argmax } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { trainMlp } from "../../scripts/lib/trainMlp.ts";
import { InputError, OnnxParseError, ShapeError } from "../../sdk/core/src/errors.ts";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import { runOnnx, runOnnxBatch } from "../../sdk/node/src/onnx/runOnnx.ts";

const { onnx } = onnxProto;
const IRIS_MODEL = fileURLToPath(new URL("../../models/iris-mlp.onnx", import.meta.url));

/** The decoded attributes of node `index` of an encoded model. */
function attributesOf(model: Uint8Array, index: number): Onnx.AttributeProto[] {
  const graph = onnx.ModelProto.decode(model).graph;
  return (graph?.node?.[index]?.attribute ?? []) as Onnx.AttributeProto[];
}

describe("buildOnnx + runOnnx", () => {
  it("builds Gemm(alpha, beta, transB) + Relu + Add + MatMul + Reshape(int64) that ORT runs like the TS reference", async () => {
    const X = [
      [1, -2, 0.5],
      [-0.25, 3, 2],
    ];
    const W = [
      [0.5, -1, 2],
      [1, 1, 1],
      [-3, 0.25, 0],
      [0, 2, -1.5],
    ]; // [4, 3], used transposed
    const C = [0.5, -1, 0.25, 2];
    const B = [1, -0.5, 0, 0.75];
    const M = [
      [1, 0],
      [0.5, -1],
      [-2, 1],
      [0.25, 0.5],
    ]; // [4, 2]
    const alpha = 0.5;
    const beta = 2;

    const model = buildOnnx({
      inputs: [{ name: "X", shape: [2, 3] }],
      outputs: [{ name: "Y", shape: [1, 4] }],
      initializers: [
        { name: "W", shape: [4, 3], data: W.flat() },
        { name: "C", shape: [4], data: new Float32Array(C) },
        { name: "B", shape: [4], data: B },
        { name: "M", shape: [4, 2], data: M.flat() },
        { name: "shape", shape: [2], data: [1n, -1n], dataType: "int64" },
      ],
      nodes: [
        {
          opType: "Gemm",
          name: "gemm",
          inputs: ["X", "W", "C"],
          outputs: ["g"],
          attributes: { alpha, beta: { type: "float", value: beta }, transB: 1 },
        },
        { opType: "Relu", name: "relu", inputs: ["g"], outputs: ["r"] },
        { opType: "Add", name: "add", inputs: ["r", "B"], outputs: ["a"] },
        { opType: "MatMul", name: "matmul", inputs: ["a", "M"], outputs: ["m"] },
        { opType: "Reshape", name: "reshape", inputs: ["m", "shape"], outputs: ["Y"] },
      ],
    });

    // Hand-computed reference: Y = reshape(relu(alpha * X W^T + beta * C) + B) M, [1, 4]).
    const expected = X.flatMap((x) => {
      const a = W.map((w, j) => {
        const g = alpha * w.reduce((s, wi, i) => s + wi * x[i], 0) + beta * C[j];
        return Math.max(g, 0) + B[j];
      });
      return [0, 1].map((k) => a.reduce((s, aj, j) => s + aj * M[j][k], 0));
    });

    const out = await runOnnx({ model, inputs: { X: { data: X.flat(), shape: [2, 3] } } });
    expect(Object.keys(out)).to.deep.equal(["Y"]);
    expect(out.Y.shape).to.deep.equal([1, 4]);
    expect(out.Y.data).to.be.instanceOf(Float32Array);
    out.Y.data.forEach((v, i) => expect(Math.abs(v - expected[i])).to.be.below(1e-5));
  });

  it("writes int, float, ints, floats and string attributes with the right ONNX types", async () => {
    const T = onnx.AttributeProto.AttributeType;
    const model = buildOnnx({
      opset: 13,
      producer: "test",
      inputs: [{ name: "x", shape: [2, 3] }],
      outputs: [{ name: "y", shape: [3, 4] }],
      initializers: [{ name: "pads", shape: [4], data: [0, 1, 0, 1], dataType: "int64" }],
      nodes: [
        {
          opType: "Transpose",
          name: "t",
          inputs: ["x"],
          outputs: ["xt"],
          attributes: { perm: [1, 0] },
        },
        {
          opType: "LeakyRelu",
          name: "lrelu",
          inputs: ["xt"],
          outputs: ["l"],
          attributes: { alpha: 0.1 },
        },
        {
          opType: "Pad",
          name: "pad",
          inputs: ["l", "pads"],
          outputs: ["y"],
          attributes: { mode: "reflect" },
        },
      ],
    });
    const decoded = onnx.ModelProto.decode(model);
    expect(Number(decoded.irVersion)).to.equal(8);
    expect(decoded.producerName).to.equal("test");
    expect(Number(decoded.opsetImport[0].version)).to.equal(13);
    const attr = (n: number) => attributesOf(model, n)[0];
    expect(attr(0).type).to.equal(T.INTS);
    expect(attr(0).ints.map(Number)).to.deep.equal([1, 0]);
    expect(attr(1).type).to.equal(T.FLOAT);
    expect(Math.abs(attr(1).f - 0.1)).to.be.below(1e-7);
    expect(attr(2).type).to.equal(T.STRING);
    expect(new TextDecoder().decode(attr(2).s)).to.equal("reflect");

    // Transpose -> LeakyRelu -> reflect-pad each row [p, q] to [q, p, q, p].
    const x = [1, -2, 3, -4, 5, -6];
    const out = await runOnnx({ model, inputs: { x: { data: x, shape: [2, 3] } } });
    const leaky = (v: number) => (v > 0 ? v : 0.1 * v);
    const expected = [0, 1, 2].flatMap((c) => {
      const [p, q] = [leaky(x[c]), leaky(x[3 + c])];
      return [q, p, q, p];
    });
    expect(out.y.shape).to.deep.equal([3, 4]);
    out.y.data.forEach((v, i) => expect(Math.abs(v - expected[i])).to.be.below(1e-6));

    const floats = buildOnnx({
      inputs: [{ name: "x", shape: ["N", 2] }],
      outputs: [{ name: "y", shape: ["N", 2] }],
      nodes: [
        {
          opType: "Custom",
          name: "c",
          inputs: ["x"],
          outputs: ["y"],
          attributes: {
            scales: [0.5, 2],
            one: { type: "float", value: 1 },
            big: 1n << 62n,
            many: { type: "ints", value: [-1n, 9007199254740993n] },
          },
        },
      ],
    });
    const a = attributesOf(floats, 0);
    expect(a.map((x) => x.type)).to.deep.equal([T.FLOATS, T.FLOAT, T.INT, T.INTS]);
    expect(a[0].floats).to.deep.equal([0.5, 2]);
    expect(a[1].f).to.equal(1);
    expect(a[2].i.toString()).to.equal((1n << 62n).toString());
    expect(a[3].ints.map(String)).to.deep.equal(["-1", "9007199254740993"]);
  });

  it("is deterministic and rejects bad initializers and attributes", () => {
    const spec = () => ({
      inputs: [{ name: "x", shape: [1, 2] }],
      outputs: [{ name: "y", shape: [1, 2] }],
      initializers: [{ name: "b", shape: [2], data: [0.1, 0.2] }],
      nodes: [{ opType: "Add", name: "add", inputs: ["x", "b"], outputs: ["y"] }],
    });
    expect(buildOnnx(spec())).to.deep.equal(buildOnnx(spec()));
    expect(() =>
      buildOnnx({ ...spec(), initializers: [{ name: "b", shape: [3], data: [0.1, 0.2] }] }),
    ).to.throw(ShapeError, /"b" has 2 values/);
    expect(() =>
      buildOnnx({
        ...spec(),
        initializers: [{ name: "s", shape: [1], data: [1.5], dataType: "int64" }],
      }),
    ).to.throw(InputError, /non-integer/);
    expect(() =>
      buildOnnx({
        ...spec(),
        nodes: [
          {
            opType: "Add",
            name: "add",
            inputs: ["x", "b"],
            outputs: ["y"],
            attributes: { bad: [1, "x"] as unknown as number[] },
          },
        ],
      }),
    ).to.throw(InputError, /attribute "bad" of node "add"/);
  });
});

describe("trainMlp (train-iris)", () => {
  const { features, labels } = loadIris();
  const train = (seed: number) =>
    trainMlp({ features, labels, hidden: 8, epochs: 150, seed, learningRate: 0.01 });

  it("gives bit-identical weights for the same seed and different weights for another seed", () => {
    const a = train(7);
    const b = train(7);
    const c = train(8);
    expect(a).to.deep.equal(b);
    expect(a.w1).to.not.deep.equal(c.w1);
    expect(a.w2).to.not.deep.equal(c.w2);
    expect(a.w1).to.have.length(8);
    expect(a.w1[0]).to.have.length(4);
    expect(a.w2).to.have.length(3);
    expect(a.w2[0]).to.have.length(8);
  });

  it("rejects mismatched labels", () => {
    expect(() =>
      trainMlp({ features, labels: [0], hidden: 8, epochs: 1, seed: 1, learningRate: 0.01 }),
    ).to.throw(InputError);
  });
});

describe("models/iris-mlp.onnx", () => {
  it("classifies Iris with >= 96% accuracy in onnxruntime", async () => {
    const { features, labels } = loadIris();
    const logits = await runOnnxBatch({
      model: IRIS_MODEL,
      inputName: "input",
      rows: features,
      rowShape: [1, 4],
    });
    expect(logits).to.have.length(150);
    expect(logits[0]).to.have.length(3);
    const correct = logits.filter((l, i) => argmax(l) === labels[i]).length;
    expect(correct / features.length).to.be.at.least(0.96);
  });
});

describe("runOnnx errors", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "zkml-onnx-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("throws OnnxParseError naming the file for a truncated model", async () => {
    const file = join(dir, "truncated.onnx");
    const bytes = readFileSync(IRIS_MODEL);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const err = await runOnnx({
      model: file,
      inputs: { input: { data: [5.1, 3.5, 1.4, 0.2], shape: [1, 4] } },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(OnnxParseError);
    const parseError = err as OnnxParseError;
    expect(parseError.name).to.equal("OnnxParseError");
    expect(parseError.details.file).to.equal(file);
    expect(parseError.message).to.include(file);
  });

  it("throws InputError for a missing input or wrong data length", async () => {
    const missing = await runOnnx({ model: IRIS_MODEL, inputs: {} }).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(InputError);
    const short = await runOnnx({
      model: IRIS_MODEL,
      inputs: { input: { data: [1, 2, 3], shape: [1, 4] } },
    }).catch((e: unknown) => e);
    expect(short).to.be.instanceOf(InputError);
    expect((short as InputError).message).to.include(IRIS_MODEL);
  });
});
