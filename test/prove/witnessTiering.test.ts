import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { loadIris } from "../../scripts/lib/iris.ts";
import { loadModelDir } from "../../sdk/node/src/model/loadModelDir.ts";
import { loadWitnessGenerator, setWitnessInstantiation } from "../../sdk/core/src/prove/witness.ts";
import {
  TIERING_BUDGET,
  WITNESS_TIERING_BUDGET,
  budgetWindow,
} from "../../sdk/node/src/util/v8Flags.ts";
import { ROOT } from "../helpers/root.ts";
import { runZkml } from "../helpers/zkmlCli.ts";

const WORK = join(ROOT, "build/test/witness-tiering");

/**
 * V8 fixes a wasm function's tier-up budget when its instance is created: the witness
 * generator's instance is created under a high budget (it must stay in baseline code), the
 * curve's under the default (its arithmetic must tier up). What this checks: the window's
 * bookkeeping, that every generator is created inside the host's window, and that loadModel
 * builds the curve only once the generator's window has closed. The speed itself is the
 * benchmark's (`npm run bench`, fresh `zkml prove`).
 */
describe("witness tiering: the generator's instance under its own V8 budget", function () {
  this.timeout(300_000);

  it("budgetWindow holds the witness budget while any window is open, and restores it after a failure", async function () {
    const set: number[] = [];
    const wrap = budgetWindow((b) => set.push(b));
    let releaseA = () => {};
    const a = wrap(() => new Promise<string>((r) => (releaseA = () => r("a"))));
    const b = wrap(async () => "b");
    expect(await b).to.equal("b");
    // b closed while a is still open: the budget stays high
    expect(set).to.deep.equal([WITNESS_TIERING_BUDGET]);
    releaseA();
    expect(await a).to.equal("a");
    expect(set).to.deep.equal([WITNESS_TIERING_BUDGET, TIERING_BUDGET]);
    const failed = await wrap(() => Promise.reject(new Error("no wasm"))).catch((e: Error) => e);
    expect(String(failed)).to.contain("no wasm");
    expect(set).to.deep.equal([
      WITNESS_TIERING_BUDGET,
      TIERING_BUDGET,
      WITNESS_TIERING_BUDGET,
      TIERING_BUDGET,
    ]);
    expect(WITNESS_TIERING_BUDGET).to.be.greaterThan(TIERING_BUDGET);
  });

  it("loadWitnessGenerator creates every generator inside the installed window", async function () {
    // the smallest valid module: the builder rejects it (no circom runtime), inside the window
    const wasm = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    let calls = 0;
    setWitnessInstantiation((instantiate) => (calls++, instantiate()));
    try {
      await loadWitnessGenerator({ wasm }).catch(() => undefined);
      expect(calls).to.equal(1);
    } finally {
      setWitnessInstantiation(undefined);
    }
    await loadWitnessGenerator({ wasm }).catch(() => undefined);
    expect(calls, "a removed wrapper is not called").to.equal(1);
  });

  it("loadModel builds the curve only after the witness generator's window closes", async function () {
    const dir = await irisDir();
    const { stdout } = await promisify(execFile)(process.execPath, [
      "--conditions=zkml-source",
      "--input-type=module",
      "--eval",
      curveAfterWitness(dir, loadIris().features[100]),
    ]);
    expect(JSON.parse(stdout)).to.deep.equal([
      "window opens; curve built: false",
      `gate closed ${GATE_MS} ms; curve built: false`,
      "window closes; curve built: false",
      "proof valid: true; curve built: true",
    ]);
  });
});

describe("the prover's curve: one per process, idle workers do not keep it alive", function () {
  this.timeout(300_000);

  // Each child program ends without process.exit: it must exit on its own (a referenced worker
  // thread keeps it alive until CHILD_TIMEOUT_MS kills it, and the test fails)
  it("a verification right after loading, while the load still builds the curve, shares it; the script exits", async function () {
    const dir = await irisDir();
    const model = await loadModelDir({ dir });
    const proof = await model.prove({ input: loadIris().features[100] });
    const out = await runChild(`
      const model = await loadModelDir({ dir: ${JSON.stringify(dir)} });
      const proof = ${JSON.stringify(proof, (_, v) => (typeof v === "bigint" ? String(v) : v))};
      const building = !globalThis.curve_bn128;
      const valid = await model.verify({ proof: proof.proof, publicSignals: proof.publicSignals });
      const curve = globalThis.curve_bn128;
      const again = await model.prove({ input: ${JSON.stringify(loadIris().features[7])} });
      const validAgain = await model.verify(again);
      result({ building, valid, validAgain, sameCurve: Boolean(curve) && globalThis.curve_bn128 === curve });
    `);
    expect(out).to.deep.equal({ building: true, valid: true, validAgain: true, sameCurve: true });
  });

  it("a copy of ffjavascript that nulls the global after the build (snarkjs's r1csfile) does not cost a second curve", async function () {
    const dir = await irisDir();
    const out = await runChild(`
      const model = await loadModelDir({ dir: ${JSON.stringify(dir)} });
      const proof = await model.prove({ input: ${JSON.stringify(loadIris().features[100])} });
      const curve = globalThis.curve_bn128;
      globalThis.curve_bn128 = null; // the first line of every ffjavascript copy
      const valid = await model.verify(proof);
      const again = await model.prove({ input: ${JSON.stringify(loadIris().features[7])} });
      result({ valid, validAgain: await model.verify(again), sameCurve: Boolean(curve) && globalThis.curve_bn128 === curve });
    `);
    expect(out).to.deep.equal({ valid: true, validAgain: true, sameCurve: true });
  });

  it("verifyProof alone (no loaded model) builds the curve and the script still exits", async function () {
    const dir = await irisDir();
    const model = await loadModelDir({ dir });
    const { proof, publicSignals } = await model.prove({ input: loadIris().features[3] });
    const key = readFileSync(join(dir, "verification_key.json"), "utf8");
    const out = await runChild(`
      const { verifyProof } = await import(${JSON.stringify(pathToFileURL(join(ROOT, "sdk/core/src/prove/verifyProof.ts")).href)});
      const { valid } = await verifyProof({
        system: "groth16",
        verificationKey: ${key},
        proof: ${JSON.stringify(proof)},
        publicSignals: ${JSON.stringify(publicSignals.map(String))}.map(BigInt),
      });
      result({ valid, curve: Boolean(globalThis.curve_bn128) });
    `);
    expect(out).to.deep.equal({ valid: true, curve: true });
  });
});

