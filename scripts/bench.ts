// `npm run bench [-- --models a,b] [--systems groth16] [--quick] [--no-peer | --peer]`: measures every
// pipeline stage per model, the machine's limit per Groth16 key and the circomlib-ml peer rows, in one
// run, and writes bench/results/latest.json + latest.md. See bench/README.md.
import { cpus, loadavg, totalmem } from "node:os";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "./lib/root.ts";
import { BENCH_MODELS, PUBLISHED } from "./bench/benchModels.ts";
import { renderMarkdown } from "./bench/renderMarkdown.ts";
import { median, runMeasured } from "./bench/runMeasured.ts";
import { PEER_MODELS, peerSettings, runPeerModel } from "./bench/peer.ts";
import type { PeerModel } from "./bench/renderPeer.ts";
import { cacheDir } from "../sdk/node/src/setup/cacheDir.ts";
import { ptauPowerFor, readCircuitSize } from "../sdk/node/src/setup/circuitSize.ts";
import { PROOF_SYSTEMS } from "../sdk/core/src/prove/proofSystem.ts";
import type { ProofSystem } from "../sdk/core/src/prove/proofSystem.ts";
import { artifactNames } from "../sdk/node/src/setup/artifactNames.ts";
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
    // PLONK / FFLONK only: skip above a domain of 2^N (their proofs take minutes per proof from
    // 2^16 here; recorded as skipped with the reason). Default: no limit beyond --max-ptau-power.
    "max-universal-domain": { type: "string" },
    // Visibility for compile (default: the SDK's; input public up to 32 values, hashed above).
    input: { type: "string" },
    weights: { type: "string" },
    output: { type: "string" },
    // circomlib-ml's circuits vs ours, step by step (scripts/bench/peer.ts), for the peer models
    // among --models: on by default; --peer: the peer rows only; --no-peer: none.
    peer: { type: "boolean" },
    // Stages not to run, recorded as skipped (e.g. gas: minutes per model, not a speed target).
    skip: { type: "string" },
    // Models measured at the same time (default 1): on a machine shared far beyond its cores a
    // long run gets more of it; each model's same-run ratios stay alternated within the model.
    parallel: { type: "string" },
  },
  allowNegative: true,
});
/** Stages --skip may leave out (the others feed the ones after them). */
const SKIPPABLE = ["fidelity", "floor", "warm", "pair", "gas"];
const skip = new Set(values.skip?.split(",").filter(Boolean) ?? []);
for (const x of skip)
  if (!SKIPPABLE.includes(x)) throw new Error(`--skip ${x}: skippable stages are ${SKIPPABLE}`);
const skipped = (label: string): StageRecord => ({
  error: `skipped: not run (--skip ${label})`,
  skipped: true,
});
const quick = values.quick ?? false;
const names =
  values.models?.split(",") ??
  (values.peer ? PEER_MODELS : quick ? ["iris-mlp", "196_25_10"] : BENCH_MODELS.map((m) => m.name));
const peerNames = values.peer === false ? [] : names.filter((x) => PEER_MODELS.includes(x));
if (values.peer && peerNames.length === 0)
  throw new Error(`--peer measures ${PEER_MODELS.join(", ")}; --models names none of them`);
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
  maxUniversalDomain: values["max-universal-domain"] ?? null,
  gasBatch: values.batch ?? (quick ? "1,8" : "1,8,32"),
  visibility: { input: values.input, weights: values.weights, output: values.output },
  skip: [...skip],
  parallel: Number(values.parallel ?? 1),
};
/** Peer rows compare against `compileModel`'s defaults: our compile stage is reused when it used them. */
const defaultVisibility = !values.input && !values.weights && !values.output;
const run = { date: new Date().toISOString(), settings: runSettings };
const results: {
  name: string;
  kind: string;
  source: string;
  /** The run that measured this model (--append keeps models measured by earlier runs). */
  run?: { date: string; settings: Record<string, unknown> };
  stages: Record<string, StageRecord>;
}[] = [];
const outRoot = values.out ?? join(ROOT, "bench/results");
const peer: { date: string; settings: Record<string, unknown>; models: PeerModel[] } = {
  date: run.date,
  settings: peerSettings(settings.proveRuns),
  models: [],
};
if (values.append && existsSync(join(outRoot, "latest.json"))) {
  const old = JSON.parse(readFileSync(join(outRoot, "latest.json"), "utf8")) as {
    date: string;
    settings: Record<string, unknown>;
    models: typeof results;
    peer?: typeof peer;
  };
  for (const m of old.models)
    if (!names.includes(m.name))
      results.push({ ...m, run: m.run ?? { date: old.date, settings: old.settings } });
  // peer rows of models this run does not measure are kept too
  for (const m of old.peer?.models ?? []) if (!names.includes(m.name)) peer.models.push(m);
}

