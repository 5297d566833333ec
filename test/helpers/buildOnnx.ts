import onnxProto from "onnx-proto";
import type { onnx as Onnx } from "onnx-proto";
import { InputError, ShapeError } from "../../sdk/core/src/errors.ts";

const { onnx } = onnxProto;

/** Element types the builder can write for graph inputs, outputs and initializers. */
export type OnnxDataType = "float32" | "int64" | "int32" | "bool";

/**
 * A node attribute. Plain values are typed by inference: a string is STRING, an integral
 * number or a bigint is INT, any other number is FLOAT, an array of integral numbers (or an
 * empty array) is INTS, any other number array is FLOATS. Use the explicit
 * `{ type, value }` form when inference would be wrong, e.g. `alpha: { type: "float", value: 1 }`
 * (a bare `alpha: 1` would be written as INT and rejected by the runtime), or
 * `value: { type: "tensor", value: { shape: [1], data: [0.5] } }` for a TENSOR attribute.
 */
export type OnnxAttributeValue =
  | number
  | bigint
  | string
  | number[]
  | bigint[]
  | { type: "int"; value: number | bigint }
  | { type: "float"; value: number }
  | { type: "ints"; value: (number | bigint)[] }
  | { type: "floats"; value: number[] }
  | { type: "string"; value: string }
  | { type: "strings"; value: string[] }
  | { type: "tensor"; value: Omit<OnnxInitializerSpec, "name"> };

/** A graph input or output: name, static shape (a string is a symbolic dim) and element type. */
export interface OnnxValueSpec {
  name: string;
  shape: (number | string)[];
  /** Defaults to `"float32"`. */
  dataType?: OnnxDataType;
  /**
   * A sequence of maps from this key type to float (ZipMap's output, as sklearn-onnx declares
   * it: `seq(map(int64, float))`); `shape` and `dataType` are then ignored.
   */
  sequenceOfMaps?: "int64" | "string";
}

/** A constant tensor stored in the graph (weights, biases, Reshape shapes, ...). */
export interface OnnxInitializerSpec {
  name: string;
  shape: number[];
  /** Row-major values; `bigint`s are allowed for int64. */
  data: Float32Array | BigInt64Array | number[] | bigint[];
  /** Defaults to `"int64"` for bigint data, otherwise `"float32"`. */
  dataType?: OnnxDataType;
}

/** One operator node. `inputs` may contain `""` for an omitted optional input. */
export interface OnnxNodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, OnnxAttributeValue>;
  /** Operator domain; defaults to the default ONNX domain `""`. */
  domain?: string;
}

/** Everything {@link buildOnnx} needs to write one single-graph ONNX model. */
export interface BuildOnnxOptions {
  inputs: OnnxValueSpec[];
  outputs: OnnxValueSpec[];
  initializers?: OnnxInitializerSpec[];
  nodes: OnnxNodeSpec[];
  /** Default-domain opset version; defaults to 13. */
  opset?: number;
  /** `producer_name`; defaults to `"zkml-verify"`. */
  producer?: string;
  /** Graph name; defaults to `"main"`. */
  graphName?: string;
  /** Model-level `doc_string` (free text, e.g. what the outputs mean). */
  docString?: string;
}

const IR_VERSION = 8;

const ELEM_TYPE: Record<OnnxDataType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  bool: onnx.TensorProto.DataType.BOOL,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
};

/**
 * Write an ONNX model (ir_version 8, one graph) from plain objects. Any op type and any
 * int/float/ints/floats/string attribute can be written; the builder does not check op
 * semantics, onnxruntime does that when the model is loaded. Tensors are stored as
 * little-endian `raw_data`. The output is deterministic: the same options give the same bytes.
 *
 * @example
 * const bytes = buildOnnx({
 *   inputs: [{ name: "x", shape: [1, 2] }],
 *   outputs: [{ name: "y", shape: [1, 3] }],
 *   initializers: [
 *     { name: "W", shape: [3, 2], data: [1, 2, 3, 4, 5, 6] },
 *     { name: "b", shape: [3], data: [0, 0, 1] },
 *   ],
 *   nodes: [
 *     {
 *       opType: "Gemm",
 *       name: "fc",
 *       inputs: ["x", "W", "b"],
 *       outputs: ["y"],
 *       attributes: { transB: 1, alpha: { type: "float", value: 1 } },
 *     },
 *   ],
 * });
 * writeFileSync("fc.onnx", bytes);
 */
