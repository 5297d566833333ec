import { expect } from "chai";
import { join } from "node:path";
import { compileCircuit } from "../../sdk/node/src/circuit/compileCircuit.ts";
import {
  expectedPublicSignals,
  generateCircuit,
} from "../../sdk/node/src/circuit/generateCircuit.ts";
import { calculateWitness, failingConstraints, loadR1cs } from "../helpers/witnessTools.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { weightCommitment } from "../../sdk/core/src/quantize/weightCommitment.ts";
import { caseRows, opCases } from "../helpers/opCases.ts";
import { BUILD } from "../helpers/templateHarness.ts";

describe("every supported op compiles to a circuit whose witness equals the evaluator", function () {
  this.timeout(120_000);
  opCases().forEach((c, index) => {
    it(c.name, async function () {
      const ir = importOnnx({ file: `${c.name}.onnx`, bytes: c.bytes });
      const span = /Sigmoid|Tanh/.test(c.name) ? 4 : 1.5;
      const rows = caseRows(c.inputShape, 3, 16, span);
      // the constant rows at +-1.5 below are calibration rows too (a recurrent state saturates
      // on them beyond what the random rows reach)
      const extremes = [rows[1].map(() => -1.5), rows[1].map(() => 1.5)];
      const model = quantizeModel({ ir, calibration: [...rows, ...extremes] });
      const commitment = weightCommitment({ model });
      const gen = generateCircuit({ model, weightCommitment: commitment });
      const compiled = await compileCircuit({
        source: gen.source,
        outDir: join(BUILD, "ops", String(index)),
      });
      const r1cs = await loadR1cs(compiled.r1cs);
      // boundary rows: zero, the calibrated extremes, and seeded random rows
      for (const row of [rows[0], ...extremes, ...caseRows(c.inputShape, 9, 1, span).slice(1)]) {
        const input = quantizeInput({ model, input: row });
        const expected = evaluateQuantized({ model, input });
        const witness = await calculateWitness({
          wasm: compiled.wasm,
          input: { in: input.map((v) => toField(v).toString()) },
        });
        expect(failingConstraints(r1cs, witness)).to.deep.equal([]);
        const publics = witness.slice(1, 1 + gen.publicSignals.layout.nPublic);
        expect(publics).to.deep.equal(
          expectedPublicSignals({
            plan: gen.publicSignals,
            weightCommitment: commitment,
            input,
            outputs: expected.outputs,
          }),
        );
      }
    });
  });
});
