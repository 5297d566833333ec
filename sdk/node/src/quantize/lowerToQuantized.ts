import { UnsupportedOpError } from "@zkml-verify/core/internal/errors";
import type { ActivationNode, IrNode, ModelIR } from "../onnx/ir.ts";
import { broadcastIndex, numel, UNARY_ACTIVATIONS } from "../onnx/ir.ts";
import { piecewiseOp } from "@zkml-verify/core/internal/quantize/ops/piecewise";
import type { UnaryFunction } from "@zkml-verify/core/internal/quantize/unaryFunctions";
import { layoutIndex } from "../onnx/layoutIndex.ts";
import { linearTerms, maxGroups, reduceGroups } from "../onnx/linearTerms.ts";
import type { LinearIrNode, LinearTerms } from "../onnx/linearTerms.ts";
import { requireMatMul } from "../onnx/matmulIndex.ts";
import { lowerCompare, lowerTreeEnsemble } from "./lowerDecisions.ts";
import type { QuantizeBuilder } from "./lowerDecisions.ts";
import { lowerNormalize } from "./lowerNormalize.ts";
import { lowerSoftmax, MASKED_FILL } from "./lowerSoftmax.ts";
import { bitLength } from "@zkml-verify/core/internal/quantize/fixedPoint";
import { MODE_LIMITS } from "@zkml-verify/core/internal/quantize/modeLimits";
import type {
  QuantizedModel,
  QuantizedOp,
  QuantizeMode,
  QTensor,
} from "@zkml-verify/core/internal/quantize/types";

/**
 * IR nodes -> integer ops (quotient and range widths are placeholders until calibration).
 * Tracks which tensors the circuit bounds, and inserts a range check before every op whose
 * soundness needs a bounded input (comparisons, products, polynomials).
 *
 * @example
 * const model = lowerToQuantized({ ir, nodes: ir.nodes, droppedSoftmax: false, frac: 12, mode: "accuracy", output: "logits" });
 */
