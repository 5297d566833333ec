import { expect } from "chai";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { ROOT } from "../helpers/root.ts";
import { runZkml } from "../helpers/zkmlCli.ts";
import { loadIris } from "../../scripts/lib/iris.ts";

const WORK = join(ROOT, "build/test/cli-submitter");
const DIR = join(WORK, "iris-bound");

/** The zkml CLI in its own process (test/helpers/zkmlCli.ts). */
const zkml = (...args: string[]) => runZkml(args);

// The in-process chain of every zkml command has Hardhat's default accounts; its signer is the first.
const { ethers } = await network.create();
const [signer, other] = await ethers.getSigners();

describe("the zkml CLI with a bound submitter: compile --submitter bound, prove --submitter", function () {
  const input = join(WORK, "input.json");

  before(async function () {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    const iris = loadIris();
    writeFileSync(input, JSON.stringify({ input_data: [iris.features[100]] }));
    const calibration = join(WORK, "calibration.json");
    writeFileSync(calibration, JSON.stringify({ input_data: iris.features }));
    const c = await zkml(
      "compile",
      join(ROOT, "models/iris-mlp.onnx"),
      "--out",
      DIR,
      "--calibration",
      calibration,
      "--submitter",
      "bound",
      "--json",
    );
    expect(c.code, c.stderr).to.equal(0);
    const out = JSON.parse(c.stdout);
    expect(out.visibility.submitter).to.equal("bound");
    expect(out.publicSignals.at(-1)).to.equal("submitter");
    const s = await zkml("setup", DIR, "--system", "groth16", "--json");
    expect(s.code, s.stderr).to.equal(0);
  });

  it("prove needs --submitter for a bound model (exit 3, naming the flag); bad values are refused (exit 2)", async function () {
    const missing = await zkml("prove", DIR, "--input", input, "--json");
    expect(missing.code).to.equal(3);
    expect(missing.stderr).to.contain("--submitter <0x address>");
    // A malformed option value is bad usage (exit 2), named.
    const bad = await zkml("prove", DIR, "--input", input, "--submitter", "0x1234", "--json");
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("20-byte hex address");
    const usage = await zkml("compile", "x.onnx", "--out", WORK, "--submitter", "maybe");
    expect(usage.code).to.equal(2);
  });

  it("deploy --register --submit records a proof bound to the signer, and refuses one bound to another account", async function () {
    const mine = join(WORK, "proof-signer.json");
    const theirs = join(WORK, "proof-other.json");
    for (const [address, out] of [
      [signer.address, mine],
      [other.address, theirs],
    ]) {
      const p = await zkml("prove", DIR, "--input", input, "--submitter", address, "--out", out);
      expect(p.code, p.stderr).to.equal(0);
      const proof = JSON.parse(readFileSync(out, "utf8"));
      expect(BigInt(proof.publicSignals.at(-1))).to.equal(BigInt(address));
    }
    const ok = await zkml("deploy", DIR, "--register", "--submit", mine, "--json");
    expect(ok.code, ok.stderr).to.equal(0);
    expect(JSON.parse(ok.stdout).submitted).to.have.length(1);
    const refused = await zkml("deploy", DIR, "--register", "--submit", theirs, "--json");
    expect(refused.code).to.equal(3);
    expect(refused.stderr).to.contain(`bound to submitter ${other.address.toLowerCase()}`);
    expect(refused.stderr).to.contain(`the sender is ${signer.address}`);
  });
});
