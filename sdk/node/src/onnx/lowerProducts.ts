import { ShapeError } from "@zkml-verify/core/internal/errors";
import type { IrNode, Tensor } from "./ir.ts";
import { broadcastIndex, broadcastShapes, numel } from "./ir.ts";
import type { LowerContext } from "./lowerNode.ts";
import { unsupported } from "./lowerNode.ts";
import type { Push } from "./lowerSpatial.ts";
import { transpose2 } from "./lowerSpatial.ts";
import { requireMatMul } from "./matmulIndex.ts";
import { readAttributes } from "./readAttributes.ts";
import { normAxis } from "./shapeOps.ts";

/**
 * Products and normalizations of activations: MatMul / Gemm whose operands are both
 * activations (or whose left operand is the constant), Div of two activations,
 * LayerNormalization and InstanceNormalization, and the masks of attention (Trilu, Where with
 * a constant condition).
 */

/**
 * A constant [T, M, K] times an activation [T, K, N] (hummingbird-ml's batched trees): the T
 * products as one Dense with a block-diagonal weight [T M, T K] on B laid out as [N, T K],
 * laid back out as [T, M, N]. Zero weights cost nothing (fixed-weight rows skip them).
 */
function batchedConstantLeft(
  c: LowerContext,
  A: Tensor,
  B: string,
  bs: number[],
  output: string,
  push: Push,
): void {
  const [T, M, K] = A.shape;
  const N = bs[2];
  const name = (what: string) => `${output}__${what}`;
  const weight = new Float64Array(T * M * T * K);
  for (let t = 0; t < T; t++)
    for (let m = 0; m < M; m++)
      for (let k = 0; k < K; k++)
        weight[(t * M + m) * T * K + t * K + k] = A.data[(t * M + m) * K + k];
  push(
    { op: "Transpose", name: `${c.name}/Bt`, inputs: [B], output: name("Bt"), perm: [2, 0, 1] },
    [N, T, K],
  );
  push(
    {
      op: "Reshape",
      name: `${c.name}/rows`,
      inputs: [name("Bt")],
      output: name("rows"),
      shape: [N, T * K],
    },
    [N, T * K],
  );
  push(
    {
      op: "Dense",
      name: c.name,
      inputs: [name("rows")],
      output: name("ABt"),
      weight: { shape: [T * M, T * K], data: weight },
      bias: null,
    },
    [N, T * M],
  );
  push(
    {
      op: "Reshape",
      name: `${c.name}/blocks`,
      inputs: [name("ABt")],
      output: name("blocks"),
      shape: [N, T, M],
    },
    [N, T, M],
  );
  push(
    { op: "Transpose", name: `${c.name}/ABt`, inputs: [name("blocks")], output, perm: [1, 2, 0] },
    [T, M, N],
  );
}

/**
 * MatMul / Gemm where B is not a constant: a MatMul node of two activations, or, with a
 * constant A, the Dense of the transposed product ((A B)^T = B^T A^T); Gemm's transA / transB
 * become Transposes, alpha an Affine, C an Affine bias (constant) or an Add (activation).
 *
 * @example
 * lowerMatMulActs(c, push); // Gemm(x, y, z) -> MatMul(x, y), Add(., z)
 */
