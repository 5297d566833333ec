// Runs a Node CLI script in this process and reports its peak resident memory on exit, so a
// benchmark can measure a tool (snarkjs's CLI, a stage worker) without instrumenting it.
// Usage: node peakRss.cjs <script> [args...]   (prints "@@peak-rss-kb N" on stderr at exit)
const { writeSync } = require("node:fs");
const { resolve } = require("node:path");
process.on("exit", () => writeSync(2, `\n@@peak-rss-kb ${process.resourceUsage().maxRSS}\n`));
const script = resolve(process.argv[2]);
process.argv.splice(1, 2, script);
import(require("node:url").pathToFileURL(script).href);
