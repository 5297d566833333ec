import { expect } from "chai";
import { spawn } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ROOT, ZKML_CLI } from "../helpers/root.ts";
import { DevSetupError, KeyMismatchError, SetupError } from "../../sdk/core/src/errors.ts";
import type { SetupRecord, SetupTrust } from "../../sdk/core/src/manifest.ts";
import { cacheDir, removeStaleTmp } from "../../sdk/node/src/setup/cacheDir.ts";
import { beaconPhase2, contributePhase2 } from "../../sdk/node/src/setup/ceremony.ts";
import { createPtau } from "../../sdk/node/src/setup/createPtau.ts";
import { checkSetupForChain } from "../../sdk/node/src/setup/checkDeployable.ts";
import { checkKeyFiles } from "../../sdk/node/src/setup/checkKeyFiles.ts";
import { setupCircuit, setupRecord } from "../../sdk/node/src/setup/setupCircuit.ts";
import type { SetupCircuitReturnType } from "../../sdk/node/src/setup/setupCircuit.ts";
import { PHASE2_DEV_NAME, setupTrust } from "../../sdk/node/src/setup/setupTrust.ts";
import { irisArtifacts } from "../sdk/irisArtifacts.ts";
import type { IrisArtifacts } from "../sdk/irisArtifacts.ts";