export function lowerMatMulActs(c: LowerContext, push: Push): void {
  const { n, consts, shapes } = c;
  const op = n.opType ?? "";
  const ins = n.input ?? [];
  const output = n.output![0];
  const gemm = op === "Gemm";
  const a = gemm
    ? readAttributes(n, c.name, ["alpha", "beta", "transA", "transB", "broadcast"])
    : readAttributes(n, c.name, []);
  const steps: string[] = [];
  const alpha = gemm ? a.float("alpha", 1) : 1;
  const beta = gemm ? a.float("beta", 1) : 1;
  const cName = gemm && ins[2] ? ins[2] : "";
  const cConst = cName ? consts.get(cName) : undefined;
  const hasC = !!cName && beta !== 0 && !(cConst && cConst.data.every((v) => v === 0));
  if (alpha !== 1) steps.push("alpha");
  if (hasC) steps.push("C");
  const name = (what: string) => `${output}__${what}`;
  const product = steps.length ? name("product") : output;
  const operand = (i: number, trans: boolean): string | Tensor => {
    const t = ins[i];
    const k = consts.get(t);
    if (k) return trans ? transpose2(k) : k;
    if (!trans) return t;
    const s = shapes[t];
    const out = name(`trans${"AB"[i]}`);
    push(
      {
        op: "Transpose",
        name: `${c.name}/trans${"AB"[i]}`,
        inputs: [t],
        output: out,
        perm: [1, 0],
      },
      [s[1], s[0]],
    );
    return out;
  };
  const A = operand(0, gemm && a.int("transA", 0) === 1);
  const B = operand(1, gemm && a.int("transB", 0) === 1);
  if (typeof B !== "string") throw new TypeError("lowerMatMulActs: B is a constant");
  const bs = shapes[B];
  if (typeof A === "string") {
    const mi = requireMatMul(shapes[A], bs, c.name);
    push({ op: "MatMul", name: c.name, inputs: [A, B], output: product }, mi.shape);
  } else {
    if (A.shape.length === 3 && bs.length === 3 && A.shape[0] === bs[0] && A.shape[2] === bs[1])
      return batchedConstantLeft(c, A, B, bs, product, push);
    // A constant [M, K] times an activation [..., K, N]: transpose B, a Dense with weight A, transpose back.
    if (A.shape.length !== 2 || bs.length < 2)
      throw unsupported(
        c,
        "A",
        "a constant left operand must be 2-D (or [T, M, K] times an activation [T, K, N]) and the right one at least 2-D",
      );
    requireMatMul(A.shape, bs, c.name);
    const perm = bs.map((_, i) => i);
    [perm[bs.length - 2], perm[bs.length - 1]] = [perm[bs.length - 1], perm[bs.length - 2]];
    const bt = perm.map((p) => bs[p]);
    push({ op: "Transpose", name: `${c.name}/Bt`, inputs: [B], output: name("Bt"), perm }, bt);
    const dense = [...bt.slice(0, -1), A.shape[0]];
    push(
      {
        op: "Dense",
        name: c.name,
        inputs: [name("Bt")],
        output: name("ABt"),
        weight: A,
        bias: null,
      },
      dense,
    );
    push(
      { op: "Transpose", name: `${c.name}/ABt`, inputs: [name("ABt")], output: product, perm },
      perm.map((p) => dense[p]),
    );
  }
  let cur = product;
  const shape = shapes[product];
  if (alpha !== 1) {
    const out = hasC ? name("alpha") : output;
    const scale = { shape: [], data: Float64Array.of(alpha) };
    push(
      { op: "Affine", name: `${c.name}/alpha`, inputs: [cur], output: out, scale, bias: scalar(0) },
      shape,
    );
    cur = out;
  }
  if (!hasC) return;
  if (cConst) {
    const bias = { shape: cConst.shape, data: cConst.data.map((v) => v * beta) };
    const sb = broadcastShapes(shape, bias.shape);
    if (!sb || numel(sb) !== numel(shape))
      throw unsupported(c, "C", `C of shape [${bias.shape}] does not broadcast to [${shape}]`);
    return push(
      { op: "Affine", name: `${c.name}/C`, inputs: [cur], output, scale: scalar(1), bias },
      shape,
    );
  }
  let cAct = cName;
  const cs = shapes[cName];
  const sb = broadcastShapes(shape, cs);
  if (!sb || numel(sb) !== numel(shape))
    throw new ShapeError(
      `Gemm node "${c.name}": C of shape [${cs}] does not broadcast to [${shape}]`,
      {
        details: { tensor: cName, node: c.name, shape: cs },
      },
    );
  if (beta !== 1) {
    cAct = name("betaC");
    push(
      {
        op: "Affine",
        name: `${c.name}/beta`,
        inputs: [cName],
        output: cAct,
        scale: scalar(beta),
        bias: scalar(0),
      },
      cs,
    );
  }
  push({ op: "Add", name: `${c.name}/C`, inputs: [cur, cAct], output }, shape);
}

/**
 * LayerNormalization (axes from `axis` to the end) and InstanceNormalization (the spatial
 * axes): a Normalize node, then an Affine with the constant scale and bias.
 *
 * @example
 * lowerNormalization(c, "x", push);
 */
