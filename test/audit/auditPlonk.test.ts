import { expect } from "chai";
import { join } from "node:path";
import { id as keccakId } from "ethers";
import { network } from "hardhat";
import { auditRegistry } from "../../sdk/node/src/audit/auditRegistry.ts";
import type { AuditReport } from "../../sdk/node/src/audit/types.ts";
import { deployRegistry } from "../../sdk/core/src/chain/deployRegistry.ts";
import { deployVerifier } from "../../sdk/node/src/chain/deployVerifier.ts";
import { registerModel } from "../../sdk/core/src/chain/registerModel.ts";
import { submitPrediction } from "../../sdk/core/src/chain/submitPrediction.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { readManifest, writeManifest } from "../../sdk/node/src/manifestFile.ts";
import { prove } from "../../sdk/core/src/prove/prove.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { setupCircuit, setupRecord } from "../../sdk/node/src/setup/setupCircuit.ts";
import { irisArtifacts } from "../sdk/irisArtifacts.ts";

const { ethers } = await network.create();
const [signer] = await ethers.getSigners();

describe("auditing a PLONK model: the auditor re-verifies any proof system", function () {
  this.timeout(300_000);
  const MODEL = keccakId("audit:plonk");
  let report: AuditReport;
  let predictionId: string;

  before(async function () {
    const iris = await irisArtifacts("audit-plonk-iris");
    const setup = await setupCircuit({
      r1cs: iris.compiled.circuit.r1cs,
      system: "plonk",
      outDir: iris.dir,
    });
    const manifest = readManifest(iris.dir);
    writeManifest(iris.dir, {
      ...manifest,
      setups: { ...manifest.setups, plonk: setupRecord(setup) },
    });
    const { layout } = iris.compiled.publicSignals;
    const registry = (await deployRegistry({ client: signer })).address;
    const verifier = await deployVerifier({
      client: signer,
      zkey: setup.zkey,
      zkeySha256: setup.zkeySha256,
      nPublic: layout.nPublic,
      system: "plonk",
    });
    await registerModel({
      client: signer,
      registry,
      modelId: MODEL,
      weightCommitment: iris.compiled.weightCommitment,
      verifier: verifier.adapter,
      layout,
      metadataURI: `file://${join(iris.dir, "manifest.json")}`,
    });
    const input = quantizeInput({ model: iris.compiled.quantized, input: loadIris().features[3] });
    const p = await prove({
      system: "plonk",
      wasm: iris.compiled.circuit.wasm,
      zkey: setup.zkey,
      input,
    });
    predictionId = (
      await submitPrediction({
        client: signer,
        registry,
        modelId: MODEL,
        proof: p.proofBytes,
        publicSignals: p.publicSignals,
      })
    ).predictionId;
    report = await auditRegistry({ client: ethers.provider, registry, manifests: [iris.dir] });
  });

  it("passes the model: proof system, verification key and verifier code are the manifest's PLONK setup", function () {
    const model = report.models.find((m) => m.modelId === MODEL)!;
    const status = Object.fromEntries(model.checks.map((c) => [c.name, c.status]));
    expect(status).to.include({
      "proof system": "pass",
      "verification key": "pass",
      "verifier contract": "pass",
    });
    expect(model.ok, JSON.stringify(model.checks.filter((c) => c.status === "fail"))).to.equal(
      true,
    );
  });

  it("re-verifies the PLONK proof from calldata off-chain", function () {
    const prediction = report.predictions.find((x) => x.predictionId === predictionId)!;
    const check = prediction.checks.find((c) => c.name === "proof (off-chain)")!;
    expect(check.status, check.detail).to.equal("pass");
    expect(check.detail).to.match(/^plonk proof verifies/);
    expect(prediction.ok).to.equal(true);
  });
});
