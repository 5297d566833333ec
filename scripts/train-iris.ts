/**
 * Train the shipped Iris classifier and export it as models/iris-mlp.onnx, reproducibly.
 *
 *   node scripts/train-iris.ts [--out models/iris-mlp.onnx]
 *
 * MLP 4 -> 8 (ReLU) -> 3, trained with seeded full-batch Adam on all 150 rows (see
 * scripts/lib/trainMlp.ts). The ONNX graph is Gemm(transB=1) -> Relu -> Gemm(transB=1):
 * input "input" float[1,4] (raw measurements in cm), output "logits" float[1,3] (no softmax;
 * the predicted class is the argmax). Running the script twice writes byte-identical files.
 * The exported file is then checked with onnxruntime-node against the TS forward pass.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { argmax } from "../sdk/core/src/quantize/fixedPoint.ts";
import { loadIris } from "./lib/iris.ts";
import { mlpForward } from "./lib/mlpForward.ts";
import { trainMlp } from "./lib/trainMlp.ts";
import { buildOnnx } from "../test/helpers/buildOnnx.ts";
import { runOnnxBatch } from "../sdk/node/src/onnx/runOnnx.ts";

const CONFIG = { hidden: 8, epochs: 1000, seed: 1, learningRate: 0.01 };

const { values } = parseArgs({ options: { out: { type: "string" } } });
const out = resolve(values.out ?? resolve(import.meta.dirname, "../models/iris-mlp.onnx"));

const { features, labels, classNames } = loadIris();
const mlp = trainMlp({ features, labels, ...CONFIG });
console.log(
  `trained MLP 4 -> ${CONFIG.hidden} -> 3 (seed ${CONFIG.seed}, ${CONFIG.epochs} epochs, Adam lr ${CONFIG.learningRate})`,
);
console.log(`train accuracy (float64, TS): ${pct(mlp.accuracy)}  loss ${mlp.loss.toFixed(4)}`);

const H = CONFIG.hidden;
const bytes = buildOnnx({
  producer: "zkml-verify scripts/train-iris.ts",
  graphName: "iris_mlp",
  docString:
    `Iris classifier, MLP 4 -> ${H} (ReLU) -> 3. Input "input" float[1,4]: sepal length, ` +
    `sepal width, petal length, petal width in cm (raw, not normalized). Output "logits" ` +
    `float[1,3]: unnormalized scores (no softmax) for ${classNames.join(", ")}; ` +
    `the prediction is the argmax.`,
  inputs: [{ name: "input", shape: [1, 4] }],
  outputs: [{ name: "logits", shape: [1, 3] }],
  initializers: [
    { name: "fc1.weight", shape: [H, 4], data: mlp.w1.flat() },
    { name: "fc1.bias", shape: [H], data: mlp.b1 },
    { name: "fc2.weight", shape: [3, H], data: mlp.w2.flat() },
    { name: "fc2.bias", shape: [3], data: mlp.b2 },
  ],
  nodes: [
    {
      opType: "Gemm",
      name: "fc1",
      inputs: ["input", "fc1.weight", "fc1.bias"],
      outputs: ["fc1_out"],
      attributes: { transB: 1 },
    },
    { opType: "Relu", name: "relu1", inputs: ["fc1_out"], outputs: ["relu1_out"] },
    {
      opType: "Gemm",
      name: "fc2",
      inputs: ["relu1_out", "fc2.weight", "fc2.bias"],
      outputs: ["logits"],
      attributes: { transB: 1 },
    },
  ],
});
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bytes);
const sha256 = createHash("sha256").update(bytes).digest("hex");
console.log(`wrote ${relative(process.cwd(), out)} (${bytes.length} bytes, sha256 ${sha256})`);

// Check the exported file with onnxruntime against the TS forward pass (float32 weights).
const ortLogits = await runOnnxBatch({
  model: out,
  inputName: "input",
  rows: features,
  rowShape: [1, 4],
});
let ortCorrect = 0;
let agree = 0;
let maxDiff = 0;
features.forEach((row, n) => {
  const ts = mlpForward({ weights: mlp, input: row, float32: true });
  const ort = ortLogits[n];
  if (argmax(ort) === labels[n]) ortCorrect++;
  if (argmax(ort) === argmax(ts)) agree++;
  ts.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - ort[k]))));
});
console.log(`onnxruntime accuracy (float32): ${pct(ortCorrect / features.length)}`);
console.log(
  `onnxruntime vs TS forward pass: ${agree}/${features.length} predictions agree, max |logit diff| ${maxDiff.toExponential(2)}`,
);
if (agree !== features.length || maxDiff > 1e-4) {
  console.error("onnxruntime disagrees with the TS forward pass");
  process.exitCode = 1;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
