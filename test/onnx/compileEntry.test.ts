import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/root.ts";
import { runZkml } from "../helpers/zkmlCli.ts";
import {
  BUILD_LOCK_FILE,
  BuildFolderLockedError,
  compileModel,
  serializeBuild,
} from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/node/src/circuit/compileModel.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import type { Manifest } from "../../sdk/core/src/manifest.ts";
import { sha256File } from "../../sdk/node/src/util/sha256File.ts";

const IRIS = join(ROOT, "models/iris-mlp.onnx");
/** A real torch.onnx.export (torch 1.13) with dynamic_axes on the batch: see exportPytorch.py. */
const PYTORCH = join(import.meta.dirname, "fixtures/pytorch-dynamic-batch.onnx");

/** The zkml CLI in its own process (test/helpers/zkmlCli.ts). */
const zkml = (...args: string[]) => runZkml(args);

/**
 * The folder holds one build: every artifact hashes to what the manifest says, the circuit was
 * generated from the same configuration, and quantized.json / calibration.json are the ones the
 * manifest records.
 */
function expectOneBuild(dir: string): Manifest {
  const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  expect(sha256File(join(dir, "model.circom"))).to.equal(m.circuit.circomSha256);
  expect(sha256File(join(dir, "model.r1cs"))).to.equal(m.circuit.r1csSha256);
  expect(sha256File(join(dir, "model_js/model.wasm"))).to.equal(m.circuit.wasmSha256);
  expect(readFileSync(join(dir, "model.circom"), "utf8")).to.contain(
    `config sha256 ${m.circuit.configSha256}`,
  );
  const q = JSON.parse(readFileSync(join(dir, "quantized.json"), "utf8"));
  expect(q.inputFrac).to.equal(m.quantization.inputFrac);
  expect(q.inputBits).to.equal(m.quantization.inputBits);
  expect(q.layers.map((l: { name: string }) => l.name)).to.deep.equal(
    m.quantization.layers.map((l) => l.name),
  );
  const cal = m.quantization.build!.calibration;
  if (cal.source === "file") {
    const text = readFileSync(join(dir, "calibration.json"), "utf8");
    expect(createHash("sha256").update(text).digest("hex")).to.equal(cal.sha256);
  } else expect(existsSync(join(dir, "calibration.json"))).to.equal(false);
  expect(existsSync(join(dir, BUILD_LOCK_FILE)), "lock released").to.equal(false);
  return m;
}

