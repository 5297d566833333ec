import { ShapeError } from "@zkml-verify/core/internal/errors";
import { broadcastIndex, broadcastShapes, numel } from "./ir.ts";

export interface MatMulIndex {
  /** The output shape (numpy matmul: batch axes broadcast, a 1-D operand's axis removed). */
  shape: number[];
  /** Products per output element (the contracted length K). */
  terms: number;
  /** Flat operand indices of the products, `terms` per output element in output order. */
  aIndex: Int32Array;
  bIndex: Int32Array;
}

/**
 * The products of a numpy `matmul` of shapes a [..., M, K] and b [..., K, N] (one place for
 * the float evaluator and the quantizer): out[..., i, j] = sum_t a[..., i, t] b[..., t, j].
 * Returns null when the shapes do not multiply.
 *
 * @example
 * matmulIndex([2, 3], [3, 4])!.shape; // [2, 4]
 */
export function matmulIndex(as: readonly number[], bs: readonly number[]): MatMulIndex | null {
  if (as.length === 0 || bs.length === 0) return null;
  const a = as.length === 1 ? [1, as[0]] : [...as];
  const b = bs.length === 1 ? [bs[0], 1] : [...bs];
  const [m, k] = a.slice(-2);
  const [k2, n] = b.slice(-2);
  const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
  if (k !== k2 || !batch) return null;
  const nb = numel(batch);
  const ab = broadcastIndex(a.slice(0, -2), batch);
  const bb = broadcastIndex(b.slice(0, -2), batch);
  const total = nb * m * n;
  const aIndex = new Int32Array(total * k);
  const bIndex = new Int32Array(total * k);
  let t = 0;
  for (let g = 0; g < nb; g++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++)
        for (let p = 0; p < k; p++) {
          aIndex[t] = ab[g] * m * k + i * k + p;
          bIndex[t] = bb[g] * k * n + p * n + j;
          t++;
        }
  const shape = [...batch, ...(as.length === 1 ? [] : [m]), ...(bs.length === 1 ? [] : [n])];
  return { shape, terms: k, aIndex, bIndex };
}

/**
 * matmulIndex, or a ShapeError naming the node.
 *
 * @example
 * requireMatMul([2, 3], [4, 5], "mm"); // throws ShapeError
 */
export function requireMatMul(as: number[], bs: number[], node: string): MatMulIndex {
  const mi = matmulIndex(as, bs);
  if (!mi)
    throw new ShapeError(`MatMul node "${node}": shapes [${as}] and [${bs}] do not multiply`, {
      details: { tensor: node, node, shape: [as, bs] },
    });
  return mi;
}
