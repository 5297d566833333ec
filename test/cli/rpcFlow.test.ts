import { expect } from "chai";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
    url = `http://${address}:${port}`;
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
    const d = await zkml("deploy", iris.dir, "--rpc-url", url, "--json");
    expect(d.code, d.stderr).to.equal(0);
    const r = await zkml("register", iris.dir, "--rpc-url", url, "--json");
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).version).to.equal(1);
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
    const registry = JSON.parse(d(iris.dir)).registry as string;
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

    const signer = new Wallet(DEV_KEY, new JsonRpcProvider(url));
    await registerModel({
      client: signer,
      registry,
      modelId: iris.modelId,
      weightCommitment: iris.compiled.weightCommitment + 1n,
      verifier: JSON.parse(d(iris.dir)).adapter,
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

/** The deployment record the CLI wrote for this node. */
function d(dir: string): string {
  const file = readdirSync(join(dir, "deployments")).find((f) => f.startsWith("http"))!;
  return readFileSync(join(dir, "deployments", file), "utf8");
}
