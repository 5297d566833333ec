import { expect } from "chai";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import { inputCommitment } from "../../sdk/core/src/quantize/inputCommitment.ts";
import { expectedPublicSignals } from "../../sdk/node/src/circuit/generateCircuit.ts";
import { calculateWitness } from "../helpers/witnessTools.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { evaluateFloat } from "../../sdk/node/src/onnx/evaluateFloat.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { runOnnxBatch } from "../../sdk/node/src/onnx/runOnnx.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { argmax, toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { fidelity } from "../../sdk/node/src/quantize/fidelity.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { pytorchCnn } from "../helpers/cnnModel.ts";
import { BUILD } from "../helpers/templateHarness.ts";

const SHARED = join(import.meta.dirname, "../../../shared/models/zkml-benchmark");
const rows = (n: number, width: number, seed: number) => {
  const rnd = mulberry32({ seed });
  return Array.from({ length: n }, () => Array.from({ length: width }, rnd));
};

describe("real exports: the zkml-benchmark MNIST models", function () {
  this.timeout(120_000);
  for (const [file, width] of [
    ["196_25_10.onnx", 196],
    ["196_24_14_10.onnx", 196],
    ["784_56_10.onnx", 784],
  ] as const) {
    it(`${file} imports, and its quantized evaluator agrees with onnxruntime on 300 seeded inputs in [0, 1]`, async function () {
      const model = join(SHARED, file);
      const ir = importOnnx({ file: model });
      const data = rows(300, width, 2);
      const float = await runOnnxBatch({
        model,
        inputName: ir.inputs[0].name,
        rows: data.slice(0, 20),
        rowShape: ir.inputs[0].shape,
      });
      data.slice(0, 20).forEach((row, i) => {
        const mine = Object.values(evaluateFloat({ ir, inputs: row }))[0];
        mine.forEach((v, j) => expect(Math.abs(v - float[i][j])).to.be.below(1e-5));
      });
      const r = await fidelity({ model, rows: data, calibration: rows(64, width, 1) });
      console.log(
        `      ${file}: argmax agreement ${(r.agreement * 100).toFixed(2)}% (${r.rows} rows), max |logit error| ${Math.max(...r.maxAbsError).toFixed(4)}`,
      );
      expect(r.agreement).to.be.at.least(0.99);
    });
  }
});

describe("a PyTorch-style CNN (Conv, Relu, MaxPool, Shape/Gather/Unsqueeze/Concat/Reshape flatten, Gemm)", function () {
  this.timeout(300_000);
  it("imports (flatten chain folded), evaluates like onnxruntime, and compiles to a circuit equal to the evaluator", async function () {
    const { bytes } = pytorchCnn({
      size: 12,
      channels: [3, 4],
      kernel: 3,
      hidden: [12],
      classes: 5,
    });
    const dir = join(BUILD, "cnn");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "cnn.onnx");
    writeFileSync(file, bytes);
    const ir = importOnnx({ file });
    expect(ir.nodes.map((n) => n.op)).to.deep.equal([
      "Conv",
      "Activation",
      "MaxPool",
      "Conv",
      "Activation",
      "MaxPool",
      "Reshape",
      "Dense",
      "Activation",
      "Dense",
    ]);
    const data = rows(40, 144, 4);
    const c = await compileModel({ model: file, outDir: dir, calibration: data });
    const float = await runOnnxBatch({
      model: file,
      inputName: "input",
      rows: data,
      rowShape: [1, 1, 12, 12],
    });
    let agree = 0;
    data.forEach((row, i) => {
      const ev = evaluateQuantized({
        model: c.quantized,
        input: quantizeInput({ model: c.quantized, input: row }),
      });
      if (ev.predictedClass === argmax(float[i])) agree++;
    });
    expect(agree / data.length).to.be.at.least(0.95);
    console.log(
      `      CNN 12x12 [3, 4] -> 12 -> 5: ${c.circuit.constraints} constraints, agreement ${agree}/${data.length}`,
    );
    for (const row of data.slice(0, 3)) {
      const input = quantizeInput({ model: c.quantized, input: row });
      const expected = evaluateQuantized({ model: c.quantized, input });
      const w = await calculateWitness({
        wasm: c.circuit.wasm,
        input: { in: input.map((v) => toField(v).toString()) },
      });
      expect(w.slice(1, 1 + c.publicSignals.layout.nPublic)).to.deep.equal(
        expectedPublicSignals({
          plan: c.publicSignals,
          weightCommitment: c.weightCommitment,
          input,
          outputs: expected.outputs,
          // 144 inputs: above MAX_DEFAULT_PUBLIC_INPUTS, so the input is hashed by default.
          inputCommitment: inputCommitment({ model: c.quantized, input }),
        }),
      );
    }
    expect(c.manifest.visibility.input).to.equal("hashed");
  });
});
