// `npm run bench:ptau [-- --powers 12,16 --baseline 12]`: times our local powers-of-tau ceremony
// against snarkjs's own path (new + contribute + prepare phase2) at the same power, each in its
// own child process (wall time, CPU time, peak memory). Writes bench/results/ptau.{json,md}.
import { cpus, totalmem } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measurePtau } from "../sdk/node/src/setup/measurePtau.ts";
import type { MeasurePtauReturnType } from "../sdk/node/src/setup/measurePtau.ts";
import { ROOT } from "./lib/root.ts";

const { values } = parseArgs({
  options: { powers: { type: "string" }, baseline: { type: "string" } },
});
const powers = (values.powers ?? "12,16").split(",").map(Number);
const baseline = new Set((values.baseline ?? "12").split(",").map(Number));
const runs: MeasurePtauReturnType[] = [];
for (const power of powers) {
  console.log(`2^${power}: ours${baseline.has(power) ? " and snarkjs" : ""} ...`);
  runs.push(await measurePtau({ power, baseline: baseline.has(power) }));
  const r = runs[runs.length - 1];
  console.log(
    `2^${power}: ours ${(r.ours.ms / 1000).toFixed(1)} s${r.snarkjs ? `, snarkjs ${(r.snarkjs.ms / 1000).toFixed(1)} s, ${r.ratio!.toFixed(1)}x` : ""}`,
  );
}
const machine = `${cpus()[0]?.model ?? "unknown"}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const date = new Date().toISOString();
const dir = join(ROOT, "bench/results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "ptau.json"), JSON.stringify({ date, machine, runs }, null, 2) + "\n");
const s = (ms?: number) => (ms === undefined ? "—" : (ms / 1000).toFixed(1));
const mb = (b?: number) => (b === undefined ? "—" : String(Math.round(b / 2 ** 20)));
const md = [
  "# Powers of tau: local ceremony vs snarkjs",
  "",
  `Measured ${date.slice(0, 16).replace("T", " ")} UTC on ${machine}. Both produce a prepared ptau (Lagrange sections included) for a single-party development ceremony; each run is its own process. Regenerate with \`npm run bench:ptau\`.`,
  "",
  "| power | ours s | ours CPU s | ours peak MiB | snarkjs s | snarkjs peak MiB | snarkjs / ours (same run) |",
  "| --- | --- | --- | --- | --- | --- | --- |",
  ...runs.map(
    (r) =>
      `| 2^${r.power} | ${s(r.ours.ms)} | ${s(r.ours.cpuMs)} | ${mb(r.ours.peakBytes)} | ${s(r.snarkjs?.ms)} | ${mb(r.snarkjs?.peakBytes)} | ${r.ratio ? `${r.ratio.toFixed(1)}x` : "—"} |`,
  ),
  "",
];
writeFileSync(join(dir, "ptau.md"), md.join("\n"));
console.log(`wrote ${join(dir, "ptau.md")}`);
