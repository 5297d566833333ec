import { buildOnnx } from "./buildOnnx.ts";
import type { OnnxAttributeValue, OnnxNodeSpec } from "./buildOnnx.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";

/**
 * ai.onnx.ml models built the way sklearn-onnx / onnxmltools export them: the tree ensembles
 * of DecisionTree / RandomForest / GradientBoosting (flat `nodes_*` attribute tuples, votes in
 * `target_*` / `class_*`), LinearRegressor / LinearClassifier, Scaler and ZipMap. Features and
 * thresholds sit on a 1/64 grid (sklearn's thresholds are midpoints of training values), so a
 * fixed-point input at 2^-6 or finer decides every split exactly like the float model.
 */

export const ML = "ai.onnx.ml";
export const GRID = 64;

type Mode = "BRANCH_LEQ" | "BRANCH_LT" | "BRANCH_GTE" | "BRANCH_GT" | "BRANCH_EQ" | "BRANCH_NEQ";

export interface TreeSpecOptions {
  seed: number;
  trees: number;
  depth: number;
  features: number;
  /** Output columns (targets or classes). */
  columns: number;
  modes?: Mode[];
  /** Leaf weights: probabilities (non-negative, summing to 1 per leaf) or signed values. */
  weights: "probabilities" | "signed";
  /** Votes for column 0 only (the binary GradientBoosting form). */
  singleColumn?: boolean;
}

/** The flat attribute tuples of random full trees (node ids in DFS order, as sklearn numbers them). */
export function treeAttributes(o: TreeSpecOptions, prefix: "target" | "class") {
  const rnd = mulberry32({ seed: o.seed });
  const a = {
    nodes_treeids: [] as number[],
    nodes_nodeids: [] as number[],
    nodes_featureids: [] as number[],
    nodes_values: [] as number[],
    nodes_modes: [] as string[],
    nodes_truenodeids: [] as number[],
    nodes_falsenodeids: [] as number[],
    nodes_hitrates: [] as number[],
    nodes_missing_value_tracks_true: [] as number[],
    ids: [] as number[],
    nodeids: [] as number[],
    treeids: [] as number[],
    weights: [] as number[],
  };
  const modes = o.modes ?? ["BRANCH_LEQ"];
  for (let t = 0; t < o.trees; t++) {
    let next = 0;
    const grow = (depth: number): number => {
      const id = next++;
      const at = a.nodes_nodeids.length;
      a.nodes_treeids.push(t);
      a.nodes_nodeids.push(id);
      a.nodes_hitrates.push(1);
      a.nodes_missing_value_tracks_true.push(0);
      const leaf = depth === o.depth || (depth > 0 && rnd() < 0.2);
      if (leaf) {
        a.nodes_featureids.push(0);
        a.nodes_values.push(0);
        a.nodes_modes.push("LEAF");
        a.nodes_truenodeids.push(0);
        a.nodes_falsenodeids.push(0);
        const cols = o.singleColumn ? 1 : o.columns;
        const raw = Array.from({ length: cols }, () => rnd());
        const sum = raw.reduce((s, v) => s + v, 0);
        raw.forEach((v, k) => {
          a.treeids.push(t);
          a.nodeids.push(id);
          a.ids.push(k);
          a.weights.push(
            o.weights === "probabilities" ? v / sum : Math.round((v * 4 - 2) * 1000) / 1000,
          );
        });
        return id;
      }
      const mode = modes[Math.floor(rnd() * modes.length)];
      a.nodes_featureids.push(Math.floor(rnd() * o.features));
      // EQ/NEQ thresholds are grid values an input can hit; the others sit between grid points
      const k = Math.floor((rnd() * 2 - 1) * GRID);
      const eq = mode === "BRANCH_EQ" || mode === "BRANCH_NEQ";
      a.nodes_values.push(eq ? Math.round((k / GRID) * 8) / 8 : (k + 0.5) / GRID);
      a.nodes_modes.push(mode);
      a.nodes_truenodeids.push(0);
      a.nodes_falsenodeids.push(0);
      a.nodes_truenodeids[at] = grow(depth + 1);
      a.nodes_falsenodeids[at] = grow(depth + 1);
      return id;
    };
    grow(0);
  }
  const { ids, nodeids, treeids, weights, ...nodes } = a;
  return {
    ...nodes,
    [`${prefix}_ids`]: ids,
    [`${prefix}_nodeids`]: nodeids,
    [`${prefix}_treeids`]: treeids,
    [`${prefix}_weights`]: weights,
  };
}

