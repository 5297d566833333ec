import { basename } from "node:path";
import { InvalidWeightError, OnnxParseError, ShapeError } from "@zkml-verify/core/internal/errors";
import { foldConstant } from "./foldConstant.ts";
import { MAX_TENSOR_ELEMENTS, numel } from "./ir.ts";
import type { IrNode, ModelIR, Tensor, ValueInfo } from "./ir.ts";
import { lowerNode } from "./lowerNode.ts";
import { parseOnnx, tensorFromProto } from "./parseOnnx.ts";
import type { OnnxModelProto, OnnxNodeProto } from "./parseOnnx.ts";
import { readAttributes } from "./readAttributes.ts";

export { SUPPORTED_OPS } from "./supportedOps.ts";

export interface ImportOnnxParameters {
  /** Path of the .onnx file. */
  file: string;
  /** Bytes of the model, if already loaded (then `file` only names it). */
  bytes?: Uint8Array;
  /** Static shapes for inputs with dynamic dimensions, by input name (override `batchSize`). */
  inputShapes?: Record<string, number[]>;
  /** The size of a symbolic leading (batch) dimension. Default 1, with a warning. */
  batchSize?: number;
  /** Receives each warning (a symbolic batch dimension set to 1). */
  onWarning?: (message: string) => void;
}

/**
 * Imports an ONNX model into the typed graph IR: resolves initializers and Constant nodes,
 * folds constant subgraphs (the Shape/Gather/Unsqueeze/Concat/Reshape chains PyTorch emits
 * for flatten), folds BatchNormalization and bias Adds into the preceding Conv/Gemm, and
 * infers every value's static shape. Never skips a node: anything it cannot represent
 * exactly is an `UnsupportedOpError` naming the op, node and attribute.
 *
 * Shapes: a symbolic leading dimension (the batch axis of every PyTorch export: `batch_size`,
 * `N`, `unk__0`, -1) becomes `batchSize` (default 1, reported through `onWarning`); any other
 * symbolic dimension needs `inputShapes`, and the `ShapeError` names it.
 *
 * @example
 * const ir = importOnnx({ file: "models/iris-mlp.onnx" });
 * console.log(ir.nodes.map((n) => n.op)); // ["Dense", "Activation", "Dense"]
 */
export function importOnnx({
  file,
  bytes,
  inputShapes = {},
  batchSize,
  onWarning,
}: ImportOnnxParameters): ModelIR {
  const { model, sha256 } = parseOnnx({ file, bytes });
  const graph = model.graph!;
  const opset = Number(model.opsetImport?.find((o) => !o.domain)?.version ?? 0);
  const consts = new Map<string, Tensor>();
  for (const t of graph.initializer ?? []) consts.set(t.name!, tensorFromProto(t, file));

  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0))
    throw new ShapeError(`the batch size must be a positive integer, not ${batchSize}`, {
      details: { tensor: "", shape: batchSize },
    });
  const inputs: ValueInfo[] = [];
  for (const vi of graph.input ?? []) {
    if (consts.has(vi.name!)) continue; // old exporters list initializers as inputs
    const shape = inputShape(vi, file, inputShapes, batchSize, onWarning);
    checkSize(vi.name!, shape);
    inputs.push({ name: vi.name!, shape });
  }

  // How many nodes (and graph outputs) read each tensor: folding into a producer is only
  // exact when nothing else reads the intermediate value.
  const uses = new Map<string, number>();
  for (const n of graph.node ?? [])
    for (const i of n.input ?? []) uses.set(i, (uses.get(i) ?? 0) + 1);
  for (const o of graph.output ?? []) uses.set(o.name!, (uses.get(o.name!) ?? 0) + 1);

  const shapes: Record<string, number[]> = {};
  for (const i of inputs) shapes[i.name] = i.shape;
  const nodes: IrNode[] = [];
  const checked = new Set<string>();
  graph.node!.forEach((n, index) => {
    const name = n.name || `${n.opType}_${index}`;
    if ((n.domain ?? "") !== "" && n.domain !== "ai.onnx") {
      // ai.onnx.ml ops are lowered (lowerMl.ts); any other domain throws UnsupportedOpError
      lowerNode({ n, name, consts, shapes, nodes, uses, opset, file });
      return;
    }
    checkParameters({ n, name, consts, file, checked });
    if (n.opType === "Constant") {
      consts.set(n.output![0], constantValue(n, name, file));
      return;
    }
    const folded = foldConstant({ n, name, consts, shapes, opset });
    if (folded) {
      consts.set(n.output![0], folded);
      return;
    }
    lowerNode({ n, name, consts, shapes, nodes, uses, opset, file });
    for (const out of n.output ?? []) checkSize(out, shapes[out], name);
  });

  // an ArgMax index is proven as the final op: a classifier's label that no node reads moves
  // after the probabilities computed from the same scores (sklearn-onnx's Normalizer, ZipMap)
  const read = new Set(nodes.flatMap((nd) => nd.inputs));
  const label = nodes.findIndex((nd) => nd.op === "ArgMax" && !read.has(nd.output));
  if (label >= 0) nodes.push(...nodes.splice(label, 1));

  const outputs = (graph.output ?? []).map((o) => {
    const shape = shapes[o.name!];
    if (!shape)
      throw new ShapeError(`graph output ${o.name} is never computed from the inputs`, {
        details: { tensor: o.name! },
      });
    return { name: o.name!, shape };
  });
  provenLogits(nodes, shapes, inputs);
  return {
    inputs,
    outputs,
    nodes,
    shapes,
    source: { file: basename(file), sha256, opset, producer: model.producerName ?? "" },
  };
}