export function buildOnnx(options: BuildOnnxOptions): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: options.producer ?? "zkml-verify",
    opsetImport: opsetImports(options),
    graph: onnx.GraphProto.create({
      name: options.graphName ?? "main",
      input: options.inputs.map(valueInfo),
      output: options.outputs.map(valueInfo),
      initializer: (options.initializers ?? []).map(tensor),
      node: options.nodes.map(node),
    }),
    ...(options.docString === undefined ? {} : { docString: options.docString }),
  });
  return onnx.ModelProto.encode(model).finish();
}

function opsetImports(options: BuildOnnxOptions): Onnx.IOperatorSetIdProto[] {
  const opset = options.opset ?? 13;
  if (!Number.isInteger(opset) || opset < 1) {
    throw new InputError(`opset must be a positive integer, got ${opset}`, {
      details: { input: "opset", value: opset },
    });
  }
  const imports = [onnx.OperatorSetIdProto.create({ domain: "", version: opset })];
  const domains = new Set(options.nodes.map((n) => n.domain ?? "").filter((d) => d !== ""));
  for (const domain of [...domains].sort()) {
    imports.push(onnx.OperatorSetIdProto.create({ domain, version: 1 }));
  }
  return imports;
}

function valueInfo(spec: OnnxValueSpec): Onnx.ValueInfoProto {
  if (spec.sequenceOfMaps) {
    const keyType = spec.sequenceOfMaps === "int64" ? "INT64" : "STRING";
    const mapType = onnx.TypeProto.Map.create({
      keyType: onnx.TensorProto.DataType[keyType],
      valueType: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({ elemType: ELEM_TYPE.float32 }),
      }),
    });
    const elemType = onnx.TypeProto.create({ mapType });
    return onnx.ValueInfoProto.create({
      name: spec.name,
      type: onnx.TypeProto.create({
        sequenceType: onnx.TypeProto.Sequence.create({ elemType }),
      }),
    });
  }
  const dims = spec.shape.map((d) => {
    if (typeof d === "string") return onnx.TensorShapeProto.Dimension.create({ dimParam: d });
    checkDim(spec.name, spec.shape, d);
    return onnx.TensorShapeProto.Dimension.create({ dimValue: d });
  });
  return onnx.ValueInfoProto.create({
    name: spec.name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: ELEM_TYPE[spec.dataType ?? "float32"],
        shape: onnx.TensorShapeProto.create({ dim: dims }),
      }),
    }),
  });
}

function checkDim(tensor: string, shape: unknown[], d: number): void {
  if (!Number.isInteger(d) || d < 0) {
    throw new ShapeError(`tensor "${tensor}" has an invalid dimension ${d}`, {
      details: { tensor, shape },
    });
  }
}

function tensor(spec: OnnxInitializerSpec): Onnx.TensorProto {
  const { name, shape, data } = spec;
  for (const d of shape) checkDim(name, shape, d);
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) {
    throw new ShapeError(
      `initializer "${name}" has ${data.length} values but shape [${shape.join(", ")}] needs ${size}`,
      { details: { tensor: name, shape } },
    );
  }
  const isBig = data instanceof BigInt64Array || typeof data[0] === "bigint";
  const dataType = spec.dataType ?? (isBig ? "int64" : "float32");
  const raw =
    dataType === "int64"
      ? int64Bytes(name, data)
      : dataType === "bool"
        ? Uint8Array.from(data as ArrayLike<number | bigint>, (v) => (Number(v) ? 1 : 0))
        : dataType === "int32"
          ? new Uint8Array(Int32Array.from(data as ArrayLike<number>).buffer)
          : float32Bytes(name, data);
  return onnx.TensorProto.create({
    name,
    dims: shape,
    dataType: ELEM_TYPE[dataType],
    rawData: raw,
  });
}

function float32Bytes(name: string, data: OnnxInitializerSpec["data"]): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== "number") {
      throw new InputError(`float32 initializer "${name}" has a non-number value at ${i}`, {
        details: { input: name, index: i, value: String(v) },
      });
    }
    view.setFloat32(i * 4, v, true);
  }
  return out;
}

function int64Bytes(name: string, data: OnnxInitializerSpec["data"]): Uint8Array {
  const out = new Uint8Array(data.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v === "number" && !Number.isSafeInteger(v)) {
      throw new InputError(`int64 initializer "${name}" has a non-integer value at ${i}`, {
        details: { input: name, index: i, value: v },
      });
    }
    view.setBigInt64(i * 8, BigInt(v), true);
  }
  return out;
}

function node(spec: OnnxNodeSpec): Onnx.NodeProto {
  const attributes = Object.entries(spec.attributes ?? {}).map(([key, value]) =>
    attribute(spec, key, value),
  );
  return onnx.NodeProto.create({
    name: spec.name,
    opType: spec.opType,
    input: spec.inputs,
    output: spec.outputs,
    attribute: attributes,
    ...(spec.domain ? { domain: spec.domain } : {}),
  });
}

