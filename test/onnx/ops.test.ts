import { expect } from "chai";
import { evaluateFloat } from "../../sdk/node/src/onnx/evaluateFloat.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { argmax } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { caseRows, opCases } from "../helpers/opCases.ts";

describe("every supported op: import + float reference + quantized evaluator vs onnxruntime", function () {
  for (const c of opCases()) {
    it(c.name, async function () {
      const ir = importOnnx({ file: `${c.name}.onnx`, bytes: c.bytes });
      const span = /Sigmoid|Tanh/.test(c.name) ? 4 : 1.5;
      const rows = caseRows(c.inputShape, 3, 16, span);
      const q = quantizeModel({ ir, calibration: rows });
      let floatErr = 0;
      let quantErr = 0;
      for (const row of rows) {
        const ort = (
          await runOnnx({ model: c.bytes, inputs: { x: { data: row, shape: c.inputShape } } })
        ).y.data;
        const float = Object.values(evaluateFloat({ ir, inputs: row }))[0];
        float.forEach(
          (v, i) => (floatErr = Math.max(floatErr, Math.abs(v - ort[i]) / (1 + Math.abs(ort[i])))),
        );
        const ev = evaluateQuantized({ model: q, input: quantizeInput({ model: q, input: row }) });
        if (c.final === "argmax") {
          expect(ev.outputs.map(Number)).to.deep.equal(Array.from(ort));
        } else if (c.final === "softmax") {
          expect(q.droppedSoftmax).to.equal(true);
          // The circuit proves the logits: softmax of them must match onnxruntime.
          const m = Math.max(...ev.values);
          const e = ev.values.map((v) => Math.exp(v - m));
          const s = e.reduce((a, b) => a + b, 0);
          const probs = /LogSoftmax/.test(c.name)
            ? e.map((v) => Math.log(v / s))
            : e.map((v) => v / s);
          probs.forEach((v, i) => (quantErr = Math.max(quantErr, Math.abs(v - ort[i]))));
          expect(ev.predictedClass).to.equal(argmax(ort));
        } else {
          expect(ev.values.length).to.equal(ort.length);
          ev.values.forEach((v, i) => (quantErr = Math.max(quantErr, Math.abs(v - ort[i]))));
        }
      }
      expect(floatErr, "float reference vs onnxruntime").to.be.below(1e-5);
      expect(quantErr, `quantized vs onnxruntime (frac ${q.inputFrac})`).to.be.at.most(c.tolerance);
    });
  }
});