/** Typed attributes for buildOnnx (lists of one kind must not be inferred as ints). */
function typed(attrs: Record<string, number[] | string[] | string | number>) {
  const out: Record<string, OnnxAttributeValue> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (Array.isArray(v) && typeof v[0] === "string")
      out[k] = { type: "strings", value: v as string[] };
    else if (
      Array.isArray(v) &&
      /values|weights|hitrates|base|offset|scale|coefficients|intercepts/.test(k)
    )
      out[k] = { type: "floats", value: v as number[] };
    else if (Array.isArray(v)) out[k] = { type: "ints", value: v as number[] };
    else out[k] = v;
  }
  return out;
}

export interface MlModel {
  name: string;
  bytes: Uint8Array;
  features: number;
  /** The name of the proven output (the last graph output). */
  output: string;
  /** Every graph output, in order (a classifier's label first when it is one). */
  outputs: string[];
  /** Largest |quantized - onnxruntime| allowed. */
  tolerance: number;
}

const ml = (n: Omit<OnnxNodeSpec, "domain">): OnnxNodeSpec => ({ ...n, domain: ML });

/** A DecisionTree / RandomForest / GradientBoosting regressor (TreeEnsembleRegressor). */
export function treeRegressor(
  p: TreeSpecOptions & { name: string; average: boolean; base?: number[] },
): MlModel {
  const attrs = treeAttributes(p, "target");
  const bytes = buildOnnx({
    producer: "skl2onnx",
    inputs: [{ name: "X", shape: ["N", p.features] }],
    outputs: [{ name: "variable", shape: ["N", p.columns] }],
    nodes: [
      ml({
        opType: "TreeEnsembleRegressor",
        name: "TreeEnsembleRegressor",
        inputs: ["X"],
        outputs: ["variable"],
        attributes: typed({
          ...attrs,
          n_targets: p.columns,
          post_transform: "NONE",
          aggregate_function: p.average ? "AVERAGE" : "SUM",
          ...(p.base ? { base_values: p.base } : {}),
        }),
      }),
    ],
  });
  return {
    name: p.name,
    bytes,
    features: p.features,
    output: "variable",
    outputs: ["variable"],
    tolerance: 0.002,
  };
}

/**
 * A classifier (TreeEnsembleClassifier) with sklearn-onnx's outputs: the label (read by a
 * Cast, as skl2onnx does) and the probabilities, through ZipMap when `zipmap` (then the model
 * output is the sequence of maps; onnxruntime-node returns no sequences, so the tests compare
 * the zipmap=False export with onnxruntime and check that both import to the same proof).
 */
export function treeClassifier(
  p: TreeSpecOptions & {
    name: string;
    post: "NONE" | "SOFTMAX" | "LOGISTIC";
    base?: number[];
    zipmap?: boolean;
    /** The label is a graph output too (skl2onnx's default outputs: label, probabilities). */
    label?: boolean;
  },
): MlModel {
  const attrs = treeAttributes(p, "class");
  const labels = Array.from({ length: p.columns }, (_, k) => k);
  const nodes: OnnxNodeSpec[] = [
    ml({
      opType: "TreeEnsembleClassifier",
      name: "TreeEnsembleClassifier",
      inputs: ["X"],
      outputs: ["label", "probabilities"],
      attributes: typed({
        ...attrs,
        classlabels_int64s: labels,
        post_transform: p.post,
        ...(p.base ? { base_values: p.base } : {}),
      }),
    }),
  ];
  if (p.zipmap)
    nodes.push(
      ml({
        opType: "ZipMap",
        name: "ZipMap",
        inputs: ["probabilities"],
        outputs: ["output_probability"],
        attributes: typed({ classlabels_int64s: labels }),
      }),
    );
  const output = p.zipmap ? "output_probability" : "probabilities";
  const bytes = buildOnnx({
    producer: "skl2onnx",
    inputs: [{ name: "X", shape: ["N", p.features] }],
    outputs: [
      ...(p.label ? [{ name: "label", shape: ["N"], dataType: "int64" as const }] : []),
      { name: output, shape: ["N", p.columns] },
    ],
    nodes,
  });
  return {
    name: p.name,
    bytes,
    features: p.features,
    output,
    outputs: p.label ? ["label", output] : [output],
    tolerance: p.post === "LOGISTIC" ? 0.01 : 0.002,
  };
}

