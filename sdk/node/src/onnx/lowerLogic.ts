import { ShapeError } from "@zkml-verify/core/internal/errors";
import type { CompareKind, Tensor } from "./ir.ts";
import { broadcastIndex, broadcastShapes, numel } from "./ir.ts";
import type { LowerContext } from "./lowerNode.ts";
import { unsupported } from "./lowerNode.ts";
import type { Push } from "./lowerSpatial.ts";
import { readAttributes } from "./readAttributes.ts";

/** The comparison ops, and the kind that holds with the operands swapped. */
const SWAPPED: Record<CompareKind, CompareKind> = {
  Less: "Greater",
  Greater: "Less",
  LessOrEqual: "GreaterOrEqual",
  GreaterOrEqual: "LessOrEqual",
  Equal: "Equal",
};

/** Operands of a logic op: an activation's name, or a constant. */
type Operand = { act: string } | { k: Tensor };

/**
 * Comparisons (Less, Greater, LessOrEqual, GreaterOrEqual, Equal), Not, And, Or, Xor and
 * Where, with data-dependent operands. ONNX booleans are the numbers 0 and 1: a comparison
 * is a `Compare` node (proven from the sign of a range-checked difference, see
 * quantize/lowerDecisions.ts); Not is 1 - x; And is a product, Or a + b - ab, Xor
 * a + b - 2ab; Where(c, x, y) is y + c (x - y) (a product when c is data-dependent, a
 * linear map when it is constant). Constant operands fold into Affine nodes.
 *
 * @example
 * lowerLogic(c, ["x"], push); // Less(x, 0.5) -> { op: "Compare", kind: "Less", constant: 0.5 }
 */
