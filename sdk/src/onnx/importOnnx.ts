import { basename } from "node:path";
import { ShapeError } from "../errors.ts";
import { foldConstant } from "./foldConstant.ts";
import type { IrNode, ModelIR, Tensor, ValueInfo } from "./ir.ts";
import { lowerNode } from "./lowerNode.ts";
import { parseOnnx, tensorFromProto } from "./parseOnnx.ts";
import { readAttributes } from "./readAttributes.ts";

export { SUPPORTED_OPS } from "./supportedOps.ts";

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
 * folds constant subgraphs (the Shape/Gather/Unsqueeze/Concat/Reshape chains PyTorch emits
 * for flatten), folds BatchNormalization and bias Adds into the preceding Conv/Gemm, and
 * infers every value's static shape. Never skips a node: anything it cannot represent
 * exactly is an `UnsupportedOpError` naming the op, node and attribute.
 *
 * @example
 * const ir = importOnnx({ file: "models/iris-mlp.onnx" });
 * console.log(ir.nodes.map((n) => n.op)); // ["Dense", "Activation", "Dense"]
 */
export function importOnnx({ file, bytes, inputShapes = {} }: ImportOnnxParameters): ModelIR {
  const { model, sha256 } = parseOnnx({ file, bytes });
  const graph = model.graph!;
  const opset = Number(model.opsetImport?.find((o) => !o.domain)?.version ?? 0);
  const consts = new Map<string, Tensor>();
  for (const t of graph.initializer ?? []) consts.set(t.name!, tensorFromProto(t, file));

  const inputs: ValueInfo[] = [];
  for (const vi of graph.input ?? []) {
    if (consts.has(vi.name!)) continue; // old exporters list initializers as inputs
    const dims = vi.type?.tensorType?.shape?.dim ?? [];
    const declared = dims.map((d) =>
      d.dimValue != null && Number(d.dimValue) > 0 ? Number(d.dimValue) : -1,
    );
    const given = inputShapes[vi.name!];
    const shape = given ?? declared;
    if (shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new ShapeError(
        `input ${vi.name} of ${basename(file)} has a dynamic shape [${dims.map((d) => d.dimParam || d.dimValue).join(", ")}]; give a static one with --input-shape ${vi.name}=1x... (inputShapes)`,
        { details: { tensor: vi.name!, shape: declared } },
      );
    }
    if (given && declared.length !== given.length) {
      throw new ShapeError(
        `input shape [${given}] for ${vi.name} has rank ${given.length}; the model declares rank ${declared.length}`,
        { details: { tensor: vi.name!, shape: given } },
      );
    }
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
  graph.node!.forEach((n, index) => {
    const name = n.name || `${n.opType}_${index}`;
    if ((n.domain ?? "") !== "" && n.domain !== "ai.onnx") {
      lowerNode({ n, name, consts, shapes, nodes, uses, opset, file }); // throws unsupported
    }
    if (n.opType === "Constant") {
      const a = readAttributes(n, name, ["value"]);
      consts.set(n.output![0], tensorFromProto(a.tensor("value"), file));
      return;
    }
    const folded = foldConstant({ n, name, consts, shapes, opset });
    if (folded) {
      consts.set(n.output![0], folded);
      return;
    }
    lowerNode({ n, name, consts, shapes, nodes, uses, opset, file });
  });

  const outputs = (graph.output ?? []).map((o) => {
    const shape = shapes[o.name!];
    if (!shape)
      throw new ShapeError(`graph output ${o.name} is never computed from the inputs`, {
        details: { tensor: o.name! },
      });
    return { name: o.name!, shape };
  });
  return {
    inputs,
    outputs,
    nodes,
    shapes,
    source: { file: basename(file), sha256, opset, producer: model.producerName ?? "" },
  };
}
