import { expect } from "chai";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import type { JsonRpcServer } from "hardhat/types/network";
import { ROOT } from "../helpers/root.ts";
import { runZkml } from "../helpers/zkmlCli.ts";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { hashFile } from "../../sdk/node/src/setup/hashFile.ts";
import { irisArtifacts } from "../sdk/irisArtifacts.ts";
import type { IrisArtifacts } from "../sdk/irisArtifacts.ts";
import { forgedKeyFolder } from "../setup/forgedKey.ts";
import type { ForgedKeyFolder } from "../setup/forgedKey.ts";

/** Hardhat's first default development account (a published test key, funded on every dev chain). */
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/** Sepolia's chain id: what a node that is not a local dev chain reports. */
const PUBLIC_CHAIN_ID = 11155111;

/** The zkml CLI in its own process (test/helpers/zkmlCli.ts). */
const zkml = (...args: string[]) => runZkml(args, { ZKML_PRIVATE_KEY: DEV_KEY });

async function serve(chainId?: number): Promise<{ server: JsonRpcServer; url: string }> {
  const server = await network.createServer(
    chainId ? { network: "default", override: { chainId } } : "default",
    "127.0.0.1",
    0,
  );
  const { address, port } = await server.listen();
  return { server, url: `http://${address}:${port}` };
}

