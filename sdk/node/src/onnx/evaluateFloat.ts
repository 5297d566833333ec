import { InputError } from "@zkml-verify/core/internal/errors";
import type {
  ActivationNode,
  CompareKind,
  IrNode,
  ModelIR,
  TreeEnsembleNode,
  TreeNodeMode,
} from "./ir.ts";
import { broadcastIndex, numel, UNARY_ACTIVATIONS } from "./ir.ts";
import { unaryFloat } from "@zkml-verify/core/internal/quantize/unaryFunctions";
import { layoutIndex } from "./layoutIndex.ts";
import { linearTerms, maxGroups, reduceGroups } from "./linearTerms.ts";
import { matmulIndex } from "./matmulIndex.ts";
import type { LinearIrNode, LinearTerms } from "./linearTerms.ts";

export interface EvaluateFloatParameters {
  ir: ModelIR;
  /** Flat row-major values per model input, by name (a plain array for single-input models). */
  inputs: Record<string, ArrayLike<number>> | ArrayLike<number>;
  /** Called with every computed tensor (for calibration). */
  onTensor?: (name: string, values: Float64Array) => void;
}

/**
 * The float64 reference evaluator over the IR (the model as imported, before quantization):
 * used for calibration and for checking the importer against onnxruntime.
 *
 * @example
 * const out = evaluateFloat({ ir, inputs: [5.1, 3.5, 1.4, 0.2] }); // { logits: Float64Array }
 */
export function evaluateFloat(p: EvaluateFloatParameters): Record<string, Float64Array> {
  const { ir } = p;
  const values = new Map<string, Float64Array>();
  const given = isArrayLike(p.inputs) ? { [ir.inputs[0].name]: p.inputs } : p.inputs;
  for (const i of ir.inputs) {
    const v = given[i.name];
    if (!v || v.length !== numel(i.shape))
      throw new InputError(
        `input ${i.name} needs ${numel(i.shape)} values, got ${v?.length ?? 0}`,
        {
          details: { input: i.name, value: v?.length ?? 0 },
        },
      );
    values.set(i.name, Float64Array.from(v));
  }
  for (const node of ir.nodes) {
    const ins = node.inputs.map((n) => values.get(n)!);
    const inShapes = node.inputs.map((n) => ir.shapes[n]);
    const out = evaluateNode(node, ins, inShapes, ir.shapes[node.output]);
    values.set(node.output, out);
    p.onTensor?.(node.output, out);
  }
  return Object.fromEntries(ir.outputs.map((o) => [o.name, values.get(o.name)!]));
}

/**
 * The model's last node on given values of its input: what a proof of the logits leaves out
 * when quantization dropped a final Softmax / LogSoftmax (`QuantizedModel.droppedSoftmax`), so
 * proven logits compare with the float model's outputs.
 *
 * @example
 * const probabilities = evaluateLastNode({ ir, input: provenLogits });
 */
export function evaluateLastNode(p: { ir: ModelIR; input: ArrayLike<number> }): Float64Array {
  const node = p.ir.nodes[p.ir.nodes.length - 1];
  const inShapes = node.inputs.map((n) => p.ir.shapes[n]);
  return evaluateNode(node, [Float64Array.from(p.input)], inShapes, p.ir.shapes[node.output]);
}

/**
 * A linear node's sparse rows, built once per node and shapes: calibration evaluates the same
 * IR on hundreds of rows (784_56_10, 500 rows: rebuilding the Dense terms per row was 3.7 s of
 * its 5.5 s before circom).
 */
const termsCache = new WeakMap<IrNode, { key: string; terms: LinearTerms }>();

function cachedTerms(node: LinearIrNode, inShapes: number[][], outShape: number[]): LinearTerms {
  const key = JSON.stringify([inShapes, outShape]);
  const hit = termsCache.get(node);
  if (hit?.key === key) return hit.terms;
  const terms = linearTerms(node, inShapes, outShape);
  termsCache.set(node, { key, terms });
  return terms;
}