/** A pid that is not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((done) => child.on("exit", done));
  return child.pid!;
}

// Issue 12 item 3 (setup trust recorded and enforced) and the cache hygiene item.
describe("setup trust: recorded, checked before reuse and before deployment", function () {
  let iris: IrisArtifacts;
  let cache: string;
  let s: SetupCircuitReturnType;

  before(async function () {
    iris = await irisArtifacts("setup-trust");
    cache = mkdtempSync(join(tmpdir(), "zkml-trust-cache-"));
    // Share the ptau (the slow part) with the default cache; keep zkeys separate.
    mkdirSync(join(cache, "zkey"));
    s = await setupCircuit({
      r1cs: iris.compiled.circuit.r1cs,
      system: "groth16",
      outDir: iris.dir,
      ptau: iris.setup.ptau.file,
      cache,
    });
  });

  const again = (lines: string[] = []) =>
    setupCircuit({
      r1cs: iris.compiled.circuit.r1cs,
      system: "groth16",
      outDir: iris.dir,
      ptau: iris.setup.ptau.file,
      cache,
      onProgress: (l) => lines.push(l),
    });
  const cachedZkey = () => {
    const f = readdirSync(join(cache, "zkey")).find((n) => n.endsWith(".zkey"))!;
    return join(cache, "zkey", f);
  };

  it("records the trust of both phases in the manifest record", function () {
    const record = setupRecord(s);
    expect(record.trust).to.deep.include({
      phase2: {
        contributions: 1,
        names: [PHASE2_DEV_NAME],
        beacon: false,
        local: true,
        singleParty: true,
      },
      devOnly: true,
    });
    expect(record.trust!.ptau).to.include({
      source: "external",
      sha256: iris.setup.ptau.sha256,
      singleParty: true,
      contributions: 1,
    });
    expect(record.singleParty).to.equal(true);
    expect(record.phase2Contributions).to.equal(1);
  });

  it("reuses a cached zkey only when its sidecar names the same r1cs, ptau and zkey hash", async function () {
    const file = cachedZkey();
    expect(existsSync(`${file}.json`)).to.equal(true);
    expect(basename(file)).to.match(/^groth16-[0-9a-f]{32}-[0-9a-f]{32}\.zkey$/);
    const hit = await again();
    expect(hit.cached).to.equal(true);
    expect(hit.zkeySha256).to.equal(s.zkeySha256);
    // A cached file changed on disk: not reused, rebuilt (a new key).
    appendFileSync(file, Buffer.from([0]));
    const lines: string[] = [];
    const tampered = await again(lines);
    expect(tampered.cached).to.equal(false);
    expect(lines.join("\n")).to.match(/not reused \(sha256 [0-9a-f]{64} != recorded/);
    expect(tampered.zkeySha256).to.not.equal(s.zkeySha256);
    // No sidecar record: not reused either.
    rmSync(`${cachedZkey()}.json`);
    const lines2: string[] = [];
    const bare = await again(lines2);
    expect(bare.cached).to.equal(false);
    expect(lines2.join("\n")).to.match(/not reused \(no sidecar record\)/);
    s = bare;
  });

  it("counts a ceremony's contributions and beacon: phase 2 multi-party, the dev ptau still single-party", async function () {
    const dir = mkdtempSync(join(tmpdir(), "zkml-trust-ceremony-"));
    const a = join(dir, "alice.zkey");
    const b = join(dir, "bob.zkey");
    const final = join(dir, "final.zkey");
    await contributePhase2({ zkeyIn: s.zkey, zkeyOut: a, name: "alice" });
    await contributePhase2({ zkeyIn: a, zkeyOut: b, name: "bob" });
    await beaconPhase2({ zkeyIn: b, zkeyOut: final, beaconHash: "ab".repeat(32) });
    const ptau = { ...s.ptau, source: "external" as const };
    const t = setupTrust({ system: "groth16", zkey: final, ptau, local: false });
    expect(t.phase2).to.deep.equal({
      contributions: 4,
      names: [PHASE2_DEV_NAME, "alice", "bob", "final beacon"],
      beacon: true,
      local: false,
      singleParty: false,
    });
    expect(t.devOnly).to.equal(true); // the ptau
    // The local contribution and alice's: two parties. One contribution and a beacon: one.
    const two = setupTrust({ system: "groth16", zkey: a, ptau, local: false });
    expect(two.phase2).to.include({ contributions: 2, beacon: false, singleParty: false });
    const solo = join(dir, "solo.zkey");
    await beaconPhase2({ zkeyIn: s.zkey, zkeyOut: solo, beaconHash: "cd".repeat(32) });
    const soloTrust = setupTrust({ system: "groth16", zkey: solo, ptau, local: false });
    expect(soloTrust.phase2).to.include({ contributions: 2, beacon: true, singleParty: true });
    // zkml setup --zkey installs the ceremony's key: checked against r1cs + ptau, recorded.
    const installed = await setupCircuit({
      r1cs: iris.compiled.circuit.r1cs,
      system: "groth16",
      outDir: mkdtempSync(join(tmpdir(), "zkml-trust-install-")),
      ptau: iris.setup.ptau.file,
      zkey: final,
    });
    expect(installed.trust.phase2).to.include({
      contributions: 4,
      local: false,
      singleParty: false,
    });
    expect(setupRecord(installed)).to.include({ singleParty: true, phase2Contributions: 4 });
    // With another ptau (another local ceremony) the key is not the ceremony's: refused.
    const otherPtau = await createPtau({ power: 9, cache: mkdtempSync(join(tmpdir(), "zkml-p-")) });
    let error: unknown;
    try {
      await setupCircuit({
        r1cs: iris.compiled.circuit.r1cs,
        system: "groth16",
        outDir: dir,
        ptau: otherPtau.file,
        zkey: final,
      });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(SetupError);
    expect((error as SetupError).message).to.match(/verifyFromR1cs rejected it/);
    // PLONK / FFLONK: no phase 2; their trust is the ptau's.
    const plonk = setupTrust({ system: "plonk", zkey: s.zkey, ptau, local: true });
    expect(plonk.phase2).to.equal(null);
  });

  describe("checkSetupForChain: where a single-party setup may go", function () {
    const dev = () => setupRecord(s);
    const trusted: SetupTrust = {
      ptau: { source: "external", sha256: "00", contributions: 71, singleParty: false },
      phase2: {
        contributions: 3,
        names: ["a", "b", "beacon"],
        beacon: true,
        local: false,
        singleParty: false,
      },
      devOnly: false,
    };
    const at = (chainId: number, inProcess = false) => ({
      network: `chain-${chainId}`,
      chainId,
      inProcess,
    });

    it("accepts it on the in-process chain and local dev chains (31337, 1337)", function () {
      expect(checkSetupForChain({ record: dev(), ...at(31337) })).to.include({
        devSetup: true,
        devChain: true,
      });
      expect(checkSetupForChain({ record: dev(), ...at(1337) }).devChain).to.equal(true);
      expect(checkSetupForChain({ record: dev(), ...at(10, true) }).devChain).to.equal(true);
    });

    it("refuses it elsewhere, naming the chain, the reasons and the flag; --allow-dev-setup accepts with a warning", function () {
      let error: unknown;
      try {
        checkSetupForChain({ record: dev(), ...at(11155111) });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(DevSetupError);
      const e = error as DevSetupError;
      expect(e.details).to.include({ chainId: 11155111, flag: "--allow-dev-setup" });
      expect(e.details.reasons).to.have.length(2);
      expect(e.message)
        .to.match(/chain 11155111/)
        .and.match(/--allow-dev-setup/);
      const allowed = checkSetupForChain({ record: dev(), ...at(11155111), allowDevSetup: true });
      expect(allowed.warning).to.match(/single-party/);
    });

    it("accepts a multi-party setup anywhere, and counts a record without trust as single-party", function () {
      const record: SetupRecord = { ...dev(), trust: trusted, singleParty: false };
      expect(checkSetupForChain({ record, ...at(1) })).to.deep.equal({
        devSetup: false,
        devChain: false,
        reasons: [],
      });
      const legacy: SetupRecord = { ...dev(), singleParty: false };
      delete legacy.trust;
      expect(() => checkSetupForChain({ record: legacy, ...at(1) })).to.throw(
        DevSetupError,
        /phase 2 recorded before setup trust was/,
      );
    });
  });

  it("checkKeyFiles refuses a key file whose hash is not the manifest's, naming file and hashes", function () {
    const record = setupRecord(s);
    expect(checkKeyFiles({ dir: iris.dir, record }).checked).to.have.length(3);
    const bad = { ...record, verificationKeySha256: "ab".repeat(32) };
    let error: unknown;
    try {
      checkKeyFiles({ dir: iris.dir, record: bad });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(KeyMismatchError);
    expect((error as KeyMismatchError).details).to.deep.include({
      file: s.verificationKeyFile,
      expected: "ab".repeat(32),
      actual: record.verificationKeySha256,
    });
  });

  describe("cache hygiene: a killed setup's temporary files are removed by the next run", function () {
    it("removes tmp files of dead pids, old orphans and old files; keeps a live run's", async function () {
      const dir = mkdtempSync(join(tmpdir(), "zkml-tmp-"));
      const dead = await deadPid();
      const files = {
        dead: `k.zkey.${dead}.0a1b2c3d.tmp`,
        deadOld: `k.ptau.${dead}.tmp`,
        legacy: `k.zkey.${dead}.1`,
        live: `k.zkey.${process.pid}.aa11bb22.tmp`,
        orphanOld: "k.zkey.tmp",
        orphanNew: "j.zkey.tmp",
        keep: "k.zkey",
      };
      for (const f of Object.values(files)) writeFileSync(join(dir, f), "partial");
      const hourAgo = new Date(Date.now() - 3600_000);
      utimesSync(join(dir, files.orphanOld), hourAgo, hourAgo);
      const { removed } = removeStaleTmp({ dir });
      expect(removed.map((f) => f.slice(dir.length + 1)).sort()).to.deep.equal(
        [files.dead, files.deadOld, files.legacy, files.orphanOld].sort(),
      );
      expect(readdirSync(dir).sort()).to.deep.equal(
        [files.live, files.orphanNew, files.keep].sort(),
      );
      // A live pid's file older than the limit (the pid may have been reused) goes too.
      const old = removeStaleTmp({ dir, now: Date.now() + 25 * 3600_000 });
      expect(old.removed.map((f) => f.slice(dir.length + 1)).sort()).to.deep.equal(
        [files.live, files.orphanNew].sort(),
      );
    });

    it("a `zkml setup` killed mid-run leaves tmp files; the next run removes them and succeeds", async function () {
      const root = mkdtempSync(join(tmpdir(), "zkml-killed-"));
      const dir = join(root, "model");
      cpSync(iris.dir, dir, { recursive: true });
      const watched = [join(root, "ptau"), join(root, "zkey")];
      const child = spawn(process.execPath, [...ZKML_CLI, "setup", dir, "--system", "groth16"], {
        env: { ...process.env, ZKML_CACHE_DIR: root },
        stdio: "ignore",
      });
      const tmpFiles = () =>
        watched.flatMap((d) =>
          existsSync(d)
            ? readdirSync(d)
                .filter((f) => f.endsWith(".tmp"))
                .map((f) => join(d, f))
            : [],
        );
      let seen: string[] = [];
      const exited = new Promise((done) => child.on("exit", done));
      let running = true;
      void exited.then(() => (running = false));
      while (running && seen.length === 0) {
        seen = tmpFiles();
        if (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
      }
      expect(seen, "the setup finished before a tmp file was seen").to.not.deep.equal([]);
      child.kill("SIGKILL");
      await exited;
      expect(tmpFiles()).to.not.deep.equal([]);
      // The next run (any cache access) cleans up; the setup then completes.
      cacheDir("ptau", root);
      cacheDir("zkey", root);
      expect(tmpFiles()).to.deep.equal([]);
      const r = await setupCircuit({
        r1cs: iris.compiled.circuit.r1cs,
        system: "groth16",
        outDir: mkdtempSync(join(tmpdir(), "zkml-killed-out-")),
        cache: root,
      });
      expect(r.cached).to.equal(false);
      expect(tmpFiles()).to.deep.equal([]);
    });
  });
});
