import { PUBLISHED } from "./benchModels.ts";
import { renderPeerSection } from "./renderPeer.ts";
import type { PeerSection } from "./renderPeer.ts";
import { renderLimits, renderTargets } from "./renderTargets.ts";

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
  models: {
    name: string;
    kind: string;
    source: string;
    run?: { date: string; settings: Record<string, unknown> };
    stages: Record<string, Stage>;
  }[];
  /** The circomlib-ml peer rows of the same run (scripts/bench/peer.ts). */
  peer?: PeerSection;
}

const s = (ms?: number) => (ms === undefined ? "—" : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1));
const mb = (b?: number) => (b ? `${Math.round(b / 2 ** 20)}` : "—");
const n = (x: unknown) =>
  typeof x === "number" && Number.isFinite(x) ? x.toLocaleString("en-US") : "—";
const cell = (st: Stage | undefined, f: (st: Stage) => string) =>
  !st ? "—" : st.skipped ? "skipped" : st.error ? "error" : f(st);

/** Stages recorded per proof system (Groth16's under their plain names). */
const SYSTEM_STAGES = ["ptau", "setup", "prove", "sdkFullProve", "snarkjsCliFullProve"];

const TITLE: Record<string, string> = { groth16: "Groth16", plonk: "PLONK", fflonk: "FFLONK" };

/** Where a stage of a proof system is recorded: Groth16 under its plain name (older results too). */
export const stageKey = (system: string, label: string): string =>
  system === "groth16" ? label : `${system}.${label}`;

/** Groth16 batch gas per proof at N = 8 and 32 (the gas lab's `submitPredictions`). */
const batchCell = (g: Stage | undefined) =>
  cell(g, (x) => {
    const b = (x.gasPerProof as Record<string, Record<string, number>> | undefined)?.groth16;
    return b?.["8"] || b?.["32"] ? `${n(b["8"])} / ${n(b["32"])}` : "—";
  });

/** When `--append` merged models measured by several runs: which run measured which model. */
function runNotes(r: Report): string[] {
  const runs = new Map<string, { settings: Record<string, unknown>; models: string[] }>();
  for (const m of r.models) {
    if (!m.run) continue;
    const e = runs.get(m.run.date) ?? { settings: m.run.settings, models: [] };
    e.models.push(m.name);
    runs.set(m.run.date, e);
  }
  if (runs.size < 2) return [];
  return [
    "Models measured in separate runs (`--append`); ratios are within one model's run:",
    "",
    ...[...runs].map(
      ([date, e]) =>
        `- ${date.slice(0, 16).replace("T", " ")} UTC: ${e.models.join(", ")}; settings \`${JSON.stringify(e.settings)}\``,
    ),
    "",
  ];
}

