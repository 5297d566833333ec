import { ShapeError } from "@zkml-verify/core/internal/errors";
import type { IrNode, Tensor, TreeNode, TreeNodeMode } from "./ir.ts";
import { numel, plainActivation } from "./ir.ts";
import type { LowerContext } from "./lowerNode.ts";
import { lowerNode, unsupported } from "./lowerNode.ts";
import { tensorFromProto } from "./parseOnnx.ts";
import { readAttributes } from "./readAttributes.ts";

/** The domain of the classical-ML operators (sklearn-onnx, onnxmltools). */
export const ML_DOMAIN = "ai.onnx.ml";

const TREE_NODE_ATTRS = [
  "nodes_falsenodeids",
  "nodes_featureids",
  "nodes_hitrates",
  "nodes_hitrates_as_tensor",
  "nodes_missing_value_tracks_true",
  "nodes_modes",
  "nodes_nodeids",
  "nodes_treeids",
  "nodes_truenodeids",
  "nodes_values",
  "nodes_values_as_tensor",
  "base_values",
  "base_values_as_tensor",
  "post_transform",
];
const MODES: readonly TreeNodeMode[] = [
  "BRANCH_LEQ",
  "BRANCH_LT",
  "BRANCH_GTE",
  "BRANCH_GT",
  "BRANCH_EQ",
  "BRANCH_NEQ",
  "LEAF",
];

type Attrs = ReturnType<typeof readAttributes>;

/**
 * Lowers an ai.onnx.ml node: TreeEnsembleRegressor / TreeEnsembleClassifier (a
 * `TreeEnsemble` node, then Softmax or Sigmoid for the post transform, ArgMax for a label
 * that something reads), LinearRegressor / LinearClassifier (Dense), Scaler (Affine) and
 * ZipMap (the probabilities tensor itself: the circuit proves the [N, classes] scores, column
 * k being the probability of classlabels[k]; the map is how onnxruntime presents them).
 * Missing values (NaN) cannot reach a circuit (quantizeInput refuses them), so
 * nodes_missing_value_tracks_true changes nothing; nodes_hitrates are a speed hint.
 *
 * @example
 * lowerMl(c, ["X"]); // TreeEnsembleRegressor -> { op: "TreeEnsemble", ... }
 */
