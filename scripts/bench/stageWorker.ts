// One benchmark stage, run in its own process so its time and peak memory are its own.
// Usage: node stageWorker.ts <stage> '<json args>'; prints "@@result <json>".
// Stages import what they use lazily, so a stage's time and memory include only its own modules.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mulberry32 } from "../../sdk/src/data/mulberry32.ts";
import { loadIris } from "../../sdk/src/data/iris.ts";
import type { QuantizedModel } from "../../sdk/src/quantize/types.ts";
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
    const { compileModel } = await import("../../sdk/src/circuit/compileModel.ts");
    const rows = benchRows({
      model: a.name as string,
      n: a.calibrationRows as number,
      seed: 1,
      width: a.width as number,
    });
    const c = await compileModel({
      model: a.model as string,
      outDir: a.outDir as string,
      calibration: rows,
      inputVisibility: a.input as "public" | "hashed" | undefined,
    });
    return {
      ...c.circuit,
      nPublic: c.publicSignals.layout.nPublic,
      layers: c.quantized.layers.length,
    };
  },
  async fidelity(a) {
    const { measureAgreement } = await import("../../sdk/src/quantize/measureAgreement.ts");
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
    const { readManifest } = await import("../../sdk/src/manifest.ts");
    const { setupGroth16 } = await import("../../sdk/src/setup/setupGroth16.ts");
    const dir = a.outDir as string;
    const m = readManifest(dir);
    const cache = mkdtempSync(join(tmpdir(), "zkml-bench-"));
    // A fresh zkey cache (setup is measured), the shared ptau cache (measured on its own).
    symlinkSync(join(a.ptauCache as string), join(cache, "ptau"));
    try {
      const s = await setupGroth16({
        r1cs: join(dir, "model.r1cs"),
        constraints: m.circuit.constraints,
        nPublic: m.publicSignals.layout.nPublic,
        outDir: dir,
        cache,
      });
      return { ms: s.ms, ptauPower: s.ptau.power };
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  },
  async prove(a) {
    const snarkjs = await import("snarkjs");
    const { encodeGroth16Proof } = await import("../../sdk/src/prove/encodeProof.ts");
    const { evaluateQuantized } = await import("../../sdk/src/quantize/evaluateQuantized.ts");
    const { toField } = await import("../../sdk/src/quantize/fixedPoint.ts");
    const { quantizeInput } = await import("../../sdk/src/quantize/quantizeInput.ts");
    const dir = a.outDir as string;
    const q = quantized(dir);
    const row = benchRows({ model: a.name as string, n: 1, seed: 3, width: q.nInputs })[
      a.name === "iris-mlp" ? 100 : 0
    ];
    const input = quantizeInput({ model: q, input: row });
    evaluateQuantized({ model: q, input }); // throws if this input is out of range
    const wasm = join(dir, "model_js", "model.wasm");
    const zkey = join(dir, "model.zkey");
    writeFileSync(
      join(dir, "bench-input.json"),
      JSON.stringify({ in: input.map((v) => toField(v).toString()) }),
    );
    const vk = JSON.parse(readFileSync(join(dir, "verification_key.json"), "utf8"));
    const wtns = join(dir, "bench.wtns");
    const witness: number[] = [];
    const prove: number[] = [];
    const verify: number[] = [];
    let proofBytes = 0;
    for (let i = 0; i < (a.runs as number); i++) {
      let t = performance.now();
      await snarkjs.wtns.calculate({ in: input.map((v) => toField(v).toString()) }, wasm, wtns);
      witness.push(performance.now() - t);
      t = performance.now();
      const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, wtns);
      prove.push(performance.now() - t);
      t = performance.now();
      if (!(await snarkjs.groth16.verify(vk, publicSignals, proof)))
        throw new Error("proof did not verify");
      verify.push(performance.now() - t);
      proofBytes = (encodeGroth16Proof(proof).length - 2) / 2;
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
  async fullProve(a) {
    const { proveGroth16 } = await import("../../sdk/src/prove/proveGroth16.ts");
    const dir = a.outDir as string;
    const input = (
      JSON.parse(readFileSync(join(dir, "bench-input.json"), "utf8")) as { in: string[] }
    ).in.map(BigInt);
    const p = await proveGroth16({
      wasm: join(dir, "model_js", "model.wasm"),
      zkey: join(dir, "model.zkey"),
      input,
    });
    return { proofBytes: p.proofSize };
  },
  async ptau(a) {
    const { ensurePtau } = await import("../../sdk/src/setup/ensurePtau.ts");
    const p = await ensurePtau({ power: a.power as number });
    return { ms: p.ms, power: p.power, cached: p.cached };
  },
  async gas(a) {
    // The gas lab (sdk/src/gas): real transactions on Hardhat's in-process L1 and OP-stack chains.
    const { measureGas } = await import("../../sdk/src/gas/measureGas.ts");
    const q = quantized(a.outDir as string);
    const rows = benchRows({ model: a.name as string, n: 40, seed: 4, width: q.nInputs });
    const g = await measureGas({
      dir: a.outDir as string,
      systems: a.systems as never,
      batch: a.batch as number[],
      inputs: rows,
    });
    const single = g.rows.find((r) => r.action === "submit");
    return {
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
  const result = await run(JSON.parse(json ?? "{}"));
  console.log(`@@result ${JSON.stringify(result)}`);
  const { releaseSnarkjs } = await import("../../sdk/src/util/snarkjsLogger.ts");
  await releaseSnarkjs();
  process.exit(0);
}
