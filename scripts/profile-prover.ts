// Warm Groth16 proving of a compiled model, stage by stage (issue 15): the witness, snarkjs
// 0.7.6's groth16.prove from the key's bytes, and the parsed-key prover (groth16Prover.ts)
// without and with fixed-base tables (fixedBaseMsm.ts), whole and by stage (the quotient job, each witness MSM, the H MSM; the witness MSMs also as
// snarkjs runs them, over every base at full scalar width), each run alone. Prints
// wall and CPU milliseconds (user + system of the whole process, worker threads included: on a
// shared machine CPU time is the steadier figure).
//
//   node --conditions=zkml-source scripts/profile-prover.ts <model dir> <input.json> [runs]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { proverCurve } from "../sdk/core/src/prove/proverCurve.ts";
import { variableBaseMsm } from "../sdk/core/src/prove/variableBaseMsm.ts";
import * as snarkjs from "snarkjs";
import { circuitInput } from "../sdk/core/src/prove/circuitInput.ts";
import { loadGroth16Key } from "../sdk/core/src/prove/groth16Key.ts";
import { fixedBaseMsm } from "../sdk/core/src/prove/fixedBaseMsm.ts";
import {
  precomputeGroth16Bases,
  proveGroth16WithKey,
  quotientScalars,
  readyTables,
  witnessMsm,
} from "../sdk/core/src/prove/groth16Prover.ts";
import { loadWitnessGenerator } from "../sdk/core/src/prove/witness.ts";
import { quantizeInput } from "../sdk/core/src/quantize/quantizeInput.ts";
import { readManifest } from "../sdk/node/src/manifestFile.ts";
import { readQuantizedModel } from "../sdk/node/src/quantize/readQuantizedModel.ts";
import { useProverV8Flags } from "../sdk/node/src/util/v8Flags.ts";

useProverV8Flags();
const [dir, inputFile, runsArg] = process.argv.slice(2);
if (!dir || !inputFile) {
  console.error("usage: profile-prover.ts <model dir> <input.json> [runs]");
  process.exit(2);
}
const runs = Number(runsArg ?? 3);
const model = readQuantizedModel({ file: join(dir, "quantized.json") });
const manifest = readManifest(dir);
const input = quantizeInput({ model, input: JSON.parse(readFileSync(inputFile, "utf8")) });
const signals = circuitInput({ model, input, weights: manifest.visibility.weights });
const zkey = readFileSync(join(dir, "model.zkey"));
const vk = JSON.parse(readFileSync(join(dir, "verification_key.json"), "utf8"));

const rows: Record<string, { wall: number[]; cpu: number[] }> = {};
async function time<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await f();
  const u = process.cpuUsage(c);
  (rows[label] ??= { wall: [], cpu: [] }).wall.push(performance.now() - t);
  rows[label].cpu.push((u.user + u.system) / 1000);
  return r;
}

