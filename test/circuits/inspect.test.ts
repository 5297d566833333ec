import { expect } from "chai";
import { join } from "node:path";
import { compileCircuit } from "../../sdk/node/src/circuit/compileCircuit.ts";
import { generateCircuit } from "../../sdk/node/src/circuit/generateCircuit.ts";
import { inspectCircuit } from "../../sdk/node/src/circuit/inspectCircuit.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { weightCommitment } from "../../sdk/core/src/quantize/weightCommitment.ts";
import { caseRows, opCases } from "../helpers/opCases.ts";
import { BUILD, compileTemplate } from "../helpers/templateHarness.ts";

const serious = (ws: { code: string }[]) => ws.filter((w) => w.code !== "CA02");

describe("circom --inspect reports no under-constrained signal", function () {
  this.timeout(300_000);
  it("(control) flags an output assigned with <-- and never constrained", async function () {
    const dir = join(BUILD, "inspect-control");
    const source =
      "pragma circom 2.1.6;\ntemplate Bad() {\n    signal input a;\n    signal output b;\n    b <-- a * 2;\n}\ncomponent main = Bad();\n";
    await compileCircuit({ source, outDir: dir, library: [] });
    expect(serious(await inspectCircuit({ dir, file: "model.circom" }))).to.not.be.empty;
  });
  const harnesses = [
    { name: "inspect-rescale-relu", library: "rescale.circom", main: "RescaleRelu(4, 6)" },
    { name: "inspect-argmax", library: "compare.circom", main: "ArgMaxN(4, 6, 0, 1)" },
    { name: "inspect-clip", library: "compare.circom", main: "ClipInt(1, -5, 6, 1, 9, 6)" },
    { name: "inspect-leaky", library: "activation.circom", main: "LeakyRescale(4, 4, 8, 9)" },
    { name: "inspect-mul", library: "activation.circom", main: "MulRescale(4, 10)" },
    { name: "inspect-dot", library: "arith.circom", main: "DotRescale(3, 4, 12)" },
    { name: "inspect-div", library: "arith.circom", main: "DivRound(4, 8, 12)" },
    { name: "inspect-rsqrt", library: "arith.circom", main: "RsqrtFloor(6, 10, 13, 24)" },
    { name: "inspect-topk", library: "topk.circom", main: "TopKMasked(4, 2, 6)" },
    { name: "inspect-poseidon", library: "commitment.circom", main: "PoseidonHash(16, 3, 1, 7)" },
    {
      name: "inspect-input-commitment",
      library: "commitment.circom",
      main: "InputCommitment(20, 4, 12345)",
    },
    {
      name: "inspect-packed",
      library: "packed-linear.circom",
      main: "PackedRescale(3, 12, 3, 5, 1)",
    },
  ];
  for (const h of harnesses) {
    it(`template ${h.main}`, async function () {
      await compileTemplate({ ...h, dependencies: ["rescale.circom", "compare.circom"] });
      expect(
        serious(await inspectCircuit({ dir: join(BUILD, h.name), file: "model.circom" })),
      ).to.deep.equal([]);
    });
  }
  const wanted =
    /ArgMax|Sigmoid|LeakyRelu|HardSwish|MaxPool 3x3|Mul of two|Concat|Conv depthwise|Div of two|LayerNorm/;
  it("generated model with private weights and hashed outputs (Conv stride 2, pads, dilation)", async function () {
    const c = opCases().find((x) => x.name.startsWith("Conv (stride 2"))!;
    const ir = importOnnx({ file: `${c.name}.onnx`, bytes: c.bytes });
    const model = quantizeModel({ ir, calibration: caseRows(c.inputShape, 3, 8, 1.5) });
    const gen = generateCircuit({ model, weightVisibility: "private", outputVisibility: "hashed" });
    const dir = join(BUILD, "inspect-private");
    await compileCircuit({ source: gen.source, outDir: dir, library: gen.library });
    expect(serious(await inspectCircuit({ dir, file: "model.circom" }))).to.deep.equal([]);
  });
  opCases()
    .filter((c) => wanted.test(c.name))
    .forEach((c, i) => {
      it(`generated model: ${c.name}`, async function () {
        const ir = importOnnx({ file: `${c.name}.onnx`, bytes: c.bytes });
        const model = quantizeModel({ ir, calibration: caseRows(c.inputShape, 3, 8, 3) });
        const gen = generateCircuit({ model, weightCommitment: weightCommitment({ model }) });
        const dir = join(BUILD, "inspect-ops", String(i));
        await compileCircuit({ source: gen.source, outDir: dir });
        expect(serious(await inspectCircuit({ dir, file: "model.circom" }))).to.deep.equal([]);
      });
    });
});
