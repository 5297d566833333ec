import { ShapeError } from "@zkml-verify/core/internal/errors";
import type { IrNode, Tensor } from "./ir.ts";
import { numel } from "./ir.ts";
import type { LowerContext } from "./lowerNode.ts";
import { unsupported } from "./lowerNode.ts";
import { lower1d, lower3d } from "./lowerNd.ts";
import { lowerConvTranspose } from "./lowerConvTranspose.ts";
import { lowerMatMulActs } from "./lowerProducts.ts";
import { readAttributes } from "./readAttributes.ts";
import { SUPPORTED_OPS, UNSUPPORTED_OP_HINTS } from "./supportedOps.ts";

export type Push = (node: IrNode, shape: number[]) => void;

/**
 * Gemm, MatMul, Conv, pooling and BatchNormalization.
 *
 * @example
 * lowerSpatial(c, "input", push); // a Conv node -> { op: "Conv", ... }
 */
export function lowerSpatial(c: LowerContext, x: string, push: Push): void {
  const op = c.n.opType ?? "";
  const rank = c.shapes[x]?.length;
  // GlobalMaxPool (any rank) and GlobalAveragePool of a 1-D / 3-D input: the reduction over
  // every spatial axis, kept as size-1 dims
  if (op === "GlobalMaxPool" || (op === "GlobalAveragePool" && rank !== 4)) {
    readAttributes(c.n, c.name, []);
    const xs = c.shapes[x];
    if (xs.length < 3) throw unsupported(c, undefined, "the input needs N, C and spatial axes");
    return push(
      {
        op: op === "GlobalMaxPool" ? "ReduceMax" : "ReduceMean",
        name: c.name,
        inputs: [x],
        output: c.n.output![0],
        axes: xs.slice(2).map((_, i) => i + 2),
        keepdims: true,
      },
      xs.map((d, i) => (i < 2 ? d : 1)),
    );
  }
  if (["Conv", "MaxPool", "AveragePool"].includes(op) && (rank === 3 || rank === 5))
    return rank === 3 ? lower1d(c, x, push) : lower3d(c, x, push);
  lower2d(c, x, push);
}

