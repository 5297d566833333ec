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
 * Reads input rows from a JSON file. Each row is the model's inputs flattened row-major and
 * concatenated in the graph's input order (what `quantizeModel`'s calibration and the circuit's
 * input vector take). Accepted:
 *  - named inputs: `{"<input name>": nested or flat array, ...}` (every graph input named), or
 *    an array of such objects (several rows);
 *  - for a single-input model: a bare (nested or flat) array of numbers, or an array of them;
 *  - the widely used `{"input_data": [[...flattened...], ...]}` (one flat array per model
 *    input; a single-input model may also list several rows).
 * Errors name the file and the input.
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
  const names = ir.inputs.map((i) => i.name);
  const fail = (why: string, input = names.join(", "), value?: unknown): never => {
    throw new InputError(`${file}: ${why}`, { details: { input, value } });
  };
  const flat = (v: unknown, k: number): number[] => {
    const input = ir.inputs[k];
    const size = numel(input.shape);
    const out: number[] = [];
    const walk = (x: unknown) => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (typeof x === "number" && Number.isFinite(x)) out.push(x);
      else fail(`expected numbers, found ${JSON.stringify(x)}`, input.name, String(x));
    };
    walk(v);
    if (out.length !== size)
      fail(
        `input ${input.name} needs ${size} values (shape [${input.shape}]), got ${out.length}`,
        input.name,
        out.length,
      );
    return out;
  };
  const example = `{${names.map((n) => `"${n}": [...]`).join(", ")}}`;
  const isNumeric = (x: unknown): boolean =>
    typeof x === "number" || (Array.isArray(x) && x.length > 0 && x.every(isNumeric));
  const rowsOf = (obj: unknown): number[][] => {
    if (isNumeric(obj)) {
      if (names.length === 1) return [flat(obj, 0)];
      return fail(`the model has ${names.length} inputs: name them, as in ${example}`);
    }
    if (obj === null || typeof obj !== "object" || Array.isArray(obj))
      return fail(`expected an object like ${example} or {"input_data": [[...]]}`);
    const rec = obj as Record<string, unknown>;
    if ("input_data" in rec) {
      const d = rec.input_data;
      if (!Array.isArray(d) || d.length === 0)
        return fail("input_data must be a non-empty array of flat arrays");
      if (names.length === 1)
        return d.every((x) => typeof x === "number") ? [flat(d, 0)] : d.map((x) => flat(x, 0));
      if (d.length !== names.length)
        return fail(
          `input_data lists ${d.length} arrays; the model has ${names.length} inputs (${names.join(", ")})`,
        );
      return [d.flatMap((x, k) => flat(x, k))];
    }
    if (names.length === 1 && !(names[0] in rec) && Object.keys(rec).length === 1)
      return [flat(Object.values(rec)[0], 0)];
    const missing = names.filter((n) => !(n in rec));
    if (missing.length > 0)
      return fail(
        `no value for input${missing.length > 1 ? "s" : ""} ${missing.map((n) => `"${n}"`).join(", ")} (keys: ${Object.keys(rec).join(", ")})`,
        missing.join(", "),
      );
    const extra = Object.keys(rec).filter((k) => !names.includes(k));
    if (extra.length > 0)
      return fail(
        `unknown input${extra.length > 1 ? "s" : ""} ${extra.join(", ")}; the model's inputs are ${names.join(", ")}`,
        extra.join(", "),
      );
    return [names.flatMap((n, k) => flat(rec[n], k))];
  };
  if (isNumeric(data) && names.length === 1) {
    // A bare array: one row, or several rows of the input's size.
    const size = numel(ir.inputs[0].shape);
    const arr = data as unknown[];
    if (arr.every(Array.isArray) && arr.length > 1 && arr.every((r) => countNumbers(r) === size))
      return arr.map((r) => flat(r, 0));
    return [flat(data, 0)];
  }
  return Array.isArray(data) ? data.flatMap(rowsOf) : rowsOf(data);
}

function countNumbers(x: unknown): number {
  return Array.isArray(x) ? x.reduce((n: number, y) => n + countNumbers(y), 0) : 1;
}
