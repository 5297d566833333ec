import { expect } from "chai";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/root.ts";
import { runZkml } from "../helpers/zkmlCli.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { outputCommitment } from "../../sdk/core/src/quantize/outputCommitment.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { readQuantizedModel } from "../../sdk/node/src/quantize/readQuantizedModel.ts";

const WORK = join(ROOT, "build/test/cli");
const DIR = join(WORK, "iris");

/** The zkml CLI in its own process (test/helpers/zkmlCli.ts). */
const zkml = (...args: string[]) => runZkml(args);

describe("the zkml CLI: exit codes and --json", function () {
  const iris = loadIris();
  const row = iris.features[100];
  const files = {
    calibration: join(WORK, "calibration.json"),
    inputData: join(WORK, "input-data.json"),
    inputNamed: join(WORK, "input-named.json"),
    proof: join(WORK, "proof.json"),
    proofNamed: join(WORK, "proof-named.json"),
    tampered: join(WORK, "tampered.json"),
  };

  before(function () {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    writeFileSync(files.calibration, JSON.stringify({ input_data: iris.features }));
    writeFileSync(files.inputData, JSON.stringify({ input_data: [row] }));
    writeFileSync(files.inputNamed, JSON.stringify({ input: [row] }));
  });

  it("compile --json reports the constraint count written to the manifest", async function () {
    const r = await zkml(
      "compile",
      join(ROOT, "models/iris-mlp.onnx"),
      "--out",
      DIR,
      "--calibration",
      files.calibration,
      "--json",
    );
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    const manifest = JSON.parse(readFileSync(join(DIR, "manifest.json"), "utf8"));
    expect(out.constraints).to.be.a("number").greaterThan(0);
    expect(out.constraints).to.equal(manifest.circuit.constraints);
    expect(out.nPublic).to.equal(manifest.publicSignals.layout.nPublic);
  });

  it("fidelity --json reports argmax agreement as a fraction", async function () {
    const r = await zkml(
      "fidelity",
      join(ROOT, "models/iris-mlp.onnx"),
      "--data",
      files.calibration,
      "--json",
    );
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows).to.equal(150);
    expect(out.agreement).to.be.at.least(0.97).and.at.most(1);
  });

  it("prove accepts {input_data} and named inputs alike; verify exits 0 on the proof", async function () {
    // prove never runs a setup: the key comes from zkml setup.
    const s = await zkml("setup", DIR, "--system", "groth16", "--json");
    expect(s.code, s.stderr).to.equal(0);
    const a = await zkml("prove", DIR, "--input", files.inputData, "--out", files.proof, "--json");
    expect(a.code, a.stderr).to.equal(0);
    const b = await zkml(
      "prove",
      DIR,
      "--input",
      files.inputNamed,
      "--out",
      files.proofNamed,
      "--json",
    );
    expect(b.code, b.stderr).to.equal(0);
    const pa = JSON.parse(a.stdout);
    expect(pa.valid).to.equal(true);
    expect(pa.publicSignals).to.deep.equal(JSON.parse(b.stdout).publicSignals);
    // The dequantized outputs sit next to onnxruntime's, and agree closely.
    expect(pa.floatOutputs).to.have.length(pa.outputs.length);
    pa.outputs.forEach((o: number, i: number) =>
      expect(Math.abs(o - pa.floatOutputs[i])).to.be.lessThan(0.1),
    );
    const v = await zkml("verify", DIR, "--proof", files.proof, "--json");
    expect(v.code, v.stderr).to.equal(0);
    expect(JSON.parse(v.stdout).valid).to.equal(true);
  });

  it("prove proves every row of a multi-row input with one loaded model, a proof file per row", async function () {
    const rows = [iris.features[0], iris.features[100]];
    const input = join(WORK, "input-rows.json");
    writeFileSync(input, JSON.stringify({ input_data: rows }));
    const out = join(WORK, "rows", "proof.json");
    const r = await zkml("prove", DIR, "--input", input, "--out", out, "--json");
    expect(r.code, r.stderr).to.equal(0);
    const { valid, proofs } = JSON.parse(r.stdout);
    expect(valid).to.equal(true);
    expect(proofs.map((p: { proofFile: string }) => p.proofFile)).to.deep.equal([
      join(WORK, "rows", "proof-0.json"),
      join(WORK, "rows", "proof-1.json"),
    ]);
    expect(r.stderr).to.match(/row 2 of 2/);
    // each file holds its row's proof: Iris rows 0 and 100 are setosa and virginica
    const classes = proofs.map(
      (p: { proofFile: string }) => JSON.parse(readFileSync(p.proofFile, "utf8")).predictedClass,
    );
    expect(classes).to.deep.equal([0, 2]);
    for (const p of proofs) {
      const v = await zkml("verify", DIR, "--proof", p.proofFile, "--json");
      expect(v.code, v.stderr).to.equal(0);
    }
  });

  it("prove over 64 rows (the key's fixed-base tables from the first proof on): every proof verifies", async function () {
    // 64 rows: prove.ts's TABLES_FROM_ROWS, so the later proofs run on the precomputed tables
    const rows = iris.features.slice(0, 64);
    const input = join(WORK, "input-64.json");
    writeFileSync(input, JSON.stringify({ input_data: rows }));
    const out = join(WORK, "rows64", "proof.json");
    const r = await zkml("prove", DIR, "--input", input, "--out", out, "--json");
    expect(r.code, r.stderr).to.equal(0);
    const { valid, proofs } = JSON.parse(r.stdout);
    expect(valid).to.equal(true);
    expect(proofs).to.have.length(64);
    expect(proofs.every((p: { valid: boolean }) => p.valid)).to.equal(true);
    // each proof states its own row's outputs (one public-signal set per row)
    const signals = new Set(proofs.map((p: { publicSignals: string[] }) => p.publicSignals.join()));
    expect(signals.size).to.be.greaterThan(32);
    const last = proofs[63] as { proofFile: string };
    const v = await zkml("verify", DIR, "--proof", last.proofFile, "--json");
    expect(v.code, v.stderr).to.equal(0);
  });

  it("compile --weights private --output hashed, then prove and verify: outputs stay off-chain, committed", async function () {
    const dir = join(WORK, "iris-private");
    const c = await zkml(
      "compile",
      join(ROOT, "models/iris-mlp.onnx"),
      "--out",
      dir,
      "--calibration",
      files.calibration,
      "--weights",
      "private",
      "--output",
      "hashed",
      "--json",
    );
    expect(c.code, c.stderr).to.equal(0);
    const compiled = JSON.parse(c.stdout);
    expect(compiled.visibility).to.deep.equal({
      weights: "private",
      input: "public",
      output: "hashed",
      submitter: "none",
    });
    const proofFile = join(WORK, "proof-private.json");
    const s = await zkml("setup", dir, "--system", "groth16", "--json");
    expect(s.code, s.stderr).to.equal(0);
    const p = await zkml("prove", dir, "--input", files.inputData, "--out", proofFile, "--json");
    expect(p.code, p.stderr).to.equal(0);
    const proved = JSON.parse(p.stdout);
    expect(proved.valid).to.equal(true);
    // bytes32 hex in every command's JSON; the same field element as public signal 0.
    expect(compiled.weightCommitment).to.match(/^0x[0-9a-f]{64}$/);
    expect(BigInt(proved.publicSignals[0])).to.equal(BigInt(compiled.weightCommitment));
    const q = readQuantizedModel({ file: join(dir, "quantized.json") });
    const input = quantizeInput({ model: q, input: row });
    const { outputs } = evaluateQuantized({ model: q, input });
    expect(proved.publicSignals[1]).to.equal(outputCommitment({ outputs }).toString());
    expect(proved.outputs).to.deep.equal(outputs.map((o) => Number(o) / 2 ** q.outputFrac));
    const v = await zkml("verify", dir, "--proof", proofFile, "--json");
    expect(v.code, v.stderr).to.equal(0);
    expect(JSON.parse(v.stdout).outputsOpen).to.equal(true);
    // A claimed output that is not the committed one: the proof still verifies, the opening fails.
    const claimed = JSON.parse(readFileSync(proofFile, "utf8"));
    claimed.outputs[0] += 1 / 2 ** q.outputFrac;
    const lie = join(WORK, "proof-private-lie.json");
    writeFileSync(lie, JSON.stringify(claimed));
    const w = await zkml("verify", dir, "--proof", lie, "--json");
    expect(w.code).to.equal(1);
    expect(JSON.parse(w.stdout)).to.include({ proofValid: true, outputsOpen: false });

    // A fine-tuned copy (weights x 0.95): same circuit and key, its own commitment.
    const [fc1, fc2] = importOnnx({ file: join(ROOT, "models/iris-mlp.onnx") }).nodes.filter(
      (n) => n.op === "Dense",
    );
    const dense = (n: typeof fc1, name: string) =>
      n.op === "Dense"
        ? [
            {
              name: `${name}.weight`,
              shape: n.weight.shape,
              data: Array.from(n.weight.data, (x) => x * 0.95),
            },
            { name: `${name}.bias`, shape: [n.weight.shape[0]], data: Array.from(n.bias!.data) },
          ]
        : [];
    const tuned = join(WORK, "iris-tuned.onnx");
    writeFileSync(
      tuned,
      buildOnnx({
        inputs: [{ name: "input", shape: [1, 4] }],
        outputs: [{ name: "logits", shape: [1, 3] }],
        initializers: [...dense(fc1, "fc1"), ...dense(fc2, "fc2")],
        nodes: [
          {
            opType: "Gemm",
            name: "fc1",
            inputs: ["input", "fc1.weight", "fc1.bias"],
            outputs: ["h"],
            attributes: { transB: 1 },
          },
          { opType: "Relu", name: "relu1", inputs: ["h"], outputs: ["r"] },
          {
            opType: "Gemm",
            name: "fc2",
            inputs: ["r", "fc2.weight", "fc2.bias"],
            outputs: ["logits"],
            attributes: { transB: 1 },
          },
        ],
      }),
    );
    const tunedProof = join(WORK, "proof-tuned.json");
    const t = await zkml(
      "prove",
      dir,
      "--input",
      files.inputData,
      "--out",
      tunedProof,
      "--weights-from",
      tuned,
      "--json",
    );
    expect(t.code, t.stderr).to.equal(0);
    const tp = JSON.parse(t.stdout);
    expect(tp.valid).to.equal(true);
    expect(tp.publicSignals[0]).to.not.equal(compiled.weightCommitment);
    // Against the compiled weights' commitment it is another model; against the tuned file's, valid.
    expect((await zkml("verify", dir, "--proof", tunedProof, "--json")).code).to.equal(1);
    const vt = await zkml("verify", dir, "--proof", tunedProof, "--weights-from", tuned, "--json");
    expect(vt.code, vt.stderr).to.equal(0);
    expect(JSON.parse(vt.stdout)).to.include({ commitmentMatches: true, outputsOpen: true });
  });

  it("verify exits 1 on a tampered proof or a changed output", async function () {
    const proof = JSON.parse(readFileSync(files.proof, "utf8"));
    const forged = { ...proof, publicSignals: [...proof.publicSignals] };
    forged.publicSignals[1] = String(BigInt(forged.publicSignals[1]) + 1n);
    writeFileSync(files.tampered, JSON.stringify(forged));
    const v = await zkml("verify", DIR, "--proof", files.tampered, "--json");
    expect(v.code).to.equal(1);
    expect(JSON.parse(v.stdout).valid).to.equal(false);
    const bent = {
      ...proof,
      proof: { ...proof.proof, pi_a: [proof.proof.pi_b[0][0], proof.proof.pi_a[1], "1"] },
    };
    writeFileSync(files.tampered, JSON.stringify(bent));
    expect((await zkml("verify", DIR, "--proof", files.tampered)).code).to.equal(1);
  });

  it("deploy --register --submit does the chain flow in one run on the in-process chain", async function () {
    const r = await zkml("deploy", DIR, "--register", "--submit", files.proof, "--json");
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.registered.version).to.equal(1);
    expect(out.submitted).to.have.length(1);
    expect(out.submitted[0].predictionId).to.match(/^0x[0-9a-f]{64}$/);
    expect(Number(out.submitted[0].gasUsed)).to.be.greaterThan(200_000);
  });

  it("deploy --system plonk verifies a PLONK proof through the same registry flow", async function () {
    const proof = join(WORK, "proof-plonk.json");
    const s = await zkml("setup", DIR, "--system", "plonk", "--json");
    expect(s.code, s.stderr).to.equal(0);
    const p = await zkml(
      "prove",
      DIR,
      "--input",
      files.inputData,
      "--system",
      "plonk",
      "--out",
      proof,
      "--json",
    );
    expect(p.code, p.stderr).to.equal(0);
    const r = await zkml(
      "deploy",
      DIR,
      "--system",
      "plonk",
      "--register",
      "--submit",
      proof,
      "--json",
    );
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.submitted).to.have.length(1);
    expect(out.submitted[0].predictionId).to.match(/^0x[0-9a-f]{64}$/);
    // A Groth16 proof is refused by the PLONK verifier: exit 1, the chain said InvalidProof.
    const g = await zkml("deploy", DIR, "--system", "plonk", "--register", "--submit", files.proof);
    expect(g.code).to.not.equal(0);
  });

  it("submit in a new process says the in-process chain is empty (exit 3)", async function () {
    const r = await zkml("submit", DIR, "--proof", files.proof);
    expect(r.code).to.equal(3);
    expect(r.stderr).to.contain("--network localhost");
  });

  it("exits 2 on bad usage and 3 on a bad input file", async function () {
    expect((await zkml("compile", join(ROOT, "models/iris-mlp.onnx"))).code).to.equal(2);
    expect((await zkml("verify", DIR, "--proof", files.proof, "--bogus")).code).to.equal(2);
    expect((await zkml("nonsense")).code).to.equal(2);
    writeFileSync(files.tampered, JSON.stringify({ input_data: [[1, 2, 3]] }));
    const r = await zkml("prove", DIR, "--input", files.tampered);
    expect(r.code).to.equal(3);
    expect(r.stderr).to.match(/InputError/);
  });
});
