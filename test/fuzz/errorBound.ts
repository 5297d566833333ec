import type { ModelIR } from "../../sdk/node/src/onnx/ir.ts";
import { linearTerms } from "../../sdk/node/src/onnx/linearTerms.ts";
import type { LinearIrNode } from "../../sdk/node/src/onnx/linearTerms.ts";
import type { LinearOp, QuantizedModel } from "../../sdk/core/src/quantize/types.ts";
import { unaryFloat } from "../../sdk/core/src/quantize/unaryFunctions.ts";

/**
 * A rigorous bound on |quantized - float| for every element of every tensor of one evaluation,
 * derived from the scales. It is a first-order propagation of the rounding quanta through the
 * quantized ops, using the actual quantized values x' (exact) for the magnitudes:
 *
 *  - input: |x - round(x 2^f) / 2^f| (exact, <= 2^-(f+1)).
 *  - linear: sum w x - sum w~ x' = sum w (x - x') + sum (w - w~) x', so per output
 *    E <= |b - b~| + sum_t (|w_t| E_t + |w_t - w~_t| |x'_t|), with w, b the float coefficients of
 *    the IR node (linearTerms) and w~ = W / 2^wf, b~ = B / 2^(inFrac + wf) the integer ones;
 *    + 2^-(outFrac+1) for the rescale (round half up); the fused ReLU is 1-Lipschitz.
 *  - layout: the source element's E (a Pad fill: 2^-(f+1)).
 *  - mul: |ab - a'b'| <= |a'| E_b + |b'| E_a + E_a E_b, + 2^-(f+1).
 *  - max / clip / range: max of the inputs' E (clip bounds are rounded: at least 2^-(f+1)).
 *  - decision bits (Compare, tree splits: a clip to [0, 1] of an integer difference D): 0 when
 *    |D - 1/2| exceeds D's error (in units) + 1.5, else 1; a tree's leaf indicators: 0 while
 *    the path sum's error is below 1, else 1.
 *  - leaky: max(1, |s|) E + |s - s~| |x'| + 2^-(f+1), |s - s~| <= 2^-(slopeFrac+1).
 *  - piecewise (Sigmoid, Tanh, Exp, Erf, GELU, ...): the op's measured maxError max(1, |f(x')|)
 *    (output rounding and a saturating function's limits beyond its fitted range included)
 *    + 1.1 max |f(x' +- E) - f(x')| + 2^-(f+4).
 *  - dot: sum_t (|a'| E_b + |b'| E_a + E_a E_b), + 2^-(f+1) when it rescales.
 *  - div: |a/b - a'/b'| <= (E_a + |a'/b'| E_b) / (|b'| - E_b) (infinite when |b'| <= E_b),
 *    + 2^-(f+1) (rounded to nearest).
 *  - rsqrt: |1/sqrt(v) - 1/sqrt(v')| <= E_v / (2 (v' - E_v)^(3/2)) (infinite when v' <= E_v),
 *    + 2^-f (rounded down).
 * Softmax / LogSoftmax are not quantized (the circuit proves the logits); argmax is compared
 * only where the float margin exceeds the bound.
 */