const generator = await time("load: witness generator", () =>
  loadWitnessGenerator({ wasm: readFileSync(join(dir, "model_js/model.wasm")) }),
);
const key = await time("load: parse key (+ curve)", () => loadGroth16Key({ zkey }));
const curve = await proverCurve();
const mem = (data: Uint8Array) => ({ type: "mem", data }) as unknown as string;
for (let i = 0; i < runs; i++) {
  const wtns = await time("witness", () => generator.calculate(signals));
  const theirs = await time("snarkjs groth16.prove", () =>
    snarkjs.groth16.prove(mem(zkey), mem(wtns)),
  );
  const ours = await time("parsed-key prove", () => proveGroth16WithKey({ key, wtns }));
  for (const r of [theirs, ours]) {
    if (!(await snarkjs.groth16.verify(vk, r.publicSignals, r.proof)))
      throw new Error("a proof did not verify");
  }
  const witness = wtns.subarray(wtns.length - key.nVars * curve.Fr.n8);
  const h = await time("  quotient job (ABC, 6 FFTs, join)", () =>
    quotientScalars(curve, key, witness),
  );
  await time("  MSM A (G1)", () => witnessMsm({ curve, group: "G1", bases: key.basesA, witness }));
  await time("  MSM B1 (G1)", () =>
    witnessMsm({ curve, group: "G1", bases: key.basesB1, witness }),
  );
  await time("  MSM B2 (G2)", () =>
    witnessMsm({ curve, group: "G2", bases: key.basesB2, witness }),
  );
  const priv = witness.subarray((key.nPublic + 1) * curve.Fr.n8);
  await time("  MSM C (G1)", () =>
    witnessMsm({ curve, group: "G1", bases: key.basesC, witness: priv }),
  );
  await time("  MSM H (G1)", () =>
    variableBaseMsm({ curve, group: "G1", points: key.pointsH, scalars: h }),
  );
  // snarkjs's witness MSMs: every base, every scalar at full width
  await time("  snarkjs-style MSM A", () => curve.G1.multiExpAffine(key.basesA.points, witness));
  await time("  snarkjs-style MSM B1", () => curve.G1.multiExpAffine(key.basesB1.points, witness));
  await time("  snarkjs-style MSM B2", () => curve.G2.multiExpAffine(key.basesB2.points, witness));
  await time("  snarkjs-style MSM C", () => curve.G1.multiExpAffine(key.basesC.points, priv));
}
// With fixed-base tables (precomputeBases): the precomputation once, then the proof and each
// table MSM alone.
{
  const wtns = await generator.calculate(signals);
  const witness = wtns.subarray(wtns.length - key.nVars * curve.Fr.n8);
  const tables = await time("tables: precompute (once)", () =>
    precomputeGroth16Bases({ curve, key, witness }),
  );
  console.log(`tables: ${(tables.bytes / 2 ** 20).toFixed(1)} MiB`);
  const tabled = await loadGroth16Key({ zkey, precomputeBases: true });
  await proveGroth16WithKey({ key: tabled, wtns });
  await readyTables(tabled);
  const priv = witness.subarray((key.nPublic + 1) * curve.Fr.n8);
  const h = await quotientScalars(curve, key, witness);
  for (let i = 0; i < runs; i++) {
    const r = await time("tables: parsed-key prove", () =>
      proveGroth16WithKey({ key: tabled, wtns }),
    );
    if (!(await snarkjs.groth16.verify(vk, r.publicSignals, r.proof)))
      throw new Error("a proof with tables did not verify");
    const fixed = (wires: typeof tables.a) => ({ wires });
    await time("  tables: MSM A", () =>
      witnessMsm({ curve, group: "G1", bases: key.basesA, witness, fixed: fixed(tables.a) }),
    );
    await time("  tables: MSM B1", () =>
      witnessMsm({ curve, group: "G1", bases: key.basesB1, witness, fixed: fixed(tables.b1) }),
    );
    await time("  tables: MSM B2", () =>
      witnessMsm({ curve, group: "G2", bases: key.basesB2, witness, fixed: fixed(tables.b2) }),
    );
    await time("  tables: MSM C", () =>
      witnessMsm({ curve, group: "G1", bases: key.basesC, witness: priv, fixed: fixed(tables.c) }),
    );
    await time("  tables: MSM H", () => fixedBaseMsm({ curve, table: tables.h, scalars: h }));
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(
  `${dir}: ${key.nVars} wires, domain 2^${key.power}, ${runs} runs (median), ${curve.tm.concurrency} threads`,
);
console.log("stage".padEnd(38), "wall ms".padStart(8), "cpu ms".padStart(8));
for (const [label, r] of Object.entries(rows)) {
  console.log(
    label.padEnd(38),
    median(r.wall).toFixed(0).padStart(8),
    median(r.cpu).toFixed(0).padStart(8),
  );
}
await curve.terminate();
