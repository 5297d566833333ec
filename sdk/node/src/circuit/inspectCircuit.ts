import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runChild } from "../util/runChild.ts";

const here = dirname(fileURLToPath(import.meta.url));

export interface InspectWarning {
  /** circom's warning code, e.g. "CA01" (under-constrained) or "CA02" (output unused by the parent). */
  code: string;
  message: string;
}

/**
 * Runs `circom --inspect` on a circuit already laid out for compilation (the circuit and its
 * lib/ folder, as `compileCircuit` leaves them) and returns its warnings. CA02 ("a
 * subcomponent's signal does not appear in any constraint of the father component") is
 * benign for outputs a caller does not need (remainder bits, the unused output of
 * ArgMaxN); any other code points at a possibly under-constrained signal.
 *
 * @example
 * const warnings = await inspectCircuit({ dir: "build/iris", file: "model.circom" });
 * warnings.filter((w) => w.code !== "CA02"); // []
 */
export async function inspectCircuit(p: { dir: string; file: string }): Promise<InspectWarning[]> {
  const out = join(p.dir, "inspect");
  mkdirSync(out, { recursive: true });
  const run = await runChild({
    command: process.execPath,
    args: [join(here, "circomWorker.cjs"), p.file, "--inspect", "-o", out],
    cwd: p.dir,
  });
  // eslint-disable-next-line no-control-regex
  const text = (run.stdout + run.stderr).replace(/\x1b\[[0-9;]*m/g, "");
  const warnings: InspectWarning[] = [];
  for (const m of text.matchAll(/warning\[(\w+)\]: (.*)/g))
    warnings.push({ code: m[1], message: m[2] });
  if (run.code !== 0) warnings.push({ code: "FAILED", message: text.slice(-2000) });
  return warnings;
}