/** A tensor of more than MAX_TENSOR_ELEMENTS elements is a ShapeError (before anything allocates it). */
function checkSize(tensor: string, shape: number[] | undefined, node?: string) {
  if (!shape) return;
  const n = numel(shape);
  if (n > MAX_TENSOR_ELEMENTS) {
    throw new ShapeError(
      `${node ? `the output of node ${node}` : "input"} ${tensor} has ${n} elements [${shape.join(", ")}]; at most ${MAX_TENSOR_ELEMENTS} (2^24) per tensor: every value is a circuit signal and snarkjs proves at most 2^28 constraints`,
      { details: { tensor, node, shape } },
    );
  }
}

/** Ops whose constant operands may be infinite (bounds: Clip's min/max, Max/Min, a Where mask). */
const INFINITY_OK = new Set(["Clip", "Max", "Min", "Where"]);

/**
 * The constant operands of a node (initializers, Constant outputs) hold no NaN, nor an infinity
 * unless the op takes bounds: an `InvalidWeightError` names the op, node and tensor, instead of
 * a RangeError deep in quantization.
 */
function checkParameters(p: {
  n: OnnxNodeProto;
  name: string;
  consts: Map<string, Tensor>;
  file: string;
  checked: Set<string>;
}) {
  for (const input of p.n.input ?? []) {
    const t = p.consts.get(input);
    const key = `${input}\u0000${p.n.opType}`;
    if (!t || p.checked.has(key)) continue;
    p.checked.add(key);
    const index = t.data.findIndex(
      (v) => Number.isNaN(v) || (!Number.isFinite(v) && !INFINITY_OK.has(p.n.opType!)),
    );
    if (index >= 0) {
      throw new InvalidWeightError(
        `${p.n.opType} node ${p.name}: tensor ${input} holds ${t.data[index]} at index ${index}; a model parameter must be a finite number (re-export the model, or fix the weights)`,
        {
          details: {
            file: p.file,
            op: p.n.opType!,
            node: p.name,
            tensor: input,
            index,
            value: String(t.data[index]),
          },
        },
      );
    }
  }
}

type OnnxValueInfo = NonNullable<OnnxModelProto["graph"]>["input"] extends
  (infer V)[] | null | undefined
  ? V
  : never;

/**
 * The static shape of a graph input: `inputShapes[name]` if given, else the declared shape
 * with a symbolic leading dimension set to the batch size (1 by default, with a warning).
 * Any other symbolic dimension is a `ShapeError` naming it and the option that fixes it.
 */
