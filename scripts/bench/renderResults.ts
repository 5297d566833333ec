// Re-renders bench/results/**/latest.md from latest.json (after a change to the report format).
// Usage: node scripts/bench/renderResults.ts <dir>...
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMarkdown } from "./renderMarkdown.ts";

for (const dir of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(join(dir, "latest.json"), "utf8"));
  writeFileSync(join(dir, "latest.md"), renderMarkdown(report));
  console.log(`rendered ${join(dir, "latest.md")}`);
}
