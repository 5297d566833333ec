// Issue 15's targets and each step's distance from the machine's limit, from one bench run
// (latest.json): the tables at the top of latest.md.
import type { PeerModel, PeerStep } from "./renderPeer.ts";

type Stage = Record<string, unknown> & { ms?: number; cpuMs?: number; error?: string };
interface Model {
  name: string;
  stages: Record<string, Stage>;
}

/** The model the speed targets are stated for. */
export const TARGET_MODEL = "784_56_10";
/** Issue 15's thresholds. */
export const TARGETS = {
  /** peer (fresh witness + prove) / ours (fresh `zkml prove`), at least. */
  freshProveSpeedup: 5,
  /** peer `zkey new` / ours (uncached `zkml setup`), at least. */
  setupSpeedup: 3,
  /** ours / peer compile time, at most. */
  compileRatio: 1,
  /** our zkey, at most (bytes). */
  zkeyBytes: 15e6,
  /** a loaded model's proof, at most (ms). */
  warmProveMs: 1000,
};

const sec = (ms?: number) =>
  ms === undefined || !Number.isFinite(ms) ? "—" : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const x2 = (v?: number) => (v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(2));
const ok = (st?: PeerStep | Stage) => st !== undefined && !st.error;
const num = (st: PeerStep | Stage | undefined, k: string) =>
  ok(st) ? (st![k] as number | undefined) : undefined;
const met = (yes?: boolean) =>
  yes === undefined ? "not measured" : yes ? "**met**" : "**not met**";
/** The verdict on wall time and on CPU time (on a shared machine they can disagree). */
const both = (wall?: boolean, cpu?: boolean) =>
  wall === undefined && cpu === undefined ? "not measured" : `wall ${met(wall)}, CPU ${met(cpu)}`;

/** Issue 15's targets on TARGET_MODEL: measured values, same-run ratios, met or not. */
export function renderTargets(peer: PeerModel[], models: Model[]): string[] {
  const P = peer.find((m) => m.name === TARGET_MODEL);
  const M = models.find((m) => m.name === TARGET_MODEL);
  if (!P && !M) return [];
  const p = P?.peer ?? {};
  const o = P?.ours ?? {};
  const sum = (k: string) =>
    ok(p.witness) && ok(p.prove) ? (p.witness[k] as number) + (p.prove[k] as number) : undefined;
  const div = (a?: number, b?: number) =>
    a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
  const fresh = div(sum("ms"), num(o.zkmlProve, "ms"));
  const freshCpu = div(sum("cpuMs"), num(o.zkmlProve, "cpuMs"));
  const setup = div(num(p.setup, "zkeyNewMs"), num(o.setup, "ms"));
  const setupCpu = div(num(p.setup, "zkeyNewCpuMs"), num(o.setup, "cpuMs"));
  const compile = div(num(o.compile, "ms"), num(p.compile, "ms"));
  const compileCpu = div(num(o.compile, "cpuMs"), num(p.compile, "cpuMs"));
  const circom = div(num(o.compile, "circomMs"), num(p.compile, "circomMs"));
  const zkey = num(o.setup, "zkeyBytes") ?? num(M?.stages.setup, "zkeyBytes");
  const warm = num(o.warmProve, "ms") ?? num(M?.stages.warmProve, "ms");
  const warmCpu = num(o.warmProve, "cpuMs") ?? num(M?.stages.warmProve, "cpuMs");
  const ge = (v: number | undefined, t: number) => (v === undefined ? undefined : v >= t);
  return [
    `## Issue 15's targets (${TARGET_MODEL}, same run)`,
    "",
    "Ratios are peer / ours (higher: ours faster) unless stated. Each target is judged on wall time and on CPU time (user + system of the process, all threads): on this shared machine the wall time of a step depends on what else ran beside it (other engineers' jobs, and with `--parallel` this run's other models), so CPU time is the fairer comparison; both are given.",
    "",
    "| target | circomlib-ml (peer) | ours | ratio, wall | ratio, CPU | result |",
    "| --- | --: | --: | --: | --: | --- |",
    `| fresh \`zkml prove\` >= ${TARGETS.freshProveSpeedup}x faster than the peer's fresh witness + prove | ${sec(sum("ms"))} s | ${sec(num(o.zkmlProve, "ms"))} s | ${x2(fresh)} | ${x2(freshCpu)} | ${both(ge(fresh, TARGETS.freshProveSpeedup), ge(freshCpu, TARGETS.freshProveSpeedup))} |`,
    `| uncached \`zkml setup\` >= ${TARGETS.setupSpeedup}x faster than the peer's \`zkey new\` | ${sec(num(p.setup, "zkeyNewMs"))} s | ${sec(num(o.setup, "ms"))} s | ${x2(setup)} | ${x2(setupCpu)} | ${both(ge(setup, TARGETS.setupSpeedup), ge(setupCpu, TARGETS.setupSpeedup))} |`,
    `| our compile (import + quantize + generate + circom2) no slower than the peer's circom2 compile (ours / peer <= ${TARGETS.compileRatio}) | ${sec(num(p.compile, "ms"))} s | ${sec(num(o.compile, "ms"))} s | ${x2(compile)} (ours / peer; circom2 alone ${x2(circom)}) | ${x2(compileCpu)} (ours / peer) | ${both(compile === undefined ? undefined : compile <= TARGETS.compileRatio, compileCpu === undefined ? undefined : compileCpu <= TARGETS.compileRatio)} |`,
    `| zkey <= ${TARGETS.zkeyBytes / 1e6} MB | ${ok(p.setup) ? `${((p.setup.zkeyBytes as number) / 1e6).toFixed(1)} MB` : "—"} | ${zkey !== undefined ? `${(zkey / 1e6).toFixed(1)} MB` : "—"} | | | ${met(zkey === undefined ? undefined : zkey <= TARGETS.zkeyBytes)} |`,
    `| warm prove (a loaded model proves again) < ${TARGETS.warmProveMs / 1000} s | | ${sec(warm)} s | | CPU ${sec(warmCpu)} s | ${both(warm === undefined ? undefined : warm < TARGETS.warmProveMs, warmCpu === undefined ? undefined : warmCpu < TARGETS.warmProveMs)} |`,
    "",
  ];
}

