import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { id as keccakId } from "ethers";
import { network } from "hardhat";
import * as snarkjs from "snarkjs";
import type { VerificationKey } from "snarkjs";
import { auditRegistry } from "../../sdk/node/src/audit/auditRegistry.ts";
import { deployRegistry } from "../../sdk/core/src/chain/deployRegistry.ts";
import { deployVerifier } from "../../sdk/node/src/chain/deployVerifier.ts";
import { registerModel } from "../../sdk/core/src/chain/registerModel.ts";
import { submitPrediction } from "../../sdk/core/src/chain/submitPrediction.ts";
import { UntrustedKeyError } from "../../sdk/core/src/errors.ts";
import { encodeGroth16Proof } from "../../sdk/core/src/prove/encodeProof.ts";
import { verifyGroth16 } from "../../sdk/core/src/prove/verifyGroth16.ts";
import { verifyProof } from "../../sdk/core/src/prove/verifyProof.ts";
import { checkGroth16KeyTrust } from "../../sdk/node/src/setup/checkGroth16KeyTrust.ts";
import { G2_GENERATOR } from "../../sdk/core/src/keyTrust.ts";
import { hashFile } from "../../sdk/node/src/setup/hashFile.ts";
import { readZkeyInfo } from "../../sdk/node/src/setup/readZkeyInfo.ts";
import { setupGroth16 } from "../../sdk/node/src/setup/setupGroth16.ts";
import { PHASE2_DEV_NAME } from "../../sdk/node/src/setup/setupTrust.ts";
import { verifyManifest } from "../../sdk/node/src/setup/verifyManifest.ts";
import { forgedKeyFolder, forgeGroth16 } from "./forgedKey.ts";
import type { ForgedKeyFolder } from "./forgedKey.ts";

const { ethers } = await network.create();
const [signer] = await ethers.getSigners();

const reasonOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof UntrustedKeyError) return e.details.reason;
    throw e;
  }
  return undefined;
};