export function lowerNormalization(c: LowerContext, x: string, push: Push): void {
  const { n, consts, shapes } = c;
  const op = n.opType ?? "";
  const ins = n.input ?? [];
  const output = n.output![0];
  const xs = shapes[x];
  const layer = op === "LayerNormalization";
  const a = readAttributes(n, c.name, layer ? ["axis", "epsilon", "stash_type"] : ["epsilon"]);
  if (!layer && xs.length < 3)
    throw unsupported(
      c,
      undefined,
      `InstanceNormalization needs N, C and spatial axes, got [${xs}]`,
    );
  const first = layer ? normAxis(a.int("axis", -1), xs.length) : 2;
  const axes = xs.map((_, i) => i).filter((i) => i >= first);
  const scale = consts.get(ins[1]);
  const bias = ins[2] ? consts.get(ins[2]) : undefined;
  if (!scale || (ins[2] && !bias))
    throw unsupported(c, undefined, "scale and bias must be constants");
  const epsilon = a.float("epsilon", 1e-5);
  const norm = `${output}__normalized`;
  push({ op: "Normalize", name: c.name, inputs: [x], output: norm, axes, epsilon }, xs);
  // InstanceNormalization's scale and bias are per channel: [C] -> [C, 1, ..., 1]
  const shapeOf = (t: Tensor) => (layer ? t.shape : [t.data.length, ...xs.slice(2).map(() => 1)]);
  const s = { shape: shapeOf(scale), data: scale.data };
  const b = bias ? { shape: shapeOf(bias), data: bias.data } : scalar(0);
  for (const t of [s, b]) {
    const sb = broadcastShapes(xs, t.shape);
    if (!sb || numel(sb) !== numel(xs))
      throw new ShapeError(
        `${op} node "${c.name}": scale / bias of shape [${t.shape}] do not broadcast to [${xs}]`,
        {
          details: { tensor: output, node: c.name, shape: t.shape },
        },
      );
  }
  push({ op: "Affine", name: `${c.name}/affine`, inputs: [norm], output, scale: s, bias: b }, xs);
}

const scalar = (v: number): Tensor => ({ shape: [], data: Float64Array.of(v) });

/**
 * Trilu of an activation (the other triangle set to 0) and Where with a constant condition and
 * a constant scalar on one side (a causal mask: Where(mask, scores, -inf)): a Mask node.
 *
 * @example
 * lowerMask(c, "scores", push); // Where(cond, scores, -inf) -> Mask(keep = cond, fill -inf)
 */
export function lowerMask(c: LowerContext, x: string, push: Push): void {
  const { n, consts, shapes } = c;
  const ins = n.input ?? [];
  const output = n.output![0];
  if (n.opType === "Trilu") {
    const a = readAttributes(n, c.name, ["upper"]);
    const xs = shapes[x];
    if (xs.length < 2) throw unsupported(c, undefined, `Trilu needs a matrix, got [${xs}]`);
    const k = ins[1] ? consts.get(ins[1]) : undefined;
    if (ins[1] && !k) throw unsupported(c, "k", "k must be a constant");
    const keep = triangle(xs, k ? k.data[0] : 0, a.int("upper", 1) === 1);
    return push({ op: "Mask", name: c.name, inputs: [x], output, keep, fill: 0 }, xs);
  }
  readAttributes(n, c.name, []);
  const cond = consts.get(ins[0]);
  if (!cond) throw unsupported(c, "condition", "only a constant condition (a mask) is supported");
  const xAct = !consts.has(ins[1]);
  const other = consts.get(xAct ? ins[2] : ins[1]);
  if (!other || !(xAct ? !consts.has(ins[1]) && consts.has(ins[2]) : !consts.has(ins[2])))
    throw unsupported(c, undefined, "one of X and Y must be an activation, the other a constant");
  if (new Set(other.data).size > 1)
    throw unsupported(c, xAct ? "Y" : "X", "the constant side must be one value (a scalar fill)");
  const xs = shapes[x];
  const shape = broadcastShapes(broadcastShapes(cond.shape, xs) ?? [], other.shape);
  if (!shape || broadcastShapes(cond.shape, xs) === null)
    throw new ShapeError(`Where node "${c.name}": shapes do not broadcast`, {
      details: { tensor: output, node: c.name, shape: [cond.shape, xs, other.shape] },
    });
  const ci = broadcastIndex(cond.shape, shape);
  const keep = Uint8Array.from(ci, (j) => ((cond.data[j] !== 0) === xAct ? 1 : 0));
  push({ op: "Mask", name: c.name, inputs: [x], output, keep, fill: other.data[0] }, shape);
}

