import { ShapeError } from "@zkml-verify/core/internal/errors";
import type { ActivationKind, Tensor } from "./ir.ts";
import { plainActivation } from "./ir.ts";
import type { LowerContext } from "./lowerNode.ts";
import { unsupported } from "./lowerNode.ts";
import type { Push } from "./lowerSpatial.ts";
import { readAttributes } from "./readAttributes.ts";
import type { RECURRENT_OPS } from "./supportedOps.ts";

/**
 * LSTM, GRU and RNN (opsets 7-22, as torch.onnx.export emits them), unrolled over the static
 * sequence length into existing IR nodes: per step and direction one Dense of the
 * concatenation [x_t, h_{t-1}] with the constant weights [W | R] (bias Wb + Rb), the Sigmoid /
 * Tanh activations, Mul of two activations and Add / Sub. No new quantized op kind: the
 * evaluator, the circuit and their soundness tests cover every piece. Costs and the error
 * bound: sdk/node/src/quantize/README.md ("Recurrent nets").
 */

type RecurrentOp = (typeof RECURRENT_OPS)[number];

/** Per op: the gate blocks of W's rows (ONNX order) and the default activations of one direction. */
const CELLS: Record<RecurrentOp, { gates: number; activations: string[]; attributes: string[] }> = {
  LSTM: { gates: 4, activations: ["sigmoid", "tanh", "tanh"], attributes: ["input_forget"] },
  GRU: { gates: 3, activations: ["sigmoid", "tanh"], attributes: ["linear_before_reset"] },
  RNN: { gates: 1, activations: ["tanh"], attributes: [] },
};
const COMMON_ATTRIBUTES = [
  "activation_alpha",
  "activation_beta",
  "activations",
  "clip",
  "direction",
  "hidden_size",
  "layout",
];
const DIRECTIONS = ["forward", "reverse", "bidirectional"];

/**
 * A state entering a step: null (zeros: absent or an all-zero constant), a constant
 * (batch x H values, row-major) or an activation tensor of shape [1, batch, H].
 */
type State = null | Float64Array | string;

/**
 * Lowers an LSTM / GRU / RNN node: checks the attributes and inputs, unrolls every direction
 * over the sequence, and assembles the outputs that something reads (Y [seq, dirs, batch, H],
 * Y_h and, for LSTM, Y_c [dirs, batch, H]; layout 1 transposes inputs and outputs).
 *
 * @example
 * lowerRecurrent(c, push); // LSTM(X [5, 1, 3], W, R, B) -> 5 steps of Dense, Sigmoid, Tanh, Mul, Add
 */
