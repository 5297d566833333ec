import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderAuditHtml } from "./renderAuditHtml.ts";
import { predictionText, rawOutputsText, short, utc, verdictText } from "./reportText.ts";
import type { AuditCheck, AuditReport } from "./types.ts";

const MARK = { pass: "✅ pass", fail: "❌ FAIL", skip: "➖ not checked" } as const;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function checksTable(checks: AuditCheck[]): string[] {
  return [
    "| check | result | detail |",
    "| --- | --- | --- |",
    ...checks.map((c) => `| ${c.name} | ${MARK[c.status]} | ${cell(c.detail)} |`),
  ];
}

/** The report as a readable markdown page. */
export function renderAuditMarkdown(r: AuditReport): string {
  const lines = [
    `# Audit of registry ${r.registry}`,
    "",
    `Chain ${r.chainId}, blocks ${r.fromBlock}–${r.toBlock} (first block: ${r.fromBlockSource}); generated ${r.generatedAt}${r.strict ? "; strict: anything not checked is a finding" : ""}.`,
    "",
    `**${verdictText(r)}**`,
    "",
    "## Not checked",
    "",
    ...(r.notChecked.length
      ? [
          "The audit could not check these, so its result says nothing about them:",
          "",
          "| subject | check | why |",
          "| --- | --- | --- |",
          ...r.notChecked.map((n) => `| ${n.subject} | ${n.check} | ${cell(n.reason)} |`),
        ]
      : ["Everything was checked."]),
    "",
    "## Models",
    "",
    "| model | version | registered | registrar | verifier | manifest | result |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...r.models.map(
      (m) =>
        `| ${short(m.modelId)} | ${m.version} | ${utc(m.blockTimestamp)} (block ${m.blockNumber}) | ${m.registrar ?? "—"} | ${m.verifier} | ${m.manifest ?? "—"} | ${m.ok ? "ok" : "**FINDING**"} |`,
    ),
    "",
    "## Predictions",
    "",
    "| time | prediction | model | submitter | prediction (decoded) | raw outputs | tx | result |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...r.predictions.map(
      (p) =>
        `| ${utc(p.blockTimestamp)} | ${short(p.predictionId)} | ${short(p.modelId)} v${p.version} | ${p.submitter} | ${predictionText(p)} | ${rawOutputsText(p)} | ${short(p.txHash)} | ${p.ok ? "ok" : "**FINDING**"} |`,
    ),
    "",
    "## Roles, pauses and deprecations",
    "",
    ...(r.events.length
      ? [
          "| time | block | event | what | tx |",
          "| --- | --- | --- | --- | --- |",
          ...r.events.map(
            (e) =>
              `| ${utc(e.blockTimestamp)} | ${e.blockNumber} | ${e.eventName} | ${cell(e.summary)} | ${short(e.txHash)} |`,
          ),
        ]
      : ["None in the scanned blocks."]),
    "",
    "## Every check",
    "",
  ];
  for (const m of r.models) {
    lines.push(
      `### Model ${m.modelId} v${m.version}`,
      "",
      `Registered by ${m.registrar ?? "?"} in tx ${m.txHash} (block ${m.blockNumber}, ${utc(m.blockTimestamp)}); metadata ${m.metadataURI}.`,
      "",
      ...checksTable(m.checks),
      "",
    );
  }
  for (const p of r.predictions) {
    lines.push(
      `### Prediction ${p.predictionId}`,
      "",
      `Model ${p.modelId} v${p.version}, submitted by ${p.submitter} in tx ${p.txHash} (block ${p.blockNumber}, ${utc(p.blockTimestamp)}); ${predictionText(p)}; raw ${rawOutputsText(p)}.`,
      "",
      ...checksTable(p.checks),
      "",
    );
  }
  return lines.join("\n");
}

/**
 * The report in the CLI's JSON convention (README, CLI section): block numbers, chain id and
 * versions as numbers; uint256 values (field elements) as decimal strings; bytes32 and
 * addresses as hex; a prediction's `outputs` dequantized through the manifest next to
 * `outputsRaw` (signed fixed point at 2^outputFrac) and `predictedClass` (all null when no
 * manifest matched), with the event's field elements in `outputsField`.
 *
 * @example
 * writeFileSync("audit.json", JSON.stringify(auditReportToJson(report), null, 2));
 */
export function auditReportToJson(r: AuditReport) {
  const block = (n: bigint) => Number(n);
  const uints = (xs: readonly bigint[]) => xs.map((x) => x.toString());
  return {
    ...r,
    fromBlock: block(r.fromBlock),
    toBlock: block(r.toBlock),
    models: r.models.map((m) => ({ ...m, blockNumber: block(m.blockNumber) })),
    predictions: r.predictions.map(({ decoded, outputs, ...p }) => ({
      ...p,
      blockNumber: block(p.blockNumber),
      outputKind: decoded?.kind ?? null,
      outputs: decoded && decoded.kind !== "hashed" ? decoded.values : null,
      outputsRaw: decoded && decoded.kind !== "hashed" ? uints(decoded.raw) : null,
      predictedClass: decoded?.predictedClass ?? null,
      outputsField: uints(outputs),
    })),
    events: r.events.map((e) => ({
      ...e,
      blockNumber: block(e.blockNumber),
      args: Object.fromEntries(
        Object.entries(e.args).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]),
      ),
    })),
  };
}

/** `auditReportToJson` as indented text. */
export const auditReportJson = (report: AuditReport): string =>
  JSON.stringify(auditReportToJson(report), null, 2) + "\n";

export interface WriteAuditReportReturnType {
  json: string;
  markdown: string;
  html: string;
}

/**
 * Writes `audit-report.json`, `audit-report.md` and `audit-report.html` (one self-contained
 * page: no script, no external style, font or image) into a folder.
 *
 * @example
 * const { json, markdown, html } = writeAuditReport({ report, outDir: "audit" });
 */
export function writeAuditReport(p: {
  report: AuditReport;
  outDir: string;
}): WriteAuditReportReturnType {
  mkdirSync(p.outDir, { recursive: true });
  const files = {
    json: join(p.outDir, "audit-report.json"),
    markdown: join(p.outDir, "audit-report.md"),
    html: join(p.outDir, "audit-report.html"),
  };
  writeFileSync(files.json, auditReportJson(p.report));
  writeFileSync(files.markdown, renderAuditMarkdown(p.report) + "\n");
  writeFileSync(files.html, renderAuditHtml(p.report));
  return files;
}
