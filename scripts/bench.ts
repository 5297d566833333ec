// `npm run bench [-- --models a,b] [--systems groth16] [--quick] [--peer]`: measures every pipeline stage
// per model and writes bench/results/latest.json + latest.md. See bench/README.md.
import { cpus, loadavg, totalmem } from "node:os";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "./lib/root.ts";
import { BENCH_MODELS, PUBLISHED } from "./bench/benchModels.ts";
import { renderMarkdown } from "./bench/renderMarkdown.ts";
import { median, runMeasured } from "./bench/runMeasured.ts";
import { PEER_MODELS, runPeerBench } from "./bench/peer.ts";
import { cacheDir } from "../sdk/node/src/setup/cacheDir.ts";
import { ptauPowerFor, readCircuitSize } from "../sdk/node/src/setup/circuitSize.ts";
import { PROOF_SYSTEMS } from "../sdk/core/src/prove/proofSystem.ts";
import type { ProofSystem } from "../sdk/core/src/prove/proofSystem.ts";
import { artifactNames } from "../sdk/node/src/setup/setupCircuit.ts";
import { stageKey } from "./bench/renderMarkdown.ts";

const { values } = parseArgs({
  options: {
    models: { type: "string" },
    systems: { type: "string" },
    quick: { type: "boolean" },
    out: { type: "string" },
    // Keep the models of <out>/latest.json that this run does not measure (each keeps its run's date and settings).
    append: { type: "boolean" },
    // Groth16 batch sizes in the gas stage (default 1,8,32; --quick 1,8).
    batch: { type: "string" },
    // Prove runs per stage (median; default 3, --quick 1).
    "prove-runs": { type: "string" },
    // Skip setup/prove/gas for circuits above this size (recorded as skipped, never dropped).
    "max-prove-constraints": { type: "string" },
    // Skip a proof system whose ptau would be above 2^N (recorded as skipped, with the power needed).
    "max-ptau-power": { type: "string" },
    // Visibility for compile (default: the SDK's; input public up to 32 values, hashed above).
    input: { type: "string" },
    weights: { type: "string" },
    output: { type: "string" },
    // circomlib-ml's circuits vs ours, step by step (scripts/bench/peer.ts): writes <out>/peer.*.
    peer: { type: "boolean" },
  },
});
const quick = values.quick ?? false;
const names =
  values.models?.split(",") ??
  (values.peer ? PEER_MODELS : quick ? ["iris-mlp", "196_25_10"] : BENCH_MODELS.map((m) => m.name));
const systems = (values.systems?.split(",") ?? ["groth16"]) as ProofSystem[];
for (const s of systems)
  if (!PROOF_SYSTEMS.includes(s)) throw new Error(`unknown system ${s}; known: ${PROOF_SYSTEMS}`);