export function lowerRecurrent(c: LowerContext, push: Push): void {
  const { n, consts, shapes } = c;
  const op = n.opType as RecurrentOp;
  const cell = CELLS[op];
  const a = readAttributes(n, c.name, [...COMMON_ATTRIBUTES, ...cell.attributes]);
  const ins = n.input ?? [];
  const outs = n.output ?? [];
  const constant = (index: number, what: string): Tensor | null => {
    const t = ins[index];
    if (!t) return null;
    const k = consts.get(t);
    if (!k) throw unsupported(c, what, `${what} must be a constant (a trained parameter)`);
    return k;
  };
  const W = constant(1, "W");
  const R = constant(2, "R");
  if (!W || !R) throw unsupported(c, "W", "W and R are required");
  const direction = a.string("direction", "forward");
  if (!DIRECTIONS.includes(direction))
    throw unsupported(c, "direction", `${direction}; supported: ${DIRECTIONS.join(", ")}`);
  const dirs = direction === "bidirectional" ? 2 : 1;
  const H = R.shape[2];
  const G = cell.gates * H;
  const I = W.shape[2];
  const bad = (tensor: string, shape: number[], want: string) =>
    new ShapeError(`${op} node "${c.name}": ${tensor} has shape [${shape}], expected ${want}`, {
      details: { tensor, node: c.name, shape },
    });
  if (W.shape.length !== 3 || W.shape[0] !== dirs || W.shape[1] !== G)
    throw bad("W", W.shape, `[${dirs}, ${cell.gates} * hidden_size, input_size]`);
  if (R.shape.length !== 3 || R.shape[0] !== dirs || R.shape[1] !== G)
    throw bad("R", R.shape, `[${dirs}, ${G}, ${H}]`);
  if (a.has("hidden_size") && a.int("hidden_size", H) !== H)
    throw bad("R", R.shape, `hidden_size ${a.int("hidden_size", H)} columns`);
  const B = constant(3, "B");
  if (B && (B.shape.length !== 2 || B.shape[0] !== dirs || B.shape[1] !== 2 * G))
    throw bad("B", B.shape, `[${dirs}, ${2 * G}]`);
  if (a.has("clip"))
    throw unsupported(c, "clip", "the cell clip is not supported (PyTorch never sets it)");
  const given = a.strings("activations", []).map((s) => s.toLowerCase());
  const defaults = Array.from({ length: dirs }, () => cell.activations).flat();
  // nn.RNN(nonlinearity="relu") exports activations ["Relu"] (per direction)
  const rnnRelu = op === "RNN" && given.length === dirs && given.every((g) => g === "relu");
  if (given.length > 0 && given.join() !== defaults.join() && !rnnRelu)
    throw unsupported(
      c,
      "activations",
      `[${given}]; only the defaults [${defaults}] (Sigmoid gates, Tanh candidate and output)${op === "RNN" ? " or Relu" : ""}`,
    );
  if (op === "LSTM" && a.int("input_forget", 0) !== 0)
    throw unsupported(c, "input_forget", "the coupled input-forget gate is not supported");
  const layout = a.int("layout", 0);
  if (layout !== 0 && layout !== 1) throw unsupported(c, "layout", `${layout}; 0 or 1`);

  const steps = new Steps(c, push);
  // X: [seq, batch, input] (layout 1: [batch, seq, input], transposed first)
  const x0 = ins[0];
  if (!x0 || consts.has(x0)) throw unsupported(c, "X", "X must be computed from the inputs");
  const xs0 = shapes[x0];
  if (xs0.length !== 3 || xs0[2] !== I)
    throw bad(x0, xs0, layout ? `[batch, seq, ${I}]` : `[seq, batch, ${I}]`);
  const X = layout ? steps.transpose(x0, "X", [1, 0, 2]) : x0;
  const [S, batch] = shapes[X];
  steps.init(X, S, batch, I, H);
  const lens = ins[4] ? consts.get(ins[4]) : undefined;
  if (ins[4] && (!lens || lens.data.some((v) => v !== S)))
    throw unsupported(
      c,
      "sequence_lens",
      lens
        ? `lengths [${Array.from(lens.data)}]: only the full static length ${S} (or no sequence_lens)`
        : "it must be a constant: the unrolled circuit's shape cannot depend on the input",
    );
  const P = op === "LSTM" ? constant(7, "P") : null;
  if (P && P.data.some((v) => v !== 0))
    throw unsupported(c, "P", "peephole weights are not supported");

  const state = (index: number, what: string): State[] => {
    const t = ins[index];
    const none = Array.from({ length: dirs }, (): State => null);
    if (!t) return none;
    const want = layout ? [batch, dirs, H] : [dirs, batch, H];
    const k = consts.get(t);
    const shape = k ? k.shape : shapes[t];
    if (shape.join() !== want.join()) throw bad(t, shape, `[${want}] (${what})`);
    if (!k) {
      const s = layout ? steps.transpose(t, what, [1, 0, 2]) : t;
      return none.map((_, d) => (dirs === 1 ? s : steps.slice(s, 0, d, 1, `${what}${d}`)));
    }
    return none.map((_, d) => {
      const v = Float64Array.from({ length: batch * H }, (_, j) => {
        const [b, h] = [Math.floor(j / H), j % H];
        return k.data[layout ? (b * dirs + d) * H + h : (d * batch + b) * H + h];
      });
      return v.some((e) => e !== 0) ? v : null;
    });
  };
  const h0 = state(5, "initial_h");
  const c0 = op === "LSTM" ? state(6, "initial_c") : h0.map(() => null);

  const hs: string[][] = [];
  const lastH: string[] = [];
  const lastC: string[] = [];
  for (let d = 0; d < dirs; d++) {
    const reverse = direction === "reverse" || d === 1;
    const p = {
      d,
      W: W.data.subarray(d * G * I, (d + 1) * G * I),
      R: R.data.subarray(d * G * H, (d + 1) * G * H),
      Wb: B ? B.data.subarray(d * 2 * G, d * 2 * G + G) : new Float64Array(G),
      Rb: B ? B.data.subarray(d * 2 * G + G, (d + 1) * 2 * G) : new Float64Array(G),
    };
    let h = h0[d];
    let cs = c0[d];
    const seq = new Array<string>(S);
    for (let k = 0; k < S; k++) {
      const t = reverse ? S - 1 - k : k;
      if (op === "LSTM") {
        const r = steps.lstm(p, t, h, cs);
        [h, cs] = [r.h, r.c];
      } else if (op === "GRU") h = steps.gru(p, t, h, a.int("linear_before_reset", 0) === 1);
      else h = steps.rnn(p, t, h, rnnRelu ? "Relu" : "Tanh");
      seq[t] = h;
    }
    hs.push(seq);
    lastH.push(h as string);
    lastC.push(cs as string);
  }
  const used = (i: number) => !!outs[i] && (c.uses.get(outs[i]) ?? 0) > 0;
  // Y: the steps' [1, batch, H] outputs in (t, direction) order are Y's rows, row-major
  if (used(0)) {
    const parts = hs[0].flatMap((_, t) => hs.map((seq) => seq[t]));
    steps.assemble(parts, [S, dirs, batch, H], outs[0], layout ? [2, 0, 1, 3] : null);
  }
  if (used(1)) steps.assemble(lastH, [dirs, batch, H], outs[1], layout ? [1, 0, 2] : null);
  if (used(2) && op === "LSTM")
    steps.assemble(lastC, [dirs, batch, H], outs[2], layout ? [1, 0, 2] : null);
}

