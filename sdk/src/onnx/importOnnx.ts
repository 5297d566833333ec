import { basename } from "node:path";
import { ShapeError, UnsupportedOpError } from "../errors.ts";
import type { IrNode, ModelIR, Tensor, ValueInfo } from "./ir.ts";
import { numel } from "./ir.ts";
import { parseOnnx, tensorFromProto } from "./parseOnnx.ts";
import type { OnnxNodeProto } from "./parseOnnx.ts";
import { readAttributes } from "./readAttributes.ts";

/** Operators the importer understands today (the full op set is tracked in issue 4). */
export const SUPPORTED_OPS = [
  "Gemm",
  "MatMul",
  "Add",
  "Relu",
  "Softmax",
  "Flatten",
  "Reshape",
  "Identity",
  "Dropout",
] as const;

export interface ImportOnnxParameters {
  /** Path of the .onnx file. */
  file: string;
  /** Bytes of the model, if already loaded (then `file` only names it). */
  bytes?: Uint8Array;
  /** Static shapes for inputs with dynamic dimensions, by input name. */
  inputShapes?: Record<string, number[]>;
}

/**
 * Imports an ONNX model into the typed graph IR: resolves initializers and Constant nodes,
 * lowers Gemm / MatMul(+Add) to Dense, and infers every value's static shape.
 *
 * @example
 * const ir = importOnnx({ file: "models/iris-mlp.onnx" });
 * console.log(ir.nodes.map((n) => n.op)); // ["Dense", "Relu", "Dense"]
 */
export function importOnnx({ file, bytes, inputShapes = {} }: ImportOnnxParameters): ModelIR {
  const { model, sha256 } = parseOnnx({ file, bytes });
  const graph = model.graph!;
  const consts = new Map<string, Tensor>();
  for (const t of graph.initializer ?? []) consts.set(t.name!, tensorFromProto(t, file));

  const inputs: ValueInfo[] = [];
  for (const vi of graph.input ?? []) {
    if (consts.has(vi.name!)) continue; // old exporters list initializers as inputs
    const dims = vi.type?.tensorType?.shape?.dim ?? [];
    const declared = dims.map((d) =>
      d.dimValue != null && Number(d.dimValue) > 0 ? Number(d.dimValue) : -1,
    );
    const shape = inputShapes[vi.name!] ?? declared;
    if (shape.some((d) => d < 0)) {
      throw new ShapeError(
        `input ${vi.name} of ${basename(file)} has a dynamic shape [${dims.map((d) => d.dimParam || d.dimValue).join(", ")}]; give a static one with --input-shape ${vi.name}=1x...`,
        { details: { tensor: vi.name!, shape: declared } },
      );
    }
    inputs.push({ name: vi.name!, shape });
  }

  const shapes: Record<string, number[]> = {};
  for (const i of inputs) shapes[i.name] = i.shape;
  const nodes: IrNode[] = [];
  graph.node!.forEach((n, index) => {
    const name = n.name || `${n.opType}_${index}`;
    if (n.opType === "Constant") {
      const a = readAttributes(n, name, ["value"]);
      consts.set(n.output![0], tensorFromProto(a.tensor("value"), file));
      return;
    }
    const node = lowerNode(n, name, consts, shapes, nodes);
    if (node) {
      nodes.push(node);
      shapes[node.output] = outputShape(node, shapes[node.input]);
    }
  });

  const outputs = (graph.output ?? []).map((o) => {
    const shape = shapes[o.name!];
    if (!shape)
      throw new ShapeError(`graph output ${o.name} is never computed`, {
        details: { tensor: o.name! },
      });
    return { name: o.name!, shape };
  });
  const opset = Number(model.opsetImport?.find((o) => !o.domain)?.version ?? 0);
  return {
    inputs,
    outputs,
    nodes,
    shapes,
    source: { file: basename(file), sha256, opset, producer: model.producerName ?? "" },
  };
}

