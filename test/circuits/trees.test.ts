import { expect } from "chai";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import { setupModelDir } from "../../sdk/node/src/model/setupModelDir.ts";
import { loadModelDir } from "../../sdk/node/src/model/loadModelDir.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import {
  calculateWitness,
  failingConstraints,
  forgeWitness,
  loadR1cs,
  readSymbols,
} from "../helpers/witnessTools.ts";
import { gridRows, treeClassifier, treeRegressor } from "../helpers/treeModels.ts";
import { BUILD } from "../helpers/templateHarness.ts";

describe("tree ensembles in circuits (ai.onnx.ml)", function () {
  this.timeout(600_000);

  it("a RandomForestRegressor with every branch mode: witness = evaluator; flipped decision bits, leaf indicators and outputs are rejected", async function () {
    const m = treeRegressor({
      name: "rf",
      seed: 2,
      trees: 4,
      depth: 3,
      features: 4,
      columns: 2,
      weights: "signed",
      average: true,
      modes: ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"],
      base: [0.5, -0.25],
    });
    const dir = join(BUILD, "trees", "rf");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "rf.onnx"), m.bytes);
    const c = await compileModel({
      model: join(dir, "rf.onnx"),
      outDir: dir,
      calibration: gridRows(4, 32, 1),
      inputVisibility: "public",
    });
    const q = c.quantized;
    const r1cs = await loadR1cs(c.circuit.r1cs);
    const symbols = readSymbols(c.circuit.sym);
    const bitsId = q.tensors.findIndex((t) => t.name.endsWith("__bits"));
    const leavesId = q.tensors.findIndex((t) => t.name.endsWith("__leaves"));
    expect(bitsId).to.be.above(0);
    expect(leavesId).to.be.above(0);
    for (const row of gridRows(4, 6, 3)) {
      const input = quantizeInput({ model: q, input: row });
      const expected = evaluateQuantized({ model: q, input });
      const ort = (await runOnnx({ model: m.bytes, inputs: { X: { data: row, shape: [1, 4] } } }))
        .variable.data;
      expected.values.forEach((v, i) => expect(Math.abs(v - Number(ort[i]))).to.be.below(0.002));
      const witness = await calculateWitness({
        wasm: c.circuit.wasm,
        input: { in: input.map((v) => toField(v).toString()) },
      });
      expect(failingConstraints(r1cs, witness)).to.deep.equal([]);
      const wire = (name: string) => witness[symbols.get(name)!];
      const outs = Array.from({ length: q.nOutputs }, (_, i) => wire(`main.out[${i}]`));
      expect(outs).to.deep.equal(expected.outputs.map(toField));
      // every decision bit and every leaf indicator, flipped alone, breaks the circuit
      let forgedWires = 0;
      for (const [id, count] of [
        [bitsId, q.tensors[bitsId].shape[0]],
        [leavesId, q.tensors[leavesId].shape[0]],
      ]) {
        for (let j = 0; j < count; j++) {
          const name = `main.t${id}[${j}]`;
          // a signal the optimizer replaced by a linear expression is no wire to forge
          if (!symbols.has(name)) continue;
          forgedWires++;
          const forged = forgeWitness({
            witness,
            symbols,
            changes: { [name]: 1n - wire(name) },
          });
          expect(failingConstraints(r1cs, forged), name).to.not.deep.equal([]);
        }
      }
      expect(forgedWires).to.be.above(40);
      const forgedOut = forgeWitness({
        witness,
        symbols,
        changes: { "main.out[0]": wire("main.out[0]") + 1n },
      });
      expect(failingConstraints(r1cs, forgedOut)).to.not.deep.equal([]);
    }
  });

  it("a RandomForestClassifier exported with ZipMap: compile, Groth16 setup, prove, verify; the proven probabilities are onnxruntime's", async function () {
    const spec = {
      seed: 3,
      trees: 3,
      depth: 3,
      features: 4,
      columns: 3,
      weights: "probabilities" as const,
      post: "NONE" as const,
    };
    const zipped = treeClassifier({ ...spec, name: "rfc", zipmap: true });
    const plain = treeClassifier({ ...spec, name: "rfc-plain" });
    const dir = join(BUILD, "trees", "rfc");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "rfc.onnx"), zipped.bytes);
    const c = await compileModel({
      model: join(dir, "rfc.onnx"),
      outDir: dir,
      calibration: gridRows(4, 32, 1),
    });
    console.log(
      `      RandomForestClassifier (3 trees of depth 3, 3 classes): ${c.circuit.constraints} constraints`,
    );
    await setupModelDir({ dir, system: "groth16" });
    const model = await loadModelDir({ dir, system: "groth16" });
    for (const row of gridRows(4, 2, 4)) {
      const p = await model.prove({ input: row });
      expect(await model.verify({ proof: p.proof, publicSignals: p.publicSignals })).to.equal(true);
      const ort = (
        await runOnnx({ model: plain.bytes, inputs: { X: { data: row, shape: [1, 4] } } })
      ).probabilities.data;
      p.outputs.values.forEach((v, i) => expect(Math.abs(v - Number(ort[i]))).to.be.below(0.002));
      const forged = [...p.publicSignals];
      forged[forged.length - 1] += 1n;
      expect(await model.verify({ proof: p.proof, publicSignals: forged })).to.equal(false);
    }
  });
});