/**
 * Each Groth16 step against the machine's limit, measured in the same run
 * (scripts/bench/msmFloor.ts): prove vs the prover's MSMs + FFTs alone, setup vs the setup's
 * MSMs + contribution alone, on ffjavascript's curve with the key's own sizes.
 */
export function renderLimits(models: Model[]): string[] {
  const rows = models.filter((m) => ok(m.stages.floor));
  if (!rows.length) return [];
  const out = [
    "## Distance from the machine's limit (Groth16, same run)",
    "",
    "Floor: the arithmetic snarkjs cannot avoid, timed alone in the same run on ffjavascript's bn128 curve (snarkjs's engine) with the key's sizes (scripts/bench/msmFloor.ts). Prove floor: MSMs A, B1, C (G1) and B2 (G2) over the witness, H (G1) over the domain, 3 x (iFFT, shift, FFT). Setup floor: one G1 MSM over the A + B + C nonzeros, one G2 MSM over the B nonzeros, the contribution's 1/delta on the L and H points. x floor = step / floor (1.00 is the limit); CPU = the same with CPU times.",
    "",
    "| model | constraints | domain | prove floor s (CPU s) | floor µs / constraint (CPU) | snarkjs prove, first in its process s | x floor | warm prove s (CPU s) | x floor (CPU) | setup floor s (CPU s) | setup s (CPU s) | x floor (CPU) |",
    "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
  ];
  for (const m of rows) {
    const f = m.stages.floor as Stage & {
      domainSize: number;
      constraints: number;
      prove: { ms: number; cpuMs: number };
      setup: { ms: number; cpuMs: number };
    };
    const prove = num(m.stages.prove, "proveMs");
    const warm = m.stages.warmProve;
    const setup = m.stages.setup;
    const r = (a?: number, b?: number) => (a !== undefined && b ? x2(a / b) : "—");
    out.push(
      `| ${m.name} | ${f.constraints.toLocaleString("en-US")} | 2^${Math.log2(f.domainSize)} | ${sec(f.prove.ms)} (${sec(f.prove.cpuMs)}) | ${((f.prove.ms * 1000) / f.constraints).toFixed(1)} (${((f.prove.cpuMs * 1000) / f.constraints).toFixed(1)}) | ${sec(prove)} | ${r(prove, f.prove.ms)} | ${sec(num(warm, "ms"))} (${sec(num(warm, "cpuMs"))}) | ${r(num(warm, "ms"), f.prove.ms)} (${r(num(warm, "cpuMs"), f.prove.cpuMs)}) | ${sec(f.setup.ms)} (${sec(f.setup.cpuMs)}) | ${sec(num(setup, "ms"))} (${sec(num(setup, "cpuMs"))}) | ${r(num(setup, "ms"), f.setup.ms)} (${r(num(setup, "cpuMs"), f.setup.cpuMs)}) |`,
    );
  }
  out.push(
    "",
    "Compile and witness have no floor measured here: circom2's own time is in the circuit table, the witness is one WebAssembly pass over the circuit.",
    "",
  );
  return out;
}
