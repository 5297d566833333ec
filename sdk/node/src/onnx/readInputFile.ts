import { readFileSync } from "node:fs";
import { InputError } from "@zkml-verify/core/internal/errors";
import type { ModelIR } from "./ir.ts";
import { numel } from "./ir.ts";

export interface ReadInputFileParameters {
  /** A JSON file. */
  file: string;
  /** The model (its input names and shapes). */
  ir: ModelIR;
}

/**
 * Reads input rows from a JSON file, flattened row-major for the model's (single) input.
 * Accepted: the project's own format `{"<inputName>": nested or flat array}` or an array of
 * such objects, and the widely used `{"input_data": [[...flattened...], ...]}` (one flat
 * array per model input; a single-input model may also list several rows). Errors name the file.
 *
 * @example
 * const rows = readInputFile({ file: "input.json", ir }); // [[5.1, 3.5, 1.4, 0.2]]
 */
export function readInputFile({ file, ir }: ReadInputFileParameters): number[][] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new InputError(`cannot read ${file} as JSON`, { details: { input: file }, cause });
  }
  const input = ir.inputs[0];
  const size = numel(input.shape);
  const fail = (why: string, value?: unknown): never => {
    throw new InputError(`${file}: ${why}`, { details: { input: input.name, value } });
  };
  const flat = (v: unknown): number[] => {
    const out: number[] = [];
    const walk = (x: unknown) => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (typeof x === "number" && Number.isFinite(x)) out.push(x);
      else fail(`expected numbers, found ${JSON.stringify(x)}`, String(x));
    };
    walk(v);
    if (out.length !== size)
      fail(
        `input ${input.name} needs ${size} values (shape [${input.shape}]), got ${out.length}`,
        out.length,
      );
    return out;
  };
  const rowsOf = (obj: unknown): number[][] => {
    if (obj === null || typeof obj !== "object" || Array.isArray(obj))
      return fail(`expected an object like {"${input.name}": [...]} or {"input_data": [[...]]}`);
    const rec = obj as Record<string, unknown>;
    if ("input_data" in rec) {
      const d = rec.input_data;
      if (!Array.isArray(d) || d.length === 0)
        return fail("input_data must be a non-empty array of flat arrays");
      if (d.every((x) => typeof x === "number")) return [flat(d)];
      return d.map(flat);
    }
    if (input.name in rec) return [flat(rec[input.name])];
    if (Object.keys(rec).length === 1 && ir.inputs.length === 1)
      return [flat(Object.values(rec)[0])];
    return fail(`no value for input "${input.name}" (keys: ${Object.keys(rec).join(", ")})`);
  };
  return Array.isArray(data) ? data.flatMap(rowsOf) : rowsOf(data);
}
