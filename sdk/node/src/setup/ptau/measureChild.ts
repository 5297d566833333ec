// Child process for measurePtau: `node measureChild.ts <ours|snarkjs> <power> <dir>` makes one
// prepared ptau and prints {"ms", "cpuMs", "peakBytes"} as its last stdout line (cpuMs: all
// threads' CPU time, which a busy machine inflates less than wall time).
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { releaseSnarkjs } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { createPtau } from "../createPtau.ts";

const [which, powerArg, dir] = process.argv.slice(2);
const power = Number(powerArg);
const start = performance.now();
const cpu0 = process.cpuUsage();
if (which === "ours") {
  await createPtau({ power, cache: dir, force: true });
} else {
  const { getCurveFromName } = await import("ffjavascript");
  const curve = await getCurveFromName("bn128");
  const f = (s: string) => join(dir, `snarkjs-${power}-${s}.ptau`);
  await snarkjs.powersOfTau.newAccumulator(curve, power, f("0"));
  await snarkjs.powersOfTau.contribute(f("0"), f("1"), "baseline", randomBytes(32).toString("hex"));
  await snarkjs.powersOfTau.preparePhase2(f("1"), f("2"));
}
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpu0);
await releaseSnarkjs();
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(JSON.stringify({ ms, cpuMs, peakBytes: process.resourceUsage().maxRSS * 1024 }));