// Issue 12 items 2, 3 and 5 through the CLI, one command per process.
describe("the zkml CLI refuses untrusted, changed or missing keys", function () {
  let forged: ForgedKeyFolder;
  let iris: IrisArtifacts;
  let dev: { server: JsonRpcServer; url: string };
  let pub: { server: JsonRpcServer; url: string };

  before(async function () {
    forged = await forgedKeyFolder("cli-key-trust");
    iris = await irisArtifacts("cli-setup-trust");
    for (const sub of ["deployments", "proofs"])
      rmSync(join(iris.dir, sub), { recursive: true, force: true });
    const s = await zkml("setup", iris.dir, "--system", "groth16", "--json");
    expect(s.code, s.stderr).to.equal(0);
    expect(JSON.parse(s.stdout).trust.devOnly).to.equal(true);
    dev = await serve();
    pub = await serve(PUBLIC_CHAIN_ID);
  });

  after(async function () {
    await dev?.server.close();
    await pub?.server.close();
  });

  it("verify and manifest verify refuse a key without phase-2 contribution (the forged proof passed both on main)", async function () {
    const v = await zkml("verify", forged.dir, "--proof", forged.proofFile, "--json");
    expect(v.code).to.equal(3);
    expect(v.stderr).to.match(/UntrustedKeyError: .*model\.zkey has no phase-2 contribution/);
    expect(v.stderr).to.contain("reason: no-contribution");
    const m = await zkml("manifest", "verify", forged.dir);
    expect(m.code).to.equal(1);
    expect(m.stdout).to.match(/FAIL {2}groth16: key trust: .*no phase-2 contribution/);
    expect(m.stdout).to.match(
      /FAIL {2}groth16: zkey against r1cs \+ ptau: 0 phase-2 contributions/,
    );
    // Nor is it deployed, even on the in-process chain.
    const d = await zkml("deploy", forged.dir, "--allow-dev-setup");
    expect(d.code).to.equal(3);
    expect(d.stderr).to.contain("UntrustedKeyError");
  });

  it("deploy and register accept the dev setup on a local dev chain (31337) without a flag", async function () {
    const d = await zkml("deploy", iris.dir, "--rpc-url", dev.url, "--register", "--json");
    expect(d.code, d.stderr).to.equal(0);
    const out = JSON.parse(d.stdout);
    expect(out).to.include({ chainId: 31337, devSetup: true, system: "groth16" });
    expect(out.registered.version).to.equal(1);
    expect(d.stderr).to.not.contain("warning");
  });

  it(`refuse it on chain ${PUBLIC_CHAIN_ID} unless --allow-dev-setup`, async function () {
    const d = await zkml("deploy", iris.dir, "--rpc-url", pub.url);
    expect(d.code).to.equal(3);
    expect(d.stderr).to.match(/DevSetupError: .*chain 11155111/);
    expect(d.stderr).to.contain("--allow-dev-setup");
    expect(d.stderr).to.contain("ptau from the local single-party dev ceremony");
    const allowed = await zkml(
      "deploy",
      iris.dir,
      "--rpc-url",
      pub.url,
      "--allow-dev-setup",
      "--json",
    );
    expect(allowed.code, allowed.stderr).to.equal(0);
    expect(allowed.stderr).to.match(
      /warning: --allow-dev-setup: the groth16 setup is single-party/,
    );
    expect(JSON.parse(allowed.stdout).chainId).to.equal(PUBLIC_CHAIN_ID);
    const r = await zkml("register", iris.dir, "--rpc-url", pub.url);
    expect(r.code).to.equal(3);
    expect(r.stderr).to.contain("DevSetupError");
    const ok = await zkml(
      "register",
      iris.dir,
      "--rpc-url",
      pub.url,
      "--allow-dev-setup",
      "--json",
    );
    expect(ok.code, ok.stderr).to.equal(0);
    expect(JSON.parse(ok.stdout).version).to.equal(1);
  });

  it("deploy refuses a key whose sha256 is not the manifest's, naming the file and both hashes", async function () {
    const vk = join(iris.dir, "verification_key.json");
    const original = readFileSync(vk, "utf8");
    const expected = hashFile({ file: vk });
    try {
      writeFileSync(vk, original + "\n");
      const actual = hashFile({ file: vk });
      const d = await zkml("deploy", iris.dir, "--rpc-url", dev.url, "--allow-dev-setup");
      expect(d.code).to.equal(3);
      expect(d.stderr).to.contain("KeyMismatchError");
      expect(d.stderr).to.contain(`file: ${vk}`);
      expect(d.stderr).to.contain(`expected: ${expected}`);
      expect(d.stderr).to.contain(`actual: ${actual}`);
    } finally {
      writeFileSync(vk, original);
    }
  });

  it("prove with a missing key is an error naming the key and the deployed verifier; no setup runs", async function () {
    const input = join(iris.dir, "trust-input.json");
    writeFileSync(input, JSON.stringify({ input_data: [loadIris().features[7]] }));
    const zkey = join(iris.dir, "model.zkey");
    const aside = `${zkey}.aside`;
    const vk = join(iris.dir, "verification_key.json");
    const before = [
      vk,
      join(iris.dir, "manifest.json"),
      join(iris.dir, "Verifier.groth16.sol"),
    ].map((f) => hashFile({ file: f }));
    renameSync(zkey, aside);
    try {
      const p = await zkml("prove", iris.dir, "--input", input);
      expect(p.code).to.equal(3);
      expect(p.stderr).to.match(
        /MissingKeyError: .*model\.zkey is missing; zkml prove never runs a setup/,
      );
      expect(p.stderr).to.match(/deployment: .*deployments\/\d+\.json/);
      expect(p.stderr).to.match(/verifier: 0x[0-9a-fA-F]{40}/);
      expect(existsSync(zkey)).to.equal(false);
      const after = [
        vk,
        join(iris.dir, "manifest.json"),
        join(iris.dir, "Verifier.groth16.sol"),
      ].map((f) => hashFile({ file: f }));
      expect(after).to.deep.equal(before);
    } finally {
      renameSync(aside, zkey);
    }
    const ok = await zkml("prove", iris.dir, "--input", input, "--json");
    expect(ok.code, ok.stderr).to.equal(0);
  });

  it("prove on a folder without any setup says to run zkml setup", async function () {
    const dir = join(ROOT, "build/test/cli-no-setup");
    rmSync(dir, { recursive: true, force: true });
    await compileModel({ model: join(ROOT, "models/iris-mlp.onnx"), outDir: dir });
    const input = join(dir, "input.json");
    writeFileSync(input, JSON.stringify({ input_data: [loadIris().features[7]] }));
    const p = await zkml("prove", dir, "--input", input, "--system", "plonk");
    expect(p.code).to.equal(3);
    expect(p.stderr).to.match(/MissingKeyError: .*model\.plonk\.zkey is missing/);
    expect(p.stderr).to.contain(`run zkml setup ${dir} --system plonk first`);
    expect(existsSync(join(dir, "model.plonk.zkey"))).to.equal(false);
  });
});