const AttributeType = onnx.AttributeProto.AttributeType;

function attribute(spec: OnnxNodeSpec, name: string, value: OnnxAttributeValue) {
  const bad = (why: string): InputError =>
    new InputError(`attribute "${name}" of node "${spec.name}" (${spec.opType}) ${why}`, {
      details: { input: `${spec.name}.${name}`, value: printable(value) },
    });
  const typed = normalize(value);
  if (typed === undefined) throw bad("has an unsupported value");
  switch (typed.type) {
    case "int":
      return onnx.AttributeProto.create({
        name,
        type: AttributeType.INT,
        i: int(typed.value, bad),
      });
    case "float":
      if (typeof typed.value !== "number") throw bad("must be a number");
      return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: typed.value });
    case "ints":
      return onnx.AttributeProto.create({
        name,
        type: AttributeType.INTS,
        ints: typed.value.map((v) => int(v, bad)),
      });
    case "floats":
      if (!typed.value.every((v) => typeof v === "number")) throw bad("must be numbers");
      return onnx.AttributeProto.create({ name, type: AttributeType.FLOATS, floats: typed.value });
    case "string":
      return onnx.AttributeProto.create({
        name,
        type: AttributeType.STRING,
        s: new TextEncoder().encode(typed.value),
      });
    case "strings":
      if (!typed.value.every((v) => typeof v === "string")) throw bad("must be strings");
      return onnx.AttributeProto.create({
        name,
        type: AttributeType.STRINGS,
        strings: typed.value.map((v) => new TextEncoder().encode(v)),
      });
    case "tensor":
      return onnx.AttributeProto.create({
        name,
        type: AttributeType.TENSOR,
        t: tensor({ name, ...typed.value }),
      });
  }
}

type TypedAttribute = Exclude<OnnxAttributeValue, number | bigint | string | number[] | bigint[]>;

function normalize(value: OnnxAttributeValue): TypedAttribute | undefined {
  if (typeof value === "string") return { type: "string", value };
  if (typeof value === "bigint") return { type: "int", value };
  if (typeof value === "number") {
    return Number.isInteger(value) ? { type: "int", value } : { type: "float", value };
  }
  if (Array.isArray(value)) {
    const list = value as (number | bigint)[];
    if (list.every((v) => typeof v === "bigint" || Number.isInteger(v))) {
      return { type: "ints", value: list };
    }
    if (list.every((v) => typeof v === "number")) return { type: "floats", value: list };
    return undefined;
  }
  if (value !== null && typeof value === "object" && "type" in value) {
    const known = ["int", "float", "ints", "floats", "string", "strings", "tensor"];
    if (!known.includes(value.type)) return undefined;
    const isList = value.type === "ints" || value.type === "floats" || value.type === "strings";
    if (isList !== Array.isArray(value.value)) return undefined;
    return value;
  }
  return undefined;
}

/** An int64 for protobufjs: a JS number when exact, otherwise a `{ low, high }` Long-like. */
function int(v: number | bigint, bad: (why: string) => InputError): number {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw bad("must be a (safe) integer");
    return v;
  }
  if (v < -(1n << 63n) || v >= 1n << 63n) throw bad("is out of int64 range");
  if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(v);
  }
  const u = BigInt.asUintN(64, v);
  const longLike = {
    low: Number(u & 0xffffffffn) | 0,
    high: Number(u >> 32n) | 0,
    unsigned: false,
  };
  return longLike as unknown as number;
}

function printable(value: OnnxAttributeValue): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)) ?? "null",
  );
}

/**
 * A 3-input, 2-output Gemm (transB) + Relu: the small circuit several setup and gas tests
 * compile. `weight` is the 2 x 3 matrix row-major, `bias` the 2 biases.
 *
 * @example
 * writeFileSync("gemm.onnx", gemmReluOnnx({ weight: [0.5, -1.25, 2, -0.75, 1, -3], bias: [0.25, -0.5] }));
 */
export function gemmReluOnnx(p: { weight: number[]; bias: number[] }): Uint8Array {
  return buildOnnx({
    inputs: [{ name: "x", shape: [1, 3] }],
    outputs: [{ name: "y", shape: [1, 2] }],
    initializers: [
      { name: "W", shape: [2, 3], data: p.weight },
      { name: "b", shape: [2], data: p.bias },
    ],
    nodes: [
      {
        opType: "Gemm",
        name: "fc",
        inputs: ["x", "W", "b"],
        outputs: ["h"],
        attributes: { transB: 1 },
      },
      { opType: "Relu", name: "relu", inputs: ["h"], outputs: ["y"] },
    ],
  });
}
