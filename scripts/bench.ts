// `npm run bench [-- --models a,b] [--systems groth16] [--quick]`: measures every pipeline stage
// per model and writes bench/results/latest.json + latest.md. See bench/README.md.
import { cpus, totalmem } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "./cli/root.ts";
import { BENCH_MODELS, PUBLISHED } from "./bench/benchModels.ts";
import { renderMarkdown } from "./bench/renderMarkdown.ts";
import { runMeasured } from "./bench/runMeasured.ts";
import { cacheDir } from "../sdk/src/setup/cacheDir.ts";
import { groth16PtauPower } from "../sdk/src/setup/setupGroth16.ts";

const { values } = parseArgs({
  options: {
    models: { type: "string" },
    systems: { type: "string" },
    quick: { type: "boolean" },
    out: { type: "string" },
    // Skip setup/prove/gas for circuits above this size (recorded as skipped, never dropped).
    "max-prove-constraints": { type: "string" },
    // Input visibility for compile (default: the SDK's, public up to 32 inputs, hashed above).
    input: { type: "string" },
  },
});
const quick = values.quick ?? false;
const names =
  values.models?.split(",") ??
  (quick ? ["iris-mlp", "196_25_10"] : BENCH_MODELS.map((m) => m.name));
const systems = values.systems?.split(",") ?? ["groth16"];
const settings = {
  fidelityRows: quick ? 200 : 1000,
  calibrationRows: quick ? 100 : 500,
  proveRuns: quick ? 1 : 3,
};
const WORKER = join(import.meta.dirname, "bench/stageWorker.ts");
const SNARKJS_CLI = join(ROOT, "node_modules/snarkjs/build/cli.cjs");
const started = Date.now();
const log = (s: string) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${s}`);

export type StageRecord =
  { ms: number; peakBytes: number; [k: string]: unknown } | { error: string };
const results: {
  name: string;
  kind: string;
  source: string;
  stages: Record<string, StageRecord>;
}[] = [];

for (const name of names) {
  const model = BENCH_MODELS.find((m) => m.name === name);
  if (!model)
    throw new Error(`unknown model ${name}; known: ${BENCH_MODELS.map((m) => m.name).join(", ")}`);
  const outDir = join(ROOT, "build/bench", name);
  const record = {
    name,
    kind: model.kind,
    source: model.source,
    stages: {} as Record<string, StageRecord>,
  };
  results.push(record);
  const args = { name, model: model.file(), outDir, width: model.width };
  const stage = async (label: string, script: string, argv: string[]) => {
    log(`${name}: ${label} ...`);
    try {
      const m = await runMeasured<Record<string, unknown>>(script, argv);
      record.stages[label] = {
        ...m.result,
        ms: (m.result?.ms as number | undefined) ?? m.ms,
        peakBytes: m.peakBytes,
      };
      log(`${name}: ${label} done in ${(m.ms / 1000).toFixed(1)} s`);
      writeReport(); // after every stage, so a long run that is stopped keeps what it measured
      return true;
    } catch (e) {
      record.stages[label] = {
        error: String((e as Error).message)
          .split("\n")
          .slice(0, 6)
          .join(" "),
      };
      log(`${name}: ${label} FAILED: ${record.stages[label].error.slice(0, 300)}`);
      writeReport();
      return false;
    }
  };
  const worker = (s: string, extra: Record<string, unknown> = {}): [string, string[]] => [
    WORKER,
    [s, JSON.stringify({ ...args, ...extra })],
  ];
  if (
    !(await stage(
      "compile",
      ...worker("compile", { calibrationRows: settings.calibrationRows, input: values.input }),
    ))
  )
    continue;
  await stage("fidelity", ...worker("fidelity", { rows: settings.fidelityRows }));
  if (!systems.includes("groth16")) continue;
  const compiled = record.stages.compile as unknown as { constraints: number; nPublic: number };
  const maxProve = Number(values["max-prove-constraints"] ?? Infinity);
  if (compiled.constraints > maxProve) {
    const why = `skipped: ${compiled.constraints} constraints is over --max-prove-constraints ${maxProve}`;
    for (const label of ["ptau", "setup", "prove", "gas"])
      record.stages[label] = { error: why, skipped: true };
    writeReport();
    log(`${name}: ${why}`);
    continue;
  }
  const power = groth16PtauPower(compiled.constraints, compiled.nPublic);
  if (!(await stage("ptau", ...worker("ptau", { power })))) continue;
  if (!(await stage("setup", ...worker("setup", { ptauCache: cacheDir("ptau") })))) continue;
  if (!(await stage("prove", ...worker("prove", { runs: settings.proveRuns })))) continue;
  // Same footing for the overhead ratio: one full prove (witness + proof) per process, ours vs snarkjs's CLI.
  await stage("sdkFullProve", ...worker("fullProve"));
  await stage("snarkjsCliFullProve", SNARKJS_CLI, [
    "groth16",
    "fullprove",
    join(outDir, "bench-input.json"),
    join(outDir, "model_js/model.wasm"),
    join(outDir, "model.zkey"),
    join(outDir, "cli-proof.json"),
    join(outDir, "cli-public.json"),
  ]);
  await stage("gas", ...worker("gas", { systems, batch: quick ? [1, 8] : [1, 8, 32] }));
}
writeReport();
log(`wrote ${join(values.out ?? join(ROOT, "bench/results"), "latest.json")} and latest.md`);
process.exit(0);

function writeReport() {
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    settings: {
      quick,
      systems,
      ...settings,
      maxProveConstraints: values["max-prove-constraints"] ?? null,
    },
    models: results,
    published: PUBLISHED,
  };
  const dir = values.out ?? join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "latest.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(join(dir, "latest.md"), renderMarkdown(report));
}
