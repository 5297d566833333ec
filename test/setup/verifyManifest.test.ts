import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/root.ts";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import { parseOnnx } from "../../sdk/node/src/onnx/parseOnnx.ts";
import { readManifest, writeManifest } from "../../sdk/node/src/manifestFile.ts";
import { setupCircuit, setupRecord } from "../../sdk/node/src/setup/setupCircuit.ts";
import { REBUILD_CHECKS } from "../../sdk/node/src/setup/checkRebuild.ts";
import { verifyManifest } from "../../sdk/node/src/setup/verifyManifest.ts";
import type { ManifestCheck } from "../../sdk/node/src/setup/verifyManifest.ts";
import { IRIS_MODEL, irisArtifacts } from "../sdk/irisArtifacts.ts";

// `zkml manifest verify` on a freshly compiled Iris model with its Groth16 setup: every check
// passes, and editing any artifact makes exactly the matching checks fail.
describe("verifyManifest (the audit chain)", function () {
  let dir: string;

  before(async function () {
    const iris = await irisArtifacts("setup-manifest");
    dir = iris.dir;
    const s = await setupCircuit({
      r1cs: iris.compiled.circuit.r1cs,
      system: "groth16",
      outDir: dir,
    });
    const m = readManifest(dir);
    writeManifest(dir, { ...m, setup: setupRecord(s), setups: { groth16: setupRecord(s) } });
  });

  const failed = (checks: ManifestCheck[]) =>
    checks.filter((c) => c.ok === false).map((c) => c.check);

  it("passes every check on untouched artifacts", async function () {
    const r = await verifyManifest({ dir });
    expect(failed(r.checks)).to.deep.equal([]);
    expect(r.ok).to.equal(true);
    const names = r.checks.filter((c) => c.ok === true).map((c) => c.check);
    expect(names).to.include.members([
      "model file",
      "r1cs",
      "wasm",
      "weight commitment",
      "circuit regenerated from the quantized model",
      ...REBUILD_CHECKS,
      "groth16: ptau",
      "groth16: zkey against r1cs + ptau",
      "groth16: verification key from zkey",
      "groth16: Solidity verifier",
    ]);
  });

  it("fails the verifier checks when a verifier constant is edited", async function () {
    const file = `${dir}/Verifier.groth16.sol`;
    const original = readFileSync(file, "utf8");
    const m = /uint256 constant alphax\s*=\s*(\d+)/.exec(original);
    expect(m).to.not.equal(null);
    try {
      writeFileSync(file, original.replace(m![1], (BigInt(m![1]) + 1n).toString()));
      const r = await verifyManifest({ dir });
      expect(r.ok).to.equal(false);
      expect(failed(r.checks)).to.deep.equal(["groth16: Solidity verifier"]);
    } finally {
      writeFileSync(file, original);
    }
  });

  it("fails the key checks when the verification key is edited", async function () {
    const file = `${dir}/verification_key.json`;
    const original = readFileSync(file, "utf8");
    try {
      const vk = JSON.parse(original);
      vk.IC[0][0] = "1";
      writeFileSync(file, JSON.stringify(vk, null, 2));
      const r = await verifyManifest({ dir });
      expect(failed(r.checks)).to.include.members([
        "groth16: verification key hash",
        "groth16: verification key from zkey",
      ]);
    } finally {
      writeFileSync(file, original);
    }
  });

  // The model-to-circuit chain: the build is repeated from the ONNX file (#6).
  const withFileEdited = async (file: string, edit: (text: string) => string) => {
    const original = readFileSync(file, "utf8");
    try {
      writeFileSync(file, edit(original));
      return await verifyManifest({ dir });
    } finally {
      writeFileSync(file, original);
    }
  };

  it("catches a quantized.json that the ONNX model does not give", async function () {
    const r = await withFileEdited(join(dir, "quantized.json"), (text) => {
      const q = JSON.parse(text);
      const layer = q.layers.find((l: { weight?: string[] }) => l.weight);
      layer.weight[0] = (BigInt(layer.weight[0]) + 1n).toString();
      return JSON.stringify(q);
    });
    expect(r.ok).to.equal(false);
    expect(failed(r.checks)).to.deep.equal([
      "weight commitment",
      "circuit regenerated from the quantized model",
      "quantized model rebuilt from the ONNX",
    ]);
  });

  it("catches a swapped ONNX model (one weight changed)", async function () {
    const bytes = readFileSync(IRIS_MODEL);
    const { model } = parseOnnx({ file: IRIS_MODEL });
    const raw = model.graph!.initializer!.find((t) => t.name === "fc1.weight")!.rawData!;
    const at = bytes.indexOf(Buffer.from(raw));
    expect(at).to.be.greaterThan(0);
    const swapped = Buffer.from(bytes);
    swapped.writeFloatLE(swapped.readFloatLE(at) + 1, at);
    const file = join(dir, "swapped.onnx");
    writeFileSync(file, swapped);
    const r = await verifyManifest({ dir, model: file });
    expect(r.ok).to.equal(false);
    expect(failed(r.checks)).to.deep.equal([
      "model file",
      "quantized model rebuilt from the ONNX",
      "weight commitment rebuilt from the ONNX",
      "circuit rebuilt from the ONNX",
    ]);
  });

  it("catches edited calibration rows", async function () {
    const r = await withFileEdited(join(dir, "calibration.json"), (text) => {
      const rows = JSON.parse(text) as number[][];
      rows[0][0] += 0.001;
      return JSON.stringify(rows);
    });
    expect(failed(r.checks)).to.include("calibration data");
  });

  it("skips the rebuild, with a reason, when the manifest has no build record", async function () {
    const r = await withFileEdited(join(dir, "manifest.json"), (text) => {
      const m = JSON.parse(text);
      delete m.quantization.build;
      return JSON.stringify(m, null, 2);
    });
    expect(r.ok).to.equal(true);
    const skip = r.checks.find((c) => c.check === "rebuilt from the ONNX model");
    expect(skip?.ok).to.equal(null);
    expect(skip?.detail).to.match(/quantization\.build is absent/);
    expect(r.checks.map((c) => c.check)).to.not.include("circuit rebuilt from the ONNX");
  });

  it("rebuilds a model compiled with the default calibration", async function () {
    const out = join(ROOT, "build/test/setup-manifest-default");
    await compileModel({ model: IRIS_MODEL, outDir: out });
    const r = await verifyManifest({ dir: out });
    expect(failed(r.checks)).to.deep.equal([]);
    const rebuilt = r.checks.filter((c) => (REBUILD_CHECKS as readonly string[]).includes(c.check));
    expect(rebuilt.map((c) => [c.check, c.ok])).to.deep.equal(REBUILD_CHECKS.map((c) => [c, true]));
    expect(rebuilt[0].detail).to.match(/^default/);
  });

  it("rebuilds a model with private weights and a hashed output (their commitment)", async function () {
    const out = join(ROOT, "build/test/setup-manifest-private");
    const c = await compileModel({
      model: IRIS_MODEL,
      outDir: out,
      mode: "resources",
      weightVisibility: "private",
      outputVisibility: "hashed",
    });
    expect(c.manifest.visibility.weights).to.equal("private");
    const r = await verifyManifest({ dir: out });
    expect(failed(r.checks)).to.deep.equal([]);
    const commitment = r.checks.find((c) => c.check === "weight commitment rebuilt from the ONNX");
    expect(commitment?.ok).to.equal(true);
    expect(commitment?.detail).to.equal(`private weights: ${c.weightCommitment}`);
  });
});
