// Re-renders bench/results/**/latest.md (and peer.md) from their JSON (after a change to the
// report format). Usage: node scripts/bench/renderResults.ts <dir>...
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMarkdown } from "./renderMarkdown.ts";
import { renderPeerMarkdown } from "./renderPeer.ts";

for (const dir of process.argv.slice(2)) {
  for (const [json, md, render] of [
    ["latest.json", "latest.md", renderMarkdown],
    ["peer.json", "peer.md", renderPeerMarkdown],
  ] as const) {
    if (!existsSync(join(dir, json))) continue;
    const report = JSON.parse(readFileSync(join(dir, json), "utf8"));
    writeFileSync(join(dir, md), render(report));
    console.log(`rendered ${join(dir, md)}`);
  }
}
