import { buildOnnx } from "../helpers/buildOnnx.ts";
import type {
  OnnxAttributeValue,
  OnnxInitializerSpec,
  OnnxNodeSpec,
} from "../helpers/buildOnnx.ts";
import { treeAttributes } from "../helpers/treeModels.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import type { QuantizeMode } from "../../sdk/core/src/quantize/types.ts";

/**
 * Seeded random ONNX graphs over the supported op set (sdk/node/src/onnx/supportedOps.ts), for the
 * differential fuzzer. Everything is drawn from one mulberry32 stream, so a seed is a complete
 * reproduction recipe: graph, weights, compile options, calibration rows and test rows.
 *
 * Two families: vectors ([1, n], n 2-6) and images ([1, C, H, W], C 1-2, H, W 3-5, then
 * flattened into the vector family). Each step applies a random op to the current tensor and
 * sometimes to an earlier one (residual Add/Sub, Mul, Concat), so the graphs are DAGs. Weights
 * and constants are drawn per op as integers, dyadic fractions (k/8), 3-digit decimals or raw
 * float32 values. Composite steps put the shapes of issue 12 in the space with a useful
 * frequency: Add of an integer constant then Relu, Gemm (integer weights and biases) then Relu,
 * a residual Add(fc(x), x) then Relu, and Clip with min > max.
 */

export type Visibility = "public" | "private" | "hashed";

export interface FuzzRow {
  values: number[];
  /**
   * in: drawn like the calibration; edge: zero / corners; out: beyond the calibrated range;
   * boundary: at (or one unit past) the input range of the compiled model (added by the check).
   */
  kind: "in" | "edge" | "out" | "boundary";
}

export interface GeneratedModel {
  seed: number;
  bytes: Uint8Array;
  inputShape: number[];
  outputShape: number[];
  /** One line per ONNX node (op, shapes, weight kind, attributes). */
  ops: string[];
  /** The ONNX op type of every node, in order. */
  opTypes: string[];
  /** Features of the graph worth grepping for (e.g. "int-linear-relu", "clip-min>max"). */
  tags: string[];
  compile: {
    mode: QuantizeMode;
    inputVisibility: Visibility;
    weightVisibility: "fixed" | "private";
    outputVisibility: "public" | "hashed";
    output: "logits" | "argmax";
  };
  calibration: number[][];
  rows: FuzzRow[];
}

type Rng = () => number;
type WeightKind = "int" | "dyadic" | "decimal" | "float";

interface T {
  name: string;
  shape: number[];
}

/** Reductions the generator draws whose axes are an input (not an attribute) from opset 18. */
const AXES_INPUT_FROM_18 = [
  "ReduceMean",
  "ReduceMax",
  "ReduceL2",
  "ReduceLogSum",
  "ReduceLogSumExp",
  "ReduceMin",
  "ReduceL1",
  "ReduceSumSquare",
];

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);
const f = (value: number) => ({ type: "float" as const, value });

