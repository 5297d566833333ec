import { InputError } from "../../sdk/core/src/errors.ts";
import { argmax } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { mlpForward } from "./mlpForward.ts";
import type { MlpWeights } from "./mlpForward.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";

/** Result of {@link trainMlp}: weights that take RAW features, plus training metrics. */
export interface TrainMlpResult extends MlpWeights {
  /** Training-set accuracy of the returned (folded) weights, in [0, 1]. */
  accuracy: number;
  /** Final mean softmax cross-entropy on the training set. */
  loss: number;
}

/**
 * Train a `inputs -> hidden (ReLU) -> classes` MLP classifier, deterministically: weights are
 * initialized from a seeded mulberry32 PRNG (He-uniform / Glorot-uniform, zero biases) and
 * trained with full-batch Adam on softmax cross-entropy for a fixed number of epochs, in
 * float64 (no `Math.random`, no data shuffling, so the same inputs give bit-identical weights).
 *
 * Features are standardized (z-score) for training, and the standardization is then folded
 * into the first layer (`W1' = W1 / std`, `b1' = b1 - W1 · mean / std`), so the returned
 * weights take the raw feature values. Weights use the ONNX `Gemm(transB=1)` layout
 * `w[out][in]`.
 *
 * @example
 * const { features, labels } = loadIris();
 * const mlp = trainMlp({ features, labels, hidden: 8, epochs: 1000, seed: 1, learningRate: 0.01 });
 * console.log(mlp.accuracy); // e.g. 0.98
 */