export function lowerMl(c: LowerContext, acts: string[]): void {
  const { n, shapes } = c;
  const op = n.opType ?? "";
  const x = acts[0];
  if (!x) throw unsupported(c, undefined, "all its inputs are constants");
  const xs = shapes[x];
  const outs = n.output ?? [];
  const push = (node: IrNode, shape: number[]) => {
    c.nodes.push(node);
    shapes[node.output] = shape;
  };
  const rows = xs.length === 1 ? 1 : xs[0];
  const features = xs.length === 1 ? xs[0] : numel(xs.slice(1));
  if (op === "ArrayFeatureExtractor") return arrayFeatureExtractor(c, x);
  if (xs.length > 2 && op !== "ZipMap")
    throw new ShapeError(`${op} node "${c.name}" needs a [N, F] input, got [${xs}]`, {
      details: { tensor: x, node: c.name, shape: xs },
    });
  switch (op) {
    case "TreeEnsembleRegressor": {
      const a = readAttributes(n, c.name, [
        ...TREE_NODE_ATTRS,
        "aggregate_function",
        "n_targets",
        "target_ids",
        "target_nodeids",
        "target_treeids",
        "target_weights",
        "target_weights_as_tensor",
      ]);
      const agg = a.string("aggregate_function", "SUM");
      if (agg !== "SUM" && agg !== "AVERAGE")
        throw unsupported(c, "aggregate_function", `${agg}; SUM and AVERAGE are supported`);
      const nTargets = a.int("n_targets", 1);
      const trees = readTrees(c, a, features, "target", nTargets);
      const base = padded(floatsOrTensor(c, a, "base_values"), nTargets);
      const scores = outs[0];
      push(
        {
          op: "TreeEnsemble",
          name: c.name,
          inputs: [x],
          output: transformed(c, a) === "NONE" ? scores : `${scores}__scores`,
          rows,
          nTargets,
          trees,
          base,
          average: agg === "AVERAGE",
        },
        [rows, nTargets],
      );
      return postTransform(c, a, `${scores}__scores`, scores, [rows, nTargets], push);
    }
    case "TreeEnsembleClassifier": {
      const a = readAttributes(n, c.name, [
        ...TREE_NODE_ATTRS,
        "class_ids",
        "class_nodeids",
        "class_treeids",
        "class_weights",
        "class_weights_as_tensor",
        "classlabels_int64s",
        "classlabels_strings",
      ]);
      const labels = classLabels(c, a);
      const K = labels.length;
      const trees = readTrees(c, a, features, "class", K);
      const ids = new Set(a.ints("class_ids", []));
      let base = floatsOrTensor(c, a, "base_values");
      const post = transformed(c, a);
      if (K === 2 && ids.size === 1 && ids.has(0)) {
        // onnxruntime's binary case: one score s, shown as [1 - s, s] when every weight is
        // positive, else [-s, s] (the logistic of which is [1 - sigmoid(s), sigmoid(s)])
        if (base.length > 1)
          throw unsupported(c, "base_values", "two base values in the binary case");
        const positive = trees.every((t) => t.every((nd) => nd.weights.every(([, w]) => w >= 0)));
        if (positive && post !== "NONE")
          throw unsupported(c, "post_transform", `${post} with positive binary weights`);
        const b = base[0] ?? 0;
        for (const t of trees)
          for (const nd of t)
            nd.weights = nd.weights.flatMap(([, w]): [number, number][] => [
              [0, -w],
              [1, w],
            ]);
        base = positive ? [1 - b, b] : [-b, b];
      } else if (K === 2 && base.length === 2)
        throw unsupported(
          c,
          "base_values",
          "two base values for two classes (onnxruntime's binary rule)",
        );
      const probs = outs[1];
      const scoresName = post === "NONE" ? probs : `${probs}__scores`;
      push(
        {
          op: "TreeEnsemble",
          name: c.name,
          inputs: [x],
          output: scoresName,
          rows,
          nTargets: K,
          trees,
          base: padded(base, K),
          average: false,
        },
        [rows, K],
      );
      if (probs) postTransform(c, a, scoresName, probs, [rows, K], push);
      return label(c, labels, scoresName, rows, push);
    }
    case "LinearRegressor": {
      const a = readAttributes(n, c.name, [
        "coefficients",
        "intercepts",
        "targets",
        "post_transform",
      ]);
      if (transformed(c, a) !== "NONE") throw unsupported(c, "post_transform", "only NONE");
      const T = a.int("targets", 1);
      return dense(c, x, a, T, outs[0], rows, features, push);
    }
    case "LinearClassifier": {
      const a = readAttributes(n, c.name, [
        "coefficients",
        "intercepts",
        "classlabels_ints",
        "classlabels_strings",
        "multi_class",
        "post_transform",
      ]);
      // sklearn-onnx writes 1 for a multinomial model; onnxruntime computes the scores and
      // their post transform alike for 0 and 1
      if (![0, 1].includes(a.int("multi_class", 0)))
        throw unsupported(c, "multi_class", `${a.int("multi_class", 0)}; 0 and 1 are supported`);
      const labels = a.has("classlabels_ints")
        ? a.ints("classlabels_ints", [])
        : a.strings("classlabels_strings", []);
      const coefs = a.floats("coefficients", []);
      const rowsOfW = coefs.length / features;
      const post = transformed(c, a);
      const scores = outs[1];
      const pre = post === "NONE" ? scores : `${scores}__scores`;
      if (rowsOfW === 1 && labels.length === 2) {
        // binary: scores [-s, s] (their logistic is [1 - sigmoid(s), sigmoid(s)])
        if (post === "SOFTMAX")
          throw unsupported(c, "post_transform", "SOFTMAX in the binary case");
        const b = a.floats("intercepts", [0])[0] ?? 0;
        const weight = {
          shape: [2, features],
          data: Float64Array.from([...coefs.map((v) => -v), ...coefs]),
        };
        push(
          {
            op: "Dense",
            name: c.name,
            inputs: [x],
            output: pre,
            weight,
            bias: { shape: [2], data: Float64Array.of(-b, b) },
          },
          [rows, 2],
        );
      } else {
        if (rowsOfW !== labels.length)
          throw unsupported(
            c,
            "coefficients",
            `${coefs.length} coefficients for ${labels.length} classes of ${features} features`,
          );
        dense(c, x, a, rowsOfW, pre, rows, features, push);
      }
      if (scores) postTransform(c, a, pre, scores, [rows, labels.length], push);
      return label(c, labels, pre, rows, push);
    }
    case "Scaler": {
      const a = readAttributes(n, c.name, ["offset", "scale"]);
      const offset = a.floats("offset", [0]);
      const scale = a.floats("scale", [1]);
      const len = Math.max(offset.length, scale.length);
      if (![1, features].includes(offset.length) || ![1, features].includes(scale.length))
        throw unsupported(
          c,
          "offset",
          `${offset.length} offsets and ${scale.length} scales for ${features} features`,
        );
      const at = (v: number[], i: number) => v[v.length === 1 ? 0 : i];
      const s = Float64Array.from({ length: len }, (_, i) => at(scale, i));
      const b = Float64Array.from({ length: len }, (_, i) => -at(offset, i) * at(scale, i));
      return push(
        {
          op: "Affine",
          name: c.name,
          inputs: [x],
          output: outs[0],
          scale: { shape: [len], data: s },
          bias: { shape: [len], data: b },
        },
        xs,
      );
    }
    case "Normalizer": {
      const norm = readAttributes(n, c.name, ["norm"]).string("norm", "MAX");
      return normalizer(c, x, norm, outs[0]);
    }
    case "ZipMap": {
      readAttributes(n, c.name, ["classlabels_int64s", "classlabels_strings"]);
      // the probabilities are the proven tensor: rename the producer's output when only
      // ZipMap reads it (so a final Softmax stays final; the classifier's own label ArgMax,
      // which reads the raw scores when post_transform is NONE, follows), else copy (wiring)
      const prev = c.nodes.findLast((nd) => nd.output === x);
      if (prev && (c.uses.get(x) ?? 0) === 1) {
        prev.output = outs[0];
        for (const nd of c.nodes) nd.inputs = nd.inputs.map((i) => (i === x ? outs[0] : i));
        shapes[outs[0]] = xs;
        return;
      }
      return push({ op: "Reshape", name: c.name, inputs: [x], output: outs[0], shape: xs }, xs);
    }
    default:
      throw unsupported(c, undefined, `op ${op} of domain ${ML_DOMAIN}`);
  }
}