/** A child that has not exited this long after starting is held by a referenced thread. */
const CHILD_TIMEOUT_MS = 120_000;

/**
 * Runs `body` (an ES module's top-level code, with `loadModelDir` imported from source and
 * `result(value)` to report) in a fresh Node process and resolves with the value it reported;
 * rejects when the process fails or does not exit on its own within CHILD_TIMEOUT_MS.
 */
async function runChild(body: string): Promise<unknown> {
  const src = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, path)).href);
  const program = `
    import { loadModelDir } from ${src("sdk/node/src/model/loadModelDir.ts")};
    const result = (value) => process.stdout.write(JSON.stringify(value) + "\\n");
    ${body}
  `;
  const started = Date.now();
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=zkml-source", "--input-type=module", "--eval", program],
      { timeout: CHILD_TIMEOUT_MS },
    );
    return JSON.parse(stdout);
  } catch (e) {
    const { killed, stdout, stderr } = e as { killed?: boolean; stdout?: string; stderr?: string };
    if (killed) {
      throw new Error(
        `the child did not exit on its own in ${Date.now() - started} ms (printed ${JSON.stringify(stdout)})`,
      );
    }
    throw new Error(`the child failed: ${stderr}`, { cause: e });
  }
}

/** iris-mlp compiled and set up (Groth16) once for this file's tests. */
function irisDir(): Promise<string> {
  return (iris ??= (async () => {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    const calibration = join(WORK, "calibration.json");
    writeFileSync(calibration, JSON.stringify({ input_data: loadIris().features }));
    const dir = join(WORK, "iris");
    const model = join(ROOT, "models/iris-mlp.onnx");
    const c = await runZkml(["compile", model, "--out", dir, "--calibration", calibration]);
    expect(c.code, c.stderr).to.equal(0);
    const s = await runZkml(["setup", dir, "--system", "groth16"]);
    expect(s.code, s.stderr).to.equal(0);
    return dir;
  })());
}

let iris: Promise<string> | undefined;

/** How long the child holds the witness generator's window closed: several curve builds. */
const GATE_MS = 1500;

/**
 * A child process's program (fresh: in the test runner another test may have built the curve
 * already): loads the model folder with a witness instantiation that holds the generator's
 * instance behind a gate, starts a proof of `row`, and prints, as JSON, whether the shared
 * curve existed while the gate was closed and once the proof was done.
 */
function curveAfterWitness(dir: string, row: number[]): string {
  const src = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, path)).href);
  return `
    import { setWitnessInstantiation } from ${src("sdk/core/src/prove/witness.ts")};
    import { loadModelDir } from ${src("sdk/node/src/model/loadModelDir.ts")};
    const events = [];
    const curveBuilt = () => Boolean(globalThis.curve_bn128);
    let open = () => {};
    const gate = new Promise((resolve) => (open = resolve));
    setWitnessInstantiation(async (instantiate) => {
      events.push("window opens; curve built: " + curveBuilt());
      await gate;
      const generator = await instantiate();
      events.push("window closes; curve built: " + curveBuilt());
      return generator;
    });
    const model = await loadModelDir({ dir: ${JSON.stringify(dir)} });
    const proving = model.prove({ input: ${JSON.stringify(row)} });
    await new Promise((resolve) => setTimeout(resolve, ${GATE_MS}));
    events.push("gate closed ${GATE_MS} ms; curve built: " + curveBuilt());
    open();
    const proof = await proving;
    events.push("proof valid: " + (await model.verify(proof)) + "; curve built: " + curveBuilt());
    process.stdout.write(JSON.stringify(events) + "\\n");
    process.exit(0);
  `;
}
