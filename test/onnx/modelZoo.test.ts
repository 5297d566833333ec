import { expect } from "chai";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectedPublicSignals } from "../../sdk/node/src/circuit/generateCircuit.ts";
import { evaluateFloat } from "../../sdk/node/src/onnx/evaluateFloat.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { readQuantizedModel } from "../../sdk/node/src/quantize/readQuantizedModel.ts";
import { inputCommitment } from "../../sdk/core/src/quantize/inputCommitment.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { UnsupportedOpError } from "../../sdk/core/src/errors.ts";
import { CNTK_MNIST_SIZE, cntkMnist } from "../helpers/cntkMnist.ts";
import { model, node } from "../helpers/opCases.ts";
import { BUILD } from "../helpers/templateHarness.ts";
import { calculateWitness } from "../helpers/witnessTools.ts";
import { runZkml } from "../helpers/zkmlCli.ts";

const SHAPE = [1, 1, CNTK_MNIST_SIZE, CNTK_MNIST_SIZE];
/** Largest |quantized - onnxruntime| of a logit (measured 0.0003 at the default bits). */
const TOLERANCE = 0.01;

/** Seeded pixel rows in [0, 1], as MNIST feeds the zoo model. */
const pixels = (n: number, seed: number) => {
  const rnd = mulberry32({ seed });
  return Array.from({ length: n }, () =>
    Array.from({ length: CNTK_MNIST_SIZE ** 2 }, () => Math.round(rnd() * 255) / 255),
  );
};

const ort = async (bytes: Uint8Array, row: number[]) =>
  Array.from(
    (await runOnnx({ model: bytes, inputs: { Input3: { data: row, shape: SHAPE } } }))
      .Plus214_Output_0.data,
    Number,
  );

describe("ONNX model zoo classics: mnist-8 as CNTK exported it (opset 8)", function () {
  this.timeout(600_000);

  it("mnist-12's form (the same graph at opset 12): the float evaluator is onnxruntime's", async function () {
    const bytes = cntkMnist(12);
    const ir = importOnnx({ file: "mnist-12.onnx", bytes });
    for (const row of pixels(4, 5)) {
      const want = await ort(bytes, row);
      const got = Object.values(evaluateFloat({ ir, inputs: row }))[0];
      got.forEach((v, i) => expect(Math.abs(v - want[i])).to.be.below(1e-5));
    }
  });

  it("zkml compile --calibration only; the witness is the evaluator's, the evaluator is onnxruntime's", async function () {
    const dir = join(BUILD, "model-zoo", "mnist-8");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const bytes = cntkMnist(8);
    const file = join(dir, "mnist-8.onnx");
    const calibration = join(dir, "calibration.json");
    writeFileSync(file, bytes);
    writeFileSync(calibration, JSON.stringify({ input_data: pixels(32, 1) }));
    const out = join(dir, "compiled");
    const r = await runZkml([
      "compile",
      file,
      "--out",
      out,
      "--calibration",
      calibration,
      "--json",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const q = readQuantizedModel({ file: join(out, "quantized.json") });
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    const ir = importOnnx({ file });
    let quantErr = 0;
    for (const row of pixels(6, 2)) {
      const want = await ort(bytes, row);
      const float = Object.values(evaluateFloat({ ir, inputs: row }))[0];
      float.forEach((v, i) => expect(Math.abs(v - want[i]), "float").to.be.below(1e-5));
      const input = quantizeInput({ model: q, input: row });
      const ev = evaluateQuantized({ model: q, input });
      expect(ev.values).to.have.length(want.length);
      ev.values.forEach((v, i) => (quantErr = Math.max(quantErr, Math.abs(v - want[i]))));
      const w = await calculateWitness({
        wasm: join(out, "model_js", "model.wasm"),
        input: { in: input.map((v) => toField(v).toString()) },
      });
      expect(w.slice(1, 1 + manifest.publicSignals.layout.nPublic)).to.deep.equal(
        expectedPublicSignals({
          plan: manifest.publicSignals,
          weightCommitment: BigInt(manifest.weightCommitment),
          input,
          outputs: ev.outputs,
          inputCommitment:
            manifest.visibility.input === "hashed"
              ? inputCommitment({ model: q, input })
              : undefined,
        }),
      );
    }
    console.log(
      `      ${manifest.circuit.constraints} constraints; |quantized - onnxruntime| <= ${quantErr.toFixed(4)}`,
    );
    expect(quantErr, "quantized evaluator vs onnxruntime").to.be.at.most(TOLERANCE);
  });
});

describe("older opsets: training-mode forms are refused by name", function () {
  const stats = ["scale", "bias", "mean", "var"].map((name, i) => ({
    name,
    shape: [2],
    data: [1 + i / 4, 0.5 - i / 4],
  }));
  const refusal = (c: ReturnType<typeof model>) => {
    try {
      importOnnx({ file: `${c.name}.onnx`, bytes: c.bytes });
    } catch (e) {
      return e as UnsupportedOpError;
    }
    throw new Error(`${c.name} was accepted`);
  };

  it("BatchNormalization with the mean / var / saved outputs before opset 14 (onnxruntime normalizes with the batch's statistics)", function () {
    const e = refusal(
      model({
        name: "bn7",
        opset: 7,
        input: [1, 2, 2, 2],
        output: [1, 2, 2, 2],
        init: stats,
        nodes: [
          node("BatchNormalization", ["x", ...stats.map((s) => s.name)], ["y", "m", "v"], {
            spatial: 1,
          }),
        ],
      }),
    );
    expect(e).to.be.instanceOf(UnsupportedOpError);
    expect(e.message).to.contain('BatchNormalization node "BatchNormalization_0"');
    expect(e.message).to.contain("m, v make it training mode");
    expect(e.details.attribute).to.equal("outputs");
  });

  it("Dropout with a training_mode input that is true", function () {
    const e = refusal(
      model({
        name: "dropout13",
        opset: 13,
        input: [1, 4],
        output: [1, 4],
        init: [
          { name: "ratio", shape: [], data: [0.5] },
          { name: "training", shape: [], data: [1], dataType: "bool" },
        ],
        nodes: [node("Dropout", ["x", "ratio", "training"], ["y"])],
      }),
    );
    expect(e).to.be.instanceOf(UnsupportedOpError);
    expect(e.details).to.include({ op: "Dropout", node: "Dropout_0", attribute: "training_mode" });
  });
});