/**
 * The ONNX nodes an ai.onnx.ml node means, lowered one by one as if the graph held them
 * (intermediate tensors are named `<output>__<step>`, each read once).
 */
function lowerAs(
  c: LowerContext,
  steps: {
    op: string;
    inputs: string[];
    output: string;
    attrs?: Record<string, number | number[]>;
  }[],
): void {
  for (const s of steps) {
    const attribute = Object.entries(s.attrs ?? {}).map(([name, v]) =>
      Array.isArray(v) ? { name, type: 7, ints: v } : { name, type: 2, i: v },
    );
    c.uses.set(s.output, Math.max(1, c.uses.get(s.output) ?? 0));
    lowerNode({
      ...c,
      n: { opType: s.op, domain: "", input: s.inputs, output: [s.output], attribute },
      name: `${c.name}/${s.op}`,
      // the attribute forms of axes (ReduceMax / ReduceL1 / ReduceSumSquare before opset 18)
      opset: 13,
    });
  }
}

/**
 * Normalizer (and LpNormalization, over `axis`), over the last axis as onnxruntime computes it: x / sum |x| (L1),
 * x / sqrt(sum x^2) (L2), x / max x (MAX). A row whose norm is 0 has no witness (the division
 * is refused), where onnxruntime copies it.
 */
export function normalizer(
  c: LowerContext,
  x: string,
  norm: string,
  output: string,
  axis = -1,
): void {
  const axes = [axis];
  const d = `${output}__norm`;
  const reduce = { L1: "ReduceL1", L2: "ReduceSumSquare", MAX: "ReduceMax" }[norm];
  if (!reduce) throw unsupported(c, "norm", `${norm}; L1, L2 and MAX are supported`);
  lowerAs(c, [
    {
      op: reduce,
      inputs: [x],
      output: norm === "L2" ? `${output}__squares` : d,
      attrs: { axes, keepdims: 1 },
    },
    ...(norm === "L2" ? [{ op: "Sqrt", inputs: [`${output}__squares`], output: d }] : []),
    { op: "Div", inputs: [x, d], output },
  ]);
}

