/**
 * Keeps the model template's witness function below V8's WebAssembly function-size limit.
 *
 * circom compiles each template instance into one wasm function, and every element of a `var`
 * array with constant values costs that function ~16-30 bytes (circom stores each element at
 * run time; loops themselves are not unrolled). The ops' constant tables (weights, term
 * indices, row starts, ...) all sit in `template Model()`, so a large model's tables alone can
 * pass V8's 7.65 MB limit (InstanceNormalization on 2x10x32x32: 10.9 MB). This pass moves the
 * largest tables, until what stays inline fits INLINE_CONSTANT_BUDGET elements, into circom
 * functions that look an element up: a binary search over runs of the table that are affine
 * progressions (a row of indices, a repeated weight or zero bias is one run), split into
 * functions of at most TABLE_FUNCTION_RUNS runs each. Accesses `X[a][b]` become `table_X(a, b)`.
 * The values, and so the constraints and the witness, are the same: circom evaluates the calls
 * at compile time wherever it needs a constant (a coefficient, a signal index).
 *
 * It works on the emitted text, so every op module gets it without doing anything: a table is
 * a `var NAME[d1]...[dk] = <integer literal>;` declaration (one or more lines) whose every other
 * use is an access with k indices. Anything else (a table passed whole to a template, written
 * to) stays inline.
 */

/**
 * Constant-table elements that may stay inline in the model template: ~30 bytes each in the
 * wasm function, so about 2 MB, a quarter of V8's limit (the rest of the template is code of
 * a size independent of the model's dimensions). 784_56_10's 43,904 weights stay inline.
 */
export const INLINE_CONSTANT_BUDGET = 65_536;

/**
 * Runs per lookup function: ~120 bytes of wasm each (its leaf and its share of the comparisons;
 * measured: 32,768 runs made a 3.9 MB function), so ~2 MB, a quarter of V8's limit.
 */
export const TABLE_FUNCTION_RUNS = 16_384;

export interface OutlineConstantTablesReturnType {
  /** The template body, with the moved tables' declarations gone and their accesses calls. */
  lines: string[];
  /** The lookup functions' source lines (before the template). */
  functions: string[];
  /** The tables moved, largest first. */
  moved: { name: string; elements: number }[];
  /** Constant-table elements left inline. */
  inlineElements: number;
}

interface Table {
  name: string;
  dims: number[];
  values: bigint[];
  /** Line range [from, to) of the declaration. */
  from: number;
  to: number;
}