export function trainMlp(options: {
  features: number[][];
  labels: number[];
  hidden: number;
  epochs: number;
  seed: number;
  learningRate: number;
}): TrainMlpResult {
  const { features: X, labels: y, hidden: H, epochs, learningRate: lr } = options;
  validate(options);
  const N = X.length;
  const D = X[0].length;
  const C = Math.max(...y) + 1;

  // Standardize (population std; constant columns keep std 1).
  const mean = range(D).map((i) => X.reduce((s, row) => s + row[i], 0) / N);
  const std = range(D).map((i) => {
    const v = X.reduce((s, row) => s + (row[i] - mean[i]) ** 2, 0) / N;
    return v > 0 ? Math.sqrt(v) : 1;
  });
  const Z = X.map((row) => row.map((v, i) => (v - mean[i]) / std[i]));

  // Seeded init: He-uniform for the ReLU layer, Glorot-uniform for the output layer.
  const rand = mulberry32({ seed: options.seed });
  const uniform = (limit: number) => (2 * rand() - 1) * limit;
  const a1 = Math.sqrt(6 / D);
  const a2 = Math.sqrt(6 / (H + C));
  const params = {
    w1: range(H).map(() => range(D).map(() => uniform(a1))),
    b1: new Array<number>(H).fill(0),
    w2: range(C).map(() => range(H).map(() => uniform(a2))),
    b2: new Array<number>(C).fill(0),
  };
  const adam = {
    w1: adamState2(H, D),
    b1: adamState1(H),
    w2: adamState2(C, H),
    b2: adamState1(C),
  };
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;

  let loss = Infinity;
  for (let t = 1; t <= epochs; t++) {
    const g = gradients(params, Z, y, C);
    loss = g.loss;
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    const step = (p: number[], grad: number[], m: number[], v: number[]) => {
      for (let i = 0; i < p.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * grad[i];
        v[i] = beta2 * v[i] + (1 - beta2) * grad[i] * grad[i];
        p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
    };
    params.w1.forEach((row, j) => step(row, g.w1[j], adam.w1.m[j], adam.w1.v[j]));
    step(params.b1, g.b1, adam.b1.m, adam.b1.v);
    params.w2.forEach((row, k) => step(row, g.w2[k], adam.w2.m[k], adam.w2.v[k]));
    step(params.b2, g.b2, adam.b2.m, adam.b2.v);
  }
  loss = gradients(params, Z, y, C).loss;

  // Fold the standardization into layer 1 so the model takes raw features.
  const w1 = params.w1.map((row) => row.map((w, i) => w / std[i]));
  const b1 = params.b1.map(
    (b, j) => b - params.w1[j].reduce((s, w, i) => s + (w * mean[i]) / std[i], 0),
  );
  const weights: MlpWeights = { w1, b1, w2: params.w2, b2: params.b2 };
  const correct = X.filter((row, n) => argmax(mlpForward({ weights, input: row })) === y[n]).length;
  return { ...weights, accuracy: correct / N, loss };
}

function gradients(p: MlpWeights, Z: number[][], y: number[], C: number) {
  const N = Z.length;
  const H = p.w1.length;
  const D = Z[0].length;
  const g = {
    w1: range(H).map(() => new Array<number>(D).fill(0)),
    b1: new Array<number>(H).fill(0),
    w2: range(C).map(() => new Array<number>(H).fill(0)),
    b2: new Array<number>(C).fill(0),
    loss: 0,
  };
  for (let n = 0; n < N; n++) {
    const x = Z[n];
    const z1 = p.w1.map((row, j) => row.reduce((s, w, i) => s + w * x[i], p.b1[j]));
    const a1 = z1.map((v) => (v > 0 ? v : 0));
    const z2 = p.w2.map((row, k) => row.reduce((s, w, j) => s + w * a1[j], p.b2[k]));
    const max = Math.max(...z2);
    const exps = z2.map((v) => Math.exp(v - max));
    const sum = exps.reduce((s, v) => s + v, 0);
    g.loss += (Math.log(sum) + max - z2[y[n]]) / N;
    const dz2 = exps.map((e, k) => (e / sum - (k === y[n] ? 1 : 0)) / N);
    for (let k = 0; k < C; k++) {
      g.b2[k] += dz2[k];
      for (let j = 0; j < H; j++) g.w2[k][j] += dz2[k] * a1[j];
    }
    for (let j = 0; j < H; j++) {
      if (z1[j] <= 0) continue;
      let dz1 = 0;
      for (let k = 0; k < C; k++) dz1 += dz2[k] * p.w2[k][j];
      g.b1[j] += dz1;
      for (let i = 0; i < D; i++) g.w1[j][i] += dz1 * x[i];
    }
  }
  return g;
}

function validate(o: Parameters<typeof trainMlp>[0]): void {
  const bad = (message: string, details: { input: string; index?: number; value?: unknown }) =>
    new InputError(message, { details });
  if (o.features.length === 0 || o.features.length !== o.labels.length) {
    throw bad(
      `need as many labels as feature rows (${o.features.length} rows, ${o.labels.length} labels)`,
      {
        input: "labels",
        value: o.labels.length,
      },
    );
  }
  const D = o.features[0].length;
  o.features.forEach((row, n) => {
    if (row.length !== D || !row.every(Number.isFinite)) {
      throw bad(`feature row ${n} must have ${D} finite numbers`, {
        input: "features",
        index: n,
        value: row,
      });
    }
  });
  o.labels.forEach((label, n) => {
    if (!Number.isInteger(label) || label < 0) {
      throw bad(`label ${n} must be a non-negative integer`, {
        input: "labels",
        index: n,
        value: label,
      });
    }
  });
  for (const key of ["hidden", "epochs"] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) {
      throw bad(`${key} must be a positive integer`, { input: key, value: o[key] });
    }
  }
  if (!(o.learningRate > 0)) {
    throw bad("learningRate must be positive", { input: "learningRate", value: o.learningRate });
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function adamState1(n: number) {
  return { m: new Array<number>(n).fill(0), v: new Array<number>(n).fill(0) };
}

function adamState2(rows: number, cols: number) {
  return {
    m: range(rows).map(() => new Array<number>(cols).fill(0)),
    v: range(rows).map(() => new Array<number>(cols).fill(0)),
  };
}
