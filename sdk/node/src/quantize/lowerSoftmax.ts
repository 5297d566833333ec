import { UnsupportedOpError } from "@zkml-verify/core/internal/errors";
import type { SoftmaxNode } from "../onnx/ir.ts";
import { numel } from "../onnx/ir.ts";
import type { LinearTerms } from "../onnx/linearTerms.ts";
import { maxGroups } from "../onnx/linearTerms.ts";
import type { NormalizeLowering } from "./lowerNormalize.ts";

/**
 * A Where / Trilu fill at or below this (float units, e.g. -inf, -1e9, finfo.min) masks the
 * element out of a Softmax: exp of it is exactly 0 in float64 too.
 */
export const MASKED_FILL = -1e4;

/** What the Softmax lowering needs from lowerToQuantized's state. */
export interface SoftmaxLowering extends NormalizeLowering {
  /** Applies a smooth unary function (the piecewise op) to a tensor; returns the output id. */
  unary: (name: string, id: number, fn: "exp" | "log", outName: string) => number;
}

/**
 * Softmax / LogSoftmax anywhere in the graph, x at scale 2^f, per group g (the axis):
 *   m = max(x_g)                          (max op: one comparison per element)
 *   s = x - m                             (exact linear, <= 0)
 *   e = exp(max(s, -(f+2) ln 2))          (clip, then the piecewise op, in (0, 1]; the cut moves
 *                                          e by < 2^-(f+2))
 *   z = sum(e_g)                          (exact linear, >= 1: the maximum contributes exp(0))
 *   Softmax: y = round(e 2^f / z)         (div op: exact rounded division)
 *   LogSoftmax: y = s - log(z)            (piecewise log of z >= 1, then exact linear)
 * `keep` (a mask with a -inf fill in front of the Softmax) leaves elements out of every step:
 * they are 0 in the Softmax output.
 *
 * @example
 * lowerSoftmax(state, node, inputId, shape, null);
 */
export function lowerSoftmax(
  s: SoftmaxLowering,
  node: SoftmaxNode,
  id: number,
  xs: number[],
  mask: { keep: Uint8Array; index: Int32Array } | null,
): void {
  const f = s.tensors[id].frac;
  const nm = (what: string) => `${node.output}__${what}`;
  const all = maxGroups(
    node,
    xs,
    xs.map((d, i) => (i === node.axis ? 1 : d)),
  );
  // kept elements, numbered compactly (group by group) behind a mask; the flat order without one
  const pos = new Int32Array(numel(xs)).fill(-1);
  const src: number[] = [];
  const groups = mask
    ? all.map((g) =>
        g.flatMap((j) => {
          if (!mask.keep[j]) return [];
          pos[j] = src.length;
          src.push(mask.index[j]);
          return [pos[j]];
        }),
      )
    : all;
  if (!mask) pos.forEach((_, j) => (pos[j] = j));
  const refuse = (why: string) =>
    new UnsupportedOpError(`${node.op} node "${node.name}": ${why}`, {
      details: { op: node.op, node: node.name, supported: ["Softmax of a -inf mask"] },
    });
  if (groups.some((g) => g.length === 0)) throw refuse("a group is masked entirely (NaN)");
  if (node.op === "LogSoftmax" && mask) throw refuse("a masked element would be -inf");
  let x = s.boundedId(id, node.name);
  const compact = mask !== null;
  const n = mask ? src.length : numel(xs);
  if (compact) {
    const g = s.addTensor(nm("kept"), [n], f, true);
    s.ops.push({
      kind: "layout",
      name: `${node.name}/kept`,
      inputs: [x],
      output: g,
      operand: src.map(() => 0),
      index: src,
      fill: 0,
    });
    x = g;
  }
  const shape = compact ? [n] : xs;
  const ng = groups.length;
  const m = s.addTensor(nm("max"), [ng], f, true);
  s.ops.push({
    kind: "max",
    name: `${node.name}/max`,
    inputs: [x],
    output: m,
    groups,
    bits: 0,
    selectLast: false,
  });
  const groupOf = new Int32Array(n);
  groups.forEach((g, k) => g.forEach((j) => (groupOf[j] = k)));
  const shifted = s.linear(
    `${node.name}/shift`,
    [x, m],
    terms(n, (o, t) => (t.term(0, o, 1), t.term(1, groupOf[o], -1))),
    nm("shifted"),
    shape,
  );
  // exp(s) < 2^-(f+2) (a quarter of the output's unit) below s = -(f+2) ln 2: clip there, so
  // exp's input, and with it its polynomial, spans a few bits whatever the scores' range.
  const cut = s.addTensor(nm("cut"), shape, f, true);
  s.ops.push({
    kind: "clip",
    name: `${node.name}/cut`,
    inputs: [shifted],
    output: cut,
    lo: -Math.ceil((f + 2) * Math.LN2 * 2 ** f),
    hi: 0,
    bits: 0,
  });
  const e = s.unary(`${node.name}/exp`, cut, "exp", nm("exp"));
  const z = s.boundedId(
    s.linear(
      `${node.name}/sum`,
      [e],
      terms(ng, (o, t) => groups[o].forEach((j) => t.term(0, j, 1))),
      nm("sum"),
      [ng],
    ),
    node.name,
  );
  if (node.op === "LogSoftmax") {
    const l = s.unary(`${node.name}/log`, z, "log", nm("logsum"));
    s.linear(
      `${node.name}/sub`,
      [shifted, l],
      terms(n, (o, t) => (t.term(0, o, 1), t.term(1, groupOf[o], -1))),
      node.output,
      xs,
    );
    return;
  }
  const out = compact
    ? s.addTensor(nm("probs"), shape, f, true)
    : s.addTensor(node.output, xs, f, true);
  s.ops.push({
    kind: "div",
    name: `${node.name}/div`,
    inputs: [e, z],
    output: out,
    aIndex: Array.from({ length: n }, (_, i) => i),
    bIndex: Array.from(groupOf),
    shift: f,
    quotientBits: 250 - f,
    bBits: 0,
  });
  if (!compact) return;
  const y = s.addTensor(node.output, xs, f, true);
  s.ops.push({
    kind: "layout",
    name: `${node.name}/masked`,
    inputs: [out],
    output: y,
    operand: Array.from(pos, (p) => (p < 0 ? -1 : 0)),
    index: Array.from(pos, (p) => Math.max(0, p)),
    fill: 0,
  });
}

/** Linear terms with `rows` rows and no bias, each filled by `row`. */
function terms(
  rows: number,
  row: (o: number, t: { term: (operand: number, index: number, coef: number) => void }) => void,
): LinearTerms {
  const start = [0];
  const operand: number[] = [];
  const index: number[] = [];
  const coef: number[] = [];
  for (let o = 0; o < rows; o++) {
    row(o, {
      term: (a, i, c) => {
        operand.push(a);
        index.push(i);
        coef.push(c);
      },
    });
    start.push(index.length);
  }
  return {
    start: Int32Array.from(start),
    operand: Uint8Array.from(operand),
    index: Int32Array.from(index),
    coef: Float64Array.from(coef),
    bias: new Float64Array(rows),
  };
}