for (const name of names)
  if (!BENCH_MODELS.some((m) => m.name === name))
    throw new Error(`unknown model ${name}; known: ${BENCH_MODELS.map((m) => m.name).join(", ")}`);
// Models run `--parallel` at a time (each stage is still its own process; ratios are within a model).
const queue = [...names];
await Promise.all(
  Array.from({ length: Math.max(1, Number(values.parallel ?? 1)) }, async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) await benchModel(name);
  }),
);
writeReport();
log(`wrote ${join(values.out ?? join(ROOT, "bench/results"), "latest.json")} and latest.md`);
process.exit(0);

/** The peer rows of one model (scripts/bench/peer.ts), recorded in the report as they come. */
async function peerRows(name: string, oursCompile?: Record<string, unknown>): Promise<PeerModel> {
  const rec: PeerModel = { name, peer: {}, ours: {} };
  peer.models = peer.models.filter((m) => m.name !== name);
  peer.models.push(rec);
  await runPeerModel({ name, runs: settings.proveRuns, log, rec, write: writeReport, oursCompile });
  return rec;
}

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
    peer: {
      ...peer,
      models: [...peer.models].sort(
        (x, y) => PEER_MODELS.indexOf(x.name) - PEER_MODELS.indexOf(y.name),
      ),
    },
    published: PUBLISHED,
  };
  const dir = outRoot;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "latest.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(join(dir, "latest.md"), renderMarkdown(report));
}

async function benchModel(name: string): Promise<void> {
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
        cpuMs: (m.result?.cpuMs as number | undefined) ?? m.cpuMs,
        processMs: m.ms,
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
    return;
  const peerRec = peerNames.includes(name)
    ? await peerRows(
        name,
        defaultVisibility ? (record.stages.compile as Record<string, unknown>) : undefined,
      )
    : undefined;
  if (values.peer) return; // --peer: the peer rows only
  if (skip.has("fidelity")) record.stages.fidelity = skipped("fidelity");
  else await stage("fidelity", ...worker("fidelity", { rows: settings.fidelityRows }));
  const compiled = record.stages.compile as unknown as { constraints: number };
  const size = readCircuitSize({ r1cs: join(outDir, "model.r1cs") });
  const maxProve = Number(values["max-prove-constraints"] ?? Infinity);
  const maxPower = Number(values["max-ptau-power"] ?? 18);
  const maxUniversal = Number(values["max-universal-domain"] ?? Infinity);
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
          : system !== "groth16" && domainPower > maxUniversal
            ? `skipped: ${system} domain 2^${domainPower} (${size.plonkGates.toLocaleString("en-US")} PLONK gates) is over --max-universal-domain ${maxUniversal} (minutes per proof on this machine; not run to fit the run's time)`
            : null;
    if (why) {
      for (const label of ["ptau", "setup", "prove", "sdkFullProve", "snarkjsCliFullProve"])
        record.stages[key(label)] = { error: why, skipped: true };
      writeReport();
      log(`${name}: ${why}`);
      continue;
    }
    if (!(await stage(key("ptau"), ...worker("ptau", { power })))) continue;
    // A peer model's Groth16 setup was measured by its peer rows (`zkml setup`, uncached): reused.
    const peerSetup = system === "groth16" ? peerRec?.ours.setup : undefined;
    if (peerSetup && !peerSetup.error) {
      record.stages.setup = {
        ...(peerSetup as StageRecord),
        reusedFrom: "peer rows (zkml setup, uncached)",
      };
      writeReport();
    } else if (
      !(await stage(key("setup"), ...worker("setup", { system, ptauCache: cacheDir("ptau") })))
    )
      continue;
    ready.push(system);
    // Large domains: one run (a PLONK prove at 2^16 takes a minute or more on 2 cores).
    const runs =
      domainPower >= 17 || (system !== "groth16" && domainPower >= 16) ? 1 : settings.proveRuns;
    if (!(await stage(key("prove"), ...worker("prove", { system, runs })))) continue;
    if (system === "groth16") {
      // The machine's limit for this key (MSMs, FFTs, setup arithmetic alone), and warm proving.
      if (skip.has("floor")) record.stages.floor = skipped("floor");
      else await stage("floor", ...worker("floor"));
      const peerWarm = peerRec?.ours.warmProve;
      if (peerWarm && !peerWarm.error)
        record.stages.warmProve = { ...(peerWarm as StageRecord), reusedFrom: "peer rows" };
      else if (skip.has("warm")) record.stages.warmProve = skipped("warm");
      else await stage("warmProve", ...worker("warm", { proofs: runs + 1 }));
    }
    if (skip.has("pair")) {
      for (const label of ["sdkFullProve", "snarkjsCliFullProve"])
        record.stages[key(label)] = skipped("pair");
      continue;
    }
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
    return;
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
  if (skip.has("gas")) record.stages.gas = skipped("gas");
  else if (
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