const isArrayLike = (x: unknown): x is ArrayLike<number> =>
  Array.isArray(x) || ArrayBuffer.isView(x);

function evaluateNode(
  node: IrNode,
  ins: Float64Array[],
  inShapes: number[][],
  outShape: number[],
): Float64Array {
  const total = numel(outShape);
  const x = ins[0];
  switch (node.op) {
    case "Dense":
    case "Conv":
    case "ConvTranspose":
    case "Resize":
    case "Affine":
    case "Add":
    case "Sub":
    case "AveragePool":
    case "ReduceSum":
    case "ReduceMean": {
      const t = cachedTerms(node as LinearIrNode, inShapes, outShape);
      const out = new Float64Array(total);
      for (let o = 0; o < total; o++) {
        let s = t.bias[o];
        for (let k = t.start[o]; k < t.start[o + 1]; k++)
          s += t.coef[k] * ins[t.operand[k]][t.index[k]];
        out[o] = s;
      }
      return out;
    }
    case "Mul": {
      const a = broadcastIndex(inShapes[0], outShape);
      const b = broadcastIndex(inShapes[1], outShape);
      return new Float64Array(total).map((_, i) => ins[0][a[i]] * ins[1][b[i]]);
    }
    case "MatMul": {
      const mi = matmulIndex(inShapes[0], inShapes[1])!;
      const out = new Float64Array(total);
      for (let o = 0, t = 0; o < total; o++)
        for (let p = 0; p < mi.terms; p++, t++)
          out[o] += ins[0][mi.aIndex[t]] * ins[1][mi.bIndex[t]];
      return out;
    }
    case "Div": {
      const a = broadcastIndex(inShapes[0], outShape);
      const b = broadcastIndex(inShapes[1], outShape);
      return new Float64Array(total).map((_, i) => ins[0][a[i]] / ins[1][b[i]]);
    }
    case "Normalize": {
      const out = new Float64Array(total);
      for (const g of reduceGroups(inShapes[0], node.axes)) {
        const mean = g.reduce((s, j) => s + x[j], 0) / g.length;
        const variance = g.reduce((s, j) => s + (x[j] - mean) ** 2, 0) / g.length;
        for (const j of g) out[j] = (x[j] - mean) / Math.sqrt(variance + node.epsilon);
      }
      return out;
    }
    case "Activation":
      return activationFloat(node, x, outShape);
    case "Compare": {
      const bShape = node.constant ? node.constant.shape : inShapes[1];
      const bv = node.constant ? node.constant.data : ins[1];
      const a = broadcastIndex(inShapes[0], outShape);
      const b = broadcastIndex(bShape, outShape);
      return new Float64Array(total).map((_, i) => +holds(node.kind, x[a[i]], bv[b[i]]));
    }
    case "TreeEnsemble":
      return treeEnsembleFloat(node, x);
    case "MaxPool":
    case "ReduceMax":
      return Float64Array.from(maxGroups(node, inShapes[0], outShape), (g) =>
        g.reduce((m, j) => Math.max(m, x[j]), -Infinity),
      );
    case "ArgMax":
      return Float64Array.from(maxGroups(node, inShapes[0], outShape), (g) => {
        let best = 0;
        g.forEach((j, k) => {
          if (x[j] > x[g[best]] || (node.selectLastIndex && x[j] === x[g[best]])) best = k;
        });
        return best;
      });
    case "TopK": {
      const n = inShapes[0][inShapes[0].length - 1];
      const out = new Float64Array(total);
      const sign = node.largest ? 1 : -1;
      for (let r = 0; r < x.length / n; r++) {
        const row = Array.from({ length: n }, (_, i) => i);
        row.sort((a, b) => sign * (x[r * n + b] - x[r * n + a]) || a - b);
        for (let j = 0; j < node.k; j++) {
          out[r * 2 * node.k + j] = x[r * n + row[j]];
          out[r * 2 * node.k + node.k + j] = row[j];
        }
      }
      return out;
    }
    case "Softmax":
    case "LogSoftmax": {
      const out = new Float64Array(total);
      for (const g of maxGroups(node, inShapes[0], outShape)) {
        const m = g.reduce((a, j) => Math.max(a, x[j]), -Infinity);
        const sum = g.reduce((a, j) => a + Math.exp(x[j] - m), 0);
        for (const j of g)
          out[j] = node.op === "Softmax" ? Math.exp(x[j] - m) / sum : x[j] - m - Math.log(sum);
      }
      return out;
    }
    default: {
      const { operand, index, fill } = layoutIndex({ node, inputShapes: inShapes, outShape });
      return new Float64Array(total).map((_, i) =>
        operand[i] < 0 ? fill : ins[operand[i]][index[i]],
      );
    }
  }
}