function lowerNode(
  n: OnnxNodeProto,
  name: string,
  consts: Map<string, Tensor>,
  shapes: Record<string, number[]>,
  nodes: IrNode[],
): IrNode | null {
  const op = n.opType ?? "";
  const ins = n.input ?? [];
  const output = n.output![0];
  const unsupported = (attribute?: string, why = "") =>
    new UnsupportedOpError(
      `${op} node "${name}"${attribute ? ` attribute ${attribute}` : ""} is not supported${why ? `: ${why}` : ""}`,
      { details: { op, node: name, attribute, supported: SUPPORTED_OPS } },
    );
  const activation = ins.find((i) => !consts.has(i) && i !== "");
  if (activation === undefined || !shapes[activation]) {
    throw new ShapeError(`${op} node "${name}" has no computed activation input`, {
      details: { tensor: ins[0] ?? "", node: name },
    });
  }
  switch (op) {
    case "Gemm": {
      const a = readAttributes(n, name, ["alpha", "beta", "transA", "transB"]);
      if (a.int("transA", 0) !== 0)
        throw unsupported("transA", "the activation must be the first operand, untransposed");
      const b = consts.get(ins[1]);
      if (!b || ins[0] !== activation)
        throw unsupported(undefined, "B must be a constant initializer");
      const weight = scale(a.int("transB", 0) ? b : transpose(b), a.float("alpha", 1));
      const c = ins[2] ? consts.get(ins[2]) : undefined;
      const bias = c ? broadcastBias(scale(c, a.float("beta", 1)), weight.shape[0], name) : null;
      return { op: "Dense", name, input: activation, output, weight, bias };
    }
    case "MatMul": {
      const w = consts.get(ins[1]);
      if (!w || ins[0] !== activation)
        throw unsupported(undefined, "the second operand must be a constant");
      return { op: "Dense", name, input: activation, output, weight: transpose(w), bias: null };
    }
    case "Add": {
      const c = consts.get(ins[0] === activation ? ins[1] : ins[0]);
      const prev = nodes[nodes.length - 1];
      if (!c || prev?.op !== "Dense" || prev.output !== activation || prev.bias) {
        throw unsupported(
          undefined,
          "only a constant bias added right after Gemm/MatMul is supported so far",
        );
      }
      prev.bias = broadcastBias(c, prev.weight.shape[0], name);
      prev.output = output; // fused: MatMul + Add is one Dense
      return null;
    }
    case "Relu":
      return { op: "Relu", name, input: activation, output };
    case "Softmax":
      return { op: "Softmax", name, input: activation, output };
    case "Flatten":
    case "Identity":
    case "Dropout": {
      const s = shapes[activation];
      const shape = op === "Flatten" ? [s[0] ?? 1, numel(s.slice(1))] : s;
      return { op: "Reshape", name, input: activation, output, shape };
    }
    case "Reshape": {
      const t = consts.get(ins[1]);
      if (!t) throw unsupported(undefined, "the target shape must be constant");
      return {
        op: "Reshape",
        name,
        input: activation,
        output,
        shape: resolveReshape([...t.data], shapes[activation], name),
      };
    }
    default:
      throw unsupported(undefined, `supported: ${SUPPORTED_OPS.join(", ")}`);
  }
}

function outputShape(node: IrNode, input: number[]): number[] {
  switch (node.op) {
    case "Dense": {
      const inFeatures = input[input.length - 1];
      if (inFeatures !== node.weight.shape[1]) {
        throw new ShapeError(
          `${node.name}: input has ${inFeatures} features, weight expects ${node.weight.shape[1]}`,
          {
            details: { tensor: node.input, node: node.name, shape: input },
          },
        );
      }
      return [...input.slice(0, -1), node.weight.shape[0]];
    }
    case "Reshape":
      return node.shape;
    default:
      return input;
  }
}

function transpose(t: Tensor): Tensor {
  const [r, c] = t.shape;
  const data = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = t.data[i * c + j];
  return { shape: [c, r], data };
}

function scale(t: Tensor, s: number): Tensor {
  return s === 1 ? t : { shape: t.shape, data: t.data.map((x) => x * s) };
}

function broadcastBias(c: Tensor, n: number, node: string): Tensor {
  if (c.data.length === n) return { shape: [n], data: c.data };
  if (c.data.length === 1) return { shape: [n], data: new Float64Array(n).fill(c.data[0]) };
  throw new ShapeError(`${node}: bias of shape [${c.shape}] does not broadcast to [${n}]`, {
    details: { tensor: node, node, shape: c.shape },
  });
}

function resolveReshape(target: number[], input: number[], node: string): number[] {
  const total = numel(input);
  const shape = target.map((d, i) => (d === 0 ? input[i] : d));
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const resolved = shape.map((d) => (d === -1 ? total / known : d));
  if (numel(resolved) !== total || resolved.some((d) => !Number.isInteger(d))) {
    throw new ShapeError(`${node}: cannot reshape [${input}] to [${target}]`, {
      details: { tensor: node, node, shape: target },
    });
  }
  return resolved;
}
