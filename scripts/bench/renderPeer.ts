export type PeerStep = Record<string, unknown> & {
  ms?: number;
  peakBytes?: number;
  error?: string;
};
export interface PeerModel {
  name: string;
  layers?: number[];
  peerArgmax?: number;
  peer: Record<string, PeerStep>;
  ours: Record<string, PeerStep>;
}

const sec = (ms?: unknown) =>
  typeof ms === "number" ? (ms / 1000).toFixed(ms < 10_000 ? 2 : 1) : "—";
const n = (x: unknown) =>
  typeof x === "number" && Number.isFinite(x) ? x.toLocaleString("en-US") : "—";
const mb = (b: unknown) => (typeof b === "number" ? (b / 1e6).toFixed(1) : "—");
const ok = (st?: PeerStep) => st && !st.error;
const ratio = (a?: number, b?: number) =>
  a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}` : "—";
const get = (st: PeerStep | undefined, k: string) =>
  ok(st) ? (st![k] as number | undefined) : undefined;

/** The peer rows as recorded in latest.json (`peer`). */
export interface PeerSection {
  date: string;
  settings: Record<string, unknown>;
  models: PeerModel[];
}

/** latest.md's peer section: circomlib-ml's circuits vs ours, same run. */
export function renderPeerSection(
  r: PeerSection & { published?: Record<string, { circomlibMlConstraints: number }> },
): string[] {
  const s = r.settings;
  const out = [
    "## Peer rows: circomlib-ml vs ours (same run)",
    "",
    `Peer: the ZKML-Benchmark MLP architectures written with circomlib-ml ${s.circomlibMl}'s \`Dense\` and \`ReLU\` templates, weights and biases as private inputs (scripts/bench/peerCircuit.ts); ours: \`compileModel\` defaults (fixed weights, hashed input). Peer compiled by ${s.circom}, ours by \`compileModel\` (circom2 --O1); both proven with snarkjs ${s.snarkjs} Groth16 from the same local ptau cache. Peer setup: ${s.peerSetup}. Ours: ${s.oursSetup}. Witness and prove: one fresh process each (\`snarkjs wtns calculate\`, \`snarkjs groth16 prove\`, as the benchmark runs them), median of ${s.runs}, alternated peer / ours; a fresh \`zkml prove\` is the CLI as a user runs it (input file to verified proof); warm: a loaded model (\`loadModelDir\` + \`model.prove\`), median of ${s.runs} proofs after the first two (fixed-base tables, \`precomputeBases\`, are computed after the first; the second runs behind that).`,
    "",
    "### Counts (machine-independent)",
    "",
    "| model | circuit | constraints | wires | A nonzeros | B nonzeros | C nonzeros | total nonzeros | PLONK gates | r1cs MB | wasm MB | ptau | zkey MB | circomlib-ml published constraints | fewer than published |",
    "| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
  ];
  for (const m of r.models) {
    const rows: [string, PeerStep | undefined, PeerStep | undefined][] = [
      ["circomlib-ml", m.peer.compile, m.peer.setup],
      ["ours (hashed input)", m.ours.compile, m.ours.setup],
      ["ours, public input (like for like, compile only)", m.ours.compilePublicInput, undefined],
    ];
    const published = r.published?.[m.name]?.circomlibMlConstraints;
    for (const [label, c, setup] of rows) {
      const nz = (ok(c) ? c!.nonzeros : undefined) as Record<string, number> | undefined;
      const k = get(c, "constraints");
      const fewer =
        label === "circomlib-ml" || !k || !published ? "" : `${(published / k).toFixed(1)}x`;
      out.push(
        `| ${m.name} | ${label} | ${n(k)} | ${n(get(c, "wires"))} | ${n(nz?.a)} | ${n(nz?.b)} | ${n(nz?.c)} | ${n(nz?.total)} | ${n(get(c, "plonkGates"))} | ${mb(get(c, "r1csBytes"))} | ${mb(get(c, "wasmBytes"))} | ${ok(setup) ? `2^${setup!.ptauPower}` : "—"} | ${mb(get(setup, "zkeyBytes"))} | ${label === "circomlib-ml" ? n(published) : ""} | ${fewer} |`,
      );
    }
  }
  out.push(
    "",
    "### Times (seconds, same run; ours / peer < 1 means ours is faster)",
    "",
    "Wall time, and CPU time (user + system of the process, all threads), which depends less on the machine's load.",
    "",
    "| model | step | circomlib-ml | ours | ours / peer | CPU circomlib-ml | CPU ours | CPU ours / peer | 1-min load at the step's end, peer / ours |",
    "| --- | --- | --: | --: | --: | --: | --: | --: | --: |",
  );
  for (const m of r.models) {
    const P = m.peer;
    const O = m.ours;
    const both = (k: string) =>
      ok(P.witness) && ok(P.prove) ? (P.witness[k] as number) + (P.prove[k] as number) : undefined;
    const load = (st?: PeerStep) => (ok(st) ? String(st!.load1) : "—");
    // [label, peer, ours, CPU peer, CPU ours, load key]
    type Row = [string, number?, number?, number?, number?, string?];
    const rows: Row[] = [
      [
        "circom2 compile (circom alone)",
        get(P.compile, "circomMs"),
        get(O.compile, "circomMs"),
        undefined,
        undefined,
        "compile",
      ],
      [
        "compile, whole (ours: import + quantize + generate + circom2)",
        get(P.compile, "ms"),
        get(O.compile, "ms"),
        get(P.compile, "cpuMs"),
        get(O.compile, "cpuMs"),
        "compile",
      ],
      [
        "setup: zkey new (peer) vs uncached `zkml setup`",
        get(P.setup, "zkeyNewMs"),
        get(O.setup, "ms"),
        get(P.setup, "zkeyNewCpuMs"),
        get(O.setup, "cpuMs"),
        "setup",
      ],
      [
        "setup: zkey new + 1 contribution vs uncached `zkml setup`",
        get(P.setup, "ms"),
        get(O.setup, "ms"),
        get(P.setup, "cpuMs"),
        get(O.setup, "cpuMs"),
        "setup",
      ],
      [
        "witness, fresh process (snarkjs wtns calculate)",
        get(P.witness, "ms"),
        get(O.witness, "ms"),
        get(P.witness, "cpuMs"),
        get(O.witness, "cpuMs"),
        "witness",
      ],
      [
        "Groth16 prove, fresh process (snarkjs groth16 prove)",
        get(P.prove, "ms"),
        get(O.prove, "ms"),
        get(P.prove, "cpuMs"),
        get(O.prove, "cpuMs"),
        "prove",
      ],
      [
        "witness + prove (peer) vs fresh `zkml prove`",
        both("ms"),
        get(O.zkmlProve, "ms"),
        both("cpuMs"),
        get(O.zkmlProve, "cpuMs"),
        "full",
      ],
      [
        "witness + prove (peer) vs warm prove (ours: a loaded model, `loadModelDir`)",
        both("ms"),
        get(O.warmProve, "ms"),
        both("cpuMs"),
        get(O.warmProve, "cpuMs"),
        "warm",
      ],
    ];
    const steps: Record<string, [PeerStep | undefined, PeerStep | undefined]> = {
      compile: [P.compile, O.compile],
      setup: [P.setup, O.setup],
      witness: [P.witness, O.witness],
      prove: [P.prove, O.prove],
      full: [P.prove, O.zkmlProve],
      warm: [P.prove, O.warmProve],
    };
    for (const [label, a, b, ca, cb, key] of rows)
      out.push(
        `| ${m.name} | ${label} | ${sec(a)} | ${sec(b)} | ${ratio(b, a)} | ${sec(ca)} | ${sec(cb)} | ${ratio(cb, ca)} | ${load(steps[key!][0])} / ${load(steps[key!][1])} |`,
      );
  }
  out.push(
    "",
    "Peak memory (MiB): " +
      r.models
        .map(
          (m) =>
            `${m.name} prove ${[m.peer.prove, m.ours.prove].map((x) => (ok(x) ? Math.round((x!.peakBytes as number) / 2 ** 20) : "—")).join(" / ")}, setup ${[m.peer.setup, m.ours.setup].map((x) => (ok(x) ? Math.round((x!.peakBytes as number) / 2 ** 20) : "—")).join(" / ")} (peer / ours)`,
        )
        .join("; ") +
      ".",
  );
  const errors = r.models.flatMap((m) =>
    (["peer", "ours"] as const).flatMap((side) =>
      Object.entries(m[side])
        .filter(([, v]) => v.error)
        .map(([k, v]) => `- ${m.name} / ${side} ${k}: ${String(v.error).slice(0, 500)}`),
    ),
  );
  if (errors.length) out.push("", "Peer rows that failed (kept, not dropped):", "", ...errors);
  out.push("");
  return out;
}
