import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import onnxProto from "onnx-proto";
import { OnnxParseError } from "@zkml-verify/core/internal/errors";
import { MAX_TENSOR_ELEMENTS } from "./ir.ts";
import type { Tensor } from "./ir.ts";

const { onnx } = onnxProto;
export type OnnxModelProto = InstanceType<typeof onnx.ModelProto>;
export type OnnxNodeProto = onnxProto.onnx.INodeProto;
export type OnnxTensorProto = onnxProto.onnx.ITensorProto;

export interface ParseOnnxParameters {
  /** Path of the .onnx file, or its bytes (then `file` names it in errors). */
  file: string;
  bytes?: Uint8Array;
}

export interface ParseOnnxReturnType {
  model: OnnxModelProto;
  sha256: string;
}

/**
 * Reads and decodes an ONNX file.
 *
 * @example
 * const { model, sha256 } = parseOnnx({ file: "models/iris-mlp.onnx" });
 */
export function parseOnnx({ file, bytes }: ParseOnnxParameters): ParseOnnxReturnType {
  let data: Uint8Array;
  try {
    data = bytes ?? readFileSync(file);
  } catch (cause) {
    throw new OnnxParseError(`cannot read ONNX file ${file}`, { details: { file }, cause });
  }
  let model: OnnxModelProto;
  try {
    model = onnx.ModelProto.decode(data);
  } catch (cause) {
    throw new OnnxParseError(`${file} is not a valid ONNX model (protobuf decode failed)`, {
      details: { file },
      cause,
    });
  }
  if (!model.graph || model.graph.node == null || model.graph.node.length === 0) {
    throw new OnnxParseError(`${file} is not a valid ONNX model (no graph nodes)`, {
      details: { file },
    });
  }
  return { model, sha256: createHash("sha256").update(data).digest("hex") };
}

const DT = onnx.TensorProto.DataType;

/** Bytes per element of the data types `tensorFromProto` reads. */
const BYTES_PER_ELEMENT: Partial<Record<number, number>> = {
  [DT.FLOAT]: 4,
  [DT.DOUBLE]: 8,
  [DT.INT64]: 8,
  [DT.INT32]: 4,
  [DT.BOOL]: 1,
  [DT.UINT8]: 1,
};

/** Converts a float, integer or boolean TensorProto to a float64 tensor. */
export function tensorFromProto(t: OnnxTensorProto, file: string): Tensor {
  const shape = (t.dims ?? []).map((d) => Number(d));
  const n = shape.reduce((a, b) => a * b, 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  // The data must hold exactly the elements the dims declare (checked before allocating).
  const width = BYTES_PER_ELEMENT[t.dataType ?? 0];
  const stored = raw
    ? raw.byteLength / (width ?? 1)
    : ((t.floatData?.length ||
        t.doubleData?.length ||
        t.int64Data?.length ||
        t.int32Data?.length) ??
      0);
  if (width !== undefined && (n > MAX_TENSOR_ELEMENTS || stored !== n)) {
    throw new OnnxParseError(
      n > MAX_TENSOR_ELEMENTS
        ? `tensor ${t.name} in ${file} has ${n} elements [${shape}], more than the ${MAX_TENSOR_ELEMENTS} a circuit can hold`
        : `tensor ${t.name} in ${file} declares ${n} elements [${shape}] but stores ${stored}`,
      { details: { file } },
    );
  }
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  const out = new Float64Array(n);
  switch (t.dataType) {
    case DT.FLOAT:
      for (let i = 0; i < n; i++) out[i] = view ? view.getFloat32(i * 4, true) : t.floatData![i];
      break;
    case DT.DOUBLE:
      for (let i = 0; i < n; i++) out[i] = view ? view.getFloat64(i * 8, true) : t.doubleData![i];
      break;
    case DT.INT64:
      for (let i = 0; i < n; i++)
        out[i] = view ? Number(view.getBigInt64(i * 8, true)) : Number(t.int64Data![i]);
      break;
    case DT.INT32:
      for (let i = 0; i < n; i++) out[i] = view ? view.getInt32(i * 4, true) : t.int32Data![i];
      break;
    case DT.BOOL:
    case DT.UINT8:
      // one byte per element in raw_data; int32_data otherwise (masks)
      for (let i = 0; i < n; i++) out[i] = view ? view.getUint8(i) : t.int32Data![i];
      break;
    default:
      throw new OnnxParseError(
        `tensor ${t.name} in ${file} has data type ${DT[t.dataType ?? 0]}, expected FLOAT, DOUBLE, INT32, INT64, BOOL or UINT8`,
        { details: { file } },
      );
  }
  return { shape, data: out };
}