export function lowerToQuantized(p: {
  ir: ModelIR;
  nodes: IrNode[];
  droppedSoftmax: boolean;
  frac: number;
  mode: QuantizeMode;
  weightFrac?: number;
  output: "logits" | "argmax";
}): QuantizedModel {
  const { ir, frac } = p;
  const limits = MODE_LIMITS[p.mode];
  const tensors: QTensor[] = [];
  const ops: QuantizedOp[] = [];
  const ids = new Map<string, number>();
  const bounded: boolean[] = [];
  const addTensor = (name: string, shape: number[], f: number, isBounded: boolean) => {
    tensors.push({ name, shape, frac: f, bits: null });
    bounded.push(isBounded);
    ids.set(name, tensors.length - 1);
    return tensors.length - 1;
  };
  // Tensor 0 is the circuit's input vector: the graph inputs concatenated. Every circuit
  // range-checks it to model.inputBits (whatever its visibility), so it is bounded from the
  // start; with several inputs each is a slice of it (wiring, no constraint).
  const nInputs = ir.inputs.reduce((n, i) => n + numel(i.shape), 0);
  if (ir.inputs.length === 1) addTensor(ir.inputs[0].name, ir.inputs[0].shape, frac, true);
  else {
    addTensor(INPUT_VECTOR, [nInputs], frac, true);
    let offset = 0;
    for (const i of ir.inputs) {
      const n = numel(i.shape);
      const out = addTensor(i.name, i.shape, frac, true);
      const index = Array.from({ length: n }, (_, k) => offset + k);
      ops.push({
        kind: "layout",
        name: i.name,
        inputs: [0],
        output: out,
        operand: index.map(() => 0),
        index,
        fill: 0,
      });
      offset += n;
    }
  }
  const outputNames = new Set(ir.outputs.map((o) => o.name));
  // A single output skips the final rescale (its scale is recorded as outputFrac); several
  // outputs are concatenated, so they keep the shared activation scale.
  const finalName = ir.outputs.length === 1 ? p.nodes[p.nodes.length - 1].output : null;
  const uses = new Map<string, number>();
  for (const n of p.nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);

  /** A bounded version of tensor id (inserting a range check if needed). */
  const boundedId = (id: number, by: string): number => {
    if (bounded[id]) return id;
    const t = tensors[id];
    const out = addTensor(`${t.name}__range`, t.shape, t.frac, true);
    ops.push({ kind: "range", name: `${by}/range`, inputs: [id], output: out, bits: 0 });
    return out;
  };
  const builder: QuantizeBuilder = {
    tensors,
    ops,
    addTensor,
    boundedId: (id, by) => boundedId(id, by),
    weightFrac: (coef) => wfFor(coef),
  };
  const wfFor = (coef: Float64Array) => {
    if (p.weightFrac !== undefined) return p.weightFrac;
    if (coef.every((c) => Number.isInteger(c))) return 0;
    const m = coef.reduce((a, c) => Math.max(a, Math.abs(c)), 0);
    const need = Math.ceil(Math.log2(m + 1e-12));
    return Math.max(0, Math.min(limits.maxWeightFrac, limits.weightBits - 1 - need));
  };
  const linear = (
    name: string,
    inputs: number[],
    t: LinearTerms,
    outName: string,
    outShape: number[],
    relu: boolean,
  ) => {
    const wf = wfFor(t.coef);
    const inFrac = tensors[inputs[0]].frac;
    const final = outName === finalName && !relu;
    const exact = wf === 0 && t.bias.every((b) => Number.isInteger(b * 2 ** inFrac));
    // A fused ReLU needs the sign bit of the decomposition, so a ReLU op always gets one (with
    // shift 0 when the sum is exact): no path may drop the activation.
    const rescaled = relu || (!final && !exact);
    const shift = rescaled ? wf : 0;
    const out = addTensor(
      outName,
      outShape,
      inFrac + wf - shift,
      rescaled || inputs.every((i) => bounded[i]),
    );
    ops.push({
      kind: "linear",
      name,
      inputs,
      output: out,
      start: Array.from(t.start),
      operand: Array.from(t.operand),
      index: Array.from(t.index),
      weight: Array.from(t.coef, (c) => BigInt(Math.round(c * 2 ** wf))),
      bias: Array.from(t.bias, (b) => BigInt(Math.round(b * 2 ** (inFrac + wf)))),
      weightFrac: wf,
      shift,
      quotientBits: rescaled ? 250 - shift : 0,
      relu,
      ...(t.param && t.biasParam
        ? {
            param: Array.from(t.param),
            biasParam: Array.from(t.biasParam),
            // Private weights admit biases up to twice the largest trained one (see packedWeights.ts).
            biasBits:
              Math.max(
                ...t.bias.map((b) => bitLength(BigInt(Math.round(b * 2 ** (inFrac + wf))))),
              ) + 1,
          }
        : {}),
    });
    return out;
  };
  const clip = (
    name: string,
    id: number,
    lo: number | null,
    hi: number | null,
    outName: string,
  ) => {
    const src = boundedId(id, name);
    const out = addTensor(outName, tensors[src].shape, tensors[src].frac, true);
    ops.push({ kind: "clip", name, inputs: [src], output: out, lo, hi, bits: 0 });
    return out;
  };

  /**
   * out = f(in) for a smooth unary function f (the `piecewise` op; its polynomials are fitted
   * at calibration, over the input's proven range): the one way to apply Exp, Log, Sqrt,
   * Reciprocal, Erf, ... to a tensor. Returns the output tensor id (same scale as the input).
   */
  const unary = (
    name: string,
    id: number,
    fn: UnaryFunction,
    params: { alpha?: number; beta?: number },
    outName: string,
  ) => {
    const src = boundedId(id, name);
    const out = addTensor(outName, tensors[src].shape, tensors[src].frac, true);
    const { alpha, beta } = params;
    ops.push(
      piecewiseOp({ name, input: src, output: out, fn, frac: tensors[src].frac, alpha, beta }),
    );
    return out;
  };

  /** -inf masks (Where / Trilu) in front of a Softmax: not computed, read by lowerSoftmax. */
  const masks = new Map<string, { src: number; keep: Uint8Array; index: Int32Array }>();
  for (let k = 0; k < p.nodes.length; k++) {
    const node = p.nodes[k];
    const ins = node.inputs.map((n) => ids.get(n)!);
    const inShapes = node.inputs.map((n) => ir.shapes[n]);
    const outShape = ir.shapes[node.output];
    // (a Softmax reading a -inf mask has no tensor id for it: lowerSoftmax reads the mask's source)
    const f = ins[0] === undefined ? frac : tensors[ins[0]].frac;
    switch (node.op) {
      case "Dense":
      case "Conv":
      case "ConvTranspose":
      case "Resize":
      case "Affine":
      case "Add":
      case "Sub":
      case "AveragePool":
      case "ReduceSum":
      case "ReduceMean": {
        const next = p.nodes[k + 1];
        const fuseRelu =
          next?.op === "Activation" &&
          next.kind === "Relu" &&
          next.inputs[0] === node.output &&
          uses.get(node.output) === 1 &&
          !outputNames.has(node.output);
        const t = linearTerms(node as LinearIrNode, inShapes, outShape);
        if (fuseRelu) {
          linear(node.name, ins, t, next.output, outShape, true);
          k++;
        } else linear(node.name, ins, t, node.output, outShape, false);
        break;
      }
      case "Mul": {
        const a = boundedId(ins[0], node.name);
        const b = boundedId(ins[1], node.name);
        const fo = tensors[a].frac + tensors[b].frac;
        const out = addTensor(node.output, outShape, frac, true);
        ops.push({
          kind: "mul",
          name: node.name,
          inputs: [a, b],
          output: out,
          aIndex: Array.from(broadcastIndex(inShapes[0], outShape)),
          bIndex: Array.from(broadcastIndex(inShapes[1], outShape)),
          shift: fo - frac,
          quotientBits: 250 - (fo - frac),
        });
        break;
      }
      case "MatMul": {
        const a = boundedId(ins[0], node.name);
        const b = boundedId(ins[1], node.name);
        const mi = requireMatMul(inShapes[0], inShapes[1], node.name);
        const shift = tensors[a].frac + tensors[b].frac - frac;
        ops.push({
          kind: "dot",
          name: node.name,
          inputs: [a, b],
          output: addTensor(node.output, outShape, frac, true),
          terms: mi.terms,
          aIndex: Array.from(mi.aIndex),
          bIndex: Array.from(mi.bIndex),
          shift,
          quotientBits: 250 - shift,
        });
        break;
      }
      case "Div": {
        const a = boundedId(ins[0], node.name);
        const b = boundedId(ins[1], node.name);
        const shift = frac + tensors[b].frac - tensors[a].frac;
        ops.push({
          kind: "div",
          name: node.name,
          inputs: [a, b],
          output: addTensor(node.output, outShape, frac, true),
          aIndex: Array.from(broadcastIndex(inShapes[0], outShape)),
          bIndex: Array.from(broadcastIndex(inShapes[1], outShape)),
          shift,
          quotientBits: 250 - shift,
          bBits: 0,
        });
        break;
      }
      case "Softmax":
      case "LogSoftmax": {
        const masked = masks.get(node.inputs[0]);
        lowerSoftmax(
          {
            tensors,
            ops,
            addTensor,
            boundedId,
            linear: (name, inputs, t, outName, outShape) =>
              linear(name, inputs, t, outName, outShape, false),
            unary: (name, id, fn, outName) => unary(name, id, fn, {}, outName),
          },
          node,
          masked ? masked.src : ins[0],
          inShapes[0],
          masked ?? null,
        );
        break;
      }
      case "Normalize":
        lowerNormalize(
          {
            tensors,
            ops,
            addTensor,
            boundedId,
            linear: (name, inputs, t, outName, outShape) =>
              linear(name, inputs, t, outName, outShape, false),
          },
          node,
          ins[0],
          inShapes[0],
        );
        break;
      case "Activation":
        lowerActivation(node, ins[0], f);
        break;
      case "Compare":
        ids.set(node.output, lowerCompare(builder, node, ins, frac, outShape));
        break;
      case "TreeEnsemble":
        ids.set(
          node.output,
          lowerTreeEnsemble(builder, node, ins[0], frac, node.output === finalName),
        );
        break;
      case "MaxPool":
      case "ReduceMax":
      case "ArgMax": {
        const src = boundedId(ins[0], node.name);
        const isArg = node.op === "ArgMax";
        const out = addTensor(node.output, outShape, isArg ? 0 : tensors[src].frac, true);
        ops.push({
          kind: isArg ? "argmax" : "max",
          name: node.name,
          inputs: [src],
          output: out,
          groups: maxGroups(node, inShapes[0], outShape),
          bits: 0,
          selectLast: isArg && node.selectLastIndex,
        });
        break;
      }
      case "TopK": {
        const src = boundedId(ins[0], node.name);
        const fx = tensors[src].frac;
        const xs = inShapes[0];
        ops.push({
          kind: "topk",
          name: node.name,
          inputs: [src],
          output: addTensor(node.output, outShape, fx, true),
          groups: reduceGroups(xs, [xs.length - 1]),
          k: node.k,
          largest: node.largest,
          bits: 0,
          indexShift: fx,
        });
        break;
      }
      case "Reshape":
      case "Transpose":
      case "Concat":
      case "Slice":
      case "Gather":
      case "Mask":
      case "Pad": {
        if (node.op === "Mask" && !(node.fill > MASKED_FILL)) {
          // a -inf mask: the Softmax that reads it leaves the masked elements out
          const readers = p.nodes.filter((n) => n.inputs.includes(node.output));
          if (outputNames.has(node.output) || readers.some((n) => n.op !== "Softmax"))
            throw unsupportedAt(
              node,
              `a fill of ${node.fill} (a mask) is only supported in front of a Softmax`,
            );
          const index = broadcastIndex(inShapes[0], outShape);
          masks.set(node.output, { src: ins[0], keep: node.keep, index });
          break;
        }
        if (ins.some((i) => tensors[i].frac !== f))
          throw unsupportedAt(
            node,
            "inputs with different scales (a final linear op cannot feed a layout op)",
          );
        const { operand, index, fill } = layoutIndex({ node, inputShapes: inShapes, outShape });
        const out = addTensor(
          node.output,
          outShape,
          f,
          ins.every((i) => bounded[i]),
        );
        ops.push({
          kind: "layout",
          name: node.name,
          inputs: ins,
          output: out,
          operand: Array.from(operand),
          index: Array.from(index),
          fill: Math.round(fill * 2 ** f),
        });
        break;
      }
      default:
        throw unsupportedAt(node, "cannot be quantized in this position");
    }
  }

  function lowerActivation(node: ActivationNode, id: number, f: number) {
    const one = 2 ** f;
    const shape = tensors[id].shape;
    const affine = (scale: number, bias: number, outName: string) =>
      linear(
        node.name,
        [id],
        linearTerms(
          {
            op: "Affine",
            name: node.name,
            inputs: [node.inputs[0]],
            output: outName,
            scale: { shape: [], data: Float64Array.of(scale) },
            bias: { shape: [], data: Float64Array.of(bias) },
          },
          [shape],
          shape,
        ),
        outName,
        shape,
        false,
      );
    switch (node.kind) {
      case "Relu":
        return clip(node.name, id, 0, null, node.output);
      case "Clip": {
        const lo =
          Number.isFinite(node.min) && node.min > -1e30 ? Math.round(node.min * one) : null;
        const hi = Number.isFinite(node.max) && node.max < 1e30 ? Math.round(node.max * one) : null;
        return clip(node.name, id, lo, hi, node.output);
      }
      case "HardSigmoid": {
        const t = affine(node.alpha, node.beta, `${node.output}__affine`);
        return clip(node.name, t, 0, one, node.output);
      }
      case "HardSwish": {
        const t = affine(1 / 6, 0.5, `${node.output}__affine`);
        const h = clip(node.name, t, 0, one, `${node.output}__hsig`);
        const a = boundedId(id, node.name);
        const out = addTensor(node.output, shape, f, true);
        const idx = Array.from({ length: numel(shape) }, (_, i) => i);
        ops.push({
          kind: "mul",
          name: `${node.name}/mul`,
          inputs: [a, h],
          output: out,
          aIndex: idx,
          bIndex: idx,
          shift: f,
          quotientBits: 250 - f,
        });
        return;
      }
      case "LeakyRelu":
      case "PRelu": {
        const src = boundedId(id, node.name);
        const sf = limits.slopeFrac;
        const slopeIdx = node.slope ? broadcastIndex(node.slope.shape, shape) : null;
        const slope = Array.from({ length: numel(shape) }, (_, i) =>
          Math.round((node.slope ? node.slope.data[slopeIdx![i]] : node.alpha) * 2 ** sf),
        );
        const out = addTensor(node.output, shape, f, true);
        ops.push({
          kind: "leaky",
          name: node.name,
          inputs: [src],
          output: out,
          slope,
          slopeFrac: sf,
          quotientBits: 250 - sf,
          bits: 0,
        });
        return;
      }
      default:
        unary(
          node.name,
          id,
          UNARY_ACTIVATIONS[node.kind],
          { alpha: node.alpha, beta: node.beta },
          node.output,
        );
    }
  }

  /** Several graph outputs: one layout op concatenates them into the proven output vector. */
  function concatOutputs(): number {
    // outputs at a coarser scale (an ArgMax / classifier label index at 2^0) are scaled up
    // exactly to the finest one (a constant multiple: wiring), so the vector has one scale
    const f0 = Math.max(...ir.outputs.map((o) => tensors[ids.get(o.name)!].frac));
    const srcs = ir.outputs.map((o) => {
      const id = ids.get(o.name)!;
      const t = tensors[id];
      if (t.frac === f0) return id;
      const n = numel(t.shape);
      const up = addTensor(`${t.name}__scaled`, t.shape, f0, bounded[id]);
      ops.push({
        kind: "linear",
        name: `${t.name}/scaled`,
        inputs: [id],
        output: up,
        start: Array.from({ length: n + 1 }, (_, i) => i),
        operand: new Array<number>(n).fill(0),
        index: Array.from({ length: n }, (_, i) => i),
        weight: new Array<bigint>(n).fill(1n << BigInt(f0 - t.frac)),
        bias: new Array<bigint>(n).fill(0n),
        weightFrac: f0 - t.frac,
        shift: 0,
        quotientBits: 0,
        relu: false,
      });
      return up;
    });
    const operand: number[] = [];
    const index: number[] = [];
    srcs.forEach((id, k) => {
      for (let i = 0; i < numel(tensors[id].shape); i++) {
        operand.push(k);
        index.push(i);
      }
    });
    const out = addTensor(
      OUTPUT_VECTOR,
      [operand.length],
      f0,
      srcs.every((id) => bounded[id]),
    );
    ops.push({
      kind: "layout",
      name: OUTPUT_VECTOR,
      inputs: srcs,
      output: out,
      operand,
      index,
      fill: 0,
    });
    return out;
  }
  let output = ir.outputs.length === 1 ? ids.get(finalName!)! : concatOutputs();
  if (p.output === "argmax" && !p.nodes.some((n) => n.op === "ArgMax")) {
    const src = boundedId(output, "argmax");
    const shape = tensors[src].shape;
    const outShape = [...shape.slice(0, -1), 1];
    const groups = maxGroups(
      {
        op: "ArgMax",
        name: "argmax",
        inputs: [],
        output: "",
        axis: shape.length - 1,
        keepdims: true,
        selectLastIndex: false,
      },
      shape,
      outShape,
    );
    output = addTensor("argmax", outShape, 0, true);
    ops.push({
      kind: "argmax",
      name: "argmax",
      inputs: [src],
      output,
      groups,
      bits: 0,
      selectLast: false,
    });
  }
  const isArg = ops[ops.length - 1].kind === "argmax" && ops[ops.length - 1].output === output;
  return {
    inputs: ir.inputs.map((i) => ({ name: i.name, shape: i.shape })),
    nInputs,
    inputFrac: frac,
    inputBits: 0,
    mode: p.mode,
    tensors,
    layers: ops,
    outputs: ir.outputs.map((o) => ({ name: o.name, shape: o.shape })),
    output,
    nOutputs: numel(tensors[output].shape),
    outputFrac: tensors[output].frac,
    droppedSoftmax: p.droppedSoftmax,
    outputKind: isArg ? "argmax" : "logits",
    modelSha256: ir.source.sha256,
  };
}

/** The name of the circuit's input vector when the graph has several inputs. */
const INPUT_VECTOR = "inputs";
/** The name of the proven output vector when the graph has several outputs. */
const OUTPUT_VECTOR = "outputs";

function unsupportedAt(node: IrNode, why: string): UnsupportedOpError {
  return new UnsupportedOpError(`${node.op} node "${node.name}": ${why}`, {
    details: { op: node.op, node: node.name, supported: [] },
  });
}
