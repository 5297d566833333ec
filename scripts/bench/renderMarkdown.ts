import { PUBLISHED } from "./benchModels.ts";

type Stage = Record<string, unknown> & {
  ms?: number;
  peakBytes?: number;
  error?: string;
  skipped?: boolean;
};
interface Report {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; platform: string };
  settings: Record<string, unknown>;
  models: { name: string; kind: string; source: string; stages: Record<string, Stage> }[];
}

const s = (ms?: number) => (ms === undefined ? "—" : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1));
const mb = (b?: number) => (b ? `${Math.round(b / 2 ** 20)}` : "—");
const n = (x: unknown) =>
  typeof x === "number" && Number.isFinite(x) ? x.toLocaleString("en-US") : "—";
const cell = (st: Stage | undefined, f: (st: Stage) => string) =>
  !st ? "—" : st.skipped ? "skipped" : st.error ? "error" : f(st);

/** The committed, GitHub-readable benchmark report. */
export function renderMarkdown(r: Report): string {
  const out: string[] = [
    "# Benchmark results",
    "",
    `Measured ${r.date.slice(0, 16).replace("T", " ")} UTC on ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node} (${r.machine.platform}). Settings: \`${JSON.stringify(r.settings)}\`. Regenerate with \`npm run bench\` (see bench/README.md).`,
    "",
    "Columns marked *published* are the ZKML-Benchmark project's figures for the same architectures, **measured elsewhere on other hardware** (../shared/models/zkml-benchmark/README.md); only same-run ratios (marked *same run*) are comparisons. Constraint counts do not depend on hardware.",
    "",
    "## Circuit (weights fixed as constants)",
    "",
    "| model | kind | constraints | wires | compile s | circom peak MiB | circomlib-ml constraints (published) | fewer by |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const m of r.models) {
    const c = m.stages.compile;
    const pub = PUBLISHED[m.name]?.circomlibMlConstraints;
    const ratio = c && !c.error && pub ? `${(pub / (c.constraints as number)).toFixed(1)}x` : "—";
    out.push(
      `| ${m.name} | ${m.kind} | ${cell(c, (x) => n(x.constraints))} | ${cell(c, (x) => n(x.wires))} | ${cell(c, (x) => s(x.compileMs as number))} | ${cell(c, (x) => mb(x.peakBytes as number))} | ${n(pub)} | ${ratio} |`,
    );
  }
  out.push("", "## Groth16: setup, proving, verification", "");
  out.push(
    "| model | ptau | setup s | witness ms | prove s | prove peak MiB | proof bytes | verify ms | full prove, SDK s | full prove, snarkjs CLI s | SDK / CLI (same run) | circomlib-ml prove s (published) |",
  );
  out.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const m of r.models) {
    const st = m.stages;
    const p = st.prove;
    const sdk = st.sdkFullProve;
    const cli = st.snarkjsCliFullProve;
    const ratio =
      sdk && cli && !sdk.error && !cli.error
        ? `${((sdk.ms as number) / (cli.ms as number)).toFixed(2)}`
        : "—";
    out.push(
      `| ${m.name} | ${cell(st.setup, (x) => `2^${x.ptauPower}`)} | ${cell(st.setup, (x) => s(x.ms))} | ${cell(p, (x) => (x.witnessMs as number).toFixed(0))} | ${cell(p, (x) => s(x.proveMs as number))} | ${cell(p, (x) => mb(x.peakBytes))} | ${cell(p, (x) => n(x.proofBytes))} | ${cell(p, (x) => (x.verifyMs as number).toFixed(0))} | ${cell(sdk, (x) => s(x.ms))} | ${cell(cli, (x) => s(x.ms))} | ${ratio} | ${PUBLISHED[m.name]?.circomlibMlProveS ?? "—"} |`,
    );
  }
  out.push("", "## Fidelity and gas", "");
  out.push(
    "| model | argmax agreement with onnxruntime | rows | public signals | submitPrediction gas (L1) | calldata bytes | verifier bytes |",
  );
  out.push("| --- | --- | --- | --- | --- | --- | --- |");
  for (const m of r.models) {
    const f = m.stages.fidelity;
    const g = m.stages.gas;
    out.push(
      `| ${m.name} | ${cell(f, (x) => `${((x.agreement as number) * 100).toFixed(2)}%`)} | ${cell(f, (x) => n(x.rows))} | ${cell(g, (x) => n(x.nPublic))} | ${cell(g, (x) => n(x.submitGas))} | ${cell(g, (x) => n(x.calldataBytes))} | ${cell(g, (x) => n(x.verifierBytes))} |`,
    );
  }
  const errors = r.models.flatMap((m) =>
    Object.entries(m.stages)
      .filter(([k, v]) => v.error && (!v.skipped || k === "ptau"))
      .map(([k, v]) => `- ${m.name} / ${v.skipped ? "ptau, setup, prove, gas" : k}: ${v.error}`),
  );
  if (errors.length)
    out.push("", "## Failures and skipped stages (kept, not dropped)", "", ...errors);
  out.push("", "Models: " + r.models.map((m) => `${m.name} (${m.source})`).join("; ") + ".", "");
  return out.join("\n");
}
