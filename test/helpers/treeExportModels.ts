import { buildOnnx } from "./buildOnnx.ts";
import type { OnnxAttributeValue, OnnxInitializerSpec, OnnxNodeSpec } from "./buildOnnx.ts";
import { ml, uniformRows } from "./exporterModel.ts";
import type { ExporterModel } from "./exporterModel.ts";
import { treeAttributes } from "./treeModels.ts";

/**
 * A tree ensemble in hummingbird-ml's GEMM strategy (torch.onnx export of
 * `hummingbird.ml.convert(model, "onnx")`): per tree, the decisions `W1 x^T <= b1` (Transpose,
 * MatMul, LessOrEqual), leaf indicators `W2 d == b2` (Cast, MatMul, Equal) and the leaf values
 * `W3 l` (Cast, MatMul); the trees summed (ReduceSum), transposed to [N, C]; the label is the
 * ArgMax of the scores. Built from the same random full trees as the ai.onnx.ml fixtures.
 */
export function hummingbirdGemm(p: {
  trees: number;
  depth: number;
  features: number;
  classes: number;
}): ExporterModel {
  const a = treeAttributes(
    {
      seed: 21,
      trees: p.trees,
      depth: p.depth,
      features: p.features,
      columns: p.classes,
      weights: "probabilities",
    },
    "class",
  ) as Record<string, number[] | string[]>;
  const T = p.trees;
  const nodes = a.nodes_treeids as number[];
  // per tree: internal nodes, leaves, and each leaf's path (internal node -> went left?)
  const I = Math.max(
    ...Array.from(
      { length: T },
      (_, t) => nodes.filter((x, i) => x === t && a.nodes_modes[i] !== "LEAF").length,
    ),
  );
  const L = Math.max(
    ...Array.from(
      { length: T },
      (_, t) => nodes.filter((x, i) => x === t && a.nodes_modes[i] === "LEAF").length,
    ),
  );
  const W1 = new Array<number>(T * I * p.features).fill(0);
  const B1 = new Array<number>(T * I).fill(0);
  const W2 = new Array<number>(T * L * I).fill(0);
  const B2 = new Array<number>(T * L).fill(-1); // padding leaves never match
  const W3 = new Array<number>(T * p.classes * L).fill(0);
  for (let t = 0; t < T; t++) {
    const idx = nodes.map((x, i) => (x === t ? i : -1)).filter((i) => i >= 0);
    const byId = new Map(idx.map((i) => [a.nodes_nodeids[i] as number, i]));
    const internal = idx.filter((i) => a.nodes_modes[i] !== "LEAF");
    const leaves = idx.filter((i) => a.nodes_modes[i] === "LEAF");
    internal.forEach((i, k) => {
      W1[(t * I + k) * p.features + (a.nodes_featureids[i] as number)] = 1;
      B1[t * I + k] = a.nodes_values[i] as number;
    });
    const walk = (i: number, path: [number, boolean][]) => {
      if (a.nodes_modes[i] === "LEAF") {
        const l = leaves.indexOf(i);
        let lefts = 0;
        for (const [k, left] of path) {
          W2[(t * L + l) * I + k] = left ? 1 : -1;
          if (left) lefts++;
        }
        B2[t * L + l] = lefts;
        const id = a.nodes_nodeids[i];
        (a.class_nodeids as number[]).forEach((n, j) => {
          if (n === id && a.class_treeids[j] === t)
            W3[(t * p.classes + (a.class_ids[j] as number)) * L + l] = a.class_weights[j] as number;
        });
        return;
      }
      const k = internal.indexOf(i);
      walk(byId.get(a.nodes_truenodeids[i] as number)!, [...path, [k, true]]);
      walk(byId.get(a.nodes_falsenodeids[i] as number)!, [...path, [k, false]]);
    };
    walk(idx[0], []);
  }
  const bytes = buildOnnx({
    producer: "pytorch",
    opset: 13,
    graphName: "torch_jit",
    inputs: [{ name: "input_0", shape: ["sym", p.features] }],
    outputs: [
      { name: "variable", shape: ["sym"], dataType: "int64" },
      { name: "onnx::ArgMax_21", shape: ["sym", p.classes] },
    ],
    initializers: [
      { name: "_operators.0.weight_1", shape: [T * I, p.features], data: W1 },
      { name: "_operators.0.bias_1", shape: [T * I, 1], data: B1 },
      { name: "_operators.0.weight_2", shape: [T, L, I], data: W2 },
      { name: "_operators.0.bias_2", shape: [T * L, 1], data: B2 },
      { name: "_operators.0.weight_3", shape: [T, p.classes, L], data: W3 },
      { name: "onnx::Reshape_3", shape: [3], data: [BigInt(T), BigInt(I), -1n] },
      { name: "onnx::Reshape_4", shape: [2], data: [BigInt(T * L), -1n] },
      { name: "onnx::Reshape_5", shape: [3], data: [BigInt(T), BigInt(L), -1n] },
      { name: "onnx::ReduceSum_axes", shape: [1], data: [0n] },
    ],
    nodes: [
      {
        opType: "Transpose",
        name: "/_operators.0/Transpose",
        inputs: ["input_0"],
        outputs: ["/Transpose_output_0"],
        attributes: { perm: [1, 0] },
      },
      {
        opType: "MatMul",
        name: "/_operators.0/MatMul",
        inputs: ["_operators.0.weight_1", "/Transpose_output_0"],
        outputs: ["/MatMul_output_0"],
      },
      {
        opType: "LessOrEqual",
        name: "/_operators.0/LessOrEqual",
        inputs: ["/MatMul_output_0", "_operators.0.bias_1"],
        outputs: ["/LessOrEqual_output_0"],
      },
      {
        opType: "Reshape",
        name: "/_operators.0/Reshape",
        inputs: ["/LessOrEqual_output_0", "onnx::Reshape_3"],
        outputs: ["/Reshape_output_0"],
      },
      {
        opType: "Cast",
        name: "/_operators.0/Cast",
        inputs: ["/Reshape_output_0"],
        outputs: ["/Cast_output_0"],
        attributes: { to: 1 },
      },
      {
        opType: "MatMul",
        name: "/_operators.0/MatMul_1",
        inputs: ["_operators.0.weight_2", "/Cast_output_0"],
        outputs: ["/MatMul_1_output_0"],
      },
      {
        opType: "Reshape",
        name: "/_operators.0/Reshape_1",
        inputs: ["/MatMul_1_output_0", "onnx::Reshape_4"],
        outputs: ["/Reshape_1_output_0"],
      },
      {
        opType: "Equal",
        name: "/_operators.0/Equal",
        inputs: ["/Reshape_1_output_0", "_operators.0.bias_2"],
        outputs: ["/Equal_output_0"],
      },
      {
        opType: "Reshape",
        name: "/_operators.0/Reshape_2",
        inputs: ["/Equal_output_0", "onnx::Reshape_5"],
        outputs: ["/Reshape_2_output_0"],
      },
      {
        opType: "Cast",
        name: "/_operators.0/Cast_1",
        inputs: ["/Reshape_2_output_0"],
        outputs: ["/Cast_1_output_0"],
        attributes: { to: 1 },
      },
      {
        opType: "MatMul",
        name: "/_operators.0/MatMul_2",
        inputs: ["_operators.0.weight_3", "/Cast_1_output_0"],
        outputs: ["/MatMul_2_output_0"],
      },
      {
        opType: "ReduceSum",
        name: "/_operators.0/ReduceSum",
        inputs: ["/MatMul_2_output_0", "onnx::ReduceSum_axes"],
        outputs: ["/ReduceSum_output_0"],
        attributes: { keepdims: 0 },
      },
      {
        opType: "Transpose",
        name: "/_operators.0/Transpose_1",
        inputs: ["/ReduceSum_output_0"],
        outputs: ["onnx::ArgMax_21"],
        attributes: { perm: [1, 0] },
      },
      {
        opType: "ArgMax",
        name: "/_operators.0/ArgMax",
        inputs: ["onnx::ArgMax_21"],
        outputs: ["variable"],
        attributes: { axis: 1, keepdims: 0 },
      },
    ],
  });
  return {
    name: `hummingbird-ml GEMM tree ensemble (${T} trees of depth ${p.depth}: Transpose, MatMul, LessOrEqual, Cast, Equal, ReduceSum, ArgMax)`,
    exporter: "hummingbird-ml",
    bytes,
    input: "input_0",
    shape: [1, p.features],
    outputs: ["variable", "onnx::ArgMax_21"],
    tolerance: 0.002,
    rows: uniformRows(p.features, -1.5, 1.5),
  };
}

