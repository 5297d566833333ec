import { UnsupportedOpError } from "@zkml-verify/core/internal/errors";
import { erf } from "@zkml-verify/core/internal/quantize/unaryFunctions";
import type { Tensor } from "./ir.ts";
import { broadcastIndex, broadcastShapes, numel, strides } from "./ir.ts";
import { legacyBroadcast } from "./lowerNode.ts";
import { triangle } from "./lowerProducts.ts";
import { tensorFromProto } from "./parseOnnx.ts";
import { readAttributes } from "./readAttributes.ts";
import type { OpContext } from "./shapeOps.ts";
import {
  constInts,
  normAxis,
  readAxes,
  resolveReshape,
  sliceIndex,
  sliceParams,
  squeezeShape,
  unsqueezeShape,
} from "./shapeOps.ts";

/** Attribute-free unary ops folded when their input is a constant. */
const CONSTANT_UNARY: Record<string, (x: number) => number> = {
  Sqrt: Math.sqrt,
  Exp: Math.exp,
  Log: Math.log,
  Reciprocal: (x) => 1 / x,
  Abs: Math.abs,
  Erf: erf,
};

const FOLDABLE = [
  "Shape",
  "Trilu",
  "ConstantOfShape",
  "Gather",
  "Unsqueeze",
  "Squeeze",
  "Concat",
  "Reshape",
  "Flatten",
  "Cast",
  "Identity",
  "Slice",
  "Transpose",
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Neg",
  "Expand",
  "Range",
  "Where",
  "Equal",
  "Less",
  "Greater",
  "Not",
  "And",
  "Or",
];

/**
 * Evaluates a node at import time when its value does not depend on the model input:
 * `Shape` of a statically shaped tensor, or a shape-arithmetic op whose inputs are all
 * constants. Returns null when the node must be lowered into the IR instead.
 *
 * @example
 * foldConstant({ n, name, consts, shapes, opset }); // Tensor | null
 */
