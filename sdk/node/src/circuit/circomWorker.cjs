// Runs the circom2 CLI in this process and reports its peak memory on exit, so the SDK can
// measure circom's own footprint (the parent only spawns it). Arguments: circom's own.
const { writeSync } = require("node:fs");
process.on("exit", () => {
  writeSync(2, `\n@@zkml-peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
require("circom2/cli.js");