/**
 * LightGBM / XGBoost through onnxmltools: TreeEnsembleClassifier (binary: one score column,
 * LOGISTIC; `classes` > 2: one tree per class and round, tree t voting for class t % C, as
 * both libraries lay out their boosters: LightGBM's multiclass SOFTMAX, XGBoost's
 * multi:softmax NONE with base_values [base_score] * C) or TreeEnsembleRegressor, every node
 * tracking missing values to the true branch, LightGBM's BRANCH_LEQ or XGBoost's BRANCH_LT, a
 * base value (XGBoost's base_score), then ZipMap for the classifier (its zipmap=False form is
 * the `reference`).
 */
export function boostedTrees(p: {
  library: "LightGBM" | "XGBoost";
  classifier: boolean;
  classes?: number;
}): ExporterModel {
  const F = 4;
  const C = p.classifier ? (p.classes ?? 2) : 1;
  const multiclass = C > 2;
  const spec = {
    seed: p.library === "LightGBM" ? 31 : 32,
    trees: multiclass ? 2 * C : 3,
    depth: multiclass ? 2 : 3,
    features: F,
    columns: p.classifier ? 2 : 1,
    weights: "signed" as const,
    singleColumn: p.classifier,
    modes: [p.library === "LightGBM" ? ("BRANCH_LEQ" as const) : ("BRANCH_LT" as const)],
  };
  const prefix = p.classifier ? "class" : "target";
  const attrs = treeAttributes(spec, prefix) as Record<string, number[] | string[]>;
  attrs.nodes_missing_value_tracks_true = (attrs.nodes_missing_value_tracks_true as number[]).map(
    () => 1,
  );
  if (multiclass) attrs.class_ids = (attrs.class_treeids as number[]).map((t) => t % C);
  const labels = Array.from({ length: C }, (_, k) => k);
  const post = !multiclass ? "LOGISTIC" : p.library === "LightGBM" ? "SOFTMAX" : "NONE";
  const typedAttrs: Record<string, OnnxAttributeValue> = {};
  for (const [k, v] of Object.entries(attrs))
    typedAttrs[k] =
      typeof v[0] === "string"
        ? { type: "strings", value: v as string[] }
        : /values|weights|hitrates/.test(k)
          ? { type: "floats", value: v as number[] }
          : { type: "ints", value: v as number[] };
  const base = p.library === "XGBoost" ? new Array<number>(multiclass ? C : 1).fill(0.5) : [];
  const name = p.library === "LightGBM" ? "LightGbmLGBM" : "XGBoostXGB";
  const build = (zipmap: boolean) =>
    buildOnnx({
      producer: "OnnxMLTools",
      opset: 15,
      inputs: [{ name: "input", shape: ["N", F] }],
      outputs: p.classifier
        ? [
            { name: "label", shape: ["N"], dataType: "int64" },
            zipmap
              ? { name: "probabilities", shape: [], sequenceOfMaps: "int64" }
              : { name: "probability_tensor", shape: ["N", C] },
          ]
        : [{ name: "variable", shape: ["N", 1] }],
      nodes: [
        ml({
          opType: p.classifier ? "TreeEnsembleClassifier" : "TreeEnsembleRegressor",
          name: `${name}${p.classifier ? "Classifier" : "Regressor"}`,
          inputs: ["input"],
          outputs: p.classifier ? ["label", "probability_tensor"] : ["variable"],
          attributes: {
            ...typedAttrs,
            ...(p.classifier
              ? { classlabels_int64s: labels, post_transform: post }
              : { n_targets: 1, post_transform: "NONE", aggregate_function: "SUM" }),
            ...(base.length ? { base_values: { type: "floats", value: base } } : {}),
          },
        }),
        ...(zipmap
          ? [
              ml({
                opType: "ZipMap",
                name: "ZipMap",
                inputs: ["probability_tensor"],
                outputs: ["probabilities"],
                attributes: { classlabels_int64s: labels },
              }),
            ]
          : []),
      ],
    });
  return {
    name: `${p.library} ${p.classifier ? `${multiclass ? `${C}-class` : "binary"} classifier (TreeEnsembleClassifier, ${post}, ZipMap)` : "regressor (TreeEnsembleRegressor)"} with missing-value tracks, ${spec.modes[0]}${base.length ? ", base_values" : ""} (onnxmltools)`,
    exporter: "onnxmltools",
    bytes: build(p.classifier),
    reference: p.classifier ? build(false) : undefined,
    input: "input",
    shape: [1, F],
    outputs: p.classifier ? ["label", "probability_tensor"] : ["variable"],
    tolerance: p.classifier && post !== "NONE" ? 0.01 : 0.002,
    rows: uniformRows(F, -1.5, 1.5),
  };
}