export function quantizationErrorBound(p: {
  ir: ModelIR;
  model: QuantizedModel;
  /** The float input (flat). */
  input: readonly number[];
  /** Every tensor of the quantized evaluation (runOps with check: false). */
  values: bigint[][];
}): Float64Array[] {
  const { ir, model, values } = p;
  const t = model.tensors;
  const real = (id: number, i: number) => Number(values[id][i]) / 2 ** t[id].frac;
  const E: Float64Array[] = [];
  E[0] = Float64Array.from(p.input, (x, i) => Math.abs(x - real(0, i)));
  const half = (frac: number) => 2 ** -(frac + 1);
  for (const op of model.layers) {
    const out = op.output;
    const n = values[out].length;
    const fo = t[out].frac;
    const e = new Float64Array(n);
    switch (op.kind) {
      case "linear": {
        const inF = t[op.inputs[0]].frac;
        // the integer differences and path sums of decisions (lowerDecisions.ts) are exact
        const fl = /\/(diff|paths)$/.test(op.name)
          ? {
              coef: Float64Array.from(op.weight, (w) => Number(w) / 2 ** op.weightFrac),
              bias: Float64Array.from(op.bias, (b) => Number(b) / 2 ** (inF + op.weightFrac)),
            }
          : floatTerms(ir, op);
        for (let o = 0; o < n; o++) {
          const bq = Number(op.bias[o]) / 2 ** (inF + op.weightFrac);
          let s = fl ? Math.abs(fl.bias[o] - bq) : half(inF + op.weightFrac);
          for (let k = op.start[o]; k < op.start[o + 1]; k++) {
            const id = op.inputs[op.operand[k]];
            const wq = Number(op.weight[k]) / 2 ** op.weightFrac;
            const dw = fl ? Math.abs(fl.coef[k] - wq) : half(op.weightFrac);
            const w = fl ? Math.abs(fl.coef[k]) : Math.abs(wq) + dw;
            s += times(w, E[id][op.index[k]]) + times(dw, Math.abs(real(id, op.index[k])));
          }
          e[o] = s + (op.quotientBits > 0 ? half(fo) : 0);
        }
        break;
      }
      case "layout":
        for (let i = 0; i < n; i++)
          e[i] = op.operand[i] < 0 ? half(fo) : E[op.inputs[op.operand[i]]][op.index[i]];
        break;
      case "mul": {
        const [a, b] = op.inputs;
        for (let i = 0; i < n; i++) {
          const ea = E[a][op.aIndex[i]];
          const eb = E[b][op.bIndex[i]];
          e[i] =
            times(Math.abs(real(a, op.aIndex[i])), eb) +
            times(Math.abs(real(b, op.bIndex[i])), ea) +
            times(ea, eb) +
            half(fo);
        }
        break;
      }
      case "max":
        op.groups.forEach((g, k) => (e[k] = Math.max(...g.map((j) => E[op.inputs[0]][j]))));
        break;
      case "argmax":
        // an index: exact when the quantized winner beats every other element by more than
        // both errors (then the float model picks it too), else any position of the group
        op.groups.forEach((g, k) => {
          const id = op.inputs[0];
          const w = g[Number(values[out][k])];
          const sure = g.every((j) => j === w || real(id, w) - E[id][w] > real(id, j) + E[id][j]);
          e[k] = sure ? 0 : g.length;
        });
        break; // a final argmax is compared by margin, see fuzzModel.ts
      case "topk": {
        // sorted values move by at most the largest input error (sorting is 1-Lipschitz in the
        // max norm); positions are exact when every pair of the group is apart by more than
        // both errors, else anywhere in the group
        const id = op.inputs[0];
        op.groups.forEach((g, q) => {
          const eMax = Math.max(...g.map((j) => E[id][j]));
          const apart = g.every((a) =>
            g.every((b) => a === b || Math.abs(real(id, a) - real(id, b)) > E[id][a] + E[id][b]),
          );
          for (let j = 0; j < op.k; j++) {
            e[q * 2 * op.k + j] = eMax;
            e[q * 2 * op.k + op.k + j] = apart ? 0 : g.length;
          }
        });
        break;
      }
      case "clip": {
        const inp = op.inputs[0];
        if (op.name.endsWith("/bits")) {
          // a decision bit [D >= 1] of the integer difference D (lowerDecisions.ts): the float
          // model decides alike unless D is within its error (plus one unit for a rounded
          // threshold) of the step; then the bit may be off by 1
          const unit = 2 ** t[inp].frac;
          for (let i = 0; i < n; i++)
            e[i] = Math.abs(Number(values[inp][i]) - 0.5) > E[inp][i] * unit + 1.5 ? 0 : 1;
        } else if (op.name.endsWith("/leaves")) {
          // a leaf indicator from an integer path sum: exact while every path bit is
          for (let i = 0; i < n; i++) e[i] = E[inp][i] < 1 ? 0 : 1;
        } else for (let i = 0; i < n; i++) e[i] = Math.max(E[inp][i], half(fo));
        break;
      }
      case "range":
        e.set(E[op.inputs[0]]);
        break;
      case "leaky": {
        const ds = half(op.slopeFrac);
        for (let i = 0; i < n; i++) {
          const s = Math.abs(op.slope[i]) / 2 ** op.slopeFrac + ds;
          e[i] =
            Math.max(1, s) * E[op.inputs[0]][i] + ds * Math.abs(real(op.inputs[0], i)) + half(fo);
        }
        break;
      }
      case "piecewise": {
        // |q - f(x)| <= |q - f(x')| + |f(x') - f(x)|: the measured bound at the exact input x'
        // (output rounding included) plus f's change over x' +- E (secants, 10% margin).
        const fl = unaryFloat(op);
        for (let i = 0; i < n; i++) {
          const xq = real(op.inputs[0], i);
          const ein = E[op.inputs[0]][i];
          const y = fl(xq);
          const change = Math.max(
            Math.abs(fl(xq + ein) - y),
            Math.abs(fl(Math.max(xq - ein, op.segments === "octave" ? 0 : -Infinity)) - y),
          );
          e[i] = op.maxError * Math.max(1, Math.abs(y)) + 1.1 * change + 2 ** -(op.frac + 4);
          if (!Number.isFinite(e[i])) e[i] = Infinity;
        }
        break;
      }
      case "dot": {
        const [a, b] = op.inputs;
        for (let o = 0; o < n; o++) {
          let sum = op.shift > 0 ? half(fo) : 0;
          for (let k = o * op.terms; k < (o + 1) * op.terms; k++) {
            const ea = E[a][op.aIndex[k]];
            const eb = E[b][op.bIndex[k]];
            sum +=
              times(Math.abs(real(a, op.aIndex[k])), eb) +
              times(Math.abs(real(b, op.bIndex[k])), ea) +
              times(ea, eb);
          }
          e[o] = sum;
        }
        break;
      }
      case "div": {
        const [a, b] = op.inputs;
        for (let i = 0; i < n; i++) {
          const ea = E[a][op.aIndex[i]];
          const eb = E[b][op.bIndex[i]];
          const bq = Math.abs(real(b, op.bIndex[i]));
          const ratio = Math.abs(real(a, op.aIndex[i])) / bq;
          e[i] = bq > eb ? (ea + ratio * eb) / (bq - eb) + half(fo) : Infinity;
        }
        break;
      }
      case "rsqrt":
        for (let i = 0; i < n; i++) {
          const ev = E[op.inputs[0]][i];
          const v = real(op.inputs[0], i);
          e[i] = v > ev ? ev / (2 * (v - ev) ** 1.5) + 2 ** -fo : Infinity;
        }
        break;
    }
    E[out] = e;
  }
  return E;
}

