import type {
  ConcatNode,
  GatherNode,
  MaskNode,
  PadNode,
  ReshapeNode,
  SliceNode,
  TransposeNode,
} from "./ir.ts";
import { broadcastIndex, numel, strides } from "./ir.ts";
import { sliceIndex } from "./shapeOps.ts";

export type LayoutNode =
  ReshapeNode | TransposeNode | ConcatNode | SliceNode | PadNode | GatherNode | MaskNode;

export interface LayoutIndex {
  /** Which input each output element comes from (-1: the constant `fill`). */
  operand: Int32Array;
  /** Flat index into that input. */
  index: Int32Array;
  fill: number;
}

/**
 * Data-movement ops as an index map: out[i] = inputs[operand[i]][index[i]]. The float and
 * quantized evaluators and the circuit generator (wiring only, no constraint) all use it.
 *
 * @example
 * const { operand, index } = layoutIndex({ node, inputShapes: [[2, 3]], outShape: [3, 2] });
 */
export function layoutIndex(p: {
  node: LayoutNode;
  inputShapes: number[][];
  outShape: number[];
}): LayoutIndex {
  const { node, inputShapes, outShape } = p;
  const total = numel(outShape);
  const operand = new Int32Array(total);
  let index = new Int32Array(total);
  let fill = 0;
  const os = strides(outShape);
  const coords = (i: number) => outShape.map((d, k) => Math.floor(i / os[k]) % d);
  switch (node.op) {
    case "Reshape":
      for (let i = 0; i < total; i++) index[i] = i;
      break;
    case "Transpose": {
      const is = strides(inputShapes[0]);
      for (let i = 0; i < total; i++) {
        const c = coords(i);
        let j = 0;
        node.perm.forEach((src, k) => (j += c[k] * is[src]));
        index[i] = j;
      }
      break;
    }
    case "Gather":
      index = Int32Array.from(node.index);
      break;
    case "Mask": {
      fill = node.fill;
      const b = broadcastIndex(inputShapes[0], outShape);
      for (let i = 0; i < total; i++) {
        operand[i] = node.keep[i] ? 0 : -1;
        index[i] = node.keep[i] ? b[i] : 0;
      }
      break;
    }
    case "Slice":
      index = sliceIndex(inputShapes[0], node.starts, node.steps, outShape);
      break;
    case "Pad": {
      fill = node.value;
      const input = inputShapes[0];
      const is = strides(input);
      const r = input.length;
      const mode = node.mode ?? "constant";
      // reflect: -1 -> 1, n -> n - 2; edge: -1 -> 0, n -> n - 1 (pads < n for reflect)
      const fold = (x: number, n: number) =>
        mode === "edge"
          ? Math.min(n - 1, Math.max(0, x))
          : x < 0
            ? -x
            : x >= n
              ? 2 * (n - 1) - x
              : x;
      for (let i = 0; i < total; i++) {
        const c = coords(i);
        let j = 0;
        let inside = true;
        for (let k = 0; k < r; k++) {
          let x = c[k] - node.pads[k];
          if (mode !== "constant") x = fold(x, input[k]);
          if (x < 0 || x >= input[k]) inside = false;
          j += x * is[k];
        }
        operand[i] = inside ? 0 : -1;
        index[i] = inside ? j : 0;
      }
      break;
    }
    case "Concat": {
      const ax = node.axis;
      for (let i = 0; i < total; i++) {
        const c = coords(i);
        let k = 0;
        let off = c[ax];
        while (off >= inputShapes[k][ax]) off -= inputShapes[k++][ax];
        const is = strides(inputShapes[k]);
        let j = 0;
        c.forEach((v, d) => (j += (d === ax ? off : v) * is[d]));
        operand[i] = k;
        index[i] = j;
      }
      break;
    }
  }
  return { operand, index, fill };
}