const DECLARATION = /^\s*var ([A-Za-z_]\w*)((?:\[\d+\])+) = \[/;

/**
 * Moves the largest constant tables of the template body `lines` into lookup functions until
 * at most `budget` elements stay inline. Returns the rewritten body and the functions (to be
 * placed before the template); unchanged lines and no functions when the tables fit.
 *
 * @example
 * const { lines, functions } = outlineConstantTables({ lines: body, budget: INLINE_CONSTANT_BUDGET });
 */
export function outlineConstantTables(p: {
  lines: string[];
  budget: number;
}): OutlineConstantTablesReturnType {
  const tables = findTables(p.lines);
  let inline = tables.reduce((s, t) => s + t.values.length, 0);
  const unchanged = { lines: p.lines, functions: [], moved: [], inlineElements: inline };
  if (inline <= p.budget) return unchanged;
  const moved: Table[] = [];
  for (const t of [...tables].sort(
    (a, b) => b.values.length - a.values.length || a.from - b.from,
  )) {
    if (inline <= p.budget) break;
    const others = p.lines.filter((_, i) => i < t.from || i >= t.to);
    if (!onlyIndexed(others, t)) continue;
    moved.push(t);
    inline -= t.values.length;
  }
  if (moved.length === 0) return unchanged;
  const dropped = new Set<number>();
  for (const t of moved) for (let i = t.from; i < t.to; i++) dropped.add(i);
  const dims = new Map(moved.map((t) => [t.name, t.dims.length]));
  const lines = p.lines.flatMap((line, i) => (dropped.has(i) ? [] : [rewriteAccesses(line, dims)]));
  return {
    lines,
    functions: moved.flatMap(lookupFunctions),
    moved: moved.map((t) => ({ name: t.name, elements: t.values.length })),
    inlineElements: inline,
  };
}

/** The `var` declarations with an integer literal of the declared size. */
function findTables(lines: string[]): Table[] {
  const tables: Table[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = DECLARATION.exec(lines[i]);
    if (!m) continue;
    const dims = [...m[2].matchAll(/\[(\d+)\]/g)].map((d) => Number(d[1]));
    let text = lines[i].slice(lines[i].indexOf("=") + 1);
    let to = i + 1;
    while (!/;\s*$/.test(text) && to < lines.length) text += lines[to++];
    const literal = text.trim().replace(/;$/, "");
    if (!/^[[\]\d,\s-]+$/.test(literal)) continue;
    const values = (literal.match(/-?\d+/g) ?? []).map(BigInt);
    if (values.length !== dims.reduce((a, b) => a * b, 1)) continue;
    tables.push({ name: m[1], dims, values, from: i, to });
    i = to - 1;
  }
  return tables;
}

/** Every use of the table in `lines` is `NAME` followed by one `[...]` per dimension. */
function onlyIndexed(lines: string[], t: Table): boolean {
  const use = new RegExp(`\\b${t.name}\\b`, "g");
  for (const line of lines)
    for (const m of line.matchAll(use)) {
      let at = m.index + t.name.length;
      for (let d = 0; d < t.dims.length; d++) {
        if (line[at] !== "[") return false;
        at = closing(line, at) + 1;
      }
      if (line[at] === "[") return false;
    }
  return true;
}

/** The index of the `]` matching the `[` at `open`. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "[") depth++;
    else if (s[i] === "]" && --depth === 0) return i;
  }
  throw new TypeError(`unbalanced brackets in generated circom: ${s}`);
}

/** `X[a][b]` -> `table_X(a, b)` for every moved table X (indices rewritten too). */
function rewriteAccesses(line: string, dims: Map<string, number>): string {
  const use = /\b([A-Za-z_]\w*)\[/g;
  let out = "";
  let at = 0;
  for (let m = use.exec(line); m; m = use.exec(line)) {
    const k = dims.get(m[1]);
    if (k === undefined) continue;
    const args: string[] = [];
    let open = m.index + m[1].length;
    for (let d = 0; d < k; d++) {
      const close = closing(line, open);
      args.push(rewriteAccesses(line.slice(open + 1, close), dims));
      open = close + 1;
    }
    out += `${line.slice(at, m.index)}${tableFunction(m[1])}(${args.join(", ")})`;
    at = open;
    use.lastIndex = open;
  }
  return out + line.slice(at);
}

const tableFunction = (name: string) => `table_${name}`;

/** A maximal run [lo, hi) with values a + s * (i - lo). */
interface Run {
  lo: number;
  hi: number;
  a: bigint;
  s: bigint;
}

function affineRuns(v: bigint[]): Run[] {
  const runs: Run[] = [];
  let lo = 0;
  while (lo < v.length) {
    const s = lo + 1 < v.length ? v[lo + 1] - v[lo] : 0n;
    let hi = lo + 1;
    while (hi < v.length && v[hi] - v[hi - 1] === s) hi++;
    runs.push({ lo, hi, a: v[lo], s });
    lo = hi;
  }
  return runs;
}

/** Binary search over leaves [lo, hi) on the flat index `i`; `leaf(j)` returns leaf j's code. */
function searchTree(
  starts: number[],
  lo: number,
  hi: number,
  leaf: (j: number) => string,
  out: string[],
): void {
  if (hi - lo === 1) {
    out.push(leaf(lo));
    return;
  }
  const mid = (lo + hi) >> 1;
  out.push(`if (i < ${starts[mid]}) {`);
  searchTree(starts, lo, mid, leaf, out);
  out.push("}");
  searchTree(starts, mid, hi, leaf, out);
}

/** The lookup function of a table (and its parts when it has more than TABLE_FUNCTION_RUNS runs). */
function lookupFunctions(t: Table): string[] {
  const name = tableFunction(t.name);
  const runs = affineRuns(t.values);
  const runLeaf = (r: Run) =>
    r.s === 0n ? `return ${r.a};` : `return ${r.a} + ${r.s} * (i - ${r.lo});`;
  const params = t.dims.map((_, d) => `i${d}`);
  const flat = t.dims.slice(1).reduce((e, n, d) => `(${e}) * ${n} + i${d + 1}`, "i0");
  const header = [
    `// ${t.name}: ${t.values.length} constants (${t.dims.join(" x ")}) in ${runs.length} affine runs`,
    `function ${name}(${params.join(", ")}) {`,
    `var i = ${flat};`,
  ];
  if (runs.length <= TABLE_FUNCTION_RUNS) {
    const body: string[] = [];
    searchTree(
      runs.map((r) => r.lo),
      0,
      runs.length,
      (j) => runLeaf(runs[j]),
      body,
    );
    return [...header, ...body, "}", ""];
  }
  const parts: Run[][] = [];
  for (let j = 0; j < runs.length; j += TABLE_FUNCTION_RUNS)
    parts.push(runs.slice(j, j + TABLE_FUNCTION_RUNS));
  const out: string[] = [...header];
  searchTree(
    parts.map((q) => q[0].lo),
    0,
    parts.length,
    (j) => `return ${name}_part${j}(i);`,
    out,
  );
  out.push("}", "");
  parts.forEach((q, j) => {
    out.push(`function ${name}_part${j}(i) {`);
    searchTree(
      q.map((r) => r.lo),
      0,
      q.length,
      (m) => runLeaf(q[m]),
      out,
    );
    out.push("}", "");
  });
  return out;
}
