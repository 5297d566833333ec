import { expect } from "chai";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/node/src/circuit/compileModel.ts";
import { expectedPublicSignals } from "../../sdk/node/src/circuit/generateCircuit.ts";
import { setupModelDir } from "../../sdk/node/src/model/setupModelDir.ts";
import { loadModelDir } from "../../sdk/node/src/model/loadModelDir.ts";
import { evaluateFloat } from "../../sdk/node/src/onnx/evaluateFloat.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { inputCommitment } from "../../sdk/core/src/quantize/inputCommitment.ts";
import { toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { UnsupportedOpError } from "../../sdk/core/src/errors.ts";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import {
  exporterModels,
  kerasConv1d,
  kerasGlobalAveragePool,
  sklearnMlp,
} from "../helpers/exporterModels.ts";
import { hummingbirdTraversal } from "../helpers/treeExportModels.ts";
import type { ExporterModel } from "../helpers/exporterModels.ts";
import { BUILD } from "../helpers/templateHarness.ts";
import { calculateWitness } from "../helpers/witnessTools.ts";
import { runZkml } from "../helpers/zkmlCli.ts";

/** onnxruntime's outputs of one row, concatenated in the proven order. */
async function ort(m: ExporterModel, row: number[]): Promise<number[]> {
  const res = await runOnnx({
    model: m.reference ?? m.bytes,
    inputs: { [m.input]: { data: row, shape: m.shape } },
  });
  return m.outputs.flatMap((o) => Array.from(res[o].data, Number));
}

/** The proven values as probabilities: a final Softmax is proven as its logits. */
const probabilities = (c: CompileModelReturnType, values: number[]): number[] => {
  if (!c.quantized.droppedSoftmax) return values;
  const top = Math.max(...values);
  const e = values.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

const slug = (m: ExporterModel) =>
  `${m.exporter}-${m.name.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 40)}`;

describe("exporter forms other than PyTorch (tf2onnx, sklearn-onnx, hummingbird-ml, onnxmltools)", function () {
  this.timeout(900_000);
  const compiled = new Map<string, CompileModelReturnType>();

  for (const m of exporterModels()) {
    it(`${m.name}: compiles with calibration only; float and quantized evaluators vs onnxruntime, witness = evaluator`, async function () {
      const dir = join(BUILD, "exporters", slug(m));
      mkdirSync(dir, { recursive: true });
      const file = join(dir, "model.onnx");
      writeFileSync(file, m.bytes);
      const ir = importOnnx({ file });
      const c = await compileModel({ model: file, outDir: dir, calibration: m.rows(32, 1) });
      compiled.set(m.name, c);
      const q = c.quantized;
      let floatErr = 0;
      let quantErr = 0;
      for (const row of m.rows(12, 2)) {
        const want = await ort(m, row);
        const floats = evaluateFloat({ ir, inputs: row });
        const float = ir.outputs.flatMap((o) => Array.from(floats[o.name]));
        expect(float.length).to.equal(want.length);
        float.forEach((v, i) => (floatErr = Math.max(floatErr, Math.abs(v - want[i]))));
        const ev = evaluateQuantized({ model: q, input: quantizeInput({ model: q, input: row }) });
        const got = probabilities(c, ev.values);
        expect(got.length).to.equal(want.length);
        got.forEach((v, i) => (quantErr = Math.max(quantErr, Math.abs(v - want[i]))));
      }
      expect(floatErr, "float evaluator vs onnxruntime").to.be.below(1e-5);
      expect(quantErr, "quantized evaluator vs onnxruntime").to.be.at.most(m.tolerance);
      for (const row of m.rows(2, 3)) {
        const input = quantizeInput({ model: q, input: row });
        const expected = evaluateQuantized({ model: q, input });
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
            inputCommitment:
              c.manifest.visibility.input === "hashed"
                ? inputCommitment({ model: q, input })
                : undefined,
          }),
        );
      }
      console.log(
        `      ${c.circuit.constraints} constraints; |quantized - onnxruntime| <= ${quantErr.toFixed(4)}`,
      );
    });
  }

  it("one of each exporter proven and verified end to end (Groth16): the proven outputs are onnxruntime's", async function () {
    const families = new Map<string, ExporterModel>();
    for (const m of exporterModels())
      if (!families.has(m.exporter) && compiled.has(m.name)) families.set(m.exporter, m);
    expect([...families.keys()]).to.have.members([
      "tf2onnx",
      "skl2onnx",
      "hummingbird-ml",
      "onnxmltools",
    ]);
    for (const m of families.values()) {
      const c = compiled.get(m.name)!;
      const dir = c.outDir;
      await setupModelDir({ dir, system: "groth16" });
      const model = await loadModelDir({ dir, system: "groth16" });
      const [row] = m.rows(1, 5);
      const p = await model.prove({ input: row });
      expect(await model.verify({ proof: p.proof, publicSignals: p.publicSignals })).to.equal(true);
      const want = await ort(m, row);
      probabilities(c, p.outputs.values).forEach((v, i) =>
        expect(Math.abs(v - want[i]), `${m.name} output ${i}`).to.be.at.most(m.tolerance),
      );
      const forged = [...p.publicSignals];
      forged[forged.length - 1] += 1n;
      expect(await model.verify({ proof: p.proof, publicSignals: forged })).to.equal(false);
    }
  });

  it("an SVC (SVMClassifier) stays unsupported: the error names the op, the node and the supported ops", function () {
    const bytes = buildOnnx({
      producer: "skl2onnx",
      inputs: [{ name: "X", shape: ["N", 2] }],
      outputs: [{ name: "probabilities", shape: ["N", 2] }],
      nodes: [
        {
          opType: "SVMClassifier",
          domain: "ai.onnx.ml",
          name: "SVMc",
          inputs: ["X"],
          outputs: ["label", "probabilities"],
          attributes: {
            kernel_type: "LINEAR",
            classlabels_ints: [0, 1],
            coefficients: { type: "floats", value: [1, -1] },
            support_vectors: { type: "floats", value: [0.5, 0.5, -0.5, 0.25] },
            vectors_per_class: [1, 1],
            rho: { type: "floats", value: [0.1] },
          },
        },
      ],
    });
    expect(() => importOnnx({ file: "svc.onnx", bytes }))
      .to.throw(UnsupportedOpError, 'SVMClassifier node "SVMc" is not supported')
      .with.property("details")
      .that.satisfies(
        (d: { op: string; supported: string[] }) =>
          d.op === "SVMClassifier" && d.supported.includes("Normalizer"),
      );
  });

  it("Keras' unfused BatchNormalization (tf2onnx's Mul + Add) folds into the Dense before it, or into one Affine after a Conv's wiring", function () {
    const ops = (m: ExporterModel) =>
      importOnnx({ file: "keras.onnx", bytes: m.bytes }).nodes.map((n) => n.op);
    expect(ops(kerasGlobalAveragePool())).to.deep.equal([
      "Transpose",
      "Conv",
      "Activation",
      "Transpose",
      "ReduceMean",
      "Dense",
      "Activation",
      "Dense",
      "Softmax",
    ]);
    expect(ops(kerasConv1d()).filter((op) => op === "Affine")).to.have.length(1);
  });

  for (const strategy of ["tree_trav", "perfect_tree_trav"] as const)
    it(`hummingbird-ml's ${strategy} strategy is refused naming the form and pointing at the GEMM strategy`, async function () {
      const bytes = hummingbirdTraversal(strategy);
      // the fixture is a valid graph: onnxruntime walks the trees (leaf sums of the two trees)
      const ort = await runOnnx({
        model: bytes,
        inputs: { input_0: { data: [0, 0, 0], shape: [1, 3] } },
      });
      expect(Array.from(ort.variable.data)).to.deep.equal([strategy === "tree_trav" ? 3 : 2]);
      const [op, node] =
        strategy === "tree_trav"
          ? ["GatherElements", "/_operators.0/GatherElements_0"]
          : ["Gather", "/_operators.0/Gather_1"];
      expect(() => importOnnx({ file: `${strategy}.onnx`, bytes }))
        .to.throw(
          UnsupportedOpError,
          `${op} node "${node}"${op === "Gather" ? " attribute indices" : ""} is not supported: indices computed at run time, as hummingbird-ml's tree_trav / perfect_tree_trav strategies walk their trees; convert with hummingbird's GEMM strategy`,
        )
        .with.property("details")
        .that.satisfies(
          (d: { op: string; node: string; supported: string[] }) =>
            d.op === op && d.node === node && d.supported.includes("Gather"),
        );
    });

  it("`zkml compile model.onnx --calibration calib.json` takes an sklearn-onnx MLPClassifier with no other flag", async function () {
    const m = sklearnMlp();
    const dir = join(BUILD, "exporters", "cli");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "mlp.onnx"), m.bytes);
    writeFileSync(join(dir, "calib.json"), JSON.stringify(m.rows(16, 1)));
    const r = await runZkml(
      ["compile", "mlp.onnx", "--calibration", "calib.json", "--out", "out", "--json"],
      {},
      dir,
    );
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { nPublic: number; manifest: string };
    // the label and the three probabilities are the public outputs
    expect(out.nPublic).to.be.at.least(4);
    expect(out.manifest).to.match(/manifest\.json$/);
  });
});