export function lowerLogic(c: LowerContext, push: Push): void {
  const { n, consts, shapes } = c;
  const op = (n.opType ?? "") as CompareKind | "Not" | "And" | "Or" | "Xor" | "Where";
  readAttributes(n, c.name, []);
  const output = n.output![0];
  const operand = (name: string): Operand => {
    const k = consts.get(name);
    return k ? { k } : { act: name };
  };
  const shapeOf = (o: Operand) => ("act" in o ? shapes[o.act] : o.k.shape);
  const ops = (n.input ?? []).map(operand);
  const outShape = ops
    .map(shapeOf)
    .reduce<number[] | null>((s, t) => s && broadcastShapes(s, t), []);
  if (!outShape)
    throw new ShapeError(
      `${op} node "${c.name}": operand shapes ${ops.map((o) => `[${shapeOf(o)}]`).join(", ")} do not broadcast`,
      { details: { tensor: output, node: c.name } },
    );
  let step = 0;
  const tmp = (what: string) => `${output}__${what}${step++}`;

  /** y = x * scale + bias (constants), refusing a constant that would broadcast x. */
  const affine = (x: string, scale: Tensor, bias: Tensor, out: string): string => {
    const shape = broadcastShapes(broadcastShapes(shapes[x], scale.shape) ?? [], bias.shape);
    if (!shape || numel(shape) !== numel(shapes[x]))
      throw unsupported(
        c,
        undefined,
        `a constant operand of shape [${scale.shape.length > bias.shape.length ? scale.shape : bias.shape}] would broadcast the activation [${shapes[x]}]`,
      );
    for (const v of [...scale.data, ...bias.data])
      if (!Number.isFinite(v)) throw unsupported(c, undefined, `the constant ${v} is not finite`);
    push({ op: "Affine", name: `${c.name}/${out}`, inputs: [x], output: out, scale, bias }, shape);
    return out;
  };
  const binary = (kind: "Add" | "Sub" | "Mul", a: string, b: string, out: string): string => {
    push(
      { op: kind, name: `${c.name}/${out}`, inputs: [a, b], output: out },
      broadcastShapes(shapes[a], shapes[b])!,
    );
    return out;
  };
  /** a + s * b for operands (constants folded). */
  const combine = (a: Operand, s: number, b: Operand, out: string): Operand => {
    if ("k" in a && "k" in b) return { k: constMap(a.k, b.k, (x, y) => x + s * y) };
    if ("act" in a && "act" in b) {
      if (s === 1) return { act: binary("Add", a.act, b.act, out) };
      if (s === -1) return { act: binary("Sub", a.act, b.act, out) };
      const sb = affine(b.act, scalar(s), scalar(0), tmp("scaled"));
      return { act: binary("Add", a.act, sb, out) };
    }
    if ("act" in a && "k" in b) return { act: affine(a.act, scalar(1), scaled(b.k, s), out) };
    return { act: affine((b as { act: string }).act, scalar(s), (a as { k: Tensor }).k, out) };
  };
  /** a * b for operands. */
  const product = (a: Operand, b: Operand, out: string): Operand => {
    if ("k" in a && "k" in b) return { k: constMap(a.k, b.k, (x, y) => x * y) };
    if ("act" in a && "act" in b) return { act: binary("Mul", a.act, b.act, out) };
    const [x, k] = "act" in a ? [a.act, (b as { k: Tensor }).k] : [(b as { act: string }).act, a.k];
    return { act: affine(x, k, scalar(0), out) };
  };
  const finish = (o: Operand) => {
    if ("k" in o)
      throw unsupported(c, undefined, "all its inputs are constants and it cannot be folded");
    if (o.act === output) return;
    const shape = shapes[o.act];
    if (numel(shape) !== numel(outShape))
      throw unsupported(
        c,
        undefined,
        `its result [${shape}] would have to be broadcast to [${outShape}]`,
      );
    push({ op: "Reshape", name: c.name, inputs: [o.act], output, shape: outShape }, outShape);
  };

  switch (op) {
    case "Less":
    case "Greater":
    case "LessOrEqual":
    case "GreaterOrEqual":
    case "Equal": {
      const [a, b] = ops;
      if ("act" in a && "act" in b)
        return push(
          { op: "Compare", name: c.name, kind: op, inputs: [a.act, b.act], output, constant: null },
          outShape,
        );
      const [x, k, kind] =
        "act" in a
          ? [a.act, (b as { k: Tensor }).k, op]
          : [(b as { act: string }).act, a.k, SWAPPED[op]];
      return push(
        { op: "Compare", name: c.name, kind, inputs: [x], output, constant: k },
        outShape,
      );
    }
    case "Not": {
      const [a] = ops;
      if (!("act" in a)) return finish(a);
      return finish({ act: affine(a.act, scalar(-1), scalar(1), output) });
    }
    case "And":
      return finish(product(ops[0], ops[1], output));
    case "Or":
    case "Xor": {
      // a + b - w ab, w = 1 (Or) or 2 (Xor): exact on 0/1
      const [a, b] = ops;
      const ab = product(a, b, tmp("and"));
      const sum = combine(a, 1, b, tmp("sum"));
      return finish(combine(sum, op === "Or" ? -1 : -2, ab, output));
    }
    case "Where": {
      const [cond, x, y] = ops;
      if ("k" in cond) {
        // a constant condition selects: x * C + y * (1 - C), a linear map (no constraint)
        const notC = constMap(cond.k, scalar(1), (v, one) => one - (v ? 1 : 0));
        const C = constMap(cond.k, scalar(1), (v) => (v ? 1 : 0));
        const fromX =
          "act" in x
            ? { act: affine(x.act, C, scalar(0), tmp("x")) }
            : { k: constMap(C, x.k, (s, v) => (s ? v : 0)) };
        const fromY =
          "act" in y
            ? { act: affine(y.act, notC, scalar(0), tmp("y")) }
            : { k: constMap(notC, y.k, (s, v) => (s ? v : 0)) };
        return finish(combine(fromX, 1, fromY, output));
      }
      // data-dependent: y + c (x - y), exact since c is 0 or 1
      const diff = combine(x, -1, y, tmp("diff"));
      const picked = product(cond, diff, tmp("pick"));
      return finish(combine(y, 1, picked, output));
    }
  }
}

/**
 * Where with a constant condition, one activation and one constant scalar: an attention mask
 * (lowerMask in lowerProducts.ts, which also takes an infinite fill before a Softmax).
 *
 * @example
 * isMaskWhere(c); // Where(causal, scores, -inf) -> true
 */
export function isMaskWhere(c: LowerContext): boolean {
  const [cond, x, y] = c.n.input ?? [];
  const k = c.consts;
  if (!k.has(cond)) return false;
  const scalarConst = (name: string) => k.has(name) && k.get(name)!.data.length === 1;
  return (scalarConst(x) && !k.has(y)) || (scalarConst(y) && !k.has(x));
}

const scalar = (v: number): Tensor => ({ shape: [], data: Float64Array.of(v) });
const scaled = (t: Tensor, s: number): Tensor => ({
  shape: t.shape,
  data: t.data.map((v) => v * s),
});

/** Elementwise f(a, b) of two constants, broadcast. */
function constMap(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes(a.shape, b.shape)!;
  const ai = broadcastIndex(a.shape, shape);
  const bi = broadcastIndex(b.shape, shape);
  return {
    shape,
    data: new Float64Array(numel(shape)).map((_, i) => f(a.data[ai[i]], b.data[bi[i]])),
  };
}