class Graph {
  nodes: OnnxNodeSpec[] = [];
  inits: OnnxInitializerSpec[] = [];
  ops: string[] = [];
  tags = new Set<string>();
  /** Activation tensors computed so far (candidates for residual / concat operands). */
  pool: T[] = [];
  private n = 0;
  /** The random stream (swapped for `drawLater` and the product steps, see generateModel). */
  r: Rng;
  constructor(r: Rng) {
    this.r = r;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<X>(xs: readonly X[]): X {
    return xs[Math.floor(this.r() * xs.length)];
  }
  weighted<X>(table: readonly (readonly [X, number])[]): X {
    const total = table.reduce((s, [, w]) => s + w, 0);
    let u = this.r() * total;
    for (const [x, w] of table) if ((u -= w) < 0) return x;
    return table[table.length - 1][0];
  }
  fresh(prefix: string): string {
    return `${prefix}${this.n++}`;
  }
  weightKind(intBias = 0.35): WeightKind {
    return this.weighted<WeightKind>([
      ["int", intBias],
      ["dyadic", 0.2],
      ["decimal", 0.3],
      ["float", 0.15],
    ]);
  }
  /** Values of one kind; `scale` sizes fractional kinds (integers stay in [-2, 2]). */
  values(n: number, kind: WeightKind, scale = 1): number[] {
    return Array.from({ length: n }, () => {
      const u = this.r() * 2 - 1;
      switch (kind) {
        case "int":
          return this.int(-2, 2);
        case "dyadic":
          return Math.round(u * scale * 8) / 8;
        case "decimal":
          return Math.round(u * scale * 1000) / 1000;
        case "float":
          return Math.fround(u * scale);
      }
    });
  }
  init(prefix: string, shape: number[], data: number[]): string {
    const name = this.fresh(prefix);
    this.inits.push({ name, shape, data });
    return name;
  }
  ints(prefix: string, data: number[]): string {
    const name = this.fresh(prefix);
    this.inits.push({ name, shape: [data.length], data: data.map(BigInt), dataType: "int64" });
    return name;
  }
  node(
    opType: string,
    inputs: string[],
    shape: number[],
    describe: string,
    attributes?: Record<string, OnnxAttributeValue>,
    /** ai.onnx.ml ops; `extra` outputs come first (a classifier's label), the tensor last. */
    ml?: { extra: number },
  ): T {
    const output = this.fresh(opType.toLowerCase());
    const extra = Array.from({ length: ml?.extra ?? 0 }, () => this.fresh("unused"));
    this.nodes.push({
      opType,
      inputs,
      outputs: [...extra, output],
      name: `${opType}_${this.nodes.length}`,
      ...(attributes ? { attributes } : {}),
      ...(ml ? { domain: "ai.onnx.ml" } : {}),
    });
    this.ops.push(`${opType}${describe ? ` ${describe}` : ""} -> [${shape}]`);
    const t = { name: output, shape };
    this.pool.push(t);
    return t;
  }
  /** An earlier tensor with the given shape (other than `not`), if any. */
  earlier(shape: number[], not: string): T | undefined {
    const same = this.pool.filter((t) => t.name !== not && sameShape(t.shape, shape));
    return same.length ? this.pick(same) : undefined;
  }
}

const sameShape = (a: number[], b: number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

// ---------------------------------------------------------------------------------------------
// activations (any shape)

type SmoothKind =
  | "Exp"
  | "Erf"
  | "Elu"
  | "Selu"
  | "Celu"
  | "Softplus"
  | "Softsign"
  | "Mish"
  | "Gelu"
  | "Log"
  | "Sqrt"
  | "Reciprocal"
  | "Pow";
type ActKind =
  | "Relu"
  | "LeakyRelu"
  | "PRelu"
  | "Clip"
  | "Sigmoid"
  | "Tanh"
  | "HardSigmoid"
  | "HardSwish"
  | SmoothKind;

const ACTS: [ActKind, number][] = [
  ["Relu", 3],
  ["LeakyRelu", 1],
  ["PRelu", 1],
  ["Clip", 2],
  ["Sigmoid", 1],
  ["Tanh", 1],
  ["HardSigmoid", 1],
  ["HardSwish", 1],
  ["Exp", 0.3],
  ["Erf", 0.3],
  ["Elu", 0.2],
  ["Selu", 0.2],
  ["Celu", 0.2],
  ["Softplus", 0.2],
  ["Softsign", 0.2],
  ["Mish", 0.2],
  ["Gelu", 0.3],
  ["Log", 0.2],
  ["Sqrt", 0.2],
  ["Reciprocal", 0.2],
  ["Pow", 0.4],
];

/** Mish (opset 18) and Gelu (opset 20) raise the model's opset to this. */
const SMOOTH_OPSET = 20;
/** LayerNormalization is an ONNX op from opset 17. */
const LAYER_NORM_OPSET = 17;

function activation(g: Graph, x: T, kind: ActKind = g.weighted(ACTS)): T {
  switch (kind) {
    case "Relu":
    case "Sigmoid":
    case "Tanh":
    case "HardSwish":
      return g.node(kind, [x.name], x.shape, "");
    case "LeakyRelu": {
      const alpha = g.pick([0.01, 0.1, 0.2, 0.5, 1.5, -0.25]);
      return g.node(kind, [x.name], x.shape, `alpha ${alpha}`, { alpha: f(alpha) });
    }
    case "PRelu": {
      // per channel (image) or per feature (vector), or one shared slope
      const shape =
        x.shape.length === 4
          ? g.chance(0.6)
            ? [x.shape[1], 1, 1]
            : [1]
          : g.chance(0.6)
            ? [x.shape[x.shape.length - 1]]
            : [1];
      const slope = g.values(numel(shape), g.pick(["dyadic", "decimal"] as const), 0.6);
      return g.node(kind, [x.name, g.init("slope", shape, slope)], x.shape, `slope [${slope}]`);
    }
    case "Clip": {
      const variant = g.weighted([
        ["both", 3],
        ["min", 1],
        ["max", 1],
        ["min>max", 1.5],
      ] as const);
      let lo = Math.round((g.r() * 2 - 1) * 1000) / 1000;
      let hi = Math.round((lo + 0.1 + g.r() * 2) * 1000) / 1000;
      if (variant === "min>max") {
        [lo, hi] = [hi, lo];
        g.tags.add("clip-min>max");
      }
      const inputs = [
        x.name,
        variant === "max" ? "" : g.init("lo", [], [lo]),
        variant === "min" ? "" : g.init("hi", [], [hi]),
      ];
      while (inputs[inputs.length - 1] === "") inputs.pop();
      const desc =
        variant === "min" ? `min ${lo}` : variant === "max" ? `max ${hi}` : `min ${lo} max ${hi}`;
      return g.node(kind, inputs, x.shape, desc);
    }
    case "Exp":
    case "Erf":
    case "Selu":
    case "Softplus":
    case "Softsign":
    case "Mish":
      return g.node(kind, [x.name], x.shape, "");
    case "Elu":
    case "Celu": {
      const alpha = g.pick([1, 0.5, 2, 1.5]);
      return g.node(kind, [x.name], x.shape, `alpha ${alpha}`, { alpha: f(alpha) });
    }
    case "Gelu": {
      const approximate = g.pick(["none", "tanh"]);
      return g.node(kind, [x.name], x.shape, approximate, { approximate });
    }
    case "Pow": {
      // integer exponents are exact products (any sign); others need a positive base
      const e = g.pick([2, 3, 0.5, 1.5, -1, 4]);
      const base = Number.isInteger(e) && e > 0 ? x : positive(g, x);
      return g.node(kind, [base.name, g.init("e", [], [e])], x.shape, `exponent ${e}`);
    }
    case "Log":
    case "Sqrt":
    case "Reciprocal":
      return g.node(kind, [positive(g, x).name], x.shape, "of |x| + c");
    case "HardSigmoid": {
      const alpha = g.pick([0.2, 0.5, 1 / 6, 0.25]);
      const beta = g.pick([0.5, 0.4, 0.25]);
      return g.node(kind, [x.name], x.shape, `alpha ${alpha} beta ${beta}`, {
        alpha: f(alpha),
        beta: f(beta),
      });
    }
  }
}

/** |x| + c with c in [0.25, 1]: a positive input for Log, Sqrt, Reciprocal, Pow. */
function positive(g: Graph, x: T): T {
  const a = g.node("Abs", [x.name], x.shape, "");
  const c = g.pick([0.25, 0.5, 1]);
  return g.node("Add", [a.name, g.init("c", [], [c])], x.shape, `+ ${c}`);
}

// ---------------------------------------------------------------------------------------------
// vector ops ([1, n])

function gemm(g: Graph, x: T, p: { m?: number; kind?: WeightKind; bias?: boolean } = {}): T {
  const n = x.shape[1];
  const m = p.m ?? g.int(2, 6);
  const kind = p.kind ?? g.weightKind();
  const transB = g.chance(0.5);
  const scale = 1.5 / Math.sqrt(n);
  let a = x.name;
  const attrs: Record<string, OnnxAttributeValue> = transB ? { transB: 1 } : {};
  if (g.chance(0.1)) {
    // Gemm(transA) of the transposed vector
    a = g.node("Transpose", [x.name], [n, 1], "perm [1, 0]", { perm: [1, 0] }).name;
    attrs.transA = 1;
  }
  const w = g.values(n * m, kind, scale);
  const W = g.init("W", transB ? [m, n] : [n, m], w);
  const inputs = [a, W];
  let desc = `${n}->${m} ${kind} W${attrs.transA ? ", transA" : ""}`;
  if (p.bias ?? g.chance(0.7)) {
    const bk = kind === "int" ? "int" : g.weightKind(0.2);
    inputs.push(g.init("C", [m], g.values(m, bk)));
    desc += `, ${bk} C`;
    if (kind !== "int" && g.chance(0.2)) {
      attrs.beta = f(0.5);
      desc += ", beta 0.5";
    }
  }
  if (kind !== "int" && g.chance(0.15)) {
    attrs.alpha = f(2);
    desc += ", alpha 2";
  }
  return g.node("Gemm", inputs, [1, m], desc, attrs);
}

function matmul(g: Graph, x: T): T {
  const n = x.shape[1];
  const m = g.int(2, 6);
  const kind = g.weightKind();
  const h = g.node(
    "MatMul",
    [x.name, g.init("W", [n, m], g.values(n * m, kind, 1.5 / Math.sqrt(n)))],
    [1, m],
    `${n}->${m} ${kind} W`,
  );
  if (!g.chance(0.6)) return h;
  const bk = kind === "int" ? "int" : g.weightKind(0.2);
  return g.node("Add", [h.name, g.init("b", [m], g.values(m, bk))], [1, m], `${bk} bias`);
}

function constOp(g: Graph, x: T, op: "Add" | "Sub" | "Mul" | "Div"): T {
  const last = x.shape[x.shape.length - 1];
  const shape =
    x.shape.length === 4
      ? g.pick([[x.shape[1], 1, 1], [1], []])
      : g.pick([[last], [1, last], [1], []]);
  const kind = op === "Add" || op === "Sub" ? g.weightKind(0.5) : g.weightKind(0.3);
  let data = g.values(numel(shape), kind, op === "Mul" ? 1.5 : 1);
  if (op === "Div") data = data.map((v) => (Math.abs(v) < 0.25 ? (v < 0 ? -0.5 : 2) : v));
  const c = g.init("k", shape, data);
  const constFirst = op !== "Div" && g.chance(0.3);
  return g.node(
    op,
    constFirst ? [c, x.name] : [x.name, c],
    x.shape,
    `${constFirst ? "const first, " : ""}${kind} [${data}]`,
  );
}

function layoutNoop(g: Graph, x: T): T {
  const kind = g.pick(["Identity", "Dropout", "Cast", "Flatten", "Unsqueeze", "Transpose"]);
  switch (kind) {
    case "Identity":
    case "Dropout":
      return g.node(kind, [x.name], x.shape, "");
    case "Cast":
      return g.node(kind, [x.name], x.shape, "to float", { to: 1 });
    case "Flatten":
      return g.node(kind, [x.name], [1, numel(x.shape)], "axis 1", { axis: 1 });
    case "Unsqueeze": {
      const u = g.node(kind, [x.name, g.ints("ax", [0])], [1, ...x.shape], "axes [0]");
      return g.node("Squeeze", [u.name, g.ints("ax", [0])], x.shape, "axes [0]");
    }
    default: {
      // [1, n] -> [n, 1] -> (maybe an activation) -> [1, n]
      let t = g.node("Transpose", [x.name], [x.shape[1], 1], "perm [1, 0]", { perm: [1, 0] });
      if (g.chance(0.4)) t = activation(g, t);
      return g.node("Reshape", [t.name, g.ints("shape", [1, -1])], x.shape, "[1, -1]");
    }
  }
}

function slice(g: Graph, x: T): T {
  const n = x.shape[1];
  if (n < 2) return x;
  const step = g.chance(0.3) ? 2 : 1;
  const start = g.int(0, n - 2);
  const end = g.int(start + 1, n);
  const len = Math.ceil((end - start) / step);
  return g.node(
    "Slice",
    [x.name, g.ints("st", [start]), g.ints("en", [end]), g.ints("ax", [1]), g.ints("sp", [step])],
    [1, len],
    `[${start}:${end}:${step}]`,
  );
}

function pad(g: Graph, x: T): T {
  const rank = x.shape.length;
  const pads = new Array<number>(2 * rank).fill(0);
  const axes = rank === 4 ? [2, 3] : [1];
  for (const a of axes) {
    pads[a] = g.int(0, 1);
    pads[a + rank] = g.int(0, 1);
  }
  if (!pads.some((p) => p !== 0)) pads[axes[0]] = 1;
  const value = g.pick([0, 0, 0.5, -1, 0.3]);
  const shape = x.shape.map((d, i) => d + pads[i] + pads[i + rank]);
  return g.node(
    "Pad",
    [x.name, g.ints("pads", pads), g.init("pv", [], [value])],
    shape,
    `pads [${pads}] value ${value}`,
    { mode: "constant" },
  );
}

function reduce(g: Graph, x: T): T {
  const op = g.pick(["ReduceSum", "ReduceMean", "ReduceMax"] as const);
  const shape = [1, 1];
  // opset 14: ReduceSum takes axes as an input, ReduceMean/ReduceMax as an attribute
  const r =
    op === "ReduceSum"
      ? g.node(op, [x.name, g.ints("ax", [1])], shape, "axis 1", { keepdims: 1 })
      : g.node(op, [x.name], shape, "axis 1", { axes: [1], keepdims: 1 });
  // broadcast it back against the vector
  const combine = g.pick(["Add", "Sub", "Mul"] as const);
  g.tags.add("broadcast-binary");
  return g.node(combine, [x.name, r.name], x.shape, "broadcast [1, 1]");
}

function vectorStep(g: Graph, x: T): T {
  const n = x.shape[1];
  const step = g.weighted([
    ["gemm", n > 8 ? 6 : 3],
    ["matmul", 1.5],
    ["add", 1.5],
    ["sub", 0.7],
    ["mul", 0.7],
    ["div", 0.4],
    ["neg", 0.3],
    ["act", 4],
    ["residual", 1.2],
    ["residualFc", 1],
    ["addConstRelu", 0.8],
    ["gemmRelu", 1],
    ["mul2", 0.6],
    ["concat", n > 8 ? 0 : 0.8],
    ["slice", 0.5],
    ["pad", n > 8 ? 0 : 0.5],
    ["layout", 0.6],
    ["reduce", 0.8],
  ] as const);
  switch (step) {
    case "gemm":
      return gemm(g, x);
    case "matmul":
      return matmul(g, x);
    case "add":
      return constOp(g, x, "Add");
    case "sub":
      return constOp(g, x, "Sub");
    case "mul":
      return constOp(g, x, "Mul");
    case "div":
      return constOp(g, x, "Div");
    case "neg":
      return g.node("Neg", [x.name], x.shape, "");
    case "act":
      return activation(g, x);
    case "residual": {
      const y = g.earlier(x.shape, x.name);
      if (!y) return activation(g, x);
      g.tags.add("residual");
      const sub = g.chance(0.3);
      return g.node(
        sub ? "Sub" : "Add",
        g.chance(0.5) ? [x.name, y.name] : [y.name, x.name],
        x.shape,
        `with ${y.name}`,
      );
    }
    case "residualFc": {
      // Add(fc(x), x), then (usually) Relu: issue 12 item 1
      const kind = g.weightKind(0.5);
      const h = gemm(g, x, { m: n, kind });
      const s = g.node(
        "Add",
        g.chance(0.5) ? [h.name, x.name] : [x.name, h.name],
        x.shape,
        "residual",
      );
      g.tags.add("residual-fc");
      if (!g.chance(0.7)) return s;
      if (kind === "int") g.tags.add("int-linear-relu");
      g.tags.add("residual-fc-relu");
      return activation(g, s, "Relu");
    }
    case "addConstRelu": {
      // Add of an integer constant, then Relu: issue 12 item 1
      const last = x.shape[1];
      const data = g.values(last, "int");
      const a = g.node("Add", [x.name, g.init("k", [last], data)], x.shape, `int [${data}]`);
      g.tags.add("int-linear-relu");
      g.tags.add("add-int-const-relu");
      return activation(g, a, "Relu");
    }
    case "gemmRelu": {
      // Gemm (integer weights and biases half of the time), then Relu: issue 12 item 1
      const kind = g.weightKind(1);
      const h = gemm(g, x, { kind, bias: true });
      if (kind === "int") {
        g.tags.add("int-linear-relu");
        g.tags.add("gemm-int-relu");
      }
      return activation(g, h, "Relu");
    }
    case "mul2": {
      const y = g.earlier(x.shape, x.name);
      if (!y) return g.node("Mul", [x.name, x.name], x.shape, "square");
      g.tags.add("mul-activations");
      return g.node("Mul", [x.name, y.name], x.shape, `with ${y.name}`);
    }
    case "concat": {
      const others = g.pool.filter((t) => t.shape.length === 2 && t.shape[1] <= 6);
      const y = others.length ? g.pick(others) : x;
      g.tags.add("concat");
      const first = g.chance(0.5);
      return g.node(
        "Concat",
        first ? [x.name, y.name] : [y.name, x.name],
        [1, n + y.shape[1]],
        `axis 1 with ${y.name}`,
        { axis: 1 },
      );
    }
    case "slice":
      return slice(g, x);
    case "pad":
      return pad(g, x);
    case "layout":
      return layoutNoop(g, x);
    case "reduce":
      return reduce(g, x);
  }
}

/**
 * Selection and wiring ops (issue 14: variadic Sum/Mean/Max/Min, Abs, ReduceMin/L1/SumSquare,
 * Gather with constant indices, Expand, Split, Tile) on a [1, n] vector.
 */
function selectStep(g: Graph, x: T): T {
  const n = x.shape[1];
  const kind = g.pick([
    "Sum",
    "Mean",
    "Max",
    "Min",
    "Abs",
    "ReduceMin",
    "ReduceL1",
    "ReduceSumSquare",
    "Gather",
    "Expand",
    "Split",
    "Tile",
  ] as const);
  switch (kind) {
    case "Sum":
    case "Mean":
    case "Max":
    case "Min": {
      const others = g.pool.filter(
        (t) => t.name !== x.name && t.shape.length === 2 && (t.shape[1] === n || t.shape[1] === 1),
      );
      const y = others.length ? g.pick(others) : activation(g, x, "Relu");
      const operands = g.chance(0.5) ? [x.name, y.name] : [y.name, x.name, x.name];
      g.tags.add("variadic");
      return g.node(kind, operands, x.shape, `of ${operands.join(", ")}`);
    }
    case "Abs":
      return g.node("Abs", [x.name], x.shape, "");
    case "ReduceMin":
    case "ReduceL1":
    case "ReduceSumSquare": {
      const r = g.node(kind, [x.name], [1, 1], "axis 1", { axes: [1], keepdims: 1 });
      return g.node("Add", [x.name, r.name], x.shape, "broadcast [1, 1]");
    }
    case "Gather": {
      const k = g.int(1, n + 1);
      const idx = Array.from({ length: k }, () => g.int(-n, n - 1));
      return g.node("Gather", [x.name, g.ints("idx", idx)], [1, k], `[${idx}]`, { axis: 1 });
    }
    case "Expand": {
      const e = g.node("Expand", [x.name, g.ints("shape", [2, 1])], [2, n], "[2, 1]");
      return g.node("Reshape", [e.name, g.ints("shape", [1, -1])], [1, 2 * n], "[1, -1]");
    }
    case "Split": {
      if (n < 2) return x;
      const a = g.int(1, n - 1);
      const p = g.fresh("split");
      const q = g.fresh("split");
      g.nodes.push({
        opType: "Split",
        inputs: [x.name, g.ints("sizes", [a, n - a])],
        outputs: [p, q],
        name: `Split_${g.nodes.length}`,
        attributes: { axis: 1 },
      });
      g.ops.push(`Split [${a}, ${n - a}] -> [1,${a}], [1,${n - a}]`);
      return g.node("Concat", [q, p], x.shape, "rotated", { axis: 1 });
    }
    case "Tile":
      return g.node("Tile", [x.name, g.ints("rep", [1, 2])], [1, 2 * n], "[1, 2]");
  }
}

// ---------------------------------------------------------------------------------------------
// products and normalizations of activations ([1, n] -> [1, n])

function productStep(g: Graph, x: T): T {
  const n = x.shape[1];
  const step = g.pick(["matmul", "gemm", "div", "layernorm", "instancenorm", "mask"] as const);
  g.tags.add(`product-${step}`);
  switch (step) {
    case "matmul": {
      // x @ (x^T x) / n: a [1, n] row times an [n, n] Gram matrix, both activations
      const t = g.node("Transpose", [x.name], [n, 1], "perm [1, 0]", { perm: [1, 0] });
      const gram = g.node("MatMul", [t.name, x.name], [n, n], "x^T x");
      const y = g.node("MatMul", [x.name, gram.name], [1, n], "x @ gram");
      return constOp(g, y, "Mul");
    }
    case "gemm": {
      // Gemm(x, s, c): B = an activation [n, n] (transB), C = the row x
      const t = g.node("Transpose", [x.name], [n, 1], "perm [1, 0]", { perm: [1, 0] });
      const s = activation(g, g.node("MatMul", [t.name, x.name], [n, n], "x^T x"), "Tanh");
      const alpha = g.pick([1, 0.5]);
      return g.node("Gemm", [x.name, s.name, x.name], [1, n], `B an activation, alpha ${alpha}`, {
        transB: 1,
        alpha: f(alpha),
      });
    }
    case "div": {
      // the divisor bounded away from 0 (either sign), as a model's denominators are
      const lo = g.pick([0.5, 1]);
      const c = g.node(
        "Clip",
        [x.name, g.init("lo", [], [lo]), g.init("hi", [], [4])],
        x.shape,
        `min ${lo} max 4`,
      );
      const b = g.chance(0.5) ? g.node("Neg", [c.name], x.shape, "") : c;
      const y = g.earlier(x.shape, b.name) ?? x;
      return g.node("Div", [y.name, b.name], x.shape, `by ${b.name}`);
    }
    case "mask": {
      // x @ mask(x^T x) / n: Trilu of an activation, or Where with a constant condition
      const t = g.node("Transpose", [x.name], [n, 1], "perm [1, 0]", { perm: [1, 0] });
      const gram = g.node("MatMul", [t.name, x.name], [n, n], "x^T x");
      let m: T;
      if (g.chance(0.5)) {
        const upper = g.int(0, 1);
        const k = g.int(-1, 1);
        m = g.node("Trilu", [gram.name, g.ints("k", [k])], [n, n], `upper ${upper} k ${k}`, {
          upper,
        });
      } else {
        const cond = Array.from({ length: n * n }, () => BigInt(g.int(0, 1)));
        const c = g.fresh("cond");
        g.inits.push({ name: c, shape: [n, n], data: cond, dataType: "bool" });
        const fill = g.pick([0, -1, 0.5]);
        m = g.node("Where", [c, gram.name, g.init("fill", [], [fill])], [n, n], `fill ${fill}`);
      }
      return g.node("MatMul", [x.name, m.name], [1, n], "x @ masked");
    }
    case "layernorm": {
      if (n < 2) return x;
      const scale = g.values(n, "decimal", 1.5);
      const bias = g.values(n, "decimal");
      return g.node(
        "LayerNormalization",
        [x.name, g.init("g", [n], scale), g.init("b", [n], bias)],
        x.shape,
        "axis -1",
        { axis: -1, epsilon: f(g.pick([1e-5, 1e-3])) },
      );
    }
    case "instancenorm": {
      if (n < 2) return x;
      const r = g.node("Reshape", [x.name, g.ints("shape", [1, 1, n])], [1, 1, n], "[1, 1, n]");
      const i = g.node(
        "InstanceNormalization",
        [
          r.name,
          g.init("g", [1], g.values(1, "decimal", 1.5)),
          g.init("b", [1], g.values(1, "decimal")),
        ],
        r.shape,
        "",
        { epsilon: f(1e-5) },
      );
      return g.node("Reshape", [i.name, g.ints("shape", [1, n])], x.shape, "[1, n]");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// compositions ([1, n]): Hardmax, ReduceL2 / LogSum / LogSumExp, 1-D LpPool and ConvTranspose,
// TopK

function compositeStep(g: Graph, x: T): T {
  if (x.shape.length !== 2) return x;
  const n = x.shape[1];
  const kind = g.pick([
    "Hardmax",
    "ReduceL2",
    "ReduceLogSum",
    "ReduceLogSumExp",
    "LpPool",
    "ConvTranspose",
    "TopK",
  ] as const);
  const flat = (t: T) => g.node("Flatten", [t.name], [1, numel(t.shape)], "axis 1", { axis: 1 });
  const line = () => g.node("Reshape", [x.name, g.ints("shape", [1, 1, n])], [1, 1, n], "");
  switch (kind) {
    case "Hardmax":
      return g.node("Hardmax", [x.name], x.shape, "axis -1", { axis: -1 });
    case "ReduceL2":
    case "ReduceLogSum":
    case "ReduceLogSumExp": {
      let src = x;
      if (kind === "ReduceLogSum") {
        // a positive sum: 1 + |x|
        const a = g.node("Abs", [x.name], x.shape, "");
        src = g.node("Add", [a.name, g.init("one", [], [1])], x.shape, "+ 1");
      }
      const r = g.node(kind, [src.name], [1, 1], "axis 1", { axes: [1], keepdims: 1 });
      return g.node("Add", [x.name, r.name], x.shape, "broadcast [1, 1]");
    }
    case "LpPool": {
      if (g.chance(0.3)) {
        const p = g.int(1, 2);
        const gl = g.node("GlobalLpPool", [line().name], [1, 1, 1], `p ${p}`, { p });
        return g.node("Add", [x.name, flat(gl).name], x.shape, "broadcast [1, 1]");
      }
      const k = g.int(1, Math.min(3, n));
      const st = g.int(1, 2);
      const p = g.int(1, 2);
      const out = Math.floor((n - k) / st) + 1;
      const lp = g.node("LpPool", [line().name], [1, 1, out], `p ${p} kernel ${k} stride ${st}`, {
        kernel_shape: [k],
        strides: [st],
        p,
      });
      return flat(lp);
    }
    case "TopK": {
      // values and indices (cast to float), side by side
      const k = g.int(1, n);
      const largest = g.int(0, 1);
      const v = g.fresh("values");
      const i = g.fresh("indices");
      g.nodes.push({
        opType: "TopK",
        inputs: [x.name, g.ints("k", [k])],
        outputs: [v, i],
        name: `TopK_${g.nodes.length}`,
        attributes: { axis: -1, largest },
      });
      g.ops.push(`TopK k ${k} ${largest ? "largest" : "smallest"} -> [1,${k}], [1,${k}]`);
      const fi = g.node("Cast", [i], [1, k], "indices to float", { to: 1 });
      return g.node("Concat", [v, fi.name], [1, 2 * k], "values, indices", { axis: 1 });
    }
    case "ConvTranspose": {
      const m = g.int(1, 2);
      const kw = g.int(1, 3);
      const st = g.int(1, 2);
      const ow = (n - 1) * st + kw;
      const kind = g.weightKind();
      const w = g.init("W", [1, m, kw], g.values(m * kw, kind, 1));
      const ct = g.node(
        "ConvTranspose",
        [line().name, w],
        [1, m, ow],
        `1-D ${kind} W stride ${st}`,
        {
          strides: [st],
        },
      );
      return flat(ct);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// recurrent nets ([1, n] -> [1, m]): the row as a sequence [seq, 1, input], as PyTorch exports
// nn.LSTM / nn.GRU / nn.RNN (gate-ordered W, R, B; zero or constant initial states)

function recurrentStep(g: Graph, x: T): T {
  const n = numel(x.shape);
  const input = n % 2 === 0 && n > 2 ? 2 : 1;
  const seq = n / input;
  const op = g.pick(["LSTM", "GRU", "RNN"] as const);
  const direction = g.pick(["forward", "reverse", "bidirectional"] as const);
  const dirs = direction === "bidirectional" ? 2 : 1;
  const hidden = g.int(2, 3);
  const gates = { LSTM: 4, GRU: 3, RNN: 1 }[op];
  const scale = 1 / Math.sqrt(hidden);
  const w = (prefix: string, shape: number[]) =>
    g.init(prefix, shape, g.values(numel(shape), g.pick(["decimal", "float"] as const), scale));
  const sq = g.node("Reshape", [x.name, g.ints("shape", [seq, 1, input])], [seq, 1, input], "");
  const ins = [
    sq.name,
    w("W", [dirs, gates * hidden, input]),
    w("R", [dirs, gates * hidden, hidden]),
    w("B", [dirs, 2 * gates * hidden]),
    "",
  ];
  const h0 = g.chance(0.4);
  if (h0) ins.push(w("h0", [dirs, 1, hidden]));
  if (op === "LSTM" && h0 && g.chance(0.5)) ins.push(w("c0", [dirs, 1, hidden]));
  const lbr = op === "GRU" ? g.int(0, 1) : 0;
  const attributes = {
    hidden_size: hidden,
    direction,
    ...(op === "GRU" ? { linear_before_reset: lbr } : {}),
  };
  const last = g.chance(0.5);
  const shape = last ? [dirs, 1, hidden] : [seq, dirs, 1, hidden];
  // Y (all steps) or Y_h (the last): the other output is left out
  const output = g.fresh(op.toLowerCase());
  g.nodes.push({
    opType: op,
    inputs: ins,
    outputs: last ? ["", output] : [output],
    name: `${op}_${g.nodes.length}`,
    attributes,
  });
  const what = `${direction} seq ${seq} hidden ${hidden}${h0 ? " initial state" : ""}${op === "GRU" ? ` lbr ${lbr}` : ""}`;
  g.ops.push(`${op} ${what} ${last ? "Y_h" : "Y"} -> [${shape}]`);
  g.tags.add(`recurrent-${op}`);
  const m = numel(shape);
  return g.node("Reshape", [output, g.ints("shape", [1, m])], [1, m], "[1, m]");
}

// ---------------------------------------------------------------------------------------------
// decisions ([1, n]): comparisons, booleans, Where, tree ensembles, linear models

function decisionStep(g: Graph, x: T): T {
  const n = x.shape[1];
  const k = () => g.values(1, g.pick(["dyadic", "decimal"] as const), 1)[0];
  const other = () => g.earlier(x.shape, x.name) ?? g.node("Neg", [x.name], x.shape, "");
  // booleans are no operands for the float ops: out of the pool
  const bool = (t: T): T => {
    g.pool.splice(g.pool.indexOf(t), 1);
    return t;
  };
  const compare = (a: T): T => bool(compareOf(a));
  const compareOf = (a: T): T => {
    const op = g.pick(["Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Equal"] as const);
    if (op === "Equal") {
      // an Equal that holds on some rows: Relu(x) against 0
      const r = g.node("Relu", [a.name], a.shape, "");
      return g.node(op, [r.name, g.init("zero", [], [0])], a.shape, "relu == 0");
    }
    if (g.chance(0.5)) return g.node(op, [a.name, other().name], a.shape, "activations");
    const t = g.values(n, "decimal", 1);
    const first = g.chance(0.3);
    const c = g.init("t", [n], t);
    return g.node(op, first ? [c, a.name] : [a.name, c], a.shape, `const [${t}]`);
  };
  const step = g.pick([
    "where",
    "logic",
    "tree",
    "classifier",
    "linear",
    "convT",
    "resize",
  ] as const);
  switch (step) {
    case "resize": {
      // the vector as a 1 x n image, resized along its width (Resize-13 or Upsample-9 style)
      const img = g.node("Reshape", [x.name, g.ints("shape", [1, 1, 1, n])], [1, 1, 1, n], "");
      const mode = g.pick(["nearest", "linear"] as const);
      const scale = g.pick([2, 3, 0.5, 1.5]);
      const ow = Math.max(1, Math.floor(n * scale));
      const transform = g.pick(["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"]);
      const r = g.node(
        "Resize",
        [img.name, "", g.init("scales", [4], [1, 1, 1, scale])],
        [1, 1, 1, ow],
        `${mode} ${transform} x${scale}`,
        { mode, coordinate_transformation_mode: transform },
      );
      return g.node("Flatten", [r.name], [1, ow], "axis 1", { axis: 1 });
    }
    case "convT": {
      // the vector as a 1 x n image, upsampled by a transposed convolution, flattened
      const img = g.node("Reshape", [x.name, g.ints("shape", [1, 1, 1, n])], [1, 1, 1, n], "");
      const m = g.int(1, 2);
      const kw = g.int(1, 3);
      const st = g.int(1, 2);
      const ow = (n - 1) * st + kw;
      const kind = g.weightKind();
      const w = g.init("W", [1, m, 1, kw], g.values(m * kw, kind, 1));
      const ct = g.node(
        "ConvTranspose",
        [img.name, w],
        [1, m, 1, ow],
        `${kind} W [1, ${m}, 1, ${kw}] stride ${st}`,
        {
          strides: [1, st],
        },
      );
      return g.node("Flatten", [ct.name], [1, m * ow], "axis 1", { axis: 1 });
    }
    case "where": {
      // Where(x OP y, x, y): a min / max, continuous where the condition flips
      const y = other();
      const c = bool(g.node("Less", [x.name, y.name], x.shape, ""));
      return g.node(
        "Where",
        g.chance(0.5) ? [c.name, x.name, y.name] : [c.name, y.name, x.name],
        x.shape,
        "min/max",
      );
    }
    case "logic": {
      const a = compare(x);
      const b = bool(g.node("Not", [compare(x).name], x.shape, ""));
      const op = g.pick(["And", "Or", "Xor"] as const);
      const c = bool(g.node(op, [a.name, b.name], x.shape, ""));
      if (g.chance(0.3)) return g.node("Cast", [c.name], x.shape, "to float", { to: 1 });
      const y = g.chance(0.5) ? other().name : g.init("k", [], [k()]);
      return g.node("Where", [c.name, x.name, y], x.shape, "");
    }
    case "tree":
    case "classifier": {
      const columns = g.int(step === "tree" ? 1 : 2, 3);
      const prefix = step === "tree" ? "target" : "class";
      const attrs = treeAttributes(
        {
          seed: g.int(0, 1e9),
          trees: g.int(1, 2),
          depth: g.int(1, 3),
          features: n,
          columns,
          weights: step === "tree" ? "signed" : "probabilities",
          modes: ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"],
        },
        prefix,
      );
      const typedAttrs = mlAttributes({
        ...attrs,
        post_transform: "NONE",
        ...(step === "tree"
          ? { n_targets: columns, aggregate_function: g.pick(["SUM", "AVERAGE"]) }
          : { classlabels_int64s: Array.from({ length: columns }, (_, i) => i) }),
      });
      return step === "tree"
        ? g.node(
            "TreeEnsembleRegressor",
            [x.name],
            [1, columns],
            `${columns} targets`,
            typedAttrs,
            { extra: 0 },
          )
        : g.node(
            "TreeEnsembleClassifier",
            [x.name],
            [1, columns],
            `${columns} classes`,
            typedAttrs,
            { extra: 1 },
          );
    }
    case "linear": {
      const scale = g.values(n, "decimal", 1).map((v) => Math.abs(v) + 0.25);
      const s = g.node(
        "Scaler",
        [x.name],
        x.shape,
        "",
        mlAttributes({ offset: g.values(n, "decimal", 1), scale }),
        { extra: 0 },
      );
      const m = g.int(2, 4);
      const attrs = {
        coefficients: g.values(m * n, "decimal", 1),
        intercepts: g.values(m, "decimal", 1),
      };
      return g.chance(0.5)
        ? g.node(
            "LinearRegressor",
            [s.name],
            [1, m],
            `${m} targets`,
            mlAttributes({ ...attrs, targets: m }),
            { extra: 0 },
          )
        : g.node(
            "LinearClassifier",
            [s.name],
            [1, m],
            `${m} classes`,
            mlAttributes({
              ...attrs,
              classlabels_ints: Array.from({ length: m }, (_, i) => i),
              post_transform: "NONE",
            }),
            { extra: 1 },
          );
    }
  }
}

/**
 * ArrayFeatureExtractor of some columns, then Normalizer (L1, L2 or MAX) or LpNormalization
 * (p 1 or 2) of |x| + 1 (a norm of 0 has no witness: the circuit refuses the division).
 */
function sklearnStep(g: Graph, x: T): T {
  const n = x.shape[1];
  const cols = Array.from({ length: n }, (_, i) => i).filter(() => g.chance(0.7));
  if (cols.length === 0) cols.push(g.int(0, n - 1));
  const picked = g.node(
    "ArrayFeatureExtractor",
    [x.name, g.ints("cols", cols)],
    [1, cols.length],
    `[${cols}]`,
    undefined,
    { extra: 0 },
  );
  const abs = g.node("Abs", [picked.name], picked.shape, "");
  const pos = g.node("Add", [abs.name, g.init("one", [], [1])], picked.shape, "+1");
  const norm = g.pick(["L1", "L2", "MAX"] as const);
  // LpNormalization (default domain) is the same L1 / L2 division
  if (norm !== "MAX" && g.chance(0.5)) {
    const p = norm === "L1" ? 1 : 2;
    return g.node("LpNormalization", [pos.name], pos.shape, `p ${p}`, { axis: -1, p });
  }
  return g.node("Normalizer", [pos.name], pos.shape, norm, { norm }, { extra: 0 });
}

/** Attribute lists typed by name (float lists would be written as ints when integral). */
function mlAttributes(attrs: Record<string, number[] | string[] | string | number>) {
  const out: Record<string, OnnxAttributeValue> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (Array.isArray(v) && typeof v[0] === "string")
      out[k] = { type: "strings", value: v as string[] };
    else if (
      Array.isArray(v) &&
      /values|weights|hitrates|offset|scale|coefficients|intercepts/.test(k)
    )
      out[k] = { type: "floats", value: v as number[] };
    else if (Array.isArray(v)) out[k] = { type: "ints", value: v as number[] };
    else out[k] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// image ops ([1, C, H, W])

function convOut(h: number, k: number, s: number, p0: number, p1: number, d = 1): number {
  return Math.floor((h + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

function conv(g: Graph, x: T): T {
  const [, c, h, w] = x.shape;
  const k = g.int(1, Math.min(3, h, w));
  const s = g.chance(0.25) ? 2 : 1;
  const p = k > 1 && g.chance(0.5) ? 1 : 0;
  const d = k === 2 && h >= 4 && w >= 4 && g.chance(0.2) ? 2 : 1;
  const group = c > 1 && g.chance(0.3) ? c : 1;
  const m = group > 1 ? c * g.int(1, 2) : g.int(1, 3);
  const kind = g.weightKind();
  const fanIn = (c / group) * k * k;
  const wShape = [m, c / group, k, k];
  const inputs = [
    x.name,
    g.init("W", wShape, g.values(numel(wShape), kind, 1.5 / Math.sqrt(fanIn))),
  ];
  let desc = `${kind} W [${wShape}] stride ${s} pad ${p} dilation ${d} group ${group}`;
  if (g.chance(0.6)) {
    const bk = kind === "int" ? "int" : g.weightKind(0.2);
    inputs.push(g.init("B", [m], g.values(m, bk)));
    desc += `, ${bk} B`;
  }
  const shape = [1, m, convOut(h, k, s, p, p, d), convOut(w, k, s, p, p, d)];
  return g.node("Conv", inputs, shape, desc, {
    kernel_shape: [k, k],
    strides: [s, s],
    pads: [p, p, p, p],
    dilations: [d, d],
    group,
  });
}

function batchNorm(g: Graph, x: T): T {
  const c = x.shape[1];
  const gamma = g.values(c, "decimal", 1.5);
  const beta = g.values(c, "decimal");
  const mean = g.values(c, "decimal");
  const variance = Array.from({ length: c }, () => Math.round((0.25 + g.r() * 2) * 1000) / 1000);
  return g.node(
    "BatchNormalization",
    [
      x.name,
      g.init("g", [c], gamma),
      g.init("b", [c], beta),
      g.init("mu", [c], mean),
      g.init("var", [c], variance),
    ],
    x.shape,
    `gamma [${gamma}]`,
    { epsilon: f(1e-5) },
  );
}

function pool(g: Graph, x: T, op: "MaxPool" | "AveragePool"): T {
  const [, c, h, w] = x.shape;
  if (Math.min(h, w) < 2) return activation(g, x);
  const k = 2;
  const s = g.int(1, 2);
  const p = g.chance(0.3) ? 1 : 0;
  const attrs: Record<string, OnnxAttributeValue> = {
    kernel_shape: [k, k],
    strides: [s, s],
    pads: [p, p, p, p],
  };
  let desc = `k ${k} stride ${s} pad ${p}`;
  if (op === "AveragePool" && p && g.chance(0.5)) {
    attrs.count_include_pad = 1;
    desc += " count_include_pad";
  }
  return g.node(op, [x.name], [1, c, convOut(h, k, s, p, p), convOut(w, k, s, p, p)], desc, attrs);
}

function imageStep(g: Graph, x: T): T {
  const step = g.weighted([
    ["conv", 3],
    ["bn", 0.8],
    ["maxpool", 1],
    ["avgpool", 0.8],
    ["act", 3],
    ["add", 1],
    ["residual", 1],
    ["concat", x.shape[1] <= 2 ? 0.8 : 0],
    ["pad", 0.5],
  ] as const);
  switch (step) {
    case "conv":
      return conv(g, x);
    case "bn":
      return batchNorm(g, x);
    case "maxpool":
      return pool(g, x, "MaxPool");
    case "avgpool":
      return pool(g, x, "AveragePool");
    case "act":
      return activation(g, x);
    case "add":
      return constOp(g, x, g.pick(["Add", "Sub", "Mul"] as const));
    case "residual": {
      const y = g.earlier(x.shape, x.name);
      if (!y) return conv(g, x);
      g.tags.add("residual");
      return g.node("Add", [x.name, y.name], x.shape, `with ${y.name}`);
    }
    case "concat": {
      const others = g.pool.filter(
        (t) => t.shape.length === 4 && t.shape[2] === x.shape[2] && t.shape[3] === x.shape[3],
      );
      const y = g.pick(others);
      g.tags.add("concat");
      return g.node(
        "Concat",
        [x.name, y.name],
        [1, x.shape[1] + y.shape[1], x.shape[2], x.shape[3]],
        `axis 1 with ${y.name}`,
        { axis: 1 },
      );
    }
    case "pad":
      return pad(g, x);
  }
}

function flatten(g: Graph, x: T): T {
  const [, c, h, w] = x.shape;
  const how = g.pick(["flatten", "gap", "mean", "reshape", "torch", "gmp"] as const);
  switch (how) {
    case "torch": {
      // torch.onnx's flatten: Shape -> Gather(0) -> Unsqueeze -> Concat([batch, -1]) -> Reshape,
      // constant-folded by the importer
      const shapeOut = g.fresh("shape");
      const batch = g.fresh("batch");
      const batch1 = g.fresh("batch1");
      const target = g.fresh("target");
      const index = g.fresh("i");
      g.inits.push({ name: index, shape: [], data: [0n], dataType: "int64" });
      g.nodes.push(
        { opType: "Shape", name: `Shape_${g.nodes.length}`, inputs: [x.name], outputs: [shapeOut] },
        {
          opType: "Gather",
          name: `Gather_${g.nodes.length + 1}`,
          inputs: [shapeOut, index],
          outputs: [batch],
          attributes: { axis: 0 },
        },
        {
          opType: "Unsqueeze",
          name: `Unsqueeze_${g.nodes.length + 2}`,
          inputs: [batch, g.ints("ax", [0])],
          outputs: [batch1],
        },
        {
          opType: "Concat",
          name: `Concat_${g.nodes.length + 3}`,
          inputs: [batch1, g.ints("minus1", [-1])],
          outputs: [target],
          attributes: { axis: 0 },
        },
      );
      g.ops.push("Shape -> Gather [0] -> Unsqueeze -> Concat [-1] (folded)");
      return g.node("Reshape", [x.name, target], [1, c * h * w], "torch flatten");
    }
    case "flatten":
      return g.node("Flatten", [x.name], [1, c * h * w], "axis 1", { axis: 1 });
    case "gap": {
      const p = g.node("GlobalAveragePool", [x.name], [1, c, 1, 1], "");
      return g.node("Flatten", [p.name], [1, c], "axis 1", { axis: 1 });
    }
    case "gmp": {
      const p = g.node("GlobalMaxPool", [x.name], [1, c, 1, 1], "");
      return g.node("Flatten", [p.name], [1, c], "axis 1", { axis: 1 });
    }
    case "mean":
      return g.node("ReduceMean", [x.name], [1, c], "axes [2, 3]", { axes: [2, 3], keepdims: 0 });
    case "reshape":
      return g.node("Reshape", [x.name, g.ints("shape", [1, c * h * w])], [1, c * h * w], "");
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * The graph, compile options and rows of one seed.
 *
 * @example
 * const m = generateModel(7); // m.ops: ["Gemm 4->3 int W, int C -> [1,3]", "Relu -> [1,3]", ...]
 */
export function generateModel(seed: number): GeneratedModel {
  const r = mulberry32({ seed: (seed * 2654435761) ^ 0x5eed });
  const g = new Graph(r);
  const image = g.chance(0.3);
  const inputShape = image ? [1, g.int(1, 2), g.int(3, 5), g.int(3, 5)] : [1, g.int(2, 6)];
  let x: T = { name: "x", shape: inputShape };
  g.pool.push(x);
  if (image) {
    for (let i = g.int(1, 3); i > 0; i--) x = imageStep(g, x);
    x = flatten(g, x);
    if (x.shape[1] > 12) x = gemm(g, x, { m: g.int(2, 6) });
    for (let i = g.int(0, 3); i > 0; i--) x = vectorStep(g, x);
  } else {
    for (let i = g.int(1, 5); i > 0; i--) x = vectorStep(g, x);
  }
  // Ops added after the regression seeds were pinned draw from a stream of their own, so an
  // older seed keeps its graph body and options (it may gain one step here).
  const later = mulberry32({ seed: (seed * 40503) ^ 0x1a7e });
  const drawLater = <X>(f: () => X): X => {
    const main = g.r;
    g.r = later;
    try {
      return f();
    } finally {
      g.r = main;
    }
  };
  if (drawLater(() => g.chance(0.35))) x = drawLater(() => selectStep(g, x));
  // Products and normalizations draw from their own stream (the seeds above keep their graphs up
  // to here, their options and rows), appended in about one graph of four.
  const own = mulberry32({ seed: (seed * 40503) ^ 0x9e37 });
  if (own() < 0.25) {
    const main = g.r;
    g.r = own;
    x = productStep(g, x);
    g.r = main;
  }
  // comparisons, booleans, Where, ConvTranspose and the ai.onnx.ml ops: a stream of their own
  const decisions = mulberry32({ seed: (seed * 40503) ^ 0xdec1 });
  const main = g.r;
  g.r = decisions;
  if (g.chance(0.3)) x = decisionStep(g, x);
  // sklearn-onnx's column selection and Normalizer (issue 14, exporters): a stream of their own
  g.r = mulberry32({ seed: (seed * 40503) ^ 0x5c1e });
  if (x.shape.length === 2 && g.chance(0.12)) x = sklearnStep(g, x);
  g.r = main;
  // Hardmax, the L2 / log-sum reductions, 1-D LpPool and ConvTranspose: a stream of their own
  const composite = mulberry32({ seed: (seed * 40503) ^ 0xc0de });
  g.r = composite;
  if (g.chance(0.25)) x = compositeStep(g, x);
  g.r = main;
  // recurrent nets (LSTM / GRU / RNN over the row read as a sequence): a stream of their own
  const recurrent = mulberry32({ seed: (seed * 40503) ^ 0x4e11 });
  g.r = recurrent;
  if (g.chance(0.15)) x = recurrentStep(g, x);
  g.r = main;
  let outputType: "int64" | undefined;
  const head = g.weighted([
    ["none", 7],
    ["Softmax", 1.2],
    ["LogSoftmax", 0.8],
    ["ArgMax", 0.8],
  ] as const);
  if (head === "Softmax" || head === "LogSoftmax") {
    x = g.node(head, [x.name], x.shape, "axis -1", { axis: -1 });
    g.tags.add("softmax");
  } else if (head === "ArgMax") {
    const op = drawLater(() => g.chance(0.35)) ? "ArgMin" : "ArgMax";
    x = g.node(op, [x.name], [1, 1], "axis 1", { axis: 1, keepdims: 1 });
    outputType = "int64";
    g.tags.add("argmax");
  }
  // the last node writes the graph output directly (no trailing Identity)
  const last = g.nodes[g.nodes.length - 1];
  last.outputs = [...last.outputs.slice(0, -1), "y"];
  for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i === x.name ? "y" : i));
  const opset = g.nodes.some((n) => n.opType === "Mish" || n.opType === "Gelu")
    ? SMOOTH_OPSET
    : g.nodes.some((n) => n.opType === "LayerNormalization")
      ? LAYER_NORM_OPSET
      : 14;
  if (opset >= 18)
    // ReduceMean / ReduceMax / ReduceL2 / ... take their axes as an input from opset 18
    for (const n of g.nodes) {
      if (AXES_INPUT_FROM_18.includes(n.opType) && n.attributes?.axes) {
        const { axes, ...rest } = n.attributes;
        n.inputs = [n.inputs[0], g.ints("ax", axes as number[])];
        n.attributes = rest;
      }
    }
  const bytes = buildOnnx({
    inputs: [{ name: "x", shape: inputShape }],
    outputs: [{ name: "y", shape: x.shape, ...(outputType ? { dataType: outputType } : {}) }],
    initializers: g.inits,
    nodes: g.nodes,
    opset,
  });

  const linearOps = g.nodes.some((n) => ["Gemm", "MatMul", "Conv"].includes(n.opType));
  const nIn = numel(inputShape);
  const compile: GeneratedModel["compile"] = {
    mode: g.chance(0.2) ? "resources" : "accuracy",
    inputVisibility: g.weighted([
      ["public", 2],
      ["private", 1.5],
      // hashing (input, private weights, output) compiles Poseidon: ~10x slower, so rarer
      ["hashed", 0.4],
    ] as const),
    weightVisibility: linearOps && g.chance(0.15) ? "private" : "fixed",
    outputVisibility: g.chance(0.1) ? "hashed" : "public",
    output: head === "none" && x.shape[1] > 1 && g.chance(0.1) ? "argmax" : "logits",
  };
  const span = g.pick([1, 2, 4]);
  const positive = g.chance(0.25);
  const draw = () =>
    Array.from({ length: nIn }, () =>
      positive ? g.r() * span : Math.round((g.r() * 2 - 1) * span * 1e6) / 1e6,
    );
  const calibration = Array.from({ length: 24 }, draw);
  const rows: FuzzRow[] = [
    { values: new Array<number>(nIn).fill(0), kind: "edge" },
    ...Array.from({ length: 6 }, () => ({ values: draw(), kind: "in" as const })),
    { values: new Array<number>(nIn).fill(span), kind: "edge" },
    { values: new Array<number>(nIn).fill(positive ? 0 : -span), kind: "edge" },
    // beyond the calibrated range: one value just outside, a scaled row, a far outlier
    ...(() => {
      const one = draw();
      one[g.int(0, nIn - 1)] = (g.chance(0.5) ? 1 : -1) * span * g.pick([2.2, 3, 4.5]);
      const scaled = draw().map((v) => v * g.pick([6, 40]));
      const far = draw();
      far[g.int(0, nIn - 1)] = g.pick([1e3, -1e4, 2e5]);
      return [
        { values: one, kind: "out" as const },
        { values: scaled, kind: "out" as const },
        { values: far, kind: "out" as const },
      ];
    })(),
  ];
  return {
    seed,
    bytes,
    inputShape,
    outputShape: x.shape,
    opTypes: g.nodes.map((n) => n.opType),
    ops: g.ops.map((o) => o.replace(new RegExp(`\\b${x.name}\\b`, "g"), "y")),
    tags: [...g.tags].sort(),
    compile,
    calibration,
    rows,
  };
}
