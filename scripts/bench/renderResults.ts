// Re-renders bench/results/**/latest.md from their JSON (after a change to the report format).
// Usage: node scripts/bench/renderResults.ts <dir>...
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMarkdown } from "./renderMarkdown.ts";

for (const dir of process.argv.slice(2)) {
  if (!existsSync(join(dir, "latest.json"))) continue;
  const report = JSON.parse(readFileSync(join(dir, "latest.json"), "utf8"));
  writeFileSync(join(dir, "latest.md"), renderMarkdown(report));
  console.log(`rendered ${join(dir, "latest.md")}`);
}
