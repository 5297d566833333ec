import { expect } from "chai";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import { network } from "hardhat";
import type { JsonRpcServer } from "hardhat/types/network";
import { ROOT } from "../helpers/root.ts";
import { runZkml } from "../helpers/zkmlCli.ts";
import { registerModel } from "../../sdk/core/src/chain/registerModel.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { irisArtifacts } from "../sdk/irisArtifacts.ts";
import type { IrisArtifacts } from "../sdk/irisArtifacts.ts";

/** Hardhat's first default development account (a published test key, funded on every dev chain). */
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/** An API key as providers put it in RPC URLs (path and query): it must reach no file. */
const API_KEY = "k3yS3cr3t0123456789";

/** The zkml CLI in its own process (test/helpers/zkmlCli.ts). */
const zkml = (...args: string[]) => runZkml(args, { ZKML_PRIVATE_KEY: DEV_KEY });

describe("the zkml CLI against a JSON-RPC node, one command per process", function () {
  let server: JsonRpcServer;
  let url: string;
  let iris: IrisArtifacts;
  let proofFile: string;

  before(async function () {
    iris = await irisArtifacts("cli-rpc");
    for (const sub of ["deployments", "pending", "submitted"]) {
      rmSync(join(iris.dir, sub), { recursive: true, force: true });
    }
    server = await network.createServer("default", "127.0.0.1", 0);
    const { address, port } = await server.listen();
    // Hardhat's server answers on any path, as a provider's `https://host/v3/<key>` would.
    url = `http://${address}:${port}/v3/${API_KEY}?apikey=${API_KEY}`;
    proofFile = join(iris.dir, "rpc-proof.json");
    const input = join(iris.dir, "rpc-input.json");
    writeFileSync(input, JSON.stringify({ input_data: [loadIris().features[42]] }));
    const p = await zkml("prove", iris.dir, "--input", input, "--out", proofFile, "--json");
    expect(p.code, p.stderr).to.equal(0);
  });

  after(async function () {
    await server?.close();
  });

  it("deploys, registers and submits in separate runs, recording addresses in the model folder", async function () {
    const dep = await zkml("deploy", iris.dir, "--rpc-url", url, "--json");
    expect(dep.code, dep.stderr).to.equal(0);
    const r = await zkml("register", iris.dir, "--rpc-url", url, "--json");
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).version).to.equal(1);
    // The record: keyed by chain id, with transactions, blocks, deployer and versions, no URL.
    expect(readdirSync(join(iris.dir, "deployments"))).to.deep.equal(["31337.json"]);
    const record = JSON.parse(d(iris.dir));
    const [deployer] = await new JsonRpcProvider(url).listAccounts();
    for (const c of [record.registry, record.verifier, record.adapter]) {
      expect(c.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(c.blockNumber).to.be.a("number");
      expect(c.deployer).to.equal(deployer.address);
    }
    expect(record).to.include({ chainId: 31337 });
    expect(record.network).to.equal(undefined);
    expect(record.tools["@zkml-verify/node"]).to.match(/^\d+\.\d+\.\d+/);
    expect(record.registrations).to.have.length(1);
    expect(record.registrations[0]).to.include({ version: 1, registrar: deployer.address });
    for (const out of [d(iris.dir), r.stdout, r.stderr, dep.stdout, dep.stderr]) {
      expect(out).to.not.contain(API_KEY);
    }
    // Registering again sends nothing and says so: no version 2 of the same commitment.
    const repeat = await zkml("register", iris.dir, "--rpc-url", url);
    expect(repeat.code, repeat.stderr).to.equal(0);
    expect(repeat.stdout).to.match(/version 1 already has this weight commitment.*nothing sent/);
    expect(JSON.parse(d(iris.dir)).registrations).to.have.length(1);
    const e = await zkml(
      "submit",
      iris.dir,
      "--rpc-url",
      url,
      "--proof",
      proofFile,
      "--estimate",
      "--json",
    );
    expect(e.code, e.stderr).to.equal(0);
    const [estimate] = JSON.parse(e.stdout).estimates;
    const s = await zkml("submit", iris.dir, "--rpc-url", url, "--proof", proofFile, "--json");
    expect(s.code, s.stderr).to.equal(0);
    const [sub] = JSON.parse(s.stdout).submissions;
    expect(sub.outcome).to.equal("sent");
    // eth_estimateGas before sending: never below what the transaction used.
    expect(BigInt(estimate.gas) >= BigInt(sub.gasUsed)).to.equal(true);
    expect(estimate.calldataBytes).to.equal(sub.calldataBytes);
    const saved = JSON.parse(
      readFileSync(join(iris.dir, "submitted", `${sub.predictionId}.json`), "utf8"),
    );
    expect(saved.result.txHash).to.equal(sub.txHash);
    const again = await zkml("submit", iris.dir, "--rpc-url", url, "--resume", "--json");
    expect(JSON.parse(again.stdout).submissions).to.deep.equal([]);
  });

  it("audit exits 0 on a clean history and 1 once a mismatching model is registered", async function () {
    const registry = JSON.parse(d(iris.dir)).registry.address as string;
    const out = join(iris.dir, "rpc-audit");
    const clean = await zkml(
      "audit",
      "--registry",
      registry,
      "--rpc-url",
      url,
      "--manifest",
      iris.dir,
      "--out",
      out,
      "--json",
    );
    expect(clean.code, clean.stderr).to.equal(0);
    const report = JSON.parse(clean.stdout);
    expect(report.summary).to.include({ models: 1, predictions: 1, failed: 0 });
    // The scan starts at the creation block the deployment record gives (checked on chain).
    expect(report.fromBlock).to.equal(JSON.parse(d(iris.dir)).registry.blockNumber);
    expect(report.fromBlockSource).to.contain("31337.json");
    expect(report.files.html).to.match(/audit-report\.html$/);
    for (const f of Object.values(report.files) as string[]) {
      expect(readFileSync(f, "utf8")).to.not.contain(API_KEY);
    }
    expect(clean.stdout + clean.stderr).to.not.contain(API_KEY);
    // A manifest of another model: "ok" says what was not checked; --strict makes it exit 1.
    const other = join(iris.dir, "rpc-other-model");
    rmSync(other, { recursive: true, force: true });
    mkdirSync(other);
    const manifest = JSON.parse(readFileSync(join(iris.dir, "manifest.json"), "utf8"));
    writeFileSync(
      join(other, "manifest.json"),
      JSON.stringify({ ...manifest, weightCommitment: "7" }),
    );
    const args = ["audit", "--registry", registry, "--rpc-url", url, "--out", out];
    const lax = await zkml(...args, "--manifest", other);
    expect(lax.code, lax.stderr).to.equal(0);
    expect(lax.stdout).to.contain("NOT CHECKED");
    expect(lax.stdout).to.contain(`manifest ${other}: manifest: matches no registered version`);
    const strict = await zkml(...args, "--manifest", other, "--strict");
    expect(strict.code).to.equal(1);

    const signer = new Wallet(DEV_KEY, new JsonRpcProvider(url));
    await registerModel({
      client: signer,
      registry,
      modelId: iris.modelId,
      weightCommitment: iris.compiled.weightCommitment + 1n,
      verifier: JSON.parse(d(iris.dir)).adapter.address,
      layout: iris.compiled.publicSignals.layout,
      metadataURI: `file://${join(iris.dir, "manifest.json")}`,
    });
    const dirty = await zkml(
      "audit",
      "--registry",
      registry,
      "--rpc-url",
      url,
      "--manifest",
      iris.dir,
      "--out",
      out,
    );
    expect(dirty.code).to.equal(1);
    expect(dirty.stdout).to.contain("FINDING");
    expect(readFileSync(join(out, "audit-report.md"), "utf8")).to.contain("1 finding(s)");
    (signer.provider as JsonRpcProvider).destroy();
  });
});

/** The deployment record the CLI wrote for this node (chain 31337). */
function d(dir: string): string {
  return readFileSync(join(dir, "deployments", "31337.json"), "utf8");
}