/** One direction's parameters: W [G, I], R [G, H], Wb and Rb [G] (row blocks in ONNX gate order). */
interface DirParams {
  d: number;
  W: Float64Array;
  R: Float64Array;
  Wb: Float64Array;
  Rb: Float64Array;
}

/** The IR builder of one recurrent node: names, shared x_t slices, and the three cells. */
class Steps {
  private X = "";
  private batch = 1;
  private I = 0;
  private H = 0;
  private xt = new Map<number, string>();
  private c: LowerContext;
  private push: Push;
  constructor(c: LowerContext, push: Push) {
    this.c = c;
    this.push = push;
  }

  init(X: string, S: number, batch: number, I: number, H: number) {
    Object.assign(this, { X, batch, I, H });
    if (S === 1) this.xt.set(0, X);
  }

  private tensor = (what: string) => `${this.c.name}__${what}`;
  private row = (width: number) => [1, this.batch, width];

  transpose(x: string, what: string, perm: number[]): string {
    const out = this.tensor(what);
    const xs = this.c.shapes[x];
    const node = {
      op: "Transpose" as const,
      name: `${this.c.name}/${what}`,
      inputs: [x],
      output: out,
      perm,
    };
    this.push(
      node,
      perm.map((p) => xs[p]),
    );
    return out;
  }

  /** Elements [start, start + len) of `axis` of x. */
  slice(x: string, axis: number, start: number, len: number, what: string): string {
    const xs = this.c.shapes[x];
    const out = this.tensor(what);
    const starts = xs.map((_, k) => (k === axis ? start : 0));
    const steps = xs.map(() => 1);
    const shape = xs.map((v, k) => (k === axis ? len : v));
    this.push(
      { op: "Slice", name: `${this.c.name}/${what}`, inputs: [x], output: out, starts, steps },
      shape,
    );
    return out;
  }

  private x(t: number): string {
    if (!this.xt.has(t)) this.xt.set(t, this.slice(this.X, 0, t, 1, `x${t}`));
    return this.xt.get(t)!;
  }

  private act(kind: ActivationKind, x: string, what: string): string {
    const output = this.tensor(what);
    this.push(plainActivation(kind, `${this.c.name}/${what}`, x, output), this.c.shapes[x]);
    return output;
  }

  private binary(op: "Add" | "Sub" | "Mul", x: string, y: string, what: string): string {
    const output = this.tensor(what);
    this.push({ op, name: `${this.c.name}/${what}`, inputs: [x, y], output }, this.c.shapes[x]);
    return output;
  }

