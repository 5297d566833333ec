// The peer rows of `npm run bench`: circomlib-ml's circuits for the ZKML-Benchmark MLPs (the
// peer, scripts/bench/peerCircuit.ts) against ours, step by step, in the same run on this
// machine; recorded in latest.json (`peer`) and rendered in latest.md. See bench/README.md.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { rmSync, statSync, symlinkSync } from "node:fs";
import { cacheDir } from "../../sdk/node/src/setup/cacheDir.ts";
import { dirname, join } from "node:path";
import { ROOT } from "../lib/root.ts";
import { BENCH_MODELS } from "./benchModels.ts";
import { readCircuitSize } from "../../sdk/node/src/setup/circuitSize.ts";
import type { PeerModel, PeerStep } from "./renderPeer.ts";
import { median, runMeasured } from "./runMeasured.ts";
import { groth16PtauPower } from "../../sdk/node/src/setup/setupGroth16.ts";

export const PEER_MODELS = ["196_25_10", "196_24_14_10", "784_56_10"];
const PEAK_RSS = join(import.meta.dirname, "peakRss.cjs");
const STAGE_WORKER = join(import.meta.dirname, "stageWorker.ts");
const PEER_WORKER = join(import.meta.dirname, "peerWorker.ts");
const CIRCOM = join(ROOT, "sdk/node/src/circuit/circomWorker.cjs");
const SNARKJS = join(ROOT, "node_modules/snarkjs/build/cli.cjs");
// the built CLI through its launcher (bin/zkml.js sets the V8 flags), as a user runs it
// (`npm run bench` builds the packages first)
const ZKML = join(ROOT, "sdk/node/bin/zkml.js");
/**
 * circom's simplification level for the peer's circuit: the ZKML benchmark passes none
 * (circom 2.2's default, --O2). Ours is compiled as `compileModel` compiles it (CIRCOM_OPTIMIZATION).
 */
const OPT = "--O2";

interface Tool {
  ms: number;
  /** CPU time of the process (user + system, all threads): less sensitive to load than `ms`. */
  cpuMs: number;
  peakBytes: number;
  stdout: string;
}

/** A fresh Node process (`script args`) under peakRss.cjs: wall time, peak RSS, stdout. */
function runTool(p: {
  script: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
}): Promise<Tool> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PEAK_RSS, p.script, ...p.args], {
      cwd: p.cwd,
      env: { ...process.env, ...p.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - start;
      const peak = /@@peak-rss-kb (\d+)/.exec(stderr);
      const cpu = /@@cpu-ms (\d+)/.exec(stderr);
      // snarkjs's CLI reports errors on stdout with exit code 0 in places: check both.
      if (code !== 0 || /\[ERROR\]|error\[/i.test(stdout))
        reject(
          new Error(
            `${p.script.split("/").pop()} ${p.args.slice(0, 2).join(" ")} failed (exit ${code}): ${(stderr + stdout).replace(/@@peak-rss-kb \d+/, "").slice(-1500)}`,
          ),
        );
      else
        resolve({
          ms,
          cpuMs: cpu ? Number(cpu[1]) : NaN,
          peakBytes: peak ? Number(peak[1]) * 1024 : 0,
          stdout,
        });
    });
  });
}

/** What the peer rows ran: tool versions and the two setups compared. */
export function peerSettings(runs: number): Record<string, unknown> {
  return {
    runs,
    circom: `circom2 (npm ${readJson(join(ROOT, "node_modules/circom2/package.json")).version}) ${OPT}`,
    circomlibMl: readJson(join(ROOT, "node_modules/circomlib-ml/package.json")).version as string,
    snarkjs: readJson(join(ROOT, "node_modules/snarkjs/package.json")).version as string,
    peerSetup:
      "snarkjs groth16 setup (zkey new) + one zkey contribute, from the same local ptau cache",
    oursSetup:
      "zkml setup --system groth16 with an empty zkey cache (zkey new + one contribution + vk + Solidity verifier)",
  };
}

/**
 * One model's peer rows: the peer circuit and ours compiled, set up, proven (fresh processes,
 * alternated, medians of `runs`), our warm prove. `oursCompile`: the bench's own compile stage
 * of the same model with the same settings (reused, not run twice); `write` is called after
 * every step so a stopped run keeps what it measured.
 */
