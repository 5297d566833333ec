import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromField } from "@zkml-verify/core/internal/quantize/fixedPoint";
import type { AuditCheck, AuditReport } from "./types.ts";

const MARK = { pass: "✅ pass", fail: "❌ FAIL", skip: "➖ skip" } as const;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const short = (h: string) => (h.length > 18 ? `${h.slice(0, 10)}…${h.slice(-6)}` : h);

function checksTable(checks: AuditCheck[]): string[] {
  return [
    "| check | result | detail |",
    "| --- | --- | --- |",
    ...checks.map((c) => `| ${c.name} | ${MARK[c.status]} | ${cell(c.detail)} |`),
  ];
}

/** The report as a readable markdown page. */
export function renderAuditMarkdown(r: AuditReport): string {
  const s = r.summary;
  const lines = [
    `# Audit of registry ${r.registry}`,
    "",
    `Chain ${r.chainId}, blocks ${r.fromBlock}–${r.toBlock}, generated ${r.generatedAt}.`,
    "",
    `**${s.ok ? "No finding" : `${s.failed} finding(s)`}**: ${s.models} model version(s), ${s.predictions} prediction(s), ${s.checks} checks (${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped).`,
    "",
    "## Models",
    "",
    "| model | version | verifier | manifest | result |",
    "| --- | --- | --- | --- | --- |",
    ...r.models.map(
      (m) =>
        `| ${short(m.modelId)} | ${m.version} | ${m.verifier} | ${m.manifest ?? "—"} | ${m.ok ? "ok" : "**FINDING**"} |`,
    ),
    "",
    "## Predictions",
    "",
    "| prediction | model | version | verifier | tx | result |",
    "| --- | --- | --- | --- | --- | --- |",
    ...r.predictions.map(
      (p) =>
        `| ${short(p.predictionId)} | ${short(p.modelId)} | ${p.version} | ${p.verifier ?? "—"} | ${short(p.txHash)} | ${p.ok ? "ok" : "**FINDING**"} |`,
    ),
    "",
    "## Every check",
    "",
  ];
  for (const m of r.models) {
    lines.push(
      `### Model ${m.modelId} v${m.version}`,
      "",
      `Registered in tx ${m.txHash} (block ${m.blockNumber}); metadata ${m.metadataURI}.`,
      "",
      ...checksTable(m.checks),
      "",
    );
  }
  for (const p of r.predictions) {
    lines.push(
      `### Prediction ${p.predictionId}`,
      "",
      `Model ${p.modelId} v${p.version}, submitted by ${p.submitter} in tx ${p.txHash} (block ${p.blockNumber}); outputs ${p.outputs.map(fromField).join(", ")} (signed fixed point).`,
      "",
      ...checksTable(p.checks),
      "",
    );
  }
  return lines.join("\n");
}

/**
 * Writes `audit-report.json` and `audit-report.md` into a folder.
 *
 * @example
 * const { json, markdown } = writeAuditReport({ report, outDir: "audit" });
 */
export function writeAuditReport(p: { report: AuditReport; outDir: string }): {
  json: string;
  markdown: string;
} {
  mkdirSync(p.outDir, { recursive: true });
  const json = join(p.outDir, "audit-report.json");
  const markdown = join(p.outDir, "audit-report.md");
  writeFileSync(
    json,
    JSON.stringify(p.report, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n",
  );
  writeFileSync(markdown, renderAuditMarkdown(p.report) + "\n");
  return { json, markdown };
}