/**
 * x·e for the bound's product terms, with 0·∞ = 0: a term with an exact zero factor (a zero
 * weight, an exact zero value with an error bound of 0) contributes nothing, even where the
 * other factor's bound is infinite (an rsqrt of a zero variance); without this the bound is NaN.
 */
const times = (x: number, e: number) => (x === 0 || e === 0 ? 0 : x * e);

const LINEAR = new Set([
  "Dense",
  "Conv",
  "ConvTranspose",
  "Resize",
  "Affine",
  "Add",
  "Sub",
  "AveragePool",
  "ReduceSum",
  "ReduceMean",
]);

/** The float coefficients behind a quantized linear op (null: fall back to the rounding quanta). */
function floatTerms(ir: ModelIR, op: LinearOp): { coef: Float64Array; bias: Float64Array } | null {
  const node = ir.nodes.find((n) => n.name === op.name);
  if (!node) return null;
  const n = op.bias.length;
  const uniform = (a: number, b: number) => ({
    coef: new Float64Array(op.weight.length).fill(a),
    bias: new Float64Array(n).fill(b),
  });
  if (node.op === "Activation") {
    if (node.kind === "HardSigmoid") return uniform(node.alpha, node.beta);
    if (node.kind === "HardSwish") return uniform(1 / 6, 0.5);
    return null;
  }
  if (!LINEAR.has(node.op)) return null;
  const t = linearTerms(
    node as LinearIrNode,
    node.inputs.map((i) => ir.shapes[i]),
    ir.shapes[node.output],
  );
  return t.coef.length === op.weight.length && t.bias.length === n ? t : null;
}