  /** x * scale + bias, scale and bias [batch x H] constants (or scalars). */
  private affine(x: string, scale: Float64Array, bias: Float64Array, what: string): string {
    const output = this.tensor(what);
    const t = (v: Float64Array): Tensor =>
      v.length === 1 ? { shape: [], data: v } : { shape: this.row(v.length / this.batch), data: v };
    this.push(
      {
        op: "Affine",
        name: `${this.c.name}/${what}`,
        inputs: [x],
        output,
        scale: t(scale),
        bias: t(bias),
      },
      this.c.shapes[x],
    );
    return output;
  }

  /**
   * Rows [r0, r0 + rows) of W x_t + R h + bias, h a state (zero: W x_t + bias only; a constant:
   * R h folded into a per-batch-row bias; an activation: one Dense of [x_t, h] with [W | R]).
   */
  private preact(
    p: DirParams,
    t: number,
    r0: number,
    rows: number,
    bias: Float64Array,
    h: State,
    what: string,
  ) {
    const { I, H, batch } = this;
    const dense = typeof h === "string";
    const cols = dense ? I + H : I;
    const weight = new Float64Array(rows * cols);
    for (let j = 0; j < rows; j++) {
      weight.set(p.W.subarray((r0 + j) * I, (r0 + j + 1) * I), j * cols);
      if (dense) weight.set(p.R.subarray((r0 + j) * H, (r0 + j + 1) * H), j * cols + I);
    }
    let input = this.x(t);
    if (dense) {
      input = this.tensor(`${what}_in`);
      this.push(
        {
          op: "Concat",
          name: `${this.c.name}/${what}_in`,
          inputs: [this.x(t), h],
          output: input,
          axis: 2,
        },
        this.row(cols),
      );
    }
    const out = this.tensor(h instanceof Float64Array ? `${what}_x` : what);
    this.push(
      {
        op: "Dense",
        name: `${this.c.name}/${what}`,
        inputs: [input],
        output: out,
        weight: { shape: [rows, cols], data: weight },
        bias: { shape: [rows], data: Float64Array.from(bias) },
      },
      this.row(rows),
    );
    if (!(h instanceof Float64Array)) return out;
    return this.affine(out, Float64Array.of(1), this.times(p.R, r0, rows, h), what);
  }

  /** R[r0 : r0 + rows] h for a constant h of batch rows: [batch x rows]. */
  private times(R: Float64Array, r0: number, rows: number, h: Float64Array, add?: Float64Array) {
    const { H, batch } = this;
    return Float64Array.from({ length: batch * rows }, (_, i) => {
      const [b, j] = [Math.floor(i / rows), i % rows];
      let s = add ? add[j] : 0;
      for (let k = 0; k < H; k++) s += R[(r0 + j) * H + k] * h[b * H + k];
      return s;
    });
  }

  /**
   * LSTM (gates i, o, f, c): [i, o, f] = sigmoid(.), g = tanh(.), c_t = f c_{t-1} + i g,
   * h_t = o tanh(c_t).
   */
  lstm(p: DirParams, t: number, h: State, c: State): { h: string; c: string } {
    const { H } = this;
    const tag = `d${p.d}t${t}_`;
    const b = p.Wb.map((v, j) => v + p.Rb[j]);
    const s = this.act(
      "Sigmoid",
      this.preact(p, t, 0, 3 * H, b.subarray(0, 3 * H), h, `${tag}iof`),
      `${tag}iof_s`,
    );
    const g = this.act(
      "Tanh",
      this.preact(p, t, 3 * H, H, b.subarray(3 * H), h, `${tag}g`),
      `${tag}g_t`,
    );
    const [i, o, f] = [0, 1, 2].map((k) => this.slice(s, 2, k * H, H, `${tag}${"iof"[k]}`));
    const ig = this.binary("Mul", i, g, `${tag}ig`);
    let ct = ig;
    if (c !== null) {
      const fc =
        typeof c === "string"
          ? this.binary("Mul", f, c, `${tag}fc`)
          : this.affine(f, c, Float64Array.of(0), `${tag}fc`);
      ct = this.binary("Add", fc, ig, `${tag}c`);
    }
    return { h: this.binary("Mul", o, this.act("Tanh", ct, `${tag}c_t`), `${tag}h`), c: ct };
  }