/**
 * Which elements of a [..., N, M] tensor Trilu keeps: j - i >= k (upper) or j - i <= k (lower).
 *
 * @example
 * triangle([2, 2], 0, true); // Uint8Array [1, 1, 0, 1]
 */
export function triangle(shape: number[], k: number, upper: boolean): Uint8Array {
  const [rows, cols] = shape.slice(-2);
  return Uint8Array.from({ length: numel(shape) }, (_, idx) => {
    const i = Math.floor(idx / cols) % rows;
    const j = idx % cols;
    return (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  });
}

/**
 * LayerNorm decomposed as PyTorch < 2 and tf2onnx export it, ending in the Div being lowered:
 * m = ReduceMean(x), d = x - m, p = Pow(d, 2) (or d * d), v = ReduceMean(p), s = Sqrt(v + eps),
 * d / s, over the same axes with keepdims, every intermediate read only by the chain. Replaces
 * the chain's IR nodes by one Normalize (its variance at 2^(2 frac), so an epsilon below one
 * activation unit is kept: computed piece by piece, v + eps rounds to v and a constant row
 * divides by zero). The scale Mul and bias Add that follow stay Affines. Returns whether it did.
 *
 * @example
 * if (op === "Div" && fuseLayerNorm(c, acts, push)) return;
 */
export function fuseLayerNorm(c: LowerContext, acts: string[], push: Push): boolean {
  if (acts.length !== 2) return false;
  const [d, s] = acts;
  const producer = (t: string) => c.nodes.find((n) => n.output === t);
  const once = (t: string) => c.uses.get(t) === 1;
  const sqrt = producer(s);
  if (sqrt?.op !== "Activation" || sqrt.kind !== "Sqrt" || !once(s)) return false;
  const ve = sqrt.inputs[0];
  const addEps = producer(ve);
  if (
    addEps?.op !== "Affine" ||
    addEps.scale.data.length !== 1 ||
    addEps.scale.data[0] !== 1 ||
    addEps.bias.data.length !== 1 ||
    !(addEps.bias.data[0] > 0) ||
    !once(ve)
  )
    return false;
  const v = addEps.inputs[0];
  const varMean = producer(v);
  if (varMean?.op !== "ReduceMean" || !varMean.keepdims || !once(v)) return false;
  // p = d * d directly (an ONNX Mul: d read twice) or Pow(d, 2) (a Mul then a Reshape to p)
  const p = varMean.inputs[0];
  let square = producer(p);
  const chain: IrNode[] = [sqrt, addEps, varMean];
  let squareReads = 2;
  if (square?.op === "Reshape") {
    chain.push(square);
    square = producer(square.inputs[0]);
    squareReads = 1;
  }
  if (square?.op !== "Mul" || square.inputs[0] !== d || square.inputs[1] !== d || !once(p))
    return false;
  const sub = producer(d);
  if (sub?.op !== "Sub" || c.uses.get(d) !== squareReads + 1) return false;
  const [x, m] = sub.inputs;
  const mean = producer(m);
  const sameAxes = (a: number[], b: number[]) => a.join() === b.join();
  if (mean?.op !== "ReduceMean" || !mean.keepdims || mean.inputs[0] !== x || !once(m)) return false;
  if (!sameAxes(mean.axes, varMean.axes)) return false;
  chain.push(square, sub, mean);
  c.nodes.splice(0, c.nodes.length, ...c.nodes.filter((n) => !chain.includes(n)));
  const output = c.n.output![0];
  const epsilon = addEps.bias.data[0];
  push(
    { op: "Normalize", name: c.name, inputs: [x], output, axes: mean.axes, epsilon },
    c.shapes[x],
  );
  return true;
}
