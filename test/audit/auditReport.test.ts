import { expect } from "chai";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { id as keccakId } from "ethers";
import { network } from "hardhat";
import { chromium } from "playwright-core";
import type { Abi } from "viem";
import { auditRegistry } from "../../sdk/node/src/audit/auditRegistry.ts";
import type { AuditReport } from "../../sdk/node/src/audit/types.ts";
import { auditReportToJson, writeAuditReport } from "../../sdk/node/src/audit/writeAuditReport.ts";
import { deployContract } from "../../sdk/core/src/chain/deployContract.ts";
import { deployRegistry } from "../../sdk/core/src/chain/deployRegistry.ts";
import { toChainClient } from "../../sdk/core/src/chain/chainClient.ts";
import { modelRegistryAbi } from "../../sdk/core/src/chain/generated/ModelRegistry.ts";
import {
  snarkjsVerifierAdapterAbi,
  snarkjsVerifierAdapterBytecode,
} from "../../sdk/core/src/chain/generated/SnarkjsVerifierAdapter.ts";
import { registerModel } from "../../sdk/core/src/chain/registerModel.ts";
import { submitPrediction } from "../../sdk/core/src/chain/submitPrediction.ts";
import { AlreadyRegisteredError } from "../../sdk/core/src/errors.ts";
import { compileSolidity } from "../../sdk/node/src/chain/compileSolidity.ts";
import type { CompileSolidityParameters } from "../../sdk/node/src/chain/compileSolidity.ts";
import { registeredCommitment } from "../../sdk/node/src/chain/registeredCommitment.ts";
import { exportSolidity } from "../../sdk/node/src/setup/exportSolidity.ts";
import { ROOT } from "../helpers/root.ts";
import { irisArtifacts } from "../sdk/irisArtifacts.ts";
import type { IrisArtifacts } from "../sdk/irisArtifacts.ts";

const { ethers } = await network.create();
const [signer, operator] = await ethers.getSigners();
const client = toChainClient(signer);
const CHROMIUM = "/usr/bin/chromium";
/** Blocks mined before the registry exists: the scan must start at its creation block. */
const BLOCKS_BEFORE = 5;

/**
 * The snarkjs verifier of a zkey compiled with other solc metadata settings, behind its
 * adapter: the same verifier a user might have built with their own toolchain.
 */
async function deployVerifierBuiltWith(
  iris: IrisArtifacts,
  metadata: CompileSolidityParameters["metadata"],
) {
  const { source, contractName } = await exportSolidity({
    zkey: iris.setup.zkey,
    zkeySha256: iris.setup.zkeySha256,
    system: "groth16",
  });
  const c = compileSolidity({
    sources: { "Verifier.sol": source },
    contract: `Verifier.sol:${contractName}`,
    metadata,
  });
  const verifier = await deployContract({
    client,
    abi: c.abi as Abi,
    bytecode: c.bytecode,
    name: contractName,
  });
  const adapter = await deployContract({
    client,
    abi: snarkjsVerifierAdapterAbi,
    bytecode: snarkjsVerifierAdapterBytecode,
    args: [verifier.address, 0, iris.compiled.publicSignals.layout.nPublic],
    name: "SnarkjsVerifierAdapter",
  });
  return { runtime: c.deployedBytecode, adapter: adapter.address };
}