// Issue 12 item 2: a Groth16 zkey made by `snarkjs zkey new` alone (delta = gamma = the G2
// generator) lets anyone prove any statement. Every place that trusts a key refuses it.
describe("Groth16 keys without phase-2 randomness are refused", function () {
  let f: ForgedKeyFolder;

  before(async function () {
    f = await forgedKeyFolder("key-trust-sdk");
  });

  it("the forgery works against such a key: snarkjs accepts a proof of outputs never computed", async function () {
    expect(f.verificationKey.vk_delta_2).to.deep.equal(f.verificationKey.vk_gamma_2);
    expect(
      (f.verificationKey.vk_gamma_2 as unknown as string[][]).slice(0, 2).map((c) => c.map(BigInt)),
    ).to.deep.equal([G2_GENERATOR.x, G2_GENERATOR.y]);
    const signals = f.publicSignals.map(String);
    expect(await snarkjs.groth16.verify(f.verificationKey, signals, f.forged)).to.equal(true);
    // ... and not against a key with a contribution.
    const honest = f.iris.setup.verificationKey;
    const forgedHonest = await forgeGroth16(honest, f.publicSignals);
    expect(await snarkjs.groth16.verify(honest, signals, forgedHonest)).to.equal(false);
  });

  it("checkGroth16KeyTrust names the cause: no contribution in the zkey, delta = gamma in the key", function () {
    expect(readZkeyInfo({ zkey: join(f.dir, "model.zkey") })).to.deep.equal({
      protocol: "groth16",
      contributions: [],
    });
    expect(reasonOf(() => checkGroth16KeyTrust({ zkey: join(f.dir, "model.zkey") }))).to.equal(
      "no-contribution",
    );
    expect(reasonOf(() => checkGroth16KeyTrust({ verificationKey: f.verificationKey }))).to.equal(
      "delta-equals-gamma",
    );
    // delta = -gamma is as forgeable (C = vk_x): refused too.
    const negated = structuredClone(f.verificationKey) as unknown as Record<string, string[][]>;
    const q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
    negated.vk_delta_2[1] = negated.vk_delta_2[1].map((y) => String((q - BigInt(y)) % q));
    expect(
      reasonOf(() =>
        checkGroth16KeyTrust({ verificationKey: negated as unknown as VerificationKey }),
      ),
    ).to.equal("delta-equals-gamma");
    // The key zkml setup makes passes: one local contribution, delta random.
    const ok = checkGroth16KeyTrust({
      verificationKey: f.iris.setup.verificationKey,
      zkey: f.honestZkey,
    });
    expect(ok.contributions).to.deep.equal([{ name: PHASE2_DEV_NAME, beacon: false }]);
  });

  it("verifyProof and verifyGroth16 throw UntrustedKeyError instead of returning valid", async function () {
    const args = {
      verificationKey: f.verificationKey,
      proof: f.forged,
      publicSignals: f.publicSignals,
    };
    let error: unknown;
    try {
      await verifyProof({ system: "groth16", ...args });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UntrustedKeyError);
    expect((error as UntrustedKeyError).message).to.match(/vk_delta_2 equals \+-vk_gamma_2/);
    error = undefined;
    try {
      await verifyGroth16(args);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UntrustedKeyError);
  });

  it("manifest verify fails the key (today: '0 contribution(s)' reported as ok)", async function () {
    const r = await verifyManifest({ dir: f.dir });
    expect(r.ok).to.equal(false);
    const failed = r.checks.filter((c) => c.ok === false);
    expect(failed.map((c) => c.check)).to.deep.equal([
      "groth16: zkey against r1cs + ptau",
      "groth16: key trust",
    ]);
    expect(failed[0].detail).to.match(/0 phase-2 contributions/);
    expect(failed[1].detail).to.match(/no phase-2 contribution/);
    // The hashes are consistent: only the trust of the key gives it away.
    for (const name of ["groth16: zkey hash", "groth16: verification key hash"])
      expect(r.checks.find((c) => c.check === name)?.ok).to.equal(true);
  });

  it("the auditor flags the model and the forged prediction the chain recorded", async function () {
    const layout = f.iris.compiled.publicSignals.layout;
    const registry = (await deployRegistry({ client: signer })).address;
    const zkey = join(f.dir, "model.zkey");
    const verifier = await deployVerifier({
      client: signer,
      zkey,
      zkeySha256: hashFile({ file: zkey }),
      nPublic: layout.nPublic,
    });
    const modelId = keccakId("key-trust:forged");
    await registerModel({
      client: signer,
      registry,
      modelId,
      weightCommitment: f.iris.compiled.weightCommitment,
      verifier: verifier.adapter,
      layout,
      metadataURI: `file://${join(f.dir, "manifest.json")}`,
    });
    // The on-chain verifier accepts the forgery: the registry records it.
    const { predictionId } = await submitPrediction({
      client: signer,
      registry,
      modelId,
      proof: encodeGroth16Proof(f.forged),
      publicSignals: f.publicSignals,
    });
    const report = await auditRegistry({ client: ethers.provider, registry, manifests: [f.dir] });
    const model = report.models.find((m) => m.modelId === modelId)!;
    const failedModel = model.checks.filter((c) => c.status === "fail");
    expect(failedModel.map((c) => c.name)).to.deep.equal(["key trust"]);
    expect(failedModel[0].detail).to.match(/no phase-2 contribution/);
    const p = report.predictions.find((x) => x.predictionId === predictionId)!;
    const failedPrediction = p.checks.filter((c) => c.status === "fail");
    expect(failedPrediction.map((c) => c.name)).to.deep.equal(["proof (off-chain)"]);
    expect(failedPrediction[0].detail).to.match(/^key refused: .*vk_delta_2/);
    expect(report.summary.ok).to.equal(false);
  });

  it("setup never produces or reuses such a key: a ceremony key without contribution is refused, a poisoned cache entry rebuilt", async function () {
    const zkey = join(f.dir, "model.zkey");
    const r1cs = f.iris.compiled.circuit.r1cs;
    const base = {
      r1cs,
      constraints: f.iris.compiled.circuit.constraints,
      nPublic: f.iris.compiled.publicSignals.layout.nPublic,
      ptau: f.iris.setup.ptau.file,
    };
    const out = mkdtempSync(join(tmpdir(), "zkml-keytrust-out-"));
    let error: unknown;
    try {
      await setupGroth16({ ...base, outDir: out, zkey });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UntrustedKeyError);
    expect((error as UntrustedKeyError).details).to.include({
      reason: "no-contribution",
      file: zkey,
    });
    // Plant the forgeable key in a cache, with a sidecar record that matches it.
    const cache = mkdtempSync(join(tmpdir(), "zkml-keytrust-cache-"));
    const first = await setupGroth16({ ...base, outDir: out, cache });
    expect(first.cached).to.equal(false);
    const again = await setupGroth16({ ...base, outDir: out, cache });
    expect(again.cached).to.equal(true);
    const r1csSha256 = hashFile({ file: r1cs });
    const key = `groth16-${r1csSha256.slice(0, 32)}-${f.iris.setup.ptau.sha256.slice(0, 32)}`;
    const cached = join(cache, "zkey", `${key}.zkey`);
    writeFileSync(cached, readFileSync(zkey));
    const sidecar = JSON.parse(readFileSync(`${cached}.json`, "utf8"));
    sidecar.zkeySha256 = hashFile({ file: cached });
    writeFileSync(`${cached}.json`, JSON.stringify(sidecar));
    const lines: string[] = [];
    const rebuilt = await setupGroth16({
      ...base,
      outDir: out,
      cache,
      onProgress: (l) => lines.push(l),
    });
    expect(rebuilt.cached).to.equal(false);
    expect(lines.join("\n")).to.match(/refused \(.*no phase-2 contribution.*\); rebuilding/);
    expect(rebuilt.trust.phase2?.contributions).to.equal(1);
    expect(readZkeyInfo({ zkey: cached }).contributions).to.have.length(1);
  });
});
