import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CircuitCompileError } from "../errors.ts";
import { runChild } from "../util/runChild.ts";
import { CIRCUIT_LIBRARY } from "./generateCircuit.ts";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
/** The repository's circuits/ folder (the template library). */
export const CIRCUITS_DIR = resolve(here, "../../../circuits");
/** circomlib's circuits (Poseidon), copied next to the model as `circomlib/<file>` entries. */
const CIRCOMLIB_DIR = dirname(require.resolve("circomlib/circuits/poseidon.circom"));

export interface CompileCircuitParameters {
  /** The main circuit's source (from `generateCircuit`). */
  source: string;
  /** Output folder; gets model.circom, lib/, model.r1cs, model.sym and model_js/. */
  outDir: string;
  /** circom simplification level. Default 2. */
  optimization?: 0 | 1 | 2;
  /** Library files to copy from circuits/ (or `circomlib/<file>` from circomlib; default: the generator's list). */
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
  for (const f of p.library ?? CIRCUIT_LIBRARY) {
    const fromCircomlib = f.startsWith("circomlib/");
    const name = fromCircomlib ? f.slice("circomlib/".length) : f;
    copyFileSync(
      join(fromCircomlib ? CIRCOMLIB_DIR : CIRCUITS_DIR, name),
      join(outDir, "lib", name),
    );
  }
  writeFileSync(join(outDir, "model.circom"), p.source);
  const args = [
    join(here, "circomWorker.cjs"),
    "model.circom",
    "--r1cs",
    "--wasm",
    "--sym",
    `--O${p.optimization ?? 2}`,
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
  const nonLinear = num("non-linear constraints");
  const linear = num("linear constraints");
  return {
    r1cs: join(outDir, "model.r1cs"),
    wasm: join(outDir, "model_js", "model.wasm"),
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
  };
}

/** Resolves a package file (used to locate circom2 and snarkjs templates). */
export const resolvePackageFile = (id: string): string => require.resolve(id);