describe("compile: warnings, a PyTorch export with a dynamic batch, one build per folder", function () {
  this.timeout(600_000);
  let work: string;
  const iris = loadIris().features;
  const small = iris.slice(0, 40);
  // Four times the range: other scales, so a mix of two builds would show.
  const wide = small.map((r) => r.map((v) => v * 4));

  before(() => (work = mkdtempSync(join(tmpdir(), "zkml-compile-"))));
  after(() => rmSync(work, { recursive: true, force: true }));

  it("a standard PyTorch export (dynamic batch axis) compiles with no flag but --calibration", async function () {
    const cal = join(work, "cal.json");
    const rows = Array.from({ length: 8 }, (_, r) =>
      Array.from({ length: 16 }, (_, i) => Math.sin(r * 16 + i)),
    );
    writeFileSync(cal, JSON.stringify({ input_data: rows }));
    const out = join(work, "pytorch");
    const r = await zkml("compile", PYTORCH, "--out", out, "--calibration", cal, "--json");
    expect(r.code, r.stderr).to.equal(0);
    const json = JSON.parse(r.stdout);
    expect(json.warnings).to.have.length(1);
    expect(json.warnings[0]).to.contain("batch_size is set to 1").and.contain("--batch-size");
    expect(r.stderr).to.contain("warning: input input of pytorch-dynamic-batch.onnx");
    const m = expectOneBuild(out);
    // the manifest records the shape the build used, so a rebuild repeats it
    expect(m.quantization.build!.options.inputShapes).to.deep.equal({ input: [1, 1, 4, 4] });
    expect(readFileSync(join(out, "model.onnx"))).to.deep.equal(readFileSync(PYTORCH));
  });

  it("--batch-size sets the batch dimension; without --calibration compile warns (stderr and --json)", async function () {
    const out = join(work, "pytorch-b2");
    const r = await zkml("compile", PYTORCH, "--out", out, "--batch-size", "2", "--json");
    expect(r.code, r.stderr).to.equal(0);
    const json = JSON.parse(r.stdout);
    expect(json.warnings).to.have.length(1);
    expect(json.warnings[0]).to.contain("no calibration data").and.contain("--calibration");
    expect(r.stderr).to.contain("warning: no calibration data");
    expect(json.publicSignals.filter((s: string) => s.startsWith("out["))).to.have.length(6);
    expect((await zkml("compile", PYTORCH, "--out", out, "--batch-size", "0")).code).to.equal(2);
  });

  it("two concurrent compiles into one folder: one refuses (the lock names the holder), the folder holds one build", async function () {
    const out = join(work, "race");
    const [a, b] = await Promise.allSettled([
      compileModel({ model: IRIS, outDir: out, calibration: small }),
      compileModel({ model: IRIS, outDir: out, calibration: wide, activationFrac: 6 }),
    ]);
    expect(a.status).to.equal("fulfilled");
    expect(b.status).to.equal("rejected");
    const e = (b as PromiseRejectedResult).reason as BuildFolderLockedError;
    expect(e).to.be.instanceOf(BuildFolderLockedError);
    expect(e.message).to.contain(`is being compiled by process ${process.pid}`);
    const winner = (a as PromiseFulfilledResult<CompileModelReturnType>).value;
    expectOneBuild(out);
    expect(readFileSync(join(out, "quantized.json"), "utf8")).to.equal(
      serializeBuild(winner.quantized),
    );
    // the lock is released: the second compile now replaces the build as a whole
    const second = await compileModel({
      model: IRIS,
      outDir: out,
      calibration: wide,
      activationFrac: 6,
    });
    expect(second.quantized.inputFrac).to.not.equal(winner.quantized.inputFrac);
    expect(readFileSync(join(out, "quantized.json"), "utf8")).to.equal(
      serializeBuild(second.quantized),
    );
    expectOneBuild(out);
    // a compile without calibration removes the earlier calibration.json with the rest
    await compileModel({ model: IRIS, outDir: out });
    expect(expectOneBuild(out).quantization.build!.calibration.source).to.equal("default");
    expect(readdirSync(work).filter((f) => f.includes("staging"))).to.deep.equal([]);
  });

  it("a failed compile leaves the previous build as it was; a stale lock of a dead process is taken over", async function () {
    const out = join(work, "keep");
    await compileModel({ model: IRIS, outDir: out, calibration: small });
    const before = readFileSync(join(out, "manifest.json"), "utf8");
    let failed = false;
    try {
      await compileModel({ model: IRIS, outDir: out, calibration: [[1, 2, 3]] });
    } catch {
      failed = true;
    }
    expect(failed).to.equal(true);
    expect(readFileSync(join(out, "manifest.json"), "utf8")).to.equal(before);
    expectOneBuild(out);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(
      join(out, BUILD_LOCK_FILE),
      JSON.stringify({ pid: dead, host: hostname(), started: "" }),
    );
    await compileModel({ model: IRIS, outDir: out, calibration: wide });
    expectOneBuild(out);
  });

  it("two `zkml compile` processes racing on one folder never leave a mix", async function () {
    const out = join(work, "race-cli");
    const cal = (rows: number[][], f: string) => {
      writeFileSync(join(work, f), JSON.stringify({ input_data: rows }));
      return join(work, f);
    };
    const runs = await Promise.all([
      zkml("compile", IRIS, "--out", out, "--calibration", cal(small, "a.json"), "--json"),
      zkml("compile", IRIS, "--out", out, "--calibration", cal(wide, "b.json"), "--json"),
    ]);
    for (const r of runs) {
      if (r.code !== 0) {
        expect(r.code).to.equal(3);
        expect(r.stderr).to.contain("is being compiled by process");
      }
    }
    expect(runs.some((r) => r.code === 0)).to.equal(true);
    expectOneBuild(out);
  });
});