const holds = (kind: CompareKind | TreeNodeMode, a: number, b: number): boolean => {
  switch (kind) {
    case "Less":
    case "BRANCH_LT":
      return a < b;
    case "Greater":
    case "BRANCH_GT":
      return a > b;
    case "LessOrEqual":
    case "BRANCH_LEQ":
      return a <= b;
    case "GreaterOrEqual":
    case "BRANCH_GTE":
      return a >= b;
    case "Equal":
    case "BRANCH_EQ":
      return a === b;
    case "BRANCH_NEQ":
      return a !== b;
    case "LEAF":
      return false;
  }
};

/**
 * Float semantics of a tree ensemble (onnxruntime's): each row walks every tree from its root
 * (node 0) to a leaf and adds the leaf's votes; then the average (if set) and the base values.
 *
 * @example
 * treeEnsembleFloat(node, Float64Array.of(0.3, 1.2)); // [score per target]
 */
export function treeEnsembleFloat(node: TreeEnsembleNode, x: Float64Array): Float64Array {
  const T = node.nTargets;
  const rows = node.rows;
  const F = x.length / rows;
  const out = new Float64Array(rows * T);
  for (let r = 0; r < rows; r++) {
    const sums = new Float64Array(T);
    for (const tree of node.trees) {
      let k = 0;
      for (let steps = 0; tree[k].mode !== "LEAF"; steps++) {
        const nd = tree[k];
        k = holds(nd.mode, x[r * F + nd.feature], nd.value) ? nd.trueChild : nd.falseChild;
        if (steps > tree.length)
          throw new InputError(`tree ensemble ${node.name} has a cycle`, {
            details: { input: node.name, value: k },
          });
      }
      for (const [t, w] of tree[k].weights) sums[t] += w;
    }
    for (let t = 0; t < T; t++)
      out[r * T + t] = (node.average ? sums[t] / node.trees.length : sums[t]) + node.base[t];
  }
  return out;
}

/**
 * Float semantics of the activation nodes (ONNX definitions).
 *
 * @example
 * activationFloat(reluNode, Float64Array.of(-1, 2), [2]); // [0, 2]
 */
export function activationFloat(
  node: ActivationNode,
  x: Float64Array,
  outShape: number[],
): Float64Array {
  const slopeIdx = node.slope ? broadcastIndex(node.slope.shape, outShape) : null;
  if (node.kind in UNARY_ACTIVATIONS) {
    const fn = UNARY_ACTIVATIONS[node.kind as keyof typeof UNARY_ACTIVATIONS];
    return x.map(unaryFloat({ fn, alpha: node.alpha, beta: node.beta }));
  }
  return x.map((v, i) => {
    switch (node.kind) {
      case "Relu":
        return Math.max(0, v);
      case "LeakyRelu":
        return v >= 0 ? v : node.alpha * v;
      case "PRelu":
        return v >= 0 ? v : node.slope!.data[slopeIdx![i]] * v;
      case "Clip":
        return Math.min(node.max, Math.max(node.min, v));
      case "HardSigmoid":
        return Math.max(0, Math.min(1, node.alpha * v + node.beta));
      case "HardSwish":
        return v * Math.max(0, Math.min(1, v / 6 + 0.5));
      default:
        throw new TypeError(`activation ${node.kind} has no float definition`);
    }
  });
}
