import { predictionText, rawOutputsText, short, utc, verdictText } from "./reportText.ts";
import type { AuditCheck, AuditReport } from "./types.ts";

/** HTML-escapes text (every value in the page goes through it: event data is untrusted). */
const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** A hash shown short, the full value in its tooltip. */
const hash = (h: string) => `<code title="${esc(h)}">${esc(short(h))}</code>`;

const BADGE = {
  pass: '<span class="b pass">pass</span>',
  fail: '<span class="b fail">FAIL</span>',
  skip: '<span class="b skip">not checked</span>',
} as const;
const verdict = (ok: boolean) => (ok ? BADGE.pass : '<span class="b fail">FINDING</span>');

const STYLE = `
:root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --line: #d0d7de; --mute: #57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
  margin: 0 auto; padding: 24px; max-width: 1280px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: var(--mute); margin-bottom: 16px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
.verdict { padding: 12px 16px; border-radius: 6px; font-weight: 600; border: 1px solid; }
.verdict.ok { background: #dafbe1; border-color: var(--ok); color: #0f5323; }
.verdict.bad { background: #ffebe9; border-color: var(--bad); color: #82071e; }
.verdict.partial { background: #fff8c5; border-color: var(--warn); color: #4d2d00; }
.cards { display: flex; gap: 12px; margin: 16px 0; flex-wrap: wrap; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.card b { display: block; font-size: 20px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; white-space: nowrap; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.b { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; font-weight: 600;
  color: #fff; white-space: nowrap; }
.b.pass { background: var(--ok); } .b.fail { background: var(--bad); } .b.skip { background: var(--warn); }
.notchecked th { background: #fff8c5; }
details { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; padding: 4px 10px; }
details[open] { padding-bottom: 8px; } summary { cursor: pointer; }
.none { color: var(--mute); font-style: italic; }
`;

function checksTable(checks: AuditCheck[]): string {
  return `<table><tr><th>check</th><th>result</th><th>detail</th></tr>${checks
    .map(
      (c) => `<tr><td>${esc(c.name)}</td><td>${BADGE[c.status]}</td><td>${esc(c.detail)}</td></tr>`,
    )
    .join("")}</table>`;
}

const table = (head: string[], rows: string[][], empty: string, cls = "") =>
  rows.length
    ? `<table class="${cls}"><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>${rows
        .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`)
        .join("")}</table>`
    : `<p class="none">${esc(empty)}</p>`;

/**
 * The audit report as one self-contained HTML page (inline style; no script, font, image or
 * link to load), for an auditor to open or attach: the verdict, what was not checked, models,
 * predictions with their decoded outputs and submitters, governance events, then every check.
 *
 * @example
 * writeFileSync("audit-report.html", renderAuditHtml(report));
 */
export function renderAuditHtml(r: AuditReport): string {
  const s = r.summary;
  const tone = !s.ok ? "bad" : r.notChecked.length ? "partial" : "ok";
  const models = r.models.map((m) => [
    hash(m.modelId),
    `<span class="num">${m.version}</span>`,
    `${esc(utc(m.blockTimestamp))}<br><span class="meta">block ${esc(m.blockNumber)}</span>`,
    m.registrar ? `<code>${esc(m.registrar)}</code>` : "—",
    `<code>${esc(m.verifier)}</code>`,
    m.manifest ? esc(m.manifest) : '<span class="none">none matched</span>',
    verdict(m.ok),
  ]);
  const predictions = r.predictions.map((p) => [
    esc(utc(p.blockTimestamp)),
    hash(p.predictionId),
    `${hash(p.modelId)} v${p.version}`,
    `<code>${esc(p.submitter)}</code>`,
    `<b>${esc(predictionText(p))}</b>`,
    `<code>${esc(rawOutputsText(p))}</code>`,
    hash(p.txHash),
    verdict(p.ok),
  ]);
  const events = r.events.map((e) => [
    esc(utc(e.blockTimestamp)),
    `<span class="num">${esc(e.blockNumber)}</span>`,
    esc(e.eventName),
    esc(e.summary),
    hash(e.txHash),
  ]);
  const notChecked = r.notChecked.map((n) => [esc(n.subject), esc(n.check), esc(n.reason)]);
  const details = [
    ...r.models.map(
      (m) =>
        `<details${m.ok ? "" : " open"}><summary>${verdict(m.ok)} model <code>${esc(m.modelId)}</code> v${m.version}</summary>` +
        `<p>Registered by <code>${esc(m.registrar ?? "?")}</code> in tx <code>${esc(m.txHash)}</code> (block ${esc(m.blockNumber)}, ${esc(utc(m.blockTimestamp))}); metadata ${esc(m.metadataURI)}.</p>` +
        checksTable(m.checks) +
        "</details>",
    ),
    ...r.predictions.map(
      (p) =>
        `<details${p.ok ? "" : " open"}><summary>${verdict(p.ok)} prediction <code>${esc(p.predictionId)}</code></summary>` +
        `<p>Model <code>${esc(p.modelId)}</code> v${p.version}, submitted by <code>${esc(p.submitter)}</code> in tx <code>${esc(p.txHash)}</code> (block ${esc(p.blockNumber)}, ${esc(utc(p.blockTimestamp))}). ${esc(predictionText(p))}; raw ${esc(rawOutputsText(p))}.</p>` +
        checksTable(p.checks) +
        "</details>",
    ),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Audit of registry ${esc(r.registry)}</title>
<style>${STYLE}</style></head>
<body>
<h1>Audit of registry <code>${esc(r.registry)}</code></h1>
<div class="meta">Chain ${esc(r.chainId)} · blocks ${esc(r.fromBlock)}–${esc(r.toBlock)} (first block: ${esc(r.fromBlockSource)}) · generated ${esc(r.generatedAt)}${r.strict ? " · strict: anything not checked is a finding" : ""}</div>
<div class="verdict ${tone}" id="verdict">${esc(verdictText(r))}</div>
<div class="cards">
<div class="card"><b>${s.models}</b>model versions</div>
<div class="card"><b>${s.predictions}</b>predictions</div>
<div class="card"><b>${s.passed}</b>checks passed</div>
<div class="card"><b>${s.failed}</b>checks failed</div>
<div class="card"><b>${r.notChecked.length}</b>not checked</div>
<div class="card"><b>${r.events.length}</b>governance events</div>
</div>
<section id="not-checked"><h2>Not checked</h2>
${r.notChecked.length ? "<p>The audit could not check these, so its result says nothing about them:</p>" : ""}
${table(["subject", "check", "why"], notChecked, "Everything was checked.", "notchecked")}</section>
<section id="models"><h2>Models</h2>
${table(["model", "version", "registered", "registrar", "verifier", "manifest", "result"], models, "No model registered in the scanned blocks.")}</section>
<section id="predictions"><h2>Predictions</h2>
${table(["time", "prediction", "model", "submitter", "prediction (decoded)", "raw outputs", "tx", "result"], predictions, "No prediction in the scanned blocks.")}</section>
<section id="events"><h2>Roles, pauses and deprecations</h2>
${table(["time", "block", "event", "what", "tx"], events, "None in the scanned blocks.")}</section>
<section id="checks"><h2>Every check</h2>
${details.join("\n")}</section>
</body></html>
`;
}
