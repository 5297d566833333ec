import { expect } from "chai";
import { evaluateFloat } from "../../sdk/node/src/onnx/evaluateFloat.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import {
  gridRows,
  linearClassifier,
  linearRegressor,
  treeClassifier,
  treeRegressor,
} from "../helpers/treeModels.ts";
import type { MlModel } from "../helpers/treeModels.ts";

const ALL_MODES = [
  "BRANCH_LEQ",
  "BRANCH_LT",
  "BRANCH_GTE",
  "BRANCH_GT",
  "BRANCH_EQ",
  "BRANCH_NEQ",
] as const;

/** The sklearn-onnx / onnxmltools shapes of classical models. */
export function mlModels(): MlModel[] {
  return [
    treeRegressor({
      name: "DecisionTreeRegressor (TreeEnsembleRegressor, SUM, one target)",
      seed: 1,
      trees: 1,
      depth: 4,
      features: 3,
      columns: 1,
      weights: "signed",
      average: false,
    }),
    treeRegressor({
      name: "RandomForestRegressor (AVERAGE, two targets, every branch mode, base values)",
      seed: 2,
      trees: 4,
      depth: 3,
      features: 4,
      columns: 2,
      weights: "signed",
      average: true,
      modes: [...ALL_MODES],
      base: [0.5, -0.25],
    }),
    treeClassifier({
      name: "RandomForestClassifier (TreeEnsembleClassifier, 3 classes, probabilities)",
      seed: 3,
      trees: 3,
      depth: 3,
      features: 4,
      columns: 3,
      weights: "probabilities",
      post: "NONE",
    }),
    treeClassifier({
      name: "RandomForestClassifier with skl2onnx's two outputs (label, probabilities)",
      seed: 9,
      trees: 2,
      depth: 3,
      features: 4,
      columns: 3,
      weights: "probabilities",
      post: "NONE",
      label: true,
    }),
    treeClassifier({
      name: "GradientBoostingClassifier multiclass (SOFTMAX, base values)",
      seed: 4,
      trees: 3,
      depth: 2,
      features: 3,
      columns: 3,
      weights: "signed",
      post: "SOFTMAX",
      base: [0.1, -0.2, 0.3],
    }),
    treeClassifier({
      name: "GradientBoostingClassifier binary (one score, LOGISTIC, base value)",
      seed: 5,
      trees: 3,
      depth: 2,
      features: 3,
      columns: 2,
      weights: "signed",
      singleColumn: true,
      post: "LOGISTIC",
      base: [0.2],
    }),
    linearClassifier({
      name: "Scaler + LogisticRegression multiclass (LinearClassifier, SOFTMAX)",
      seed: 6,
      features: 4,
      classes: 3,
      post: "SOFTMAX",
    }),
    linearClassifier({
      name: "Scaler + LogisticRegression binary (LinearClassifier, LOGISTIC)",
      seed: 7,
      features: 3,
      classes: 2,
      post: "LOGISTIC",
    }),
    linearRegressor({
      name: "LinearRegression (LinearRegressor, two targets)",
      seed: 8,
      features: 3,
      targets: 2,
    }),
  ];
}

describe("ai.onnx.ml models as sklearn-onnx exports them: float reference and quantized evaluator vs onnxruntime", function () {
  this.timeout(60_000);
  for (const m of mlModels()) {
    it(m.name, async function () {
      const ir = importOnnx({ file: `${m.name}.onnx`, bytes: m.bytes, batchSize: 1 });
      const calibration = gridRows(m.features, 32, 1);
      const q = quantizeModel({ ir, calibration });
      let floatErr = 0;
      let quantErr = 0;
      for (const row of [...gridRows(m.features, 40, 2), new Array<number>(m.features).fill(0)]) {
        const res = await runOnnx({
          model: m.bytes,
          inputs: { X: { data: row, shape: [1, m.features] } },
        });
        // every graph output, concatenated (the proven output vector)
        const ort = m.outputs.flatMap((o) => Array.from(res[o].data, Number));
        const floats = evaluateFloat({ ir, inputs: row });
        const float = m.outputs.flatMap((o) => Array.from(floats[o]));
        float.forEach((v, i) => (floatErr = Math.max(floatErr, Math.abs(v - ort[i]))));
        const ev = evaluateQuantized({ model: q, input: quantizeInput({ model: q, input: row }) });
        const got = q.droppedSoftmax ? softmax(ev.values) : ev.values;
        expect(got.length).to.equal(ort.length);
        got.forEach((v, i) => (quantErr = Math.max(quantErr, Math.abs(v - ort[i]))));
      }
      expect(floatErr, "float reference vs onnxruntime").to.be.below(1e-5);
      expect(quantErr, `quantized vs onnxruntime (frac ${q.inputFrac})`).to.be.at.most(m.tolerance);
    });
  }
});

function softmax(v: number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}
