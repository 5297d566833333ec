import type { OnnxNodeSpec } from "./buildOnnx.ts";
import { GRID, ML } from "./treeModels.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";

/**
 * Models built the way the non-PyTorch exporters write them (node patterns, names, opsets and
 * symbolic dims read from their converters' source):
 *  - tf2onnx (Keras): `input_1`-style inputs with an `unk__N` batch dim, Dense as MatMul + Add,
 *    NHWC inputs with Transposes around Conv, Relu6 as Clip with min/max inputs, Flatten as a
 *    Reshape to a constant [-1, K] or a Shape/Slice/Concat subgraph, an unfolded
 *    BatchNormalization, Identity outputs, Cast on the input;
 *  - sklearn-onnx: LogisticRegression (LinearClassifier + Normalizer L1 + ZipMap, label Cast),
 *    MLPClassifier (Cast, MatMul/Add/Relu, Softmax, ArgMax + ArrayFeatureExtractor labels),
 *    Normalizer (L1, L2, MAX), ArrayFeatureExtractor column selection;
 *  - hummingbird-ml: the GEMM strategy of a tree ensemble (MatMul, LessOrEqual, Cast, Equal,
 *    ReduceSum, ArgMax);
 *  - onnxmltools: LightGBM / XGBoost TreeEnsemble attributes (missing-value tracks, BRANCH_LT,
 *    base_values).
 */

export interface ExporterModel {
  name: string;
  exporter: "tf2onnx" | "skl2onnx" | "hummingbird-ml" | "onnxmltools";
  bytes: Uint8Array;
  /** The same graph as onnxruntime-node can read its outputs (no sequence-of-maps output). */
  reference?: Uint8Array;
  input: string;
  /** The input's shape at batch 1 (as fed to onnxruntime). */
  shape: number[];
  /** The graph outputs compared with onnxruntime, in the order they are proven. */
  outputs: string[];
  /** Largest |quantized - onnxruntime| allowed. */
  tolerance: number;
  /** Seeded input rows (each the flattened input). */
  rows: (n: number, seed: number) => number[][];
}

export const ml = (n: Omit<OnnxNodeSpec, "domain">): OnnxNodeSpec => ({ ...n, domain: ML });

export function weights(seed: number) {
  const rnd = mulberry32({ seed });
  return (n: number, scale = 1) =>
    Array.from({ length: n }, () => Math.round((rnd() * 2 - 1) * scale * 1000) / 1000);
}

export function uniformRows(width: number, lo: number, hi: number) {
  return (n: number, seed: number) => {
    const rnd = mulberry32({ seed });
    return Array.from({ length: n }, () =>
      Array.from({ length: width }, () => Math.round((lo + (hi - lo) * rnd()) * GRID) / GRID),
    );
  };
}

/** Keras Sequential MLP (Dense-relu, Dense-softmax) through tf2onnx (from_keras, opset 13). */
