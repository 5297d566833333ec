#!/usr/bin/env node
// Differential fuzzer: seeded random ONNX graphs through onnxruntime, the float evaluator, the
// quantized evaluator and the circuit witness (test/fuzz/fuzzModel.ts).
//
//   npm run fuzz -- --seeds N [--start S] [--out DIR] [--stop] [--json]
//
// Prints one line per seed; on a disagreement prints the seed, the graph and the disagreement,
// saves the ONNX (and a JSON with the rows and options) to DIR (default build/fuzz-failures),
// and exits 1 at the end (--stop: at the first failing seed).
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { describeReport, fuzzSeed } from "../test/fuzz/fuzzModel.ts";
import type { FuzzReport } from "../test/fuzz/fuzzModel.ts";
import { releaseSnarkjs } from "../sdk/core/src/util/snarkjsLogger.ts";

const { values: args } = parseArgs({
  options: {
    seeds: { type: "string", default: "20" },
    start: { type: "string", default: "1" },
    out: { type: "string", default: join(import.meta.dirname, "..", "build", "fuzz-failures") },
    stop: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  console.log(
    "npm run fuzz -- --seeds N [--start S] [--out DIR] [--stop] [--json]\n" +
      "  --seeds N   how many seeds (default 20), from --start S (default 1)\n" +
      "  --out DIR   where failing models are saved (default build/fuzz-failures)\n" +
      "  --stop      stop at the first failing seed\n" +
      "  --json      one JSON summary line per seed instead of text",
  );
  process.exit(0);
}
const count = Number(args.seeds);
const start = Number(args.start);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(start)) {
  console.error("--seeds must be a positive integer and --start an integer");
  process.exit(2);
}
const outDir = resolve(args.out);

const failed: FuzzReport[] = [];
let skipped = 0;
const t0 = Date.now();
for (let seed = start; seed < start + count; seed++) {
  const r = await fuzzSeed(seed);
  if (r.skipped) skipped++;
  const summary = {
    seed,
    ok: r.failures.length === 0,
    skipped: r.skipped ?? null,
    kinds: [...new Set(r.failures.map((f) => f.kind))],
    tags: r.model.tags,
    ops: r.model.ops.length,
    constraints: r.constraints ?? null,
    proven: r.proven,
    rejected: r.rejected,
    ms: r.ms,
  };
  if (args.json) console.log(JSON.stringify(summary));
  else
    console.log(
      `seed ${seed}: ${summary.ok ? (r.skipped ? "skipped" : "ok") : `FAIL ${summary.kinds.join(", ")}`}` +
        ` (${r.model.ops.length} ops, ${r.constraints ?? "-"} constraints, ${r.proven} proven, ${r.rejected} rejected, ${(r.ms / 1000).toFixed(1)} s)`,
    );
  if (r.failures.length) {
    failed.push(r);
    mkdirSync(outDir, { recursive: true });
    const base = join(outDir, `seed-${seed}`);
    writeFileSync(`${base}.onnx`, r.model.bytes);
    writeFileSync(
      `${base}.json`,
      JSON.stringify(
        {
          seed,
          ops: r.model.ops,
          tags: r.model.tags,
          compile: r.model.compile,
          inputShape: r.model.inputShape,
          calibration: r.model.calibration,
          failures: r.failures,
        },
        null,
        2,
      ),
    );
    if (!args.json) console.log(`${describeReport(r)}\n  saved ${base}.onnx\n`);
    if (args.stop) break;
  }
}
const secs = ((Date.now() - t0) / 1000).toFixed(0);
console.log(
  `${count} seed(s) from ${start} in ${secs} s: ${failed.length} failing` +
    (failed.length ? ` (${failed.map((r) => r.seed).join(", ")})` : "") +
    `, ${skipped} skipped by the quantizer`,
);
await releaseSnarkjs();
process.exit(failed.length ? 1 : 0);
