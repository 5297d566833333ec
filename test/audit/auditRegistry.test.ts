import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { id as keccakId } from "ethers";
import { network } from "hardhat";
import * as snarkjs from "snarkjs";
import { auditRegistry } from "../../sdk/node/src/audit/auditRegistry.ts";
import type { AuditReport } from "../../sdk/node/src/audit/types.ts";
import { writeAuditReport } from "../../sdk/node/src/audit/writeAuditReport.ts";
import { deployRegistry } from "../../sdk/core/src/chain/deployRegistry.ts";
import { deployVerifier } from "../../sdk/node/src/chain/deployVerifier.ts";
import { registerModel } from "../../sdk/core/src/chain/registerModel.ts";
import { submitPrediction } from "../../sdk/core/src/chain/submitPrediction.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { proveGroth16 } from "../../sdk/core/src/prove/proveGroth16.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { sha256File } from "../../sdk/node/src/util/sha256File.ts";
import { irisArtifacts } from "../sdk/irisArtifacts.ts";
import type { IrisArtifacts } from "../sdk/irisArtifacts.ts";

const { ethers } = await network.create();
const [signer] = await ethers.getSigners();

describe("auditRegistry on a registry with good and bad history", function () {
  let iris: IrisArtifacts;
  let report: AuditReport;
  const GOOD = keccakId("audit:good");
  const WRONG_COMMITMENT = keccakId("audit:wrong-commitment");
  const OTHER_KEY = keccakId("audit:other-verifier");
  let goodPrediction: string;
  let otherPrediction: string;

  before(async function () {
    iris = await irisArtifacts();
    const layout = iris.compiled.publicSignals.layout;
    const metadataURI = `file://${join(iris.dir, "manifest.json")}`;
    const registry = (await deployRegistry({ client: signer })).address;
    const verifier = await deployVerifier({
      client: signer,
      zkey: iris.setup.zkey,
      zkeySha256: iris.setup.zkeySha256,
      nPublic: layout.nPublic,
    });
    const register = (modelId: string, weightCommitment: bigint, adapter: string) =>
      registerModel({
        client: signer,
        registry,
        modelId,
        weightCommitment,
        verifier: adapter,
        layout,
        metadataURI,
      });
    // 1. A good model and a valid prediction.
    await register(GOOD, iris.compiled.weightCommitment, verifier.adapter);
    const good = await iris.prove(20);
    goodPrediction = (
      await submitPrediction({
        client: signer,
        registry,
        modelId: GOOD,
        proof: good.proofBytes,
        publicSignals: good.publicSignals,
      })
    ).predictionId;
    // 2. A model registered with a weight commitment its manifest does not have.
    await register(WRONG_COMMITMENT, iris.compiled.weightCommitment ^ 1n, verifier.adapter);
    // 3. The same circuit behind another trusted setup (one more phase-2 contribution): its
    //    proofs verify on chain, but not with the manifest's verification key.
    const otherZkey = join(iris.dir, "other.zkey");
    await snarkjs.zKey.contribute(
      iris.setup.zkey,
      otherZkey,
      "audit test",
      randomBytes(32).toString("hex"),
    );
    const otherVerifier = await deployVerifier({
      client: signer,
      zkey: otherZkey,
      zkeySha256: sha256File(otherZkey),
      nPublic: layout.nPublic,
    });
    await register(OTHER_KEY, iris.compiled.weightCommitment, otherVerifier.adapter);
    const other = await proveGroth16({
      wasm: iris.compiled.circuit.wasm,
      zkey: otherZkey,
      input: quantizeInput({ model: iris.compiled.quantized, input: loadIris().features[21] }),
    });
    otherPrediction = (
      await submitPrediction({
        client: signer,
        registry,
        modelId: OTHER_KEY,
        proof: other.proofBytes,
        publicSignals: other.publicSignals,
      })
    ).predictionId;
    report = await auditRegistry({ client: ethers.provider, registry, manifests: [iris.dir] });
  });

  const model = (id: string) => report.models.find((m) => m.modelId === id)!;
  const prediction = (id: string) => report.predictions.find((p) => p.predictionId === id)!;
  const status = (checks: { name: string; status: string }[], name: string) =>
    checks.find((c) => c.name === name)?.status;

  it("passes the good model and its prediction on every check", function () {
    expect(model(GOOD).ok).to.equal(true);
    expect(model(GOOD).checks.map((c) => c.status)).to.deep.equal(Array(8).fill("pass"));
    const p = prediction(goodPrediction);
    expect(p.ok).to.equal(true);
    expect(p.checks.map((c) => [c.name, c.status])).to.deep.equal([
      ["calldata", "pass"],
      ["outputs", "pass"],
      ["input commitment", "pass"],
      ["weight commitment signal", "pass"],
      ["proof (off-chain)", "pass"],
    ]);
  });

  it("flags the model whose registered weight commitment is not its manifest's", function () {
    const m = model(WRONG_COMMITMENT);
    expect(m.ok).to.equal(false);
    expect(status(m.checks, "weight commitment")).to.equal("fail");
    expect(status(m.checks, "weights file")).to.equal("pass");
  });

  it("flags the model whose verifier was made from another zkey than the manifest's", function () {
    const m = model(OTHER_KEY);
    expect(m.ok).to.equal(false);
    expect(m.checks.filter((c) => c.status === "fail").map((c) => c.name)).to.deep.equal([
      "verifier contract",
    ]);
  });

  it("flags the prediction whose proof does not verify with the manifest's verification key", function () {
    const p = prediction(otherPrediction);
    expect(p.ok).to.equal(false);
    expect(status(p.checks, "proof (off-chain)")).to.equal("fail");
    // Everything else about it is consistent: the finding is exactly the key.
    expect(p.checks.filter((c) => c.status === "fail").map((c) => c.name)).to.deep.equal([
      "proof (off-chain)",
    ]);
  });

  it("summarizes and writes the JSON and markdown reports", function () {
    expect(report.summary.models).to.equal(3);
    expect(report.summary.predictions).to.equal(2);
    expect(report.summary.failed).to.equal(3);
    expect(report.summary.ok).to.equal(false);
    const files = writeAuditReport({ report, outDir: join(iris.dir, "audit") });
    const json = JSON.parse(readFileSync(files.json, "utf8"));
    expect(json.summary.failed).to.equal(3);
    const md = readFileSync(files.markdown, "utf8");
    expect(md).to.contain("3 finding(s)");
    expect(md).to.contain(otherPrediction);
    expect(existsSync(files.markdown)).to.equal(true);
  });
});