  /**
   * GRU (gates z, r, h): [z, r] = sigmoid(.), n = tanh(W_h x + Wb_h + R_h (r h) + Rb_h), or with
   * linear_before_reset tanh(W_h x + Wb_h + r (R_h h + Rb_h)); h_t = n + z (h_{t-1} - n).
   */
  gru(p: DirParams, t: number, h: State, linearBeforeReset: boolean): string {
    const { H, batch } = this;
    const tag = `d${p.d}t${t}_`;
    const zrBias = p.Wb.subarray(0, 2 * H).map((v, j) => v + p.Rb[j]);
    const zr = this.act(
      "Sigmoid",
      this.preact(p, t, 0, 2 * H, zrBias, h, `${tag}zr`),
      `${tag}zr_s`,
    );
    const [z, r] = [0, 1].map((k) => this.slice(zr, 2, k * H, H, `${tag}${"zr"[k]}`));
    const Rbh = p.Rb.subarray(2 * H);
    let pre: string;
    if (linearBeforeReset) {
      const xh = this.preact(p, t, 2 * H, H, p.Wb.subarray(2 * H), null, `${tag}xh`);
      let rh: string | null = null;
      if (typeof h === "string") {
        const hh = this.tensor(`${tag}hh`);
        const weight = { shape: [H, H], data: p.R.slice(2 * H * H) };
        const bias = { shape: [H], data: Float64Array.from(Rbh) };
        this.push(
          { op: "Dense", name: `${this.c.name}/${tag}hh`, inputs: [h], output: hh, weight, bias },
          this.row(H),
        );
        rh = this.binary("Mul", r, hh, `${tag}rh`);
      } else if (h !== null)
        rh = this.affine(r, this.times(p.R, 2 * H, H, h, Rbh), Float64Array.of(0), `${tag}rh`);
      else if (Rbh.some((v) => v !== 0)) {
        const scale = Float64Array.from({ length: batch * H }, (_, i) => Rbh[i % H]);
        rh = this.affine(r, scale, Float64Array.of(0), `${tag}rh`);
      }
      pre = rh ? this.binary("Add", xh, rh, `${tag}n_pre`) : xh;
    } else {
      const rh =
        typeof h === "string"
          ? this.binary("Mul", r, h, `${tag}rh`)
          : h && this.affine(r, h, Float64Array.of(0), `${tag}rh`);
      const bias = p.Wb.subarray(2 * H).map((v, j) => v + Rbh[j]);
      pre = this.preact(p, t, 2 * H, H, bias, rh, `${tag}n_pre`);
    }
    const nt = this.act("Tanh", pre, `${tag}n`);
    if (h === null) return this.binary("Sub", nt, this.binary("Mul", z, nt, `${tag}zn`), `${tag}h`);
    const diff =
      typeof h === "string"
        ? this.binary("Sub", h, nt, `${tag}hn`)
        : this.affine(nt, Float64Array.of(-1), h, `${tag}hn`);
    return this.binary("Add", nt, this.binary("Mul", z, diff, `${tag}zd`), `${tag}h`);
  }

  /** RNN: h_t = f(W x_t + R h_{t-1} + Wb + Rb), f Tanh or Relu. */
  rnn(p: DirParams, t: number, h: State, f: "Tanh" | "Relu"): string {
    const tag = `d${p.d}t${t}_`;
    const b = p.Wb.map((v, j) => v + p.Rb[j]);
    return this.act(f, this.preact(p, t, 0, this.H, b, h, `${tag}pre`), `${tag}h`);
  }

  /**
   * Concatenates [1, batch, H] parts along axis 0, reshapes to `shape` and (layout 1)
   * transposes by `perm`; the last node writes `output`.
   */
  assemble(parts: string[], shape: number[], output: string, perm: number[] | null) {
    const what = output.replace(/\W/g, "_");
    const flat = [parts.length, this.batch, this.H];
    const cat = this.tensor(`${what}_rows`);
    if (parts.length === 1) {
      this.push(
        { op: "Reshape", name: `${this.c.name}/${what}`, inputs: parts, output: cat, shape: flat },
        flat,
      );
    } else
      this.push(
        { op: "Concat", name: `${this.c.name}/${what}`, inputs: parts, output: cat, axis: 0 },
        flat,
      );
    const shaped = perm ? this.tensor(what) : output;
    this.push(
      { op: "Reshape", name: `${this.c.name}/${what}_shape`, inputs: [cat], output: shaped, shape },
      shape,
    );
    if (perm)
      this.push(
        { op: "Transpose", name: `${this.c.name}/${what}_layout`, inputs: [shaped], output, perm },
        perm.map((k) => shape[k]),
      );
  }
}
