// Runs a Node CLI script in this process and reports its peak resident memory and CPU time on
// exit, so a benchmark can measure a tool (snarkjs's CLI, a stage worker) without instrumenting
// it. Usage: node peakRss.cjs <script> [args...]
// (prints "@@peak-rss-kb N" and "@@cpu-ms N" on stderr at exit: user + system CPU time of all
// its threads and of the child processes it waited for, e.g. circom under compileModel)
const { readFileSync, writeSync } = require("node:fs");
const { resolve } = require("node:path");
/** CPU ms of the children this process waited for (Linux: /proc/self/stat cutime + cstime, 100 Hz ticks). */
function childrenCpuMs() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return 0;
  }
}
process.on("exit", () => {
  const u = process.resourceUsage();
  const cpuMs = Math.round((u.userCPUTime + u.systemCPUTime) / 1000) + childrenCpuMs();
  writeSync(2, `\n@@peak-rss-kb ${u.maxRSS}\n@@cpu-ms ${cpuMs}\n`);
});
const script = resolve(process.argv[2]);
process.argv.splice(1, 2, script);
import(require("node:url").pathToFileURL(script).href);
