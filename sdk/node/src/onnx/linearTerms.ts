import type {
  AffineNode,
  ArgMaxNode,
  BinaryNode,
  ConvNode,
  ConvTransposeNode,
  ResizeNode,
  DenseNode,
  PoolNode,
  ReduceNode,
  SoftmaxNode,
} from "./ir.ts";
import { broadcastIndex, numel, strides } from "./ir.ts";

export type LinearIrNode =
  | DenseNode
  | ConvNode
  | ConvTransposeNode
  | ResizeNode
  | AffineNode
  | (BinaryNode & { op: "Add" | "Sub" })
  | (PoolNode & { op: "AveragePool" })
  | (ReduceNode & { op: "ReduceSum" | "ReduceMean" });

/**
 * A linear map as sparse rows: out[o] = bias[o] + sum over t in [start[o], start[o+1]) of
 * coef[t] * inputs[operand[t]][index[t]]. Every linear op (Dense, Conv, Affine, Add/Sub,
 * AveragePool, ReduceSum/Mean) lowers to it, so the float evaluator, the quantized evaluator
 * and the circuit generator share one definition of the op's arithmetic.
 */
export interface LinearTerms {
  start: Int32Array;
  operand: Uint8Array;
  index: Int32Array;
  coef: Float64Array;
  bias: Float64Array;
  /**
   * Dense and Conv only: the trained parameter behind each term (flat index into the weight
   * tensor) and behind each row's bias (index into the bias vector). Terms sharing a parameter
   * (a convolution kernel at every position) share the id: private weights commit to each once.
   */
  param?: Int32Array;
  biasParam?: Int32Array;
}

class Builder {
  start: number[] = [0];
  operand: number[] = [];
  index: number[] = [];
  coef: number[] = [];
  bias: number[] = [];
  param: number[] = [];
  biasParam: number[] = [];
  term(operand: number, index: number, coef: number, param = -1) {
    this.operand.push(operand);
    this.index.push(index);
    this.coef.push(coef);
    this.param.push(param);
  }
  row(bias: number, biasParam = -1) {
    this.bias.push(bias);
    this.biasParam.push(biasParam);
    this.start.push(this.index.length);
  }
  done(): LinearTerms {
    const hasParams = this.param.some((x) => x >= 0);
    return {
      start: Int32Array.from(this.start),
      operand: Uint8Array.from(this.operand),
      index: Int32Array.from(this.index),
      coef: Float64Array.from(this.coef),
      bias: Float64Array.from(this.bias),
      ...(hasParams
        ? { param: Int32Array.from(this.param), biasParam: Int32Array.from(this.biasParam) }
        : {}),
    };
  }
}

/**
 * The sparse rows of a linear IR node, given its input shapes and output shape.
 *
 * @example
 * const t = linearTerms(conv, [[1, 1, 5, 5]], [1, 2, 3, 3]); // t.bias.length === 18
 */