/** StandardScaler + LogisticRegression (Scaler, LinearClassifier with SOFTMAX or LOGISTIC). */
export function linearClassifier(p: {
  name: string;
  seed: number;
  features: number;
  classes: number;
  post: "SOFTMAX" | "LOGISTIC" | "NONE";
}): MlModel {
  const rnd = mulberry32({ seed: p.seed });
  const r = (n: number) =>
    Array.from({ length: n }, () => Math.round((rnd() * 4 - 2) * 1000) / 1000);
  const rowsOfW = p.classes === 2 ? 1 : p.classes;
  const bytes = buildOnnx({
    producer: "skl2onnx",
    inputs: [{ name: "X", shape: ["N", p.features] }],
    outputs: [{ name: "probabilities", shape: ["N", p.classes] }],
    nodes: [
      ml({
        opType: "Scaler",
        name: "Scaler",
        inputs: ["X"],
        outputs: ["scaled"],
        attributes: typed({
          offset: r(p.features),
          scale: r(p.features).map((v) => Math.abs(v) + 0.25),
        }),
      }),
      ml({
        opType: "LinearClassifier",
        name: "LinearClassifier",
        inputs: ["scaled"],
        outputs: ["label", "probabilities"],
        attributes: typed({
          coefficients: r(rowsOfW * p.features),
          intercepts: r(rowsOfW),
          classlabels_ints: Array.from({ length: p.classes }, (_, k) => k),
          multi_class: 0,
          post_transform: p.post,
        }),
      }),
    ],
  });
  return {
    name: p.name,
    bytes,
    features: p.features,
    output: "probabilities",
    outputs: ["probabilities"],
    tolerance: 0.02,
  };
}

/** LinearRegression (LinearRegressor, two targets). */
export function linearRegressor(p: {
  name: string;
  seed: number;
  features: number;
  targets: number;
}): MlModel {
  const rnd = mulberry32({ seed: p.seed });
  const r = (n: number) =>
    Array.from({ length: n }, () => Math.round((rnd() * 4 - 2) * 1000) / 1000);
  const bytes = buildOnnx({
    producer: "skl2onnx",
    inputs: [{ name: "X", shape: ["N", p.features] }],
    outputs: [{ name: "variable", shape: ["N", p.targets] }],
    nodes: [
      ml({
        opType: "LinearRegressor",
        name: "LinearRegressor",
        inputs: ["X"],
        outputs: ["variable"],
        attributes: typed({
          coefficients: r(p.targets * p.features),
          intercepts: r(p.targets),
          targets: p.targets,
        }),
      }),
    ],
  });
  return {
    name: p.name,
    bytes,
    features: p.features,
    output: "variable",
    outputs: ["variable"],
    tolerance: 0.005,
  };
}

/** Seeded rows on the 1/64 grid in [-1.5, 1.5], with some values hitting the EQ thresholds. */
export function gridRows(features: number, n: number, seed: number): number[][] {
  const rnd = mulberry32({ seed });
  return Array.from({ length: n }, () =>
    Array.from({ length: features }, () =>
      rnd() < 0.2
        ? Math.round((rnd() * 2 - 1) * 8) / 8
        : Math.round((rnd() * 3 - 1.5) * GRID) / GRID,
    ),
  );
}