function inputShape(
  vi: OnnxValueInfo,
  file: string,
  inputShapes: Record<string, number[]>,
  batchSize: number | undefined,
  onWarning: ((message: string) => void) | undefined,
): number[] {
  const name = vi.name!;
  const dims = vi.type?.tensorType?.shape?.dim ?? [];
  const label = (i: number) => {
    const d = dims[i];
    return d.dimParam ? d.dimParam : d.dimValue != null ? String(d.dimValue) : "?";
  };
  const declared = dims.map((d) =>
    d.dimValue != null && Number(d.dimValue) > 0 ? Number(d.dimValue) : -1,
  );
  const shown = `[${dims.map((_, i) => label(i)).join(", ")}]`;
  const given = inputShapes[name];
  if (given) {
    if (given.some((d) => !Number.isInteger(d) || d <= 0))
      throw new ShapeError(`input shape [${given}] for ${name} must be positive integers`, {
        details: { tensor: name, shape: given },
      });
    if (declared.length !== given.length)
      throw new ShapeError(
        `input shape [${given}] for ${name} has rank ${given.length}; the model declares rank ${declared.length} ${shown}`,
        { details: { tensor: name, shape: given } },
      );
    return given;
  }
  const symbolic = declared.flatMap((d, i) => (d > 0 ? [] : [i]));
  const example = declared.map((d, i) =>
    d > 0 ? d : i === 0 ? (batchSize ?? 1) : `<${label(i)}>`,
  );
  const rest = symbolic.filter((i) => i !== 0);
  if (rest.length > 0) {
    const names = rest.map(
      (i) => `${label(i) === "?" || label(i) === "-1" ? "?" : label(i)} (axis ${i})`,
    );
    throw new ShapeError(
      `input ${name} of ${basename(file)} has a dynamic shape ${shown}: symbolic dimension${rest.length > 1 ? "s" : ""} ${names.join(", ")} must be given; pass --input-shape ${name}=${example.join("x")} (SDK: inputShapes)`,
      { details: { tensor: name, shape: declared } },
    );
  }
  if (symbolic[0] === 0) {
    const size = batchSize ?? 1;
    if (batchSize === undefined)
      onWarning?.(
        `input ${name} of ${basename(file)} ${shown}: the symbolic batch dimension ${label(0)} is set to 1; pass --batch-size N or --input-shape ${name}=${example.join("x")} to change it`,
      );
    return declared.map((d, i) => (i === 0 ? size : d));
  }
  return declared;
}

/**
 * A graph that is only a final Softmax/LogSoftmax of its input proves its logits (the
 * quantizer drops a final Softmax, see `quantizeModel`): an identity node in front of it
 * makes them a computed tensor, so the model has something to prove.
 */
function provenLogits(nodes: IrNode[], shapes: Record<string, number[]>, inputs: ValueInfo[]) {
  const only = nodes[0];
  if (nodes.length !== 1 || (only.op !== "Softmax" && only.op !== "LogSoftmax")) return;
  if (!inputs.some((i) => i.name === only.inputs[0])) return;
  const logits = `${only.output}__logits`;
  const shape = shapes[only.inputs[0]];
  nodes.unshift({
    op: "Reshape",
    name: `${only.name}/logits`,
    inputs: [only.inputs[0]],
    output: logits,
    shape: [...shape],
  });
  shapes[logits] = [...shape];
  only.inputs = [logits];
}

/**
 * A Constant node's value: the `value` tensor (every opset) or, from opset 12, one of
 * `value_float`, `value_floats`, `value_int`, `value_ints` (a scalar or a 1-D tensor). Any
 * other form (`sparse_value`, strings) is refused by name.
 */
function constantValue(n: OnnxNodeProto, name: string, file: string): Tensor {
  const a = readAttributes(n, name, [
    "value",
    "value_float",
    "value_floats",
    "value_int",
    "value_ints",
  ]);
  if (a.has("value")) return tensorFromProto(a.tensor("value"), file);
  if (a.has("value_float")) return { shape: [], data: Float64Array.of(a.float("value_float", 0)) };
  if (a.has("value_int")) return { shape: [], data: Float64Array.of(a.int("value_int", 0)) };
  const list = a.has("value_floats") ? a.floats("value_floats", []) : a.ints("value_ints", []);
  if (!a.has("value_floats") && !a.has("value_ints"))
    throw new OnnxParseError(`Constant node "${name}" in ${file} has no value attribute`, {
      details: { file },
    });
  return { shape: [list.length], data: Float64Array.from(list) };
}