/**
 * ArrayFeatureExtractor: columns of an activation picked by constant indices (a Gather on the
 * last axis), or the class label of an ArgMax index picked from constant classes (sklearn-onnx's
 * label: the index itself when the classes are 0..C-1).
 */
function arrayFeatureExtractor(c: LowerContext, x: string): void {
  const [data, idx] = c.n.input ?? [];
  const out = c.n.output![0];
  readAttributes(c.n, c.name, []);
  const table = c.consts.get(data);
  if (!table) {
    if (!c.consts.has(idx))
      throw unsupported(c, "Y", "indices computed at run time from an activation");
    return lowerAs(c, [
      {
        op: "Gather",
        inputs: [data, idx],
        output: out,
        attrs: { axis: c.shapes[data].length - 1 },
      },
    ]);
  }
  const classes = Array.from(table.data);
  const prev = c.nodes.findLast((nd) => nd.output === x);
  if (!classes.every((v, k) => v === k))
    throw unsupported(
      c,
      "X",
      `class labels [${classes.join(", ")}]: the proven label is the ArgMax index; export classes 0..${classes.length - 1} or map the index to [${classes.join(", ")}] outside the circuit`,
    );
  if (prev?.op !== "ArgMax" || (c.uses.get(x) ?? 0) !== 1)
    throw unsupported(c, "Y", "labels picked by anything but an ArgMax index read only here");
  prev.output = out;
  c.shapes[out] = [1, numel(c.shapes[x])];
}

const padded = (v: number[], k: number) => Array.from({ length: k }, (_, i) => v[i] ?? 0);

function transformed(c: LowerContext, a: Attrs): string {
  const post = a.string("post_transform", "NONE");
  if (!["NONE", "SOFTMAX", "LOGISTIC"].includes(post))
    throw unsupported(c, "post_transform", `${post}; NONE, SOFTMAX and LOGISTIC are supported`);
  return post;
}

/** The post transform as a Softmax (last axis) or Sigmoid node from `from` to `to`. */
function postTransform(
  c: LowerContext,
  a: Attrs,
  from: string,
  to: string,
  shape: number[],
  push: (node: IrNode, shape: number[]) => void,
): void {
  const post = transformed(c, a);
  if (post === "SOFTMAX")
    push({ op: "Softmax", name: `${c.name}/softmax`, inputs: [from], output: to, axis: 1 }, shape);
  if (post === "LOGISTIC") push(plainActivation("Sigmoid", `${c.name}/logistic`, from, to), shape);
}

/** The classifier's label output (output 0), when something reads it: the argmax of the scores. */
function label(
  c: LowerContext,
  labels: (number | string)[],
  scores: string,
  rows: number,
  push: (node: IrNode, shape: number[]) => void,
): void {
  const out = c.n.output?.[0];
  if (!out || !(c.uses.get(out) ?? 0)) return;
  if (!labels.every((l, i) => l === i))
    throw unsupported(
      c,
      "classlabels",
      `the label output needs labels 0..${labels.length - 1} (the scores are proven; map their argmax to [${labels.join(", ")}])`,
    );
  push(
    {
      op: "ArgMax",
      name: `${c.name}/label`,
      inputs: [scores],
      output: out,
      axis: 1,
      keepdims: false,
      selectLastIndex: false,
    },
    [rows],
  );
}

function classLabels(c: LowerContext, a: Attrs): (number | string)[] {
  if (a.has("classlabels_int64s")) return a.ints("classlabels_int64s", []);
  if (a.has("classlabels_strings")) return a.strings("classlabels_strings", []);
  throw unsupported(
    c,
    "classlabels_int64s",
    "one of classlabels_int64s / classlabels_strings is required",
  );
}

/** A float list attribute or its `_as_tensor` (double) form. */
function floatsOrTensor(c: LowerContext, a: Attrs, attr: string): number[] {
  if (a.has(`${attr}_as_tensor`))
    return Array.from(tensorFromProto(a.tensor(`${attr}_as_tensor`), c.file).data);
  return a.floats(attr, []);
}

