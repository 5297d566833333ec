import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CircuitCompileError } from "@zkml-verify/core/internal/errors";
import { runChild } from "../util/runChild.ts";
import { CIRCUIT_LIBRARY } from "./generateCircuit.ts";
import { V8_MAX_WASM_FUNCTION_BYTES, wasmFunctionSizes } from "./wasmFunctionSizes.ts";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
/**
 * The template library shipped with this package (`circuits/`, copied from the repository's
 * top-level circuits/ by `npm run build`); found relative to this file in src/ and dist/ alike.
 */
export const CIRCUITS_DIR = resolve(here, "../../circuits");
/** circomlib's circuits (Poseidon), copied next to the model as `circomlib/<file>` entries. */
const CIRCOMLIB_DIR = dirname(require.resolve("circomlib/circuits/poseidon.circom"));

/**
 * circom's simplification level for model circuits: --O1 (only signal = signal and
 * signal = constant are substituted). --O2 also substitutes every linear constraint, which
 * copies each neuron's accumulator (a linear combination over all its inputs, fixed weights
 * as coefficients) into the A and the B side of the bit constraints that rescale it, and each
 * Poseidon mix into three S-box products: 784_56_10 had 16,065 constraints but 1.47M r1cs
 * nonzeros at --O2, against 23.5k constraints and ~140k nonzeros at --O1, and snarkjs's setup,
 * zkey size and prover pay per nonzero (bench/README.md). --O1 keeps each such combination as
 * one linear constraint over a materialized signal, used once.
 */
export const CIRCOM_OPTIMIZATION = 1;

export interface CompileCircuitParameters {
  /** The main circuit's source (from `generateCircuit`). */
  source: string;
  /** Output folder; gets model.circom, lib/, model.r1cs, model.sym and model_js/. */
  outDir: string;
  /** circom simplification level. Default `CIRCOM_OPTIMIZATION` (1). */
  optimization?: 0 | 1 | 2;
  /**
   * Library files the circuit includes, from circuits/ (or `circomlib/<file>` from circomlib;
   * default: the whole circuits/ library). They are copied to `lib/` with every file they
   * include, transitively (see `libraryClosure`).
   */
  library?: readonly string[];
  onProgress?: (line: string) => void;
}

export interface CompileCircuitReturnType {
  r1cs: string;
  wasm: string;
  sym: string;
  circuit: string;
  constraints: number;
  nonLinearConstraints: number;
  linearConstraints: number;
  wires: number;
  publicInputs: number;
  publicOutputs: number;
  privateInputs: number;
  compileMs: number;
  /** The witness wasm's largest function (one template instance), in bytes: below V8_MAX_WASM_FUNCTION_BYTES. */
  largestFunctionBytes: number;
  /** Peak resident memory of the circom process, in bytes. */
  peakMemoryBytes: number;
}

/**
 * Compiles a circuit with circom2 (WebAssembly circom 2.2) to r1cs + wasm + sym.
 * circom2 reads only below its working directory, so the library templates are copied
 * next to the circuit and circom runs inside `outDir`.
 *
 * @example
 * const { constraints } = await compileCircuit({ source, outDir: "build/iris" });
 */
