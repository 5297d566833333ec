import { expect } from "chai";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import { loadModelDir } from "../../sdk/node/src/model/loadModelDir.ts";
import { setupModelDir } from "../../sdk/node/src/model/setupModelDir.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { attentionBlock, conv1d, conv3d, decoder, layerNorms } from "../helpers/familyModels.ts";
import { caseRows } from "../helpers/opCases.ts";
import type { OpCase } from "../helpers/opCases.ts";
import { BUILD } from "../helpers/templateHarness.ts";

/** Rows proven per family (each also checked against onnxruntime). */
const PROVEN_ROWS = 2;

/**
 * Issue 14's op families through the whole pipeline, each a tiny model built the way its
 * exporter writes it: compile (calibration only), Groth16 setup (the smallest dev ptau that
 * fits), prove, verify; the proven outputs against onnxruntime; a changed output rejected.
 */
for (const family of [attentionBlock, layerNorms, decoder, conv1d, conv3d]) {
  const c: OpCase = family();
  describe(`family end to end: ${c.name}`, function () {
    this.timeout(600_000);
    let model: Awaited<ReturnType<typeof loadModelDir>>;
    const rows = caseRows(c.inputShape, 5, 16);

    before(async function () {
      const dir = join(BUILD, "families", c.name);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${c.name}.onnx`);
      writeFileSync(file, c.bytes);
      const compiled = await compileModel({ model: file, outDir: dir, calibration: rows });
      console.log(`      ${c.name}: ${compiled.circuit.constraints} constraints`);
      await setupModelDir({ dir, system: "groth16" });
      model = await loadModelDir({ dir, system: "groth16" });
    });

    it("proves and verifies outputs within the stated tolerance of onnxruntime", async function () {
      for (const row of rows.slice(1, 1 + PROVEN_ROWS)) {
        const p = await model.prove({ input: row });
        expect(await model.verify({ proof: p.proof, publicSignals: p.publicSignals })).to.equal(
          true,
        );
        const ort = (
          await runOnnx({ model: c.bytes, inputs: { x: { data: row, shape: c.inputShape } } })
        ).y.data;
        expect(p.outputs.values.length).to.equal(ort.length);
        const err = Math.max(...p.outputs.values.map((v, i) => Math.abs(v - Number(ort[i]))));
        expect(err, `max |proven - onnxruntime|`).to.be.at.most(c.tolerance);
        const forged = [...p.publicSignals];
        forged[forged.length - 1] += 1n;
        expect(await model.verify({ proof: p.proof, publicSignals: forged })).to.equal(false);
      }
    });
  });
}
