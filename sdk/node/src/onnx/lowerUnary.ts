import type { ActivationKind, IrNode } from "./ir.ts";
import type { LowerContext } from "./lowerNode.ts";
import { unsupported } from "./lowerNode.ts";
import { readAttributes } from "./readAttributes.ts";
import type { UNARY_ONNX_OPS } from "./supportedOps.ts";

export type UnaryOnnxOp = (typeof UNARY_ONNX_OPS)[number];

/** Integer exponents up to this are computed as exact products (repeated squaring). */
export const MAX_PRODUCT_EXPONENT = 16;

const SELU_ALPHA = 1.67326319217681884765625;
const SELU_GAMMA = 1.05070102214813232421875;

/**
 * Exp, Log, Sqrt, Reciprocal, Erf, Gelu, Elu, Selu, Celu, Softplus, Softsign, Mish and Pow
 * with a constant exponent: an Activation node (the smooth ones become the `piecewise`
 * quantized op), except Pow with an integer exponent, which is exact products (Mul nodes by
 * repeated squaring; 0 and 1 are a constant and wiring), and Pow(x, 0.5) / Pow(x, -1), which
 * are Sqrt / Reciprocal.
 *
 * @example
 * lowerUnary(c, "x", push); // Elu(alpha) -> Activation { kind: "Elu", alpha }
 */
export function lowerUnary(
  c: LowerContext,
  x: string,
  push: (node: IrNode, shape: number[]) => void,
): void {
  const { n, shapes } = c;
  const op = n.opType as UnaryOnnxOp;
  const output = n.output![0];
  const xs = shapes[x];
  const activation = (kind: ActivationKind, alpha = 0, beta = 0) =>
    push(
      {
        op: "Activation",
        kind,
        name: c.name,
        inputs: [x],
        output,
        alpha,
        beta,
        min: -Infinity,
        max: Infinity,
        slope: null,
      },
      xs,
    );
  switch (op) {
    case "Elu":
    case "Celu":
      return activation(op, readAttributes(n, c.name, ["alpha"]).float("alpha", 1));
    case "Selu": {
      const a = readAttributes(n, c.name, ["alpha", "gamma"]);
      return activation("Selu", a.float("alpha", SELU_ALPHA), a.float("gamma", SELU_GAMMA));
    }
    case "Gelu": {
      const approximate = readAttributes(n, c.name, ["approximate"]).string("approximate", "none");
      if (approximate !== "none" && approximate !== "tanh")
        throw unsupported(c, "approximate", `"${approximate}" (only "none" and "tanh")`);
      return activation(approximate === "tanh" ? "GeluTanh" : "Gelu");
    }
    case "Pow":
      return lowerPow(c, x, push, activation);
    default:
      readAttributes(n, c.name, []);
      return activation(op);
  }
}

function lowerPow(
  c: LowerContext,
  x: string,
  push: (node: IrNode, shape: number[]) => void,
  activation: (kind: ActivationKind, alpha?: number) => void,
): void {
  readAttributes(c.n, c.name, []);
  const e = c.consts.get(c.n.input![1]);
  if (!e || c.n.input![0] !== x)
    throw unsupported(c, undefined, "only a constant exponent (x^c) with an activation base");
  const values = new Set(e.data);
  if (values.size !== 1)
    throw unsupported(c, undefined, "the exponent must be one value (not a tensor of several)");
  const k = e.data[0];
  const output = c.n.output![0];
  const xs = c.shapes[x];
  if (k === 0.5) return activation("Sqrt");
  if (k === -1) return activation("Reciprocal");
  if (k === 1) return push({ op: "Reshape", name: c.name, inputs: [x], output, shape: xs }, xs);
  if (k === 0) {
    const t = (v: number) => ({ shape: [], data: Float64Array.of(v) });
    return push({ op: "Affine", name: c.name, inputs: [x], output, scale: t(0), bias: t(1) }, xs);
  }
  if (!Number.isInteger(k) || k < 0 || k > MAX_PRODUCT_EXPONENT) return activation("Pow", k);
  // x^k by repeated squaring: exact products (each a mul op with one rescale).
  let power = x; // x^(2^i)
  let acc: string | null = null; // the product of the powers taken so far
  for (let bit = 0, rest = k; rest > 0; bit++, rest >>= 1) {
    if (bit > 0) {
      const sq = `${output}__pow${2 ** bit}`;
      push({ op: "Mul", name: `${c.name}/square${bit}`, inputs: [power, power], output: sq }, xs);
      power = sq;
    }
    if (rest & 1) {
      if (acc === null) acc = power;
      else {
        const last = rest >> 1 === 0;
        const prod = last ? output : `${output}__prod${bit}`;
        push({ op: "Mul", name: `${c.name}/mul${bit}`, inputs: [acc, power], output: prod }, xs);
        acc = prod;
      }
    }
  }
  if (acc !== output) push({ op: "Reshape", name: c.name, inputs: [acc!], output, shape: xs }, xs);
}

/**
 * Mul(x, Sigmoid(x)) (SiLU / Swish as PyTorch exports it), the Sigmoid read by nothing else:
 * replaces the Sigmoid node by one Swish activation (one piecewise op and no product: ~2e-4
 * instead of |x| times Sigmoid's error). Returns whether it did.
 *
 * @example
 * if (fuseSwish(c, acts, push)) return;
 */
export function fuseSwish(
  c: LowerContext,
  acts: string[],
  push: (node: IrNode, shape: number[]) => void,
): boolean {
  if (acts.length !== 2 || acts[0] === acts[1]) return false;
  const k = c.nodes.findIndex(
    (n) =>
      n.op === "Activation" &&
      n.kind === "Sigmoid" &&
      acts.includes(n.output) &&
      acts.includes(n.inputs[0]) &&
      c.uses.get(n.output) === 1,
  );
  if (k < 0) return false;
  const x = c.nodes[k].inputs[0];
  c.nodes.splice(k, 1);
  const output = c.n.output![0];
  push(
    {
      op: "Activation",
      kind: "Swish",
      name: c.name,
      inputs: [x],
      output,
      alpha: 1,
      beta: 0,
      min: -Infinity,
      max: Infinity,
      slope: null,
    },
    c.shapes[x],
  );
  return true;
}
