// `npm run conformance [-- --only <regex>] [--shard k/n] [--merge a.json,b.json]
//   [--update] [--prove-max-constraints N] [--max-constraints N] [--keep]`:
// runs every model of the ONNX backend corpus (../shared/models/onnx-backend-pytorch) through
// import, quantization, compile, witness and (small circuits) Groth16 prove + verify, compares
// the proven outputs with the expected ones and writes bench/results/conformance.{json,md}.
// --shard k/n runs every n-th model from the k-th (for parallel runs, each with its own --out);
// --merge folds earlier reports' results in (this run's results win), e.g. to combine shards;
// --update does that with the table in --out, so `--only <regex> --update` re-runs a few models
// and rewrites bench/results/conformance.{json,md} with every other row kept.
// --check (CI: `npm run conformance:ci`): after the run, compare with the committed
// bench/results/conformance.json and exit 1 when the pass rate is below MIN_PASS_RATE (90%), a
// model that passed there fails now, or one was not run (checkConformance.ts).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { releaseSnarkjs } from "../sdk/core/src/util/snarkjsLogger.ts";
import { ROOT } from "../test/helpers/root.ts";
import {
  DEFAULT_MAX_CONSTRAINTS,
  listCorpus,
  runConformanceCase,
  TOLERANCE,
} from "./conformance/conformanceCase.ts";
import type { ConformanceResult } from "./conformance/conformanceCase.ts";
import { checkConformance } from "./conformance/checkConformance.ts";
import { renderConformance, summarize } from "./conformance/renderConformance.ts";
import type { ConformanceReport } from "./conformance/renderConformance.ts";

/** Where CI clones the shared corpus: beside the repository. */
export const CORPUS = resolve(ROOT, "../shared/models/onnx-backend-pytorch");

const { values } = parseArgs({
  options: {
    corpus: { type: "string" },
    only: { type: "string" },
    "prove-max-constraints": { type: "string" },
    "max-constraints": { type: "string" },
    update: { type: "boolean" },
    out: { type: "string" },
    keep: { type: "boolean" },
    shard: { type: "string" },
    merge: { type: "string" },
    input: { type: "string" },
    check: { type: "boolean" },
  },
});
/** The committed report: what --check compares with. */
const COMMITTED = join(ROOT, "bench/results/conformance.json");
const corpus = resolve(values.corpus ?? CORPUS);
if (!existsSync(corpus)) {
  console.error(
    `conformance corpus not found at ${corpus}: clone the shared models beside the repository (../shared/models/onnx-backend-pytorch) or pass --corpus <dir>`,
  );
  process.exit(2);
}
const proveMaxConstraints = Number(values["prove-max-constraints"] ?? 20_000);
const maxConstraints = Number(values["max-constraints"] ?? DEFAULT_MAX_CONSTRAINTS);
const only = values.only ? new RegExp(values.only) : null;
const [shard, shards] = (values.shard ?? "0/1").split("/").map(Number);
const names = listCorpus(corpus).filter((n, i) => (!only || only.test(n)) && i % shards === shard);
const outDir = resolve(values.out ?? join(ROOT, "bench/results"));
const buildRoot = join(ROOT, "build/conformance");
const started = Date.now();
const results: ConformanceResult[] = [];
for (const [i, name] of names.entries()) {
  const r = await runConformanceCase({
    dir: join(corpus, name),
    buildDir: join(buildRoot, name),
    proveMaxConstraints,
    maxConstraints,
    keep: values.keep,
    input: (values.input ?? "public") as "public" | "private" | "hashed",
  });
  results.push(r);
  const what = r.pass
    ? `pass${r.proved ? " (proved)" : ""}, ${r.constraints} constraints, error ${r.maxAbsError?.toExponential(1)}`
    : `FAIL at ${r.stage}: ${r.errorClass}: ${r.reason}`;
  console.log(
    `[${String(i + 1).padStart(3)}/${names.length}] ${name.padEnd(44)} ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${what}`,
  );
}
const merged = new Map<string, ConformanceResult>();
const mergeFiles = values.merge?.split(",") ?? [];
if (values.update && existsSync(join(outDir, "conformance.json")))
  mergeFiles.unshift(join(outDir, "conformance.json"));
for (const file of mergeFiles) {
  const earlier = JSON.parse(readFileSync(file, "utf8")) as ConformanceReport;
  for (const r of earlier.results) merged.set(r.model, r);
}
for (const r of results) merged.set(r.model, r);
const all = [...merged.values()].sort((a, b) => a.model.localeCompare(b.model));
const report = summarize(all, {
  corpus: "../shared/models/onnx-backend-pytorch",
  date: new Date().toISOString().slice(0, 10),
  // a merged report's rows come from the runs it merges; the commit is the merging one's
  commit: mergeFiles.length > 0 ? `${gitCommit()} (merging earlier runs' rows)` : gitCommit(),
  settings: {
    proveMaxConstraints,
    maxConstraints,
    tolerance: TOLERANCE,
    input: values.input ?? "public",
  },
  ms: mergeFiles.length > 0 ? all.reduce((s, r) => s + r.ms, 0) : Date.now() - started,
});
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "conformance.json"), JSON.stringify(report, null, 2) + "\n");
writeFileSync(join(outDir, "conformance.md"), renderConformance(report));
console.log(
  `\n${report.passed} of ${report.total} pass (${report.proved} proved); causes of the failures:`,
);
for (const c of report.causes) console.log(`  ${String(c.count).padStart(3)}  ${c.cause}`);
console.log(`written to ${join(outDir, "conformance.md")} and conformance.json`);
// snarkjs's curve keeps worker threads alive after a proof: let the process end
await releaseSnarkjs();
if (values.check) {
  const baseline = JSON.parse(readFileSync(COMMITTED, "utf8")) as ConformanceReport;
  const { ok, problems } = checkConformance({ baseline, report });
  console.log(
    ok
      ? `conformance check: ok against ${COMMITTED} (${baseline.passed} of ${baseline.total} there)`
      : `conformance check FAILED against ${COMMITTED}:\n${problems.map((l) => `  ${l}`).join("\n")}`,
  );
  process.exitCode = ok ? 0 : 1;
}

/** The checked-out commit (short hash, "+dirty" with local changes), or "unknown" outside git. */
function gitCommit(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    return (
      git("rev-parse", "--short=12", "HEAD") +
      (git("status", "--porcelain", "--untracked-files=no") ? "+dirty" : "")
    );
  } catch {
    return "unknown";
  }
}
