import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { readManifest, writeManifest } from "../../sdk/src/manifest.ts";
import { setupCircuit, setupRecord } from "../../sdk/src/setup/setupCircuit.ts";
import { verifyManifest } from "../../sdk/src/setup/verifyManifest.ts";
import type { ManifestCheck } from "../../sdk/src/setup/verifyManifest.ts";
import { irisArtifacts } from "../sdk/irisArtifacts.ts";

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
});