const settings = {
  fidelityRows: quick ? 200 : 1000,
  calibrationRows: quick ? 100 : 500,
  proveRuns: Number(values["prove-runs"] ?? (quick ? 1 : 3)),
};
const WORKER = join(import.meta.dirname, "bench/stageWorker.ts");
const SDK_FULL_PROVE = join(import.meta.dirname, "bench/sdkFullProve.ts");
const SNARKJS_CLI = join(ROOT, "node_modules/snarkjs/build/cli.cjs");
const started = Date.now();
const log = (s: string) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${s}`);

export type StageRecord =
  { ms: number; peakBytes: number; [k: string]: unknown } | { error: string };
const runSettings = {
  quick,
  systems,
  ...settings,
  maxProveConstraints: values["max-prove-constraints"] ?? null,
  maxPtauPower: Number(values["max-ptau-power"] ?? 18),
  gasBatch: values.batch ?? (quick ? "1,8" : "1,8,32"),
  visibility: { input: values.input, weights: values.weights, output: values.output },
};
const run = { date: new Date().toISOString(), settings: runSettings };
if (values.peer) {
  await runPeerBench({
    names,
    runs: settings.proveRuns,
    outRoot: values.out ?? join(ROOT, "bench/results"),
    log,
  });
  process.exit(0);
}
const results: {
  name: string;
  kind: string;
  source: string;
  /** The run that measured this model (--append keeps models measured by earlier runs). */
  run?: { date: string; settings: Record<string, unknown> };
  stages: Record<string, StageRecord>;
}[] = [];
const outRoot = values.out ?? join(ROOT, "bench/results");
if (values.append && existsSync(join(outRoot, "latest.json"))) {
  const old = JSON.parse(readFileSync(join(outRoot, "latest.json"), "utf8")) as {
    date: string;
    settings: Record<string, unknown>;
    models: typeof results;
  };
  for (const m of old.models)
    if (!names.includes(m.name))
      results.push({ ...m, run: m.run ?? { date: old.date, settings: old.settings } });
}

for (const name of names) {
  const model = BENCH_MODELS.find((m) => m.name === name);
  if (!model)
    throw new Error(`unknown model ${name}; known: ${BENCH_MODELS.map((m) => m.name).join(", ")}`);
  const outDir = join(ROOT, "build/bench", name);
  const record = {
    name,
    kind: model.kind,
    source: model.source,
    run,
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
        load1: Number(loadavg()[0].toFixed(2)),
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
      ...worker("compile", {
        calibrationRows: settings.calibrationRows,
        input: values.input,
        weights: values.weights,
        output: values.output,
      }),
    ))
  )
    continue;
  await stage("fidelity", ...worker("fidelity", { rows: settings.fidelityRows }));
  const compiled = record.stages.compile as unknown as { constraints: number };
  const size = readCircuitSize({ r1cs: join(outDir, "model.r1cs") });
  const maxProve = Number(values["max-prove-constraints"] ?? Infinity);
  const maxPower = Number(values["max-ptau-power"] ?? 18);
  const ready: ProofSystem[] = [];
  for (const system of systems) {
    const key = (label: string) => stageKey(system, label);
    const { power, domainPower } = ptauPowerFor({ system, size });
    const why =
      compiled.constraints > maxProve
        ? `skipped: ${compiled.constraints} constraints is over --max-prove-constraints ${maxProve}`
        : power > maxPower
          ? `skipped: ${system} needs a ptau of 2^${power}` +
            (system === "groth16"
              ? ""
              : ` (${size.plonkGates.toLocaleString("en-US")} PLONK gates, domain 2^${domainPower}`) +
            (system === "fflonk" ? `, 9 x domain + 18 points)` : system === "plonk" ? ")" : "") +
            `, over --max-ptau-power ${maxPower} (this machine: 2 cores, minutes per power step)`
          : null;
    if (why) {
      for (const label of ["ptau", "setup", "prove", "sdkFullProve", "snarkjsCliFullProve"])
        record.stages[key(label)] = { error: why, skipped: true };
      writeReport();
      log(`${name}: ${why}`);
      continue;
    }
    if (!(await stage(key("ptau"), ...worker("ptau", { power })))) continue;
    if (!(await stage(key("setup"), ...worker("setup", { system, ptauCache: cacheDir("ptau") }))))
      continue;
    ready.push(system);
    // Large domains: one run (a PLONK prove at 2^16 takes a minute or more on 2 cores).
    const runs =
      domainPower >= 17 || (system !== "groth16" && domainPower >= 16) ? 1 : settings.proveRuns;
    if (!(await stage(key("prove"), ...worker("prove", { system, runs })))) continue;
    // Same footing for the overhead ratio: one full prove (witness + proof) per process, ours vs
    // snarkjs's CLI, alternated `runs` times; each records the median wall time of its runs.
    const files = [
      join(outDir, "bench-input.json"),
      join(outDir, "model_js/model.wasm"),
      join(outDir, artifactNames(system).zkey),
    ];
    const pair: [string, string, string[]][] = [
      [key("sdkFullProve"), SDK_FULL_PROVE, [system, ...files]],
      [
        key("snarkjsCliFullProve"),
        SNARKJS_CLI,
        [
          system,
          "fullprove",
          ...files,
          join(outDir, "cli-proof.json"),
          join(outDir, "cli-public.json"),
        ],
      ],
    ];
    const times: Record<string, number[]> = {};
    const pairRuns = system !== "groth16" && domainPower >= 15 ? 1 : runs;
    if (system !== "groth16" && domainPower >= 16) {
      const why = `skipped: two more full ${system} proves at domain 2^${domainPower} (minutes each here); the SDK / CLI ratio is measured on smaller domains`;
      for (const label of ["sdkFullProve", "snarkjsCliFullProve"])
        record.stages[key(label)] = { error: why, skipped: true };
      writeReport();
      continue;
    }
    for (let i = 0; i < pairRuns; i++) {
      for (const [label, script, argv] of pair) {
        if (!(await stage(label, script, argv))) break;
        (times[label] ??= []).push((record.stages[label] as { ms: number }).ms);
        Object.assign(record.stages[label], {
          ms: median(times[label]),
          runsMs: times[label].map(Math.round),
        });
      }
    }
    writeReport();
  }
  if (ready.length === 0) {
    if (systems.length) {
      record.stages.gas = { error: "skipped: no proof system was set up", skipped: true };
      writeReport();
    }
    continue;
  }
  // The gas lab's setup hits the zkeys the setup stages left in the shared cache.
  // PLONK / FFLONK gas needs one more proof each: skipped for large domains (minutes per proof).
  const gasSystems = ready.filter(
    (x) => x === "groth16" || ptauPowerFor({ system: x, size }).domainPower < 17,
  );
  const gasSkipped = Object.fromEntries(
    ready
      .filter((x) => !gasSystems.includes(x))
      .map((x) => [
        x,
        `skipped: one more ${x} proof at domain 2^${ptauPowerFor({ system: x, size }).domainPower}; verification gas does not depend on the circuit size (see smaller models, gas/snapshots.md)`,
      ]),
  );
  if (
    gasSystems.length &&
    (await stage(
      "gas",
      ...worker("gas", {
        systems: gasSystems,
        batch: values.batch?.split(",").map(Number) ?? (quick ? [1, 8] : [1, 8, 32]),
      }),
    ))
  )
    Object.assign(record.stages.gas, { skippedSystems: gasSkipped });
  writeReport();
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
    settings: { ...runSettings, load: loadavg().map((x) => Number(x.toFixed(2))) },
    models: [...results].sort(
      (x, y) =>
        BENCH_MODELS.findIndex((m) => m.name === x.name) -
        BENCH_MODELS.findIndex((m) => m.name === y.name),
    ),
    published: PUBLISHED,
  };
  const dir = outRoot;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "latest.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(join(dir, "latest.md"), renderMarkdown(report));
}