/** Every exporter form the tests cover (small models). */

/**
 * A GBDT regressor (T trees of depth 2, 3 features) in hummingbird-ml's tree_trav or
 * perfect_tree_trav strategy (torch.onnx.export, opset 13, the parameter and node names of
 * `_operators.0`), as `TreeTraversalTreeImpl.forward` / `PerfectTreeTraversalTreeImpl.forward`
 * trace: the node tables are read by indices computed at run time (Gather), the input by each
 * node's feature (GatherElements), the next node chosen by GreaterOrEqual and Where (tree_trav)
 * or 2 i + (x >= b) (perfect_tree_trav); the leaves summed per tree (ReduceSum).
 */
export function hummingbirdTraversal(strategy: "tree_trav" | "perfect_tree_trav"): Uint8Array {
  const [T, F, depth] = [2, 3, 2];
  const op = (
    type: string,
    tag: string,
    inputs: string[],
    attributes?: OnnxNodeSpec["attributes"],
  ): OnnxNodeSpec => ({
    opType: type,
    name: `/_operators.0/${tag}`,
    inputs,
    outputs: [`/_operators.0/${tag}_output_0`],
    attributes,
  });
  const out = (n: OnnxNodeSpec) => n.outputs[0];
  const i64 = (name: string, values: number[], shape = [values.length]) => ({
    name,
    shape,
    data: values.map(BigInt),
  });
  const nodes: OnnxNodeSpec[] = [];
  const add = (n: OnnxNodeSpec) => (nodes.push(n), out(n));
  const inits: OnnxInitializerSpec[] = [
    i64("onnx::Reshape_flat", [-1]),
    i64("onnx::Reshape_trees", [-1, T]),
    i64("onnx::Reshape_leaves", [-1, 1, T]),
    i64("onnx::ReduceSum_axes", [2]),
  ];
  let idx: string;
  if (strategy === "perfect_tree_trav") {
    // perfect binary trees: level l holds T * 2^l nodes, leaves T * 2^depth
    inits.push(
      i64("_operators.0.root_nodes", [0, 2]),
      { name: "_operators.0.root_biases", shape: [T], data: [0.25, -0.5] },
      i64("_operators.0.tree_indices", [0, 2]),
      i64("_operators.0.nodes.0", [1, 2, 0, 1]),
      { name: "_operators.0.biases.0", shape: [2 * T], data: [-0.25, 0.75, 0.5, -1] },
      { name: "_operators.0.leaf_nodes", shape: [4 * T, 1], data: [1, -1, 0.5, 2, -2, 0, 1.5, 3] },
      i64("onnx::Mul_factor", [2], []),
    );
    const root = add(op("Gather", "Gather", ["input_0", "_operators.0.root_nodes"], { axis: 1 }));
    const ge = add(op("GreaterOrEqual", "GreaterOrEqual", [root, "_operators.0.root_biases"]));
    const cast = add(op("Cast", "Cast", [ge], { to: 7 }));
    const shifted = add(op("Add", "Add", [cast, "_operators.0.tree_indices"]));
    idx = add(op("Reshape", "Reshape", [shifted, "onnx::Reshape_flat"]));
    for (let l = 1; l < depth; l++) {
      const gi = add(
        op("Gather", `Gather_${l}`, [`_operators.0.nodes.${l - 1}`, idx], { axis: 0 }),
      );
      const giv = add(op("Reshape", `Reshape_${l}`, [gi, "onnx::Reshape_trees"]));
      const feat = add(op("GatherElements", `GatherElements_${l}`, ["input_0", giv], { axis: 1 }));
      const fv = add(op("Reshape", `Reshape_${l}_1`, [feat, "onnx::Reshape_flat"]));
      const twice = add(op("Mul", `Mul_${l}`, [idx, "onnx::Mul_factor"]));
      const b = add(
        op("Gather", `Gather_${l}_1`, [`_operators.0.biases.${l - 1}`, idx], { axis: 0 }),
      );
      const c = add(op("GreaterOrEqual", `GreaterOrEqual_${l}`, [fv, b]));
      const ci = add(op("Cast", `Cast_${l}`, [c], { to: 7 }));
      const cv = add(op("Reshape", `Reshape_${l}_2`, [ci, "onnx::Reshape_flat"]));
      idx = add(op("Add", `Add_${l}`, [twice, cv]));
    }
    const leaves = add(op("Gather", "Gather_leaf", ["_operators.0.leaf_nodes", idx], { axis: 0 }));
    idx = leaves;
  } else {
    // 3 nodes per tree (root, two leaves); leaves point to themselves
    const N = 3;
    inits.push(
      i64("_operators.0.nodes_offset", [0, N], [1, T]),
      i64("_operators.0.features", [0, 0, 0, 2, 0, 0]),
      { name: "_operators.0.thresholds", shape: [N * T], data: [0.25, 0, 0, -0.5, 0, 0] },
      i64("_operators.0.lefts", [1, 1, 2, 1, 1, 2]),
      i64("_operators.0.rights", [2, 1, 2, 2, 1, 2]),
      { name: "_operators.0.values", shape: [N * T, 1], data: [0, 1, -1, 0, 0.5, 2] },
      i64("onnx::Gather_batch", [0], []),
      i64("onnx::Unsqueeze_axes", [0]),
      i64("onnx::Concat_trees", [T]),
    );
    const shape = add(op("Shape", "Shape", ["input_0"]));
    const batch = add(op("Gather", "Gather", [shape, "onnx::Gather_batch"], { axis: 0 }));
    const b1 = add(op("Unsqueeze", "Unsqueeze", [batch, "onnx::Unsqueeze_axes"]));
    const size = add(op("Concat", "Concat", [b1, "onnx::Concat_trees"], { axis: 0 }));
    const wide = add(op("Expand", "Expand", ["_operators.0.nodes_offset", size]));
    idx = add(op("Reshape", "Reshape", [wide, "onnx::Reshape_flat"]));
    for (let l = 0; l < depth; l++) {
      const g = (tag: string, table: string) =>
        add(op("Gather", `Gather_${tag}${l}`, [`_operators.0.${table}`, idx], { axis: 0 }));
      const trees = (tag: string, v: string) =>
        add(op("Reshape", `Reshape_${tag}${l}`, [v, "onnx::Reshape_trees"]));
      const fn = trees("f", g("f", "features"));
      const fv = add(op("GatherElements", `GatherElements_${l}`, ["input_0", fn], { axis: 1 }));
      const th = trees("t", g("t", "thresholds"));
      const lefts = trees("l", g("l", "lefts"));
      const rights = trees("r", g("r", "rights"));
      const ge = add(op("GreaterOrEqual", `GreaterOrEqual_${l}`, [fv, th]));
      const next = add(op("Where", `Where_${l}`, [ge, rights, lefts]));
      const shifted = add(op("Add", `Add_${l}`, [next, "_operators.0.nodes_offset"]));
      idx = add(op("Reshape", `Reshape_${l}`, [shifted, "onnx::Reshape_flat"]));
    }
    idx = add(op("Gather", "Gather_leaf", ["_operators.0.values", idx], { axis: 0 }));
  }
  const perTree = add(op("Reshape", "Reshape_out", [idx, "onnx::Reshape_leaves"]));
  nodes.push({
    opType: "ReduceSum",
    name: "/_operators.0/ReduceSum",
    inputs: [perTree, "onnx::ReduceSum_axes"],
    outputs: ["variable"],
    attributes: { keepdims: 0 },
  });
  return buildOnnx({
    producer: "pytorch",
    opset: 13,
    graphName: "torch_jit",
    inputs: [{ name: "input_0", shape: ["sym", F] }],
    outputs: [{ name: "variable", shape: ["sym", 1] }],
    initializers: inits,
    nodes,
  });
}