export async function compileCircuit(
  p: CompileCircuitParameters,
): Promise<CompileCircuitReturnType> {
  const outDir = resolve(p.outDir);
  mkdirSync(join(outDir, "lib"), { recursive: true });
  for (const file of libraryClosure(p.library ?? CIRCUIT_LIBRARY))
    copyFileSync(file, join(outDir, "lib", basename(file)));
  writeFileSync(join(outDir, "model.circom"), p.source);
  const args = [
    join(here, "circomWorker.cjs"),
    "model.circom",
    "--r1cs",
    "--wasm",
    "--sym",
    `--O${p.optimization ?? CIRCOM_OPTIMIZATION}`,
    "-o",
    ".",
  ];
  const run = await runChild({
    command: process.execPath,
    args,
    cwd: outDir,
    onLine: p.onProgress,
  });
  const rss = /@@zkml-peak-rss-kb (\d+)/.exec(run.stderr);
  const stderr = run.stderr.replace(/\n?@@zkml-peak-rss-kb \d+\n?/, "");
  if (run.code !== 0 || /error\[/i.test(run.stdout + stderr)) {
    throw new CircuitCompileError(`circom failed on ${join(outDir, "model.circom")}`, {
      details: { file: join(outDir, "model.circom"), stderr: (stderr + run.stdout).slice(-4000) },
    });
  }
  const num = (label: string) =>
    Number(new RegExp(`(?:^|\\n)${label}:\\s*(\\d+)`).exec(run.stdout)?.[1] ?? NaN);
  const wasm = join(outDir, "model_js", "model.wasm");
  const largestFunctionBytes = Math.max(0, ...wasmFunctionSizes({ wasm: readFileSync(wasm) }));
  if (largestFunctionBytes > V8_MAX_WASM_FUNCTION_BYTES) {
    throw new CircuitCompileError(
      `the witness generator of ${join(outDir, "model.circom")} has a ${largestFunctionBytes}-byte function, above V8's WebAssembly limit of ${V8_MAX_WASM_FUNCTION_BYTES}: no JavaScript engine can run it (a template instance with too many constants: see sdk/node/src/circuit/constantTables.ts)`,
      { details: { file: wasm, stderr: "", largestFunctionBytes } },
    );
  }
  const nonLinear = num("non-linear constraints");
  const linear = num("linear constraints");
  return {
    r1cs: join(outDir, "model.r1cs"),
    wasm,
    sym: join(outDir, "model.sym"),
    circuit: join(outDir, "model.circom"),
    constraints: nonLinear + linear,
    nonLinearConstraints: nonLinear,
    linearConstraints: linear,
    wires: num("wires"),
    publicInputs: num("public inputs"),
    publicOutputs: num("public outputs"),
    privateInputs: num("private inputs"),
    compileMs: run.ms,
    peakMemoryBytes: rss ? Number(rss[1]) * 1024 : 0,
    largestFunctionBytes,
  };
}

/**
 * The library files to copy for a circuit: the given files (in circuits/, or `circomlib/<file>`)
 * and, transitively, every file their `include` lines name. An include resolves next to the
 * including file, then in circuits/, then in circomlib's circuits/ (as circom's `-l` would);
 * the copies sit side by side in `lib/`, so two different files with one name are an error.
 * Returns absolute paths.
 *
 * @example
 * libraryClosure(["activation.circom"]); // [".../circuits/activation.circom", ".../rescale.circom", ".../compare.circom"]
 */
export function libraryClosure(files: readonly string[]): string[] {
  const byName = new Map<string, string>();
  const pending = files.map((f) =>
    f.startsWith("circomlib/")
      ? join(CIRCOMLIB_DIR, f.slice("circomlib/".length))
      : join(CIRCUITS_DIR, f),
  );
  while (pending.length > 0) {
    const file = pending.shift()!;
    const name = basename(file);
    const seen = byName.get(name);
    if (seen === file) continue;
    if (seen)
      throw new CircuitCompileError(`two library files are named ${name}: ${seen} and ${file}`, {
        details: { file, stderr: "" },
      });
    if (!existsSync(file))
      throw new CircuitCompileError(`library file ${file} does not exist`, {
        details: { file, stderr: "" },
      });
    byName.set(name, file);
    for (const m of readFileSync(file, "utf8").matchAll(/^\s*include\s+"([^"]+)"\s*;/gm)) {
      if (basename(m[1]) !== m[1].replace(/^\.\//, ""))
        throw new CircuitCompileError(
          `${file} includes ${m[1]}: library includes must name a file, not a path`,
          {
            details: { file, stderr: "" },
          },
        );
      const found = [dirname(file), CIRCUITS_DIR, CIRCOMLIB_DIR]
        .map((d) => resolve(d, m[1]))
        .find((f) => existsSync(f));
      if (!found)
        throw new CircuitCompileError(`${file} includes ${m[1]}, which is not in the library`, {
          details: { file, stderr: "" },
        });
      pending.push(found);
    }
  }
  return [...byName.values()];
}

/** Resolves a package file (used to locate circom2 and snarkjs templates). */
export const resolvePackageFile = (id: string): string => require.resolve(id);