/** The committed, GitHub-readable benchmark report. */
export function renderMarkdown(r: Report): string {
  const out: string[] = [
    "# Benchmark results",
    "",
    `Measured ${r.date.slice(0, 16).replace("T", " ")} UTC on ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node} (${r.machine.platform}). Settings: \`${JSON.stringify(r.settings)}\`. Regenerate with \`npm run bench\` (see bench/README.md).`,
    "",
    "Columns marked *published* are the ZKML-Benchmark project's figures for the same architectures, **measured elsewhere on other hardware** (../shared/models/zkml-benchmark/README.md); only same-run ratios (marked *same run*) are comparisons. Constraint counts do not depend on hardware.",
    "",
    ...runNotes(r),
    ...(r.settings.load
      ? [
          `Machine load (1/5/15-min load average) when the report was written: ${(r.settings.load as number[]).join(" / ")} on ${r.machine.cores} cores; other jobs shared the machine, so absolute times are upper bounds and only same-run ratios compare. Each stage's 1-min load is in latest.json (\`load1\`).`,
          "",
        ]
      : []),
    ...renderTargets(r.peer?.models ?? [], r.models),
    ...(r.peer?.models.length ? renderPeerSection({ ...r.peer, published: PUBLISHED }) : []),
    ...renderLimits(r.models),
    "## Circuit",
    "",
    "| model | kind | visibility (weights / input / output) | constraints | wires | compile s | circom peak MiB | circomlib-ml constraints (published) | fewer by |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const m of r.models) {
    const c = m.stages.compile;
    const pub = PUBLISHED[m.name]?.circomlibMlConstraints;
    const ratio = c && !c.error && pub ? `${(pub / (c.constraints as number)).toFixed(1)}x` : "—";
    out.push(
      `| ${m.name} | ${m.kind} | ${cell(c, (x) => (x.visibility ? Object.values(x.visibility).join(" / ") : "—"))} | ${cell(c, (x) => n(x.constraints))} | ${cell(c, (x) => n(x.wires))} | ${cell(c, (x) => s(x.compileMs as number))} | ${cell(c, (x) => mb(x.peakBytes as number))} | ${n(pub)} | ${ratio} |`,
    );
  }
  for (const system of ["groth16", "plonk", "fflonk"]) {
    const at = (m: Report["models"][number], label: string) => m.stages[stageKey(system, label)];
    if (!r.models.some((m) => at(m, "setup"))) continue;
    const universal = system !== "groth16";
    out.push("", `## ${TITLE[system]}: setup, proving, verification`, "");
    if (universal)
      out.push(
        "PLONK-style systems pay one gate per term of every linear combination, which R1CS gets for free: the fixed-weight layers are long linear combinations, so the gate count (and the ptau) is far above the constraint count.",
        "",
      );
    out.push(
      `| model | ptau |${universal ? " PLONK gates | domain |" : ""} setup s | witness ms | prove s | prove peak MiB | proof bytes | verify ms | full prove, SDK s | full prove, snarkjs CLI s | SDK / CLI (same run) |${universal ? "" : " circomlib-ml prove s (published) |"}`,
    );
    out.push(`|${" --- |".repeat(universal ? 13 : 12)}`);
    for (const m of r.models) {
      const setup = at(m, "setup");
      if (!setup) continue;
      const p = at(m, "prove");
      const sdk = at(m, "sdkFullProve");
      const cli = at(m, "snarkjsCliFullProve");
      const ratio =
        sdk && cli && !sdk.error && !cli.error
          ? `${((sdk.ms as number) / (cli.ms as number)).toFixed(2)}`
          : "—";
      const extra = universal
        ? ` ${cell(setup, (x) => n(x.plonkGates))} | ${cell(setup, (x) => `2^${x.domainPower}`)} |`
        : "";
      out.push(
        `| ${m.name} | ${cell(setup, (x) => `2^${x.ptauPower}`)} |${extra} ${cell(setup, (x) => s(x.ms))} | ${cell(p, (x) => (x.witnessMs as number).toFixed(0))} | ${cell(p, (x) => s(x.proveMs as number))} | ${cell(p, (x) => mb(x.peakBytes))} | ${cell(p, (x) => n(x.proofBytes))} | ${cell(p, (x) => (x.verifyMs as number).toFixed(0))} | ${cell(sdk, (x) => s(x.ms))} | ${cell(cli, (x) => s(x.ms))} | ${ratio} |${universal ? "" : ` ${PUBLISHED[m.name]?.circomlibMlProveS ?? "—"} |`}`,
      );
    }
  }
  out.push("", "## Fidelity and gas", "");
  const gasSystems = ["groth16", "plonk", "fflonk"].filter((sys) =>
    r.models.some((m) => (m.stages.gas?.bySystem as Record<string, unknown> | undefined)?.[sys]),
  );
  out.push(
    `| model | argmax agreement with onnxruntime | rows | public signals | ${gasSystems.length ? gasSystems.map((x) => `submitPrediction gas, ${x} (L1)`).join(" | ") : "submitPrediction gas (L1)"} | calldata bytes | verifier bytes | Groth16 batch gas per proof, N = 8 / 32 | OP L1 fee, first system (gwei) |`,
  );
  out.push(`|${" --- |".repeat(8 + Math.max(1, gasSystems.length))}`);
  for (const m of r.models) {
    const f = m.stages.fidelity;
    const g = m.stages.gas;
    const by = (x: Stage) => (x.bySystem ?? {}) as Record<string, Record<string, number>>;
    const gasCells = gasSystems.length
      ? gasSystems
          .map((sys) =>
            cell(g, (x) =>
              by(x)[sys]
                ? n(by(x)[sys].submitGas)
                : (x.skippedSystems as Record<string, string> | undefined)?.[sys]
                  ? "skipped"
                  : "—",
            ),
          )
          .join(" | ")
      : cell(g, (x) => n(x.submitGas));
    const multi = (field: string) =>
      cell(g, (x) =>
        gasSystems.length > 1
          ? gasSystems.map((sys) => n(by(x)[sys]?.[field])).join(" / ")
          : n(x[field]),
      );
    out.push(
      `| ${m.name} | ${cell(f, (x) => `${((x.agreement as number) * 100).toFixed(2)}%`)} | ${cell(f, (x) => n(x.rows))} | ${cell(g, (x) => n(x.nPublic))} | ${gasCells} | ${multi("calldataBytes")} | ${multi("verifierBytes")} | ${batchCell(g)} | ${cell(g, (x) => (x.opL1FeeWei ? (Number(x.opL1FeeWei) / 1e9).toFixed(3) : "—"))} |`,
    );
  }
  if (gasSystems.length > 1)
    out.push("", `Calldata and verifier bytes: ${gasSystems.join(" / ")}.`);
  const errors = r.models.flatMap((m) => {
    const seen = new Set<string>();
    return Object.entries(m.stages)
      .filter(([, v]) => v.error)
      .flatMap(([k, v]) => {
        // A skip is recorded on every stage it covers: list it once per system.
        const what = !v.skipped
          ? k
          : k.includes(".")
            ? k.split(".")[0]
            : SYSTEM_STAGES.includes(k)
              ? "groth16"
              : k;
        if (seen.has(`${what}:${v.error}`)) return [];
        seen.add(`${what}:${v.error}`);
        return [`- ${m.name} / ${what}: ${v.error}`];
      });
  });
  for (const m of r.models)
    for (const [sys, why] of Object.entries(
      (m.stages.gas?.skippedSystems ?? {}) as Record<string, string>,
    ))
      errors.push(`- ${m.name} / gas, ${sys}: ${why}`);
  if (errors.length)
    out.push("", "## Failures and skipped stages (kept, not dropped)", "", ...errors);
  out.push("", "Models: " + r.models.map((m) => `${m.name} (${m.source})`).join("; ") + ".", "");
  return out.join("\n");
}