/** Gemm, MatMul, 2-D Conv and pooling, BatchNormalization, ConvTranspose (rank-generic ops included). */
export function lower2d(c: LowerContext, x: string, push: Push): void {
  const { n, consts, shapes } = c;
  const op = n.opType ?? "";
  const ins = n.input ?? [];
  const output = n.output![0];
  const xs = shapes[x];
  switch (op) {
    case "Gemm": {
      const a = readAttributes(n, c.name, ["alpha", "beta", "transA", "transB", "broadcast"]);
      const b = consts.get(ins[1]);
      if (!b || consts.has(ins[0])) return lowerMatMulActs(c, push);
      let input = x;
      if (a.int("transA", 0)) {
        input = `${output}__transA`;
        push(
          { op: "Transpose", name: `${c.name}/transA`, inputs: [x], output: input, perm: [1, 0] },
          [xs[1], xs[0]],
        );
      }
      const alpha = a.float("alpha", 1);
      const w = a.int("transB", 0) ? b : transpose2(b);
      const weight = { shape: w.shape, data: w.data.map((v) => v * alpha) };
      const cT = ins[2] ? consts.get(ins[2]) : undefined;
      if (ins[2] && !cT) throw unsupported(c, "C", "C must be a constant");
      const m = weight.shape[0];
      const inShape = shapes[input];
      checkFeatures(c, inShape, weight);
      let bias: Tensor | null = null;
      if (cT) {
        if (cT.data.length !== 1 && cT.data.length !== m)
          throw unsupported(c, "C", `C of shape [${cT.shape}] varies along the batch axis`);
        const beta = a.float("beta", 1);
        bias = {
          shape: [m],
          data: new Float64Array(m).map((_, i) => beta * cT.data[cT.data.length === 1 ? 0 : i]),
        };
      }
      return push({ op: "Dense", name: c.name, inputs: [input], output, weight, bias }, [
        inShape[0],
        m,
      ]);
    }
    case "MatMul": {
      readAttributes(n, c.name, []);
      const w = consts.get(ins[1]);
      if (!w || consts.has(ins[0])) return lowerMatMulActs(c, push);
      if (w.shape.length !== 2)
        throw unsupported(c, undefined, "a constant second operand must be a 2-D matrix");
      const weight = transpose2(w);
      checkFeatures(c, xs, weight);
      return push({ op: "Dense", name: c.name, inputs: [x], output, weight, bias: null }, [
        ...xs.slice(0, -1),
        weight.shape[0],
      ]);
    }
    case "Conv": {
      const a = readAttributes(n, c.name, [
        "auto_pad",
        "dilations",
        "group",
        "kernel_shape",
        "pads",
        "strides",
      ]);
      const w = consts.get(ins[1]);
      if (!w) throw unsupported(c, "W", "the weights must be constant");
      if (xs.length !== 4 || w.shape.length !== 4)
        throw unsupported(c, undefined, "only 2-D convolution (NCHW)");
      const b = ins[2] ? consts.get(ins[2]) : undefined;
      if (ins[2] && !b) throw unsupported(c, "B", "the bias must be constant");
      const group = a.int("group", 1);
      if (xs[1] !== w.shape[1] * group)
        throw new ShapeError(
          `${c.name}: input has ${xs[1]} channels, weight expects ${w.shape[1] * group}`,
          {
            details: { tensor: x, node: c.name, shape: xs },
          },
        );
      const g = geometry(c, a, xs, [w.shape[2], w.shape[3]]);
      return push(
        {
          op: "Conv",
          name: c.name,
          inputs: [x],
          output,
          weight: w,
          bias: b ?? null,
          strides: g.strides,
          pads: g.pads,
          dilations: g.dilations,
          group,
        },
        [xs[0], w.shape[0], g.out[0], g.out[1]],
      );
    }
    case "ConvTranspose":
      return lowerConvTranspose(c, x, push);
    case "MaxPool":
    case "AveragePool": {
      const known = ["auto_pad", "ceil_mode", "kernel_shape", "pads", "strides", "dilations"];
      const a = readAttributes(
        n,
        c.name,
        op === "MaxPool" ? [...known, "storage_order"] : [...known, "count_include_pad"],
      );
      if (xs.length !== 4) throw unsupported(c, undefined, "only 2-D pooling (NCHW)");
      if (a.int("storage_order", 0) !== 0) throw unsupported(c, "storage_order");
      const k = a.ints("kernel_shape", []) as [number, number];
      const g = geometry(c, a, xs, k);
      return push(
        {
          op,
          name: c.name,
          inputs: [x],
          output,
          kernel: [k[0], k[1]],
          strides: g.strides,
          pads: g.pads,
          dilations: g.dilations,
          countIncludePad: a.int("count_include_pad", 0) === 1,
        },
        [xs[0], xs[1], g.out[0], g.out[1]],
      );
    }
    case "GlobalAveragePool": {
      readAttributes(n, c.name, []);
      if (xs.length !== 4) throw unsupported(c, undefined, "only NCHW inputs");
      return push(
        {
          op: "AveragePool",
          name: c.name,
          inputs: [x],
          output,
          kernel: [xs[2], xs[3]],
          strides: [1, 1],
          pads: [0, 0, 0, 0],
          dilations: [1, 1],
          countIncludePad: false,
        },
        [xs[0], xs[1], 1, 1],
      );
    }
    case "BatchNormalization": {
      const a = readAttributes(n, c.name, [
        "epsilon",
        "momentum",
        "spatial",
        "training_mode",
        "is_test",
      ]);
      if (a.int("training_mode", 0) !== 0) throw unsupported(c, "training_mode", "inference only");
      // opset < 7: is_test = 0 means training mode (batch statistics)
      if (a.has("is_test") && a.int("is_test", 0) !== 1)
        throw unsupported(c, "is_test", "inference only (is_test = 1)");
      if (a.int("spatial", 1) !== 1) throw unsupported(c, "spatial", "only spatial=1");
      // opset 7-13: the outputs mean / var / saved_mean / saved_var exist only in training
      // mode (onnxruntime then normalizes with the batch statistics)
      const trained = (n.output ?? []).slice(1).filter((o) => o !== "");
      if (c.opset < 14 && trained.length > 0)
        throw unsupported(
          c,
          "outputs",
          `${trained.join(", ")} make it training mode (batch statistics); export in eval mode (one output)`,
        );
      const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => consts.get(ins[i]));
      if (!gamma || !beta || !mean || !variance)
        throw unsupported(c, undefined, "scale, B, mean and var must be constants");
      const eps = a.float("epsilon", 1e-5);
      const ch = xs[1] ?? 1;
      const scale = new Float64Array(ch).map(
        (_, i) => gamma.data[i] / Math.sqrt(variance.data[i] + eps),
      );
      const shift = new Float64Array(ch).map((_, i) => beta.data[i] - mean.data[i] * scale[i]);
      const prev = c.nodes[c.nodes.length - 1];
      if (
        prev &&
        prev.output === x &&
        (c.uses.get(x) ?? 0) === 1 &&
        (prev.op === "Conv" || (prev.op === "Dense" && xs.length === 2))
      ) {
        const m = prev.weight.shape[0];
        const per = numel(prev.weight.shape) / m;
        prev.weight = {
          shape: prev.weight.shape,
          data: prev.weight.data.map((v, i) => v * scale[Math.floor(i / per)]),
        };
        prev.bias = {
          shape: [m],
          data: new Float64Array(m).map((_, i) => (prev.bias?.data[i] ?? 0) * scale[i] + shift[i]),
        };
        prev.output = output;
        shapes[output] = xs;
        return;
      }
      const bshape = [ch, ...xs.slice(2).map(() => 1)];
      return push(
        {
          op: "Affine",
          name: c.name,
          inputs: [x],
          output,
          scale: { shape: bshape, data: scale },
          bias: { shape: bshape, data: shift },
        },
        xs,
      );
    }
    default:
      throw unsupported(
        c,
        undefined,
        `${UNSUPPORTED_OP_HINTS[op] ? `${UNSUPPORTED_OP_HINTS[op]}; ` : ""}supported: ${SUPPORTED_OPS.join(", ")}`,
      );
  }
}