// Issue 16, "Deployments and the auditor": metadata-blind verifier check, strict mode and what
// was not checked, timestamps, submitters, decoded outputs, governance events, the scan start,
// the HTML report rendered in Chromium.
describe("the audit report: what an auditor reads first", function () {
  this.timeout(600_000);
  let iris: IrisArtifacts;
  let registry: `0x${string}`;
  let deployBlock: bigint;
  let report: AuditReport;
  let strict: AuditReport;
  let bare: AuditReport;
  let otherDir: string;
  let expected: { predictionId: string; class: number; values: number[] };
  const NO_HASH = keccakId("audit-report:bytecodeHash-none");
  const NO_CBOR = keccakId("audit-report:no-cbor");

  before(async function () {
    iris = await irisArtifacts();
    await ethers.provider.send("hardhat_mine", [`0x${BLOCKS_BEFORE.toString(16)}`]);
    const reg = await deployRegistry({ client: signer });
    registry = reg.address;
    deployBlock = reg.blockNumber;
    const layout = iris.compiled.publicSignals.layout;
    const metadataURI = `file://${join(iris.dir, "manifest.json")}`;
    const noHash = await deployVerifierBuiltWith(iris, { bytecodeHash: "none" });
    const noCbor = await deployVerifierBuiltWith(iris, { appendCBOR: false });
    // The two builds differ in their bytes: only the metadata-blind comparison equates them.
    expect(noHash.runtime).to.not.equal(noCbor.runtime);
    for (const [modelId, adapter] of [
      [NO_HASH, noHash.adapter],
      [NO_CBOR, noCbor.adapter],
    ]) {
      await registerModel({
        client: signer,
        registry,
        modelId,
        weightCommitment: iris.compiled.weightCommitment,
        verifier: adapter,
        layout,
        metadataURI,
      });
    }
    const proof = await iris.prove(120);
    const submitted = await submitPrediction({
      client: operator,
      registry,
      modelId: NO_HASH,
      proof: proof.proofBytes,
      publicSignals: proof.publicSignals,
    });
    expected = {
      predictionId: submitted.predictionId,
      class: proof.outputs.predictedClass,
      values: proof.outputs.values,
    };
    const r = new ethers.Contract(registry, modelRegistryAbi as never, signer);
    await (await r.grantRole(keccakId("REGISTRAR_ROLE"), operator.address)).wait();
    await (await r.pause()).wait();
    await (await r.unpause()).wait();
    // A manifest folder of another model: it matches no registered version.
    otherDir = join(ROOT, "build/test/audit-report-other");
    mkdirSync(otherDir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(iris.dir, "manifest.json"), "utf8"));
    writeFileSync(
      join(otherDir, "manifest.json"),
      JSON.stringify({ ...manifest, weightCommitment: "12345" }),
    );
    const manifests = [iris.dir, otherDir];
    report = await auditRegistry({ client: ethers.provider, registry, manifests });
    strict = await auditRegistry({ client: ethers.provider, registry, manifests, strict: true });
    bare = await auditRegistry({ client: ethers.provider, registry });
  });

  it("passes a verifier built with other solc metadata settings (no hash, no CBOR at all)", function () {
    for (const id of [NO_HASH, NO_CBOR]) {
      const m = report.models.find((x) => x.modelId === id)!;
      const check = m.checks.find((c) => c.name === "verifier contract")!;
      expect(check.status, check.detail).to.equal("pass");
      expect(check.detail).to.contain("solc metadata differs");
    }
  });

  it("starts the scan at the registry's creation block, found on chain", function () {
    expect(deployBlock > BigInt(BLOCKS_BEFORE)).to.equal(true);
    expect(report.fromBlock).to.equal(deployBlock);
    expect(report.fromBlockSource).to.contain("first block with its code");
  });

  it("gives block timestamps, registrars and submitters", async function () {
    const p = report.predictions.find((x) => x.predictionId === expected.predictionId)!;
    const block = await ethers.provider.getBlock(Number(p.blockNumber));
    expect(p.blockTimestamp).to.equal(block!.timestamp);
    expect(p.submitter.toLowerCase()).to.equal(operator.address.toLowerCase());
    for (const m of report.models) {
      expect(m.registrar!.toLowerCase()).to.equal(signer.address.toLowerCase());
      expect(m.blockTimestamp).to.be.greaterThan(0);
    }
  });

  it("decodes the outputs through the manifest's scale: the class and the logits of the proof", function () {
    const p = report.predictions.find((x) => x.predictionId === expected.predictionId)!;
    expect(p.decoded!.kind).to.equal("logits");
    expect(p.decoded!.predictedClass).to.equal(expected.class);
    expect(p.decoded!.values).to.deep.equal(expected.values);
    expect(p.decoded!.raw.some((x) => x < 0n)).to.equal(true); // signed, not field elements
    const md = readFileSync(
      writeAuditReport({ report, outDir: join(iris.dir, "audit-report") }).markdown,
      "utf8",
    );
    expect(md).to.contain(`class ${expected.class}; logits ${expected.values[0].toFixed(3)}`);
    // JSON convention: dequantized outputs next to raw, field elements kept, blocks as numbers.
    const json = auditReportToJson(report).predictions.find(
      (x) => x.predictionId === expected.predictionId,
    )!;
    expect(json).to.include({ outputKind: "logits", predictedClass: expected.class });
    expect(json.outputs).to.deep.equal(expected.values);
    expect(json.outputsRaw).to.deep.equal(p.decoded!.raw.map(String));
    expect(json.outputsField).to.deep.equal(p.outputs.map(String));
    expect(json.blockNumber).to.equal(Number(p.blockNumber));
  });

  it("lists role grants and pauses with what they did", function () {
    const lines = report.events.map((e) => `${e.eventName}: ${e.summary}`);
    expect(lines).to.include(
      `RoleGranted: REGISTRAR_ROLE granted to ${operator.address} by ${signer.address}`,
    );
    expect(lines).to.include(`Paused: submissions paused by ${signer.address}`);
    expect(lines).to.include(`Unpaused: submissions resumed by ${signer.address}`);
    // The constructor's grants are in the creation block, the first one scanned.
    const grants = report.events.filter((e) => e.blockNumber === deployBlock);
    expect(grants.map((e) => e.summary.split(" ")[0])).to.deep.equal([
      "DEFAULT_ADMIN_ROLE",
      "REGISTRAR_ROLE",
      "PAUSER_ROLE",
    ]);
  });

  it("by default says what was not checked; --strict makes it a finding", function () {
    expect(report.summary.ok).to.equal(true);
    expect(report.notChecked.map((n) => n.subject)).to.include(`manifest ${otherDir}`);
    expect(report.summary.unmatchedManifests).to.equal(1);
    expect(strict.summary.ok).to.equal(false);
    expect(strict.summary.findings).to.equal(strict.notChecked.length);
    expect(strict.summary.failed).to.equal(0);
    // No manifest at all: ok, but every model's manifest and every proof are "not checked".
    expect(bare.summary.ok).to.equal(true);
    const checks = bare.notChecked.map((n) => `${n.subject.split(" ")[0]} ${n.check}`);
    expect(checks.filter((c) => c === "model manifest")).to.have.length(2);
    expect(checks).to.include("prediction proof (off-chain)");
    expect(bare.predictions[0].decoded).to.equal(null);
  });

  it("refuses to register a commitment the model already has, unless asked for a new version", async function () {
    const layout = iris.compiled.publicSignals.layout;
    const base = {
      client,
      registry,
      modelId: NO_HASH as `0x${string}`,
      weightCommitment: iris.compiled.weightCommitment,
      layout,
    };
    const v1 = report.models.find((m) => m.modelId === NO_HASH)!;
    // The same registration again: nothing to do, version 1 is it.
    const same = await registeredCommitment({ ...base, verifier: v1.verifier });
    expect(same?.version).to.equal(1);
    // The same weights behind another verifier: refused, naming the version and the flag.
    const other = report.models.find((m) => m.modelId === NO_CBOR)!.verifier;
    let error: unknown;
    await registeredCommitment({ ...base, verifier: other }).catch((e) => (error = e));
    expect(error).to.be.instanceOf(AlreadyRegisteredError);
    expect((error as Error).message).to.match(/already has this weight commitment in version 1/);
    expect((error as AlreadyRegisteredError).details.flag).to.equal("--new-version");
    expect(await registeredCommitment({ ...base, verifier: other, newVersion: true })).to.equal(
      null,
    );
    // A new commitment: register.
    const fresh = { ...base, weightCommitment: base.weightCommitment + 1n, verifier: other };
    expect(await registeredCommitment(fresh)).to.equal(null);
  });

  it("writes a self-contained HTML report that renders in headless Chromium", async function () {
    const outDir = join(ROOT, "build/test/audit-report-html");
    rmSync(outDir, { recursive: true, force: true });
    const files = writeAuditReport({ report: strict, outDir });
    const html = readFileSync(files.html, "utf8");
    expect(html).to.not.match(/<script|<link|src=|url\(/i);
    if (!existsSync(CHROMIUM)) {
      console.log(
        `    skipped the rendering: ${CHROMIUM} is missing (apt-get install -y chromium)`,
      );
      return;
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(`file://${files.html}`);
      expect(requests).to.deep.equal([`file://${files.html}`]);
      const verdict = page.locator("#verdict");
      expect(await verdict.isVisible()).to.equal(true);
      expect(await verdict.innerText()).to.match(/^\d+ finding\(s\)/);
      // The verdict is red: a strict report with things not checked has findings.
      expect(
        await page.evaluate("getComputedStyle(document.getElementById('verdict')).borderColor"),
      ).to.equal("rgb(207, 34, 46)");
      const rows = await page.locator("#predictions tr").count();
      expect(rows).to.equal(strict.predictions.length + 1);
      expect(await page.locator("body").innerText()).to.contain(`class ${expected.class}; logits`);
      const png = join(outDir, "audit-report.png");
      await page.screenshot({ path: png, fullPage: true });
      expect(readFileSync(png).subarray(1, 4).toString()).to.equal("PNG");
    } finally {
      await browser.close();
    }
  });
});