/** Dense from coefficients [T * F] and intercepts [T]. */
function dense(
  c: LowerContext,
  x: string,
  a: Attrs,
  T: number,
  output: string,
  rows: number,
  features: number,
  push: (node: IrNode, shape: number[]) => void,
): void {
  const coefs = a.floats("coefficients", []);
  if (coefs.length !== T * features)
    throw unsupported(
      c,
      "coefficients",
      `${coefs.length} coefficients for ${T} outputs of ${features} features`,
    );
  const b = a.floats("intercepts", []);
  const weight: Tensor = { shape: [T, features], data: Float64Array.from(coefs) };
  const bias: Tensor = { shape: [T], data: Float64Array.from({ length: T }, (_, i) => b[i] ?? 0) };
  push({ op: "Dense", name: c.name, inputs: [x], output, weight, bias }, [rows, T]);
}

/** The trees of an ensemble, each a node list with the root first, leaves carrying their votes. */
function readTrees(
  c: LowerContext,
  a: Attrs,
  features: number,
  prefix: "target" | "class",
  nTargets: number,
): TreeNode[][] {
  const treeIds = a.ints("nodes_treeids", []);
  const nodeIds = a.ints("nodes_nodeids", []);
  const featureIds = a.ints("nodes_featureids", []);
  const values = floatsOrTensor(c, a, "nodes_values");
  const modes = a.strings("nodes_modes", []);
  const trueIds = a.ints("nodes_truenodeids", []);
  const falseIds = a.ints("nodes_falsenodeids", []);
  const count = treeIds.length;
  for (const [name, v] of Object.entries({ nodeIds, featureIds, modes, trueIds, falseIds }))
    if (v.length !== count)
      throw unsupported(c, `nodes_${name}`, `${v.length} entries for ${count} nodes`);
  const key = (t: number, id: number) => `${t}:${id}`;
  const byTree = new Map<number, Map<number, number>>();
  const nodes: TreeNode[] = [];
  for (let i = 0; i < count; i++) {
    const mode = modes[i] as TreeNodeMode;
    if (!MODES.includes(mode)) throw unsupported(c, "nodes_modes", `${modes[i]}`);
    if (mode !== "LEAF" && (featureIds[i] < 0 || featureIds[i] >= features))
      throw unsupported(
        c,
        "nodes_featureids",
        `feature ${featureIds[i]} of an input with ${features} features`,
      );
    const local = byTree.get(treeIds[i]) ?? new Map<number, number>();
    byTree.set(treeIds[i], local);
    if (local.has(nodeIds[i]))
      throw unsupported(c, "nodes_nodeids", `node ${key(treeIds[i], nodeIds[i])} appears twice`);
    local.set(nodeIds[i], i);
    nodes.push({
      mode,
      feature: featureIds[i],
      value: values[i] ?? 0,
      trueChild: -1,
      falseChild: -1,
      weights: [],
    });
  }
  const wTree = a.ints(`${prefix}_treeids`, []);
  const wNode = a.ints(`${prefix}_nodeids`, []);
  const wIds = a.ints(`${prefix}_ids`, []);
  const wVals = floatsOrTensor(c, a, `${prefix}_weights`);
  wTree.forEach((t, j) => {
    const i = byTree.get(t)?.get(wNode[j]);
    if (i === undefined)
      throw unsupported(c, `${prefix}_nodeids`, `vote for missing node ${key(t, wNode[j])}`);
    if (wIds[j] < 0 || wIds[j] >= nTargets)
      throw unsupported(c, `${prefix}_ids`, `column ${wIds[j]} of ${nTargets}`);
    nodes[i].weights.push([wIds[j], wVals[j]]);
  });
  // per tree: local indices, root = node id 0 (or the smallest id)
  return [...byTree.keys()]
    .sort((p, q) => p - q)
    .map((t) => {
      const local = byTree.get(t)!;
      const order = [...local.keys()].sort((p, q) => p - q);
      const pos = new Map(order.map((id, k) => [id, k]));
      return order.map((id) => {
        const i = local.get(id)!;
        const nd = nodes[i];
        if (nd.mode === "LEAF") return nd;
        const tc = pos.get(trueIds[i]);
        const fc = pos.get(falseIds[i]);
        if (tc === undefined || fc === undefined)
          throw unsupported(c, "nodes_truenodeids", `node ${key(t, id)} points to a missing child`);
        return { ...nd, trueChild: tc, falseChild: fc };
      });
    });
}