export function linearTerms(node: LinearIrNode, inShapes: number[][], out: number[]): LinearTerms {
  const b = new Builder();
  const xs = inShapes[0];
  switch (node.op) {
    case "Dense": {
      const [m, k] = node.weight.shape;
      const batch = numel(xs) / k;
      for (let r = 0; r < batch; r++)
        for (let o = 0; o < m; o++) {
          for (let i = 0; i < k; i++) b.term(0, r * k + i, node.weight.data[o * k + i], o * k + i);
          b.row(node.bias?.data[o] ?? 0, o);
        }
      break;
    }
    case "Conv": {
      const [, C, H, W] = xs;
      const [M, Cg, KH, KW] = node.weight.shape;
      const [, , OH, OW] = out;
      const mPerG = M / node.group;
      for (let nb = 0; nb < out[0]; nb++)
        for (let m = 0; m < M; m++) {
          const g = Math.floor(m / mPerG);
          for (let oy = 0; oy < OH; oy++)
            for (let ox = 0; ox < OW; ox++) {
              for (let c = 0; c < Cg; c++)
                for (let ky = 0; ky < KH; ky++) {
                  const iy = oy * node.strides[0] - node.pads[0] + ky * node.dilations[0];
                  if (iy < 0 || iy >= H) continue;
                  for (let kx = 0; kx < KW; kx++) {
                    const ix = ox * node.strides[1] - node.pads[1] + kx * node.dilations[1];
                    if (ix < 0 || ix >= W) continue;
                    const id = ((m * Cg + c) * KH + ky) * KW + kx;
                    b.term(0, ((nb * C + g * Cg + c) * H + iy) * W + ix, node.weight.data[id], id);
                  }
                }
              b.row(node.bias?.data[m] ?? 0, m);
            }
        }
      break;
    }
    case "ConvTranspose": {
      // out[m, o] gathers x[c, i] W[c, m', k] over o = i s - pad + k d on every spatial axis
      // (1-D, 2-D and 3-D alike: per axis, the (kernel, input) pairs that reach each output)
      const [, C] = xs;
      const [, Mg, ...K] = node.weight.shape;
      const [, M, ...O] = out;
      const I = xs.slice(2);
      const Cg = C / node.group;
      const pairs = O.map((len, d) =>
        Array.from({ length: len }, (_, o) => {
          const ps: [k: number, i: number][] = [];
          for (let k = 0; k < K[d]; k++) {
            const t = o + node.pads[d] - k * node.dilations[d];
            if (t >= 0 && t % node.strides[d] === 0 && t / node.strides[d] < I[d])
              ps.push([k, t / node.strides[d]]);
          }
          return ps;
        }),
      );
      const kStrides = strides(K);
      const iStrides = strides(I);
      const outSpatial = numel(O);
      const oStrides = strides(O);
      for (let nb = 0; nb < out[0]; nb++)
        for (let m = 0; m < M; m++) {
          const g = Math.floor(m / Mg);
          const ml = m % Mg;
          for (let o = 0; o < outSpatial; o++) {
            // the (kernel offset, input offset) pairs of this output position, across axes
            let taps: [number, number][] = [[0, 0]];
            for (let d = 0; d < O.length; d++) {
              const od = Math.floor(o / oStrides[d]) % O[d];
              taps = taps.flatMap(([kk, ii]) =>
                pairs[d][od].map(([k, i]): [number, number] => [
                  kk + k * kStrides[d],
                  ii + i * iStrides[d],
                ]),
              );
            }
            for (let cl = 0; cl < Cg; cl++) {
              const c = g * Cg + cl;
              for (const [kk, ii] of taps) {
                const id = (c * Mg + ml) * numel(K) + kk;
                b.term(0, (nb * C + c) * numel(I) + ii, node.weight.data[id], id);
              }
            }
            b.row(node.bias?.data[m] ?? 0, m);
          }
        }
      break;
    }
    case "Resize": {
      // the product of the per-axis taps, over every output multi-index
      const is = strides(xs);
      const total = numel(out);
      for (let o = 0; o < total; o++) {
        let terms: [number, number][] = [[0, 1]];
        let rest = o;
        for (let d = out.length - 1; d >= 0; d--) {
          const od = rest % out[d];
          rest = Math.floor(rest / out[d]);
          terms = terms.flatMap(([j, w]) =>
            node.taps[d][od].map(([i, t]): [number, number] => [j + i * is[d], w * t]),
          );
        }
        for (const [j, w] of terms) b.term(0, j, w);
        b.row(0);
      }
      break;
    }
    case "Affine": {
      const si = broadcastIndex(node.scale.shape, out);
      const bi = broadcastIndex(node.bias.shape, out);
      for (let i = 0; i < numel(out); i++) {
        b.term(0, i, node.scale.data[si[i]]);
        b.row(node.bias.data[bi[i]]);
      }
      break;
    }
    case "Add":
    case "Sub": {
      const ai = broadcastIndex(inShapes[0], out);
      const bi = broadcastIndex(inShapes[1], out);
      for (let i = 0; i < numel(out); i++) {
        b.term(0, ai[i], 1);
        b.term(1, bi[i], node.op === "Add" ? 1 : -1);
        b.row(0);
      }
      break;
    }
    case "AveragePool": {
      for (const { window, padded } of poolWindows(node, xs, out)) {
        const n = node.countIncludePad ? padded : window.length;
        for (const j of window) b.term(0, j, 1 / n);
        b.row(0);
      }
      break;
    }
    case "ReduceSum":
    case "ReduceMean":
      for (const group of reduceGroups(xs, node.axes)) {
        for (const j of group) b.term(0, j, node.op === "ReduceMean" ? 1 / group.length : 1);
        b.row(0);
      }
      break;
  }
  return b.done();
}

/**
 * Windows of a 2-D pool, in output order: the in-bounds input indices and the padded size.
 *
 * @example
 * poolWindows(pool, [1, 1, 4, 4], [1, 1, 2, 2])[0].window; // [0, 1, 4, 5]
 */
export function poolWindows(node: PoolNode, xs: number[], out: number[]) {
  const [N, C, H, W] = xs;
  const [, , OH, OW] = out;
  const [KH, KW] = node.kernel;
  const res: { window: number[]; padded: number }[] = [];
  for (let nc = 0; nc < N * C; nc++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        const window: number[] = [];
        let padded = 0;
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * node.strides[0] - node.pads[0] + ky * node.dilations[0];
          for (let kx = 0; kx < KW; kx++) {
            const ix = ox * node.strides[1] - node.pads[1] + kx * node.dilations[1];
            // count_include_pad counts explicit padding, not the ceil_mode overhang
            if (iy < H + node.pads[2] && ix < W + node.pads[3]) padded++;
            if (iy >= 0 && iy < H && ix >= 0 && ix < W) window.push((nc * H + iy) * W + ix);
          }
        }
        res.push({ window, padded });
      }
  return res;
}

/**
 * Input index groups of a reduction over `axes`, in output (row-major) order.
 *
 * @example
 * reduceGroups([2, 3], [1]); // [[0, 1, 2], [3, 4, 5]]
 */
export function reduceGroups(xs: number[], axes: number[]): number[][] {
  const keep = xs.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: numel(keep) }, () => []);
  const is = strides(xs);
  const ks = strides(keep);
  for (let j = 0; j < numel(xs); j++) {
    let g = 0;
    xs.forEach((d, k) => {
      if (!axes.includes(k)) g += (Math.floor(j / is[k]) % d) * ks[k];
    });
    groups[g].push(j);
  }
  return groups;
}

/**
 * Groups of a max-type op (MaxPool windows, ReduceMax, ArgMax axis), in output order.
 *
 * @example
 * maxGroups(argMaxNode, [1, 4], [1, 1]); // [[0, 1, 2, 3]]
 */
export function maxGroups(
  node: PoolNode | ReduceNode | ArgMaxNode | SoftmaxNode,
  xs: number[],
  out: number[],
): number[][] {
  if ("kernel" in node) return poolWindows(node, xs, out).map((w) => w.window);
  if ("axes" in node) return reduceGroups(xs, node.axes);
  return reduceGroups(xs, [node.axis]);
}
