// One benchmark stage, run in its own process so its time and peak memory are its own.
// Usage: node stageWorker.ts <stage> '<json args>'; prints "@@result <json>".
// Stages import what they use lazily, so a stage's time and memory include only its own modules.
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { loadIris } from "../lib/iris.ts";
import type { QuantizedModel } from "../../sdk/core/src/quantize/types.ts";
import type { ProofSystem } from "../../sdk/core/src/prove/proofSystem.ts";
import { median } from "./runMeasured.ts";

/** Seeded rows in [0, 1) (MNIST-style pixels), or the Iris data set for the Iris model. */
export function benchRows(p: {
  model: string;
  n: number;
  seed: number;
  width: number;
}): number[][] {
  if (p.model === "iris-mlp") return loadIris().features;
  const rnd = mulberry32({ seed: p.seed });
  return Array.from({ length: p.n }, () => Array.from({ length: p.width }, rnd));
}

const quantized = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "quantized.json"), "utf8"), (k, v) =>
    ["weight", "bias"].includes(k) && Array.isArray(v) ? v.map(BigInt) : v,
  ) as QuantizedModel;

const stages: Record<string, (a: Record<string, unknown>) => Promise<unknown>> = {
  async compile(a) {
    const { compileModel } = await import("../../sdk/node/src/circuit/compileModel.ts");
    const rows = benchRows({
      model: a.name as string,
      n: a.calibrationRows as number,
      seed: 1,
      width: a.width as number,
    });
    // weightVisibility / outputVisibility: passed through as given (compileModel gains them).
    const options = {
      model: a.model as string,
      outDir: a.outDir as string,
      calibration: rows,
      inputVisibility: a.input as "public" | "hashed" | undefined,
      ...(a.weights ? { weightVisibility: a.weights } : {}),
      ...(a.output ? { outputVisibility: a.output } : {}),
    };
    const c = await compileModel(options as Parameters<typeof compileModel>[0]);
    const visibility = c.manifest.visibility as Record<string, string>;
    for (const [flag, key] of [
      ["weights", "weights"],
      ["output", "output"],
    ]) {
      if (a[flag] && visibility[key] !== a[flag])
        throw new Error(
          `compileModel made ${key} ${visibility[key]}, not ${String(a[flag])}: this visibility is not supported yet`,
        );
    }
    return {
      ...c.circuit,
      nPublic: c.publicSignals.layout.nPublic,
      layers: c.quantized.layers.length,
      visibility,
    };
  },
  async fidelity(a) {
    const { measureAgreement } = await import("../../sdk/node/src/quantize/measureAgreement.ts");
    const dir = a.outDir as string;
    const rows = benchRows({
      model: a.name as string,
      n: a.rows as number,
      seed: 2,
      width: a.width as number,
    });
    const ir = JSON.parse(readFileSync(join(dir, "ir.json"), "utf8"));
    const r = await measureAgreement({
      model: a.model as string,
      ir,
      quantized: quantized(dir),
      rows,
    });
    return { agreement: r.agreement, rows: r.rows };
  },
  async setup(a) {
    const { cacheDir } = await import("../../sdk/node/src/setup/cacheDir.ts");
    const dir = a.outDir as string;
    const system = (a.system as ProofSystem | undefined) ?? "groth16";
    // A fresh zkey cache (setup is measured), the shared ptau cache (measured on its own). The
    // fresh cache sits beside the shared one so its zkey can be moved into the shared cache
    // afterwards: the gas stage (sdk/node/src/gas, content-hash cache) then reuses this setup.
    const shared = cacheDir("zkey");
    const cache = mkdtempSync(join(dirname(shared), "bench-"));
    symlinkSync(join(a.ptauCache as string), join(cache, "ptau"));
    process.env.ZKML_CACHE_DIR = cache;
    try {
      // The model folder's setup as users run it (keys + manifest record): loadModelDir needs it.
      const { setupModelDir } = await import("../../sdk/node/src/model/setupModelDir.ts");
      const s = await setupModelDir({ dir, system });
      if (s.cached) throw new Error(`${system} setup used a cached zkey: not an uncached setup`);
      const step = (name: string) => s.steps.find((x) => x.step === name)?.ms;
      const out = {
        ms: s.ms,
        steps: s.steps.map((x) => ({ step: x.step, ms: Math.round(x.ms) })),
        ptauPower: s.ptau.power,
        domainPower: s.domainPower,
        plonkGates: s.size.plonkGates,
        zkeyBytes: statSync(s.zkey).size,
        ...(system === "groth16" ? {} : { setupMs: step(`${system} setup`) }),
      };
      for (const f of readdirSync(join(cache, "zkey")))
        // the zkey and its sidecar record (sdk/node/src/setup/zkeyCache.ts), or it is not reused
        if (f.endsWith(".zkey") || f.endsWith(".zkey.json"))
          renameSync(join(cache, "zkey", f), join(shared, f));
      return out;
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  },
  async prove(a) {
    // the witness generator under the zkml launcher's V8 flags, as the product runs it (without
    // them V8 optimizes the huge witness function before its first call: minutes for 784_56_10)
    const { useProverV8Flags } = await import("../../sdk/node/src/util/v8Flags.ts");
    useProverV8Flags();
    const snarkjs = await import("snarkjs");
    const { computeWitness } = await import("../../sdk/core/src/prove/witness.ts");
    const { encodeProof } = await import("../../sdk/core/src/prove/encodeProof.ts");
    const { artifactNames } = await import("../../sdk/node/src/setup/artifactNames.ts");
    const { evaluateQuantized } = await import("../../sdk/core/src/quantize/evaluateQuantized.ts");
    const { toField } = await import("../../sdk/core/src/quantize/fixedPoint.ts");
    const { quantizeInput } = await import("../../sdk/core/src/quantize/quantizeInput.ts");
    const dir = a.outDir as string;
    const system = (a.system as ProofSystem | undefined) ?? "groth16";
    const names = artifactNames(system);
    const q = quantized(dir);
    const row = benchRows({ model: a.name as string, n: 1, seed: 3, width: q.nInputs })[
      a.name === "iris-mlp" ? 100 : 0
    ];
    const input = quantizeInput({ model: q, input: row });
    evaluateQuantized({ model: q, input }); // throws if this input is out of range
    const wasm = join(dir, "model_js", "model.wasm");
    const zkey = join(dir, names.zkey);
    writeFileSync(
      join(dir, "bench-input.json"),
      JSON.stringify({ in: input.map((v) => toField(v).toString()) }),
    );
    const vk = JSON.parse(readFileSync(join(dir, names.verificationKey), "utf8"));
    const wtns = join(dir, "bench.wtns");
    const witness: number[] = [];
    const prove: number[] = [];
    const verify: number[] = [];
    let proofBytes = 0;
    for (let i = 0; i < (a.runs as number); i++) {
      let t = performance.now();
      const signals = { in: input.map((v) => toField(v).toString()) };
      writeFileSync(wtns, await computeWitness({ wasm, signals })); // snarkjs's, as the CLI runs it
      witness.push(performance.now() - t);
      t = performance.now();
      // snarkjs's prove(zkey, wtns) exists for all three (the repo's typings declare it for Groth16).
      const prover = snarkjs[system] as unknown as {
        prove(zkey: string, wtns: string): Promise<{ proof: unknown; publicSignals: string[] }>;
      };
      const { proof, publicSignals } = await prover.prove(zkey, wtns);
      prove.push(performance.now() - t);
      t = performance.now();
      if (!(await snarkjs[system].verify(vk, publicSignals, proof as never)))
        throw new Error(`${system} proof did not verify`);
      verify.push(performance.now() - t);
      proofBytes = (encodeProof({ system, proof } as never).length - 2) / 2;
      writeFileSync(join(dir, "bench-public.json"), JSON.stringify(publicSignals));
    }
    return {
      witnessMs: median(witness),
      proveMs: median(prove),
      verifyMs: median(verify),
      proofBytes,
      runs: a.runs,
    };
  },
  /**
   * The machine's limit for this Groth16 key (scripts/bench/msmFloor.ts): the prover's MSMs and
   * FFTs and the setup's MSMs and contribution alone, wall and CPU time, same run.
   */
  async floor(a) {
    // the witness generator under the zkml launcher's V8 flags, as the product runs it (without
    // them V8 optimizes the huge witness function before its first call: minutes for 784_56_10)
    const { useProverV8Flags } = await import("../../sdk/node/src/util/v8Flags.ts");
    useProverV8Flags();
    const { computeWitness } = await import("../../sdk/core/src/prove/witness.ts");
    const { readCircuitSize } = await import("../../sdk/node/src/setup/circuitSize.ts");
    const { measureGroth16Floor } = await import("./msmFloor.ts");
    const dir = a.outDir as string;
    const wtns = join(dir, "floor.wtns");
    const input = JSON.parse(readFileSync(join(dir, "bench-input.json"), "utf8"));
    const wasm = join(dir, "model_js", "model.wasm");
    writeFileSync(wtns, await computeWitness({ wasm, signals: input }));
    const size = readCircuitSize({ r1cs: join(dir, "model.r1cs") });
    const f = await measureGroth16Floor({
      zkey: join(dir, "model.zkey"),
      wtns,
      nonzeros: size.nonzeros,
    });
    rmSync(wtns, { force: true });
    return { ...f, ms: f.prove.ms + f.setup.ms, constraints: size.constraints };
  },
  /**
   * Warm proving: loadModelDir once (under the zkml launcher's V8 flags), then `proofs` proofs
   * of seeded rows; the first pays the witness generator's compilation. Wall and CPU time.
   */
  async warm(a) {
    const { useProverV8Flags } = await import("../../sdk/node/src/util/v8Flags.ts");
    useProverV8Flags();
    const { loadModelDir } = await import("../../sdk/node/src/model/loadModelDir.ts");
    const t0 = performance.now();
    // A loaded model as a server keeps it: with fixed-base tables, computed in the background
    // after the first proof (sdk/core/src/prove/README.md). One more proof than asked, the
    // second, runs behind that precomputation (`tablesMs`) and is left out of the median.
    const model = await loadModelDir({ dir: a.outDir as string, precomputeBases: true });
    const loadMs = performance.now() - t0;
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const wall: number[] = [];
    const cpuMs: number[] = [];
    for (let k = 0; k < (a.proofs as number) + 1; k++) {
      const row = Array.from({ length: model.quantized.nInputs }, mulberry32({ seed: 10 + k }));
      const [t, c] = [performance.now(), cpu()];
      await model.prove({ input: row });
      wall.push(performance.now() - t);
      cpuMs.push(cpu() - c);
    }
    const later = wall.slice(2);
    return {
      ms: median(later),
      cpuMs: median(cpuMs.slice(2)),
      loadMs,
      firstMs: wall[0],
      firstCpuMs: cpuMs[0],
      tablesMs: wall[1],
      tablesCpuMs: cpuMs[1],
      runsMs: later.map(Math.round),
      proofs: a.proofs,
    };
  },
  async ptau(a) {
    const { ensurePtau } = await import("../../sdk/node/src/setup/ensurePtau.ts");
    const p = await ensurePtau({ power: a.power as number });
    return { ms: p.ms, power: p.power, cached: p.cached };
  },
  async gas(a) {
    // The gas lab (sdk/node/src/gas): real transactions on Hardhat's in-process L1 and OP-stack chains.
    const { measureGas } = await import("../../sdk/node/src/gas/measureGas.ts");
    const q = quantized(a.outDir as string);
    const rows = benchRows({ model: a.name as string, n: 40, seed: 4, width: q.nInputs });
    const { cacheDir } = await import("../../sdk/node/src/setup/cacheDir.ts");
    const keys = () => new Set(readdirSync(cacheDir("zkey")));
    const before = keys();
    // Groth16 with the batch sizes; PLONK / FFLONK one proof each (every extra proof of theirs
    // costs a full prove; their batch gas is in the gas lab's snapshots, gas/snapshots.md).
    const systems = a.systems as ("groth16" | "plonk" | "fflonk")[];
    const runs: Awaited<ReturnType<typeof measureGas>>[] = [];
    for (const [list, batch] of [
      [systems.filter((x) => x === "groth16"), a.batch as number[]],
      [systems.filter((x) => x !== "groth16"), [1]],
    ] as const) {
      if (list.length)
        runs.push(
          await measureGas({
            dir: a.outDir as string,
            systems: [...list],
            batch: [...batch],
            inputs: rows,
          }),
        );
    }
    const g = {
      nPublic: runs[0].nPublic,
      rows: runs.flatMap((x) => x.rows),
      bytecode: runs.flatMap((x) => x.bytecode),
      gasPerProof: Object.assign({}, ...runs.map((x) => x.gasPerProof)),
      verifierGasPerProof: Object.assign({}, ...runs.map((x) => x.verifierGasPerProof)),
      groth16Floor: runs[0].groth16Floor,
    };
    const single = g.rows.find((r) => r.action === "submit");
    const bySystem = Object.fromEntries(
      g.rows
        .filter((r) => r.action === "submit")
        .map((r) => [
          r.system,
          {
            submitGas: r.gasUsed,
            verifierGas: r.split.verifier,
            calldataBytes: r.calldataBytes,
            verifierBytes: g.bytecode.find(
              (b) => b.system === r.system && b.contract.includes("(snarkjs"),
            )?.bytes,
          },
        ]),
    );
    return {
      // zkeys the gas lab had to make itself (0: it reused the setup stages' keys).
      setupsRerun: [...keys()].filter((f) => !before.has(f)).length,
      bySystem,
      nPublic: g.nPublic,
      submitGas: single?.gasUsed,
      verifierGas: single?.split.verifier,
      calldataBytes: single?.calldataBytes,
      opL1FeeWei: single?.op.l1Fee.toString(),
      arbitrumL1Units: single?.arbitrum.l1Units,
      gasPerProof: g.gasPerProof,
      verifierGasPerProof: g.verifierGasPerProof,
      groth16Floor: g.groth16Floor,
      verifierBytes: g.bytecode.find((b) => b.contract.includes("(snarkjs"))?.bytes,
      bytecode: g.bytecode,
    };
  },
};

const [stage, json] = process.argv.slice(2);
if (stage) {
  const run = stages[stage];
  if (!run) throw new Error(`unknown stage ${stage}`);
  const result = await run(JSON.parse(json ?? "{}")).catch((e: unknown) => {
    // Keep the tool's own words (e.g. circom's stderr) in the recorded failure.
    const details = (e as { details?: { stderr?: string } }).details;
    console.error(
      `${(e as Error).message}${details?.stderr ? `\n${details.stderr.slice(-2000)}` : ""}`,
    );
    process.exit(1);
  });
  console.log(`@@result ${JSON.stringify(result)}`);
  const { releaseSnarkjs } = await import("../../sdk/core/src/util/snarkjsLogger.ts");
  await releaseSnarkjs();
  process.exit(0);
}