function checkFeatures(c: LowerContext, input: number[], weight: Tensor): void {
  if (input[input.length - 1] !== weight.shape[1])
    throw new ShapeError(
      `${c.name}: input has ${input[input.length - 1]} features, weight expects ${weight.shape[1]}`,
      {
        details: { tensor: c.n.input![0], node: c.name, shape: input },
      },
    );
}

/**
 * The transpose of a 2-D constant.
 *
 * @example
 * transpose2({ shape: [1, 2], data: Float64Array.of(1, 2) }).shape; // [2, 1]
 */
export function transpose2(t: Tensor): Tensor {
  const [r, cols] = t.shape;
  const data = new Float64Array(r * cols);
  for (let i = 0; i < r; i++) for (let j = 0; j < cols; j++) data[j * r + i] = t.data[i * cols + j];
  return { shape: [cols, r], data };
}

/** Output size, pads, strides, dilations of a 2-D window op (auto_pad and ceil_mode resolved). */
function geometry(
  c: LowerContext,
  a: ReturnType<typeof readAttributes>,
  xs: number[],
  k: number[],
) {
  const strides = a.ints("strides", [1, 1]) as [number, number];
  const dilations = a.ints("dilations", [1, 1]) as [number, number];
  let pads = a.ints("pads", [0, 0, 0, 0]) as [number, number, number, number];
  const autoPad = a.string("auto_pad", "NOTSET");
  const ceil = a.int("ceil_mode", 0) === 1;
  const ek = [0, 1].map((i) => (k[i] - 1) * dilations[i] + 1);
  if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    const total = [0, 1].map((i) =>
      Math.max(0, (Math.ceil(xs[2 + i] / strides[i]) - 1) * strides[i] + ek[i] - xs[2 + i]),
    );
    const lo = total.map((t) => (autoPad === "SAME_UPPER" ? Math.floor(t / 2) : Math.ceil(t / 2)));
    pads = [lo[0], lo[1], total[0] - lo[0], total[1] - lo[1]];
  } else if (autoPad === "VALID") pads = [0, 0, 0, 0];
  else if (autoPad !== "NOTSET") throw unsupported(c, "auto_pad", autoPad);
  const out = [0, 1].map((i) => {
    const span = xs[2 + i] + pads[i] + pads[i + 2] - ek[i];
    let o = (ceil ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i])) + 1;
    if (ceil && (o - 1) * strides[i] >= xs[2 + i] + pads[i]) o--; // last window must start inside
    return o;
  });
  if (out.some((o) => o <= 0))
    throw new ShapeError(`${c.name}: window larger than the padded input [${xs}]`, {
      details: { tensor: c.n.input![0], node: c.name, shape: xs },
    });
  return { strides, dilations, pads, out: out as [number, number] };
}
