import { OnnxParseError, UnsupportedOpError } from "@zkml-verify/core/internal/errors";
import type { OnnxNodeProto, OnnxTensorProto } from "./parseOnnx.ts";

/**
 * Typed access to a node's attributes. Any attribute not in `known` is an error that names
 * it: a silently ignored attribute would change the model's meaning.
 */
export function readAttributes(node: OnnxNodeProto, name: string, known: readonly string[]) {
  const byName = new Map((node.attribute ?? []).map((a) => [a.name ?? "", a]));
  for (const attr of byName.keys()) {
    if (!known.includes(attr)) {
      throw new UnsupportedOpError(
        `${node.opType} node "${name}" has attribute ${attr}, which is not supported (known: ${known.join(", ") || "none"})`,
        { details: { op: node.opType ?? "", node: name, attribute: attr, supported: known } },
      );
    }
  }
  return {
    int(attr: string, fallback: number): number {
      const a = byName.get(attr);
      return a ? Number(a.i ?? 0) : fallback;
    },
    float(attr: string, fallback: number): number {
      const a = byName.get(attr);
      return a ? (a.f ?? 0) : fallback;
    },
    ints(attr: string, fallback: number[]): number[] {
      const a = byName.get(attr);
      return a ? (a.ints ?? []).map(Number) : fallback;
    },
    floats(attr: string, fallback: number[]): number[] {
      const a = byName.get(attr);
      return a ? (a.floats ?? []).map(Number) : fallback;
    },
    strings(attr: string, fallback: string[]): string[] {
      const a = byName.get(attr);
      return a ? (a.strings ?? []).map((s) => new TextDecoder().decode(s)) : fallback;
    },
    string(attr: string, fallback: string): string {
      const a = byName.get(attr);
      return a?.s ? new TextDecoder().decode(a.s) : fallback;
    },
    has(attr: string): boolean {
      return byName.has(attr);
    },
    tensor(attr: string): OnnxTensorProto {
      const t = byName.get(attr)?.t;
      if (!t)
        throw new OnnxParseError(`${node.opType} node "${name}" lacks tensor attribute ${attr}`, {
          details: { file: name },
        });
      return t;
    },
  };
}