export function foldConstant(c: OpContext & { shapes: Record<string, number[]> }): Tensor | null {
  const { n, consts, shapes } = c;
  const op = n.opType ?? "";
  const ins = (n.input ?? []).filter((i) => i !== "");
  if (op === "Shape") {
    const shape = shapes[ins[0]] ?? consts.get(ins[0])?.shape;
    if (!shape) return null;
    const a = readAttributes(n, c.name, ["start", "end"]);
    const r = shape.length;
    const s = Math.max(0, Math.min(r, normAxis(a.int("start", 0), r)));
    const e = Math.max(0, Math.min(r, a.has("end") ? normAxis(a.int("end", r), r) : r));
    return vec(shape.slice(s, e));
  }
  if (ins.length > 0 && ins.every((i) => consts.has(i)) && op in CONSTANT_UNARY) {
    // a function of constants only (e.g. Sqrt of a constant variance or scale)
    readAttributes(n, c.name, []);
    const x = consts.get(ins[0])!;
    return { shape: x.shape, data: x.data.map(CONSTANT_UNARY[op]) };
  }
  if (!FOLDABLE.includes(op) || ins.length === 0 || !ins.every((i) => consts.has(i))) return null;
  const x = consts.get(ins[0])!;
  switch (op) {
    case "Identity":
      readAttributes(n, c.name, []);
      return x;
    case "ConstantOfShape": {
      const a = readAttributes(n, c.name, ["value"]);
      const value = a.has("value") ? tensorFromProto(a.tensor("value"), c.name).data[0] : 0;
      const shape = Array.from(x.data);
      return { shape, data: new Float64Array(numel(shape)).fill(value) };
    }
    case "Trilu": {
      const a = readAttributes(n, c.name, ["upper"]);
      const k = ins[1] ? consts.get(ins[1])!.data[0] : 0;
      const keep = triangle(x.shape, k, a.int("upper", 1) === 1);
      return { shape: x.shape, data: x.data.map((v, i) => (keep[i] ? v : 0)) };
    }
    case "Cast":
      readAttributes(n, c.name, ["to", "saturate"]);
      return x; // float64 holds every value the shape chains carry
    case "Neg":
      return { shape: x.shape, data: x.data.map((v) => -v) };
    case "Not":
      readAttributes(n, c.name, []);
      return { shape: x.shape, data: x.data.map((v) => (v ? 0 : 1)) };
    case "Expand": {
      readAttributes(n, c.name, []);
      const shape = broadcastShapes(x.shape, constInts(c, 1, "shape")!) ?? x.shape;
      const xi = broadcastIndex(x.shape, shape);
      return { shape, data: Float64Array.from(xi, (j) => x.data[j]) };
    }
    case "Range": {
      readAttributes(n, c.name, []);
      const [start, limit, delta] = ins.map((i) => consts.get(i)!.data[0]);
      const count = Math.max(Math.ceil((limit - start) / delta), 0);
      return vec(Array.from({ length: count }, (_, i) => start + i * delta));
    }
    case "Where": {
      readAttributes(n, c.name, []);
      const [a, b] = [consts.get(ins[1])!, consts.get(ins[2])!];
      const shape = [x.shape, a.shape, b.shape].reduce((p, q) => broadcastShapes(p, q) ?? p);
      const [ci, ai, bi] = [x, a, b].map((t) => broadcastIndex(t.shape, shape));
      const data = new Float64Array(numel(shape)).map((_, i) =>
        x.data[ci[i]] ? a.data[ai[i]] : b.data[bi[i]],
      );
      return { shape, data };
    }
    case "Equal":
    case "Less":
    case "Greater":
    case "And":
    case "Or":
    case "Add":
    case "Sub":
    case "Mul":
    case "Div": {
      const legacy = readAttributes(n, c.name, ["broadcast", "axis"]);
      const y = legacyBroadcast(consts.get(ins[1])!, x.shape.length, legacy);
      const shape = broadcastShapes(x.shape, y.shape) ?? x.shape;
      const xi = broadcastIndex(x.shape, shape);
      const yi = broadcastIndex(y.shape, shape);
      const f = {
        Add: (a: number, b: number) => a + b,
        Sub: (a: number, b: number) => a - b,
        Mul: (a: number, b: number) => a * b,
        Div: (a: number, b: number) => a / b,
        Equal: (a: number, b: number) => Number(a === b),
        Less: (a: number, b: number) => Number(a < b),
        Greater: (a: number, b: number) => Number(a > b),
        And: (a: number, b: number) => Number(!!a && !!b),
        Or: (a: number, b: number) => Number(!!a || !!b),
      }[op];
      const data = new Float64Array(numel(shape)).map((_, i) => f(x.data[xi[i]], y.data[yi[i]]));
      return { shape, data };
    }
    case "Gather": {
      const a = readAttributes(n, c.name, ["axis"]);
      const ind = consts.get(ins[1])!;
      const axis = normAxis(a.int("axis", 0), x.shape.length);
      const outShape = [...x.shape.slice(0, axis), ...ind.shape, ...x.shape.slice(axis + 1)];
      const inner = numel(x.shape.slice(axis + 1));
      const outer = numel(x.shape.slice(0, axis));
      const data: number[] = [];
      for (let o = 0; o < outer; o++)
        for (const k0 of ind.data) {
          const k = k0 < 0 ? k0 + x.shape[axis] : k0;
          for (let i = 0; i < inner; i++) data.push(x.data[(o * x.shape[axis] + k) * inner + i]);
        }
      return { shape: outShape, data: Float64Array.from(data) };
    }
    case "Unsqueeze": {
      const { axes } = readAxes(c, []);
      return { shape: unsqueezeShape(x.shape, axes ?? []), data: x.data };
    }
    case "Squeeze": {
      const { axes } = readAxes(c, []);
      return { shape: squeezeShape(x.shape, axes, c.name), data: x.data };
    }
    case "Flatten": {
      const a = readAttributes(n, c.name, ["axis"]);
      const ax = normAxis(a.int("axis", 1), x.shape.length);
      return { shape: [numel(x.shape.slice(0, ax)), numel(x.shape.slice(ax))], data: x.data };
    }
    case "Reshape": {
      const a = readAttributes(n, c.name, ["allowzero", "shape"]);
      const target = a.has("shape") ? a.ints("shape", []) : constInts(c, 1, "shape")!;
      return {
        shape: resolveReshape(target, x.shape, c.name, a.int("allowzero", 0) === 1),
        data: x.data,
      };
    }
    case "Concat": {
      const a = readAttributes(n, c.name, ["axis"]);
      const parts = ins.map((i) => consts.get(i)!);
      const axis = normAxis(a.int("axis", 0), x.shape.length);
      const shape = [...x.shape];
      shape[axis] = parts.reduce((s, t) => s + t.shape[axis], 0);
      const outer = numel(shape.slice(0, axis));
      const data: number[] = [];
      for (let o = 0; o < outer; o++)
        for (const t of parts) {
          const block = numel(t.shape.slice(axis));
          data.push(...t.data.subarray(o * block, (o + 1) * block));
        }
      return { shape, data: Float64Array.from(data) };
    }
    case "Transpose": {
      const a = readAttributes(n, c.name, ["perm"]);
      const r = x.shape.length;
      const perm = a.ints(
        "perm",
        x.shape.map((_, i) => r - 1 - i),
      );
      const shape = perm.map((p) => x.shape[p]);
      const from = strides(x.shape);
      const to = strides(shape);
      const data = new Float64Array(x.data.length).map((_, i) => {
        let j = 0;
        for (let d = 0; d < r; d++) j += (Math.floor(i / to[d]) % shape[d]) * from[perm[d]];
        return x.data[j];
      });
      return { shape, data };
    }
    case "Slice": {
      const { starts, steps, shape } = sliceParams(c, x.shape);
      const idx = sliceIndex(x.shape, starts, steps, shape);
      return { shape, data: Float64Array.from(idx, (j) => x.data[j]) };
    }
  }
  throw new UnsupportedOpError(`cannot fold ${op} node "${c.name}"`, {
    details: { op, node: c.name, supported: FOLDABLE },
  });
}

const vec = (v: number[]): Tensor => ({ shape: [v.length], data: Float64Array.from(v) });