export async function runPeerModel(p: {
  name: string;
  runs: number;
  log: (s: string) => void;
  rec: PeerModel;
  write: () => void;
  oursCompile?: Record<string, unknown>;
}): Promise<void> {
  const { name, rec, write } = p;
  const model = BENCH_MODELS.find((m) => m.name === name);
  if (!model || !PEER_MODELS.includes(name))
    throw new Error(`the peer rows measure ${PEER_MODELS.join(", ")}, not ${name}`);
  const peerDir = join(ROOT, "build/bench/peer", name);
  const oursDir = join(ROOT, "build/bench", name);
  const step = async (
    side: "peer" | "ours",
    label: string,
    fn: () => Promise<Record<string, unknown>>,
  ): Promise<boolean> => {
    p.log(`${name}: ${side} ${label} ...`);
    try {
      const r = await fn();
      rec[side][label] = { ...r, load1: Number(loadavg()[0].toFixed(2)) } as PeerStep;
      p.log(`${name}: ${side} ${label} done in ${((r.ms as number) / 1000).toFixed(2)} s`);
      write();
      return true;
    } catch (e) {
      const error = String((e as Error).message).slice(0, 1500);
      rec[side][label] = { error };
      p.log(`${name}: ${side} ${label} FAILED: ${error.slice(0, 400)}`);
      write();
      return false;
    }
  };
  const worker = async (script: string, stage: string, args: Record<string, unknown>) =>
    (await runMeasured<Record<string, unknown>>(script, [stage, JSON.stringify(args)])).result;

  // 1. Circuits: the peer's (generated, then circom2) and ours (compileModel: import +
  // quantization + generation + circom2; `circomMs` is circom's own time).
  rmSync(peerDir, { recursive: true, force: true });
  const generated = await step("peer", "generate", async () => {
    const t = performance.now();
    const gen = await worker(PEER_WORKER, "generate", {
      model: model.file(),
      width: model.width,
      outDir: peerDir,
    });
    rec.layers = gen.layers as number[];
    rec.peerArgmax = gen.argmax as number;
    return { ms: performance.now() - t };
  });
  const peerCompiled =
    generated &&
    (await step("peer", "compile", async () => {
      const t = await runTool({
        script: CIRCOM,
        args: ["model.circom", "--r1cs", "--wasm", "--sym", OPT, "-o", "."],
        cwd: peerDir,
      });
      const num = (l: string) => Number(new RegExp(`${l}:\\s*(\\d+)`).exec(t.stdout)?.[1]);
      return {
        ms: t.ms,
        cpuMs: t.cpuMs,
        circomMs: t.ms,
        peakBytes: t.peakBytes,
        nonLinear: num("non-linear constraints"),
        linear: num("\\nlinear constraints"),
        ...countsOf(join(peerDir, "model.r1cs"), join(peerDir, "model_js/model.wasm")),
      };
    }));
  const oursCompiled = await step("ours", "compile", async () => {
    const c: Record<string, unknown> =
      p.oursCompile ??
      (await runMeasured<Record<string, unknown>>(STAGE_WORKER, [
        "compile",
        JSON.stringify({
          name,
          model: model.file(),
          outDir: oursDir,
          width: model.width,
          calibrationRows: 500,
        }),
      ]).then((m) => ({ ...m.result, ms: m.ms, cpuMs: m.cpuMs, peakBytes: m.peakBytes })));
    return {
      ms: c.ms,
      cpuMs: c.cpuMs,
      circomMs: c.compileMs,
      peakBytes: c.peakBytes,
      nonLinear: c.nonLinearConstraints,
      linear: c.linearConstraints,
      visibility: c.visibility,
      reusedBenchCompile: Boolean(p.oursCompile),
      ...countsOf(join(oursDir, "model.r1cs"), join(oursDir, "model_js/model.wasm")),
    };
  });

  // Like for like with circomlib-ml, whose inputs are plain signals: our circuit with a public
  // input instead of a hashed one (counts only).
  await step("ours", "compilePublicInput", async () => {
    const dir = join(ROOT, "build/bench", `${name}-public-input`);
    const m = await runMeasured<Record<string, unknown>>(STAGE_WORKER, [
      "compile",
      JSON.stringify({
        name,
        model: model.file(),
        outDir: dir,
        width: model.width,
        calibrationRows: 500,
        input: "public",
      }),
    ]);
    return {
      ms: m.ms,
      cpuMs: m.cpuMs,
      visibility: m.result.visibility,
      ...countsOf(join(dir, "model.r1cs"), join(dir, "model_js/model.wasm")),
    };
  });

  // 2. Setup, both from the shared local ptau cache (its creation is not part of either).
  if (peerCompiled) {
    const c = rec.peer.compile as { constraints: number; nPublic: number };
    const power = groth16PtauPower(c.constraints, c.nPublic);
    const zkey0 = join(peerDir, "model_0000.zkey");
    const zkey = join(peerDir, "model.zkey");
    await step("peer", "setup", async () => {
      const ptau = await worker(PEER_WORKER, "ptau", { power });
      const n = await runTool({
        script: SNARKJS,
        args: ["groth16", "setup", join(peerDir, "model.r1cs"), ptau.file as string, zkey0],
      });
      const entropy = randomBytes(32).toString("hex");
      const c2 = await runTool({
        script: SNARKJS,
        args: ["zkey", "contribute", zkey0, zkey, "--name=peer-bench", `-e=${entropy}`],
      });
      await runTool({
        script: SNARKJS,
        args: ["zkey", "export", "verificationkey", zkey, join(peerDir, "verification_key.json")],
      });
      return {
        ms: n.ms + c2.ms,
        cpuMs: n.cpuMs + c2.cpuMs,
        zkeyNewMs: n.ms,
        zkeyNewCpuMs: n.cpuMs,
        contributeMs: c2.ms,
        peakBytes: Math.max(n.peakBytes, c2.peakBytes),
        ptauPower: ptau.power,
        zkeyNewBytes: statSync(zkey0).size,
        zkeyBytes: statSync(zkey).size,
      };
    });
  }
  if (oursCompiled) {
    const c = rec.ours.compile as { constraints: number; nPublic: number };
    await step("ours", "setup", async () => {
      const ptau = await worker(PEER_WORKER, "ptau", {
        power: groth16PtauPower(c.constraints, c.nPublic),
      });
      // An empty zkey cache beside a link to the shared ptau cache: the setup is uncached.
      const cache = mkdtempSync(join(dirname(dirname(ptau.file as string)), "peer-bench-"));
      symlinkSync(dirname(ptau.file as string), join(cache, "ptau"));
      try {
        const t = await runTool({
          script: ZKML,
          args: ["setup", oursDir, "--system", "groth16", "--json"],
          env: { ZKML_CACHE_DIR: cache },
        });
        const out = JSON.parse(t.stdout.slice(t.stdout.indexOf("{"))) as {
          ms: number;
          cached: boolean;
          ptau: { power: number };
          steps?: { step: string; ms: number }[];
        };
        if (out.cached) throw new Error("zkml setup used a cached zkey: not an uncached setup");
        return {
          ms: t.ms,
          cpuMs: t.cpuMs,
          setupMs: out.ms,
          steps: out.steps,
          peakBytes: t.peakBytes,
          ptauPower: out.ptau.power,
          zkeyBytes: statSync(join(oursDir, "model.zkey")).size,
        };
      } finally {
        // the new key (and its sidecar) into the shared cache: the gas stage reuses this setup
        for (const f of existsSync(join(cache, "zkey")) ? readdirSync(join(cache, "zkey")) : [])
          if (f.endsWith(".zkey") || f.endsWith(".zkey.json"))
            renameSync(join(cache, "zkey", f), join(cacheDir("zkey"), f));
        rmSync(cache, { recursive: true, force: true });
      }
    });
  }

  // 3. Fresh-process witness and prove, alternated peer / ours `runs` times (medians).
  const peerReady = existsSync(join(peerDir, "model.zkey"));
  const oursReady =
    oursCompiled &&
    !rec.ours.setup?.error &&
    (await step("ours", "input", async () => {
      const t = performance.now();
      await worker(PEER_WORKER, "oursInput", { outDir: oursDir });
      return { ms: performance.now() - t };
    }));
  const files = (dir: string, input: string) => ({
    wasm: join(dir, "model_js/model.wasm"),
    input,
    wtns: join(dir, "bench.wtns"),
    zkey: join(dir, "model.zkey"),
    proof: join(dir, "bench-proof.json"),
    pub: join(dir, "bench-public.json"),
  });
  const peerFiles = files(peerDir, join(peerDir, "input.json"));
  const oursFiles = files(oursDir, join(oursDir, "peer-bench/input.json"));
  const times: Record<string, { ms: number[]; cpu: number[]; peak: number[] }> = {};
  const timed = async (side: "peer" | "ours", label: string, run: () => Promise<Tool>) =>
    step(side, label, async () => {
      const t = await run();
      const k = `${side}.${label}`;
      times[k] ??= { ms: [], cpu: [], peak: [] };
      times[k].ms.push(t.ms);
      times[k].cpu.push(t.cpuMs);
      times[k].peak.push(t.peakBytes);
      return {
        ms: median(times[k].ms),
        cpuMs: median(times[k].cpu),
        runsMs: times[k].ms.map(Math.round),
        peakBytes: Math.max(...times[k].peak),
      };
    });
  const witness = (f: ReturnType<typeof files>) => () =>
    runTool({ script: SNARKJS, args: ["wtns", "calculate", f.wasm, f.input, f.wtns] });
  const prove = (f: ReturnType<typeof files>) => () =>
    runTool({ script: SNARKJS, args: ["groth16", "prove", f.zkey, f.wtns, f.proof, f.pub] });
  for (let i = 0; i < p.runs; i++) {
    if (peerReady && (await timed("peer", "witness", witness(peerFiles))))
      await timed("peer", "prove", prove(peerFiles));
    if (oursReady) {
      if (await timed("ours", "witness", witness(oursFiles)))
        await timed("ours", "prove", prove(oursFiles));
      await timed("ours", "zkmlProve", () =>
        runTool({
          script: ZKML,
          args: [
            "prove",
            oursDir,
            "--input",
            join(oursDir, "peer-bench/row.json"),
            "--out",
            join(oursDir, "peer-bench/proof.json"),
            "--json",
          ],
        }),
      );
    }
  }
  // 4. Warm proving: one process loads the model once (loadModelDir, under the launcher's V8
  // flags) and proves `runs` + 2 inputs; the first pays the witness compilation, the second
  // runs behind the fixed-base tables' precomputation (stageWorker.ts `warm`).
  if (oursReady)
    await step("ours", "warmProve", async () => {
      const m = await runMeasured<Record<string, unknown>>(STAGE_WORKER, [
        "warm",
        JSON.stringify({ outDir: oursDir, proofs: p.runs + 1 }),
      ]);
      return { ...m.result, peakBytes: m.peakBytes };
    });
  if (peerReady)
    await step("peer", "verify", async () => {
      const t = await runTool({
        script: SNARKJS,
        args: [
          "groth16",
          "verify",
          join(peerDir, "verification_key.json"),
          peerFiles.pub,
          peerFiles.proof,
        ],
      });
      const outputs = readJson(peerFiles.pub) as string[];
      const signed = outputs.map((x) => {
        const v = BigInt(x);
        return v > P_HALF ? v - P : v;
      });
      const argmax = signed.reduce((b, v, i) => (v > signed[b] ? i : b), 0);
      if (argmax !== rec.peerArgmax)
        throw new Error(`peer proof outputs argmax ${argmax}, expected ${rec.peerArgmax}`);
      return { ms: t.ms, valid: /OK!/.test(t.stdout), argmax };
    });
  write();
}

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const P_HALF = P / 2n;

function readJson(file: string) {
  return JSON.parse(readFileSync(file, "utf8"));
}

function countsOf(r1cs: string, wasm: string) {
  const c = readCircuitSize({ r1cs });
  return {
    constraints: c.constraints,
    wires: c.wires,
    nPublic: c.nPublic,
    nonzeros: c.nonzeros,
    plonkGates: c.plonkGates,
    r1csBytes: c.bytes,
    wasmBytes: statSync(wasm).size,
  };
}
