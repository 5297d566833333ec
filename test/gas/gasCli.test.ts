import { expect } from "chai";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { checkGasSnapshot } from "../../sdk/node/src/gas/gasSnapshot.ts";
import type { GasSnapshot } from "../../sdk/node/src/gas/gasSnapshot.ts";
import { liveClient } from "../../sdk/node/src/gas/liveCost.ts";
import { OP_FEE_PRESETS } from "../../sdk/node/src/gas/opL1Fee.ts";
import { setL1BlockValues } from "../../sdk/node/src/gas/setL1BlockValues.ts";
import { IRIS_TEST_DIR, irisGroth16Proofs } from "../contracts/helpers/irisProofs.ts";
import { ROOT } from "../helpers/root.ts";
import { runZkml } from "../helpers/zkmlCli.ts";
import { arbitrumStub } from "../helpers/rpcStub.ts";

/** A user's project directory (under the repository so Hardhat finds its config). */
const USER = join(ROOT, "build/test/gas-cli-user");
const REPO_SNAPSHOT = join(ROOT, "gas/snapshots.json");

/** Three Iris rows in the `{"input_data": [...]}` format `zkml prove --input` also reads. */
const ROWS = {
  input_data: [
    [5.1, 3.5, 1.4, 0.2],
    [6.3, 3.3, 6, 2.5],
    [5.9, 3, 4.2, 1.5],
  ],
};

describe("zkml gas (CLI): --input, live mode, --snapshot and --check", function () {
  before(async function () {
    await irisGroth16Proofs(); // the compiled and set-up Iris folder
    rmSync(USER, { recursive: true, force: true });
    mkdirSync(USER, { recursive: true });
    writeFileSync(join(USER, "rows.json"), JSON.stringify(ROWS));
  });

  it("rejects bad usage with exit 2, naming the option and the valid values", async () => {
    const r = await runZkml(["gas", IRIS_TEST_DIR, "--systems", "groth17"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain(
      '--systems must be one of groth16, plonk, fflonk, not "groth17" (did you mean groth16?)',
    );
    const c = await runZkml(["gas", IRIS_TEST_DIR, "--chain-type", "zksync"]);
    expect(c.code).to.equal(2);
    expect(c.stderr).to.contain('--chain-type must be one of op, arbitrum, l1, not "zksync"');
  });

  it("exits 3 naming the cause: too few --input rows, a refused RPC endpoint, a missing snapshot", async () => {
    const few = await runZkml(
      ["gas", IRIS_TEST_DIR, "--input", "rows.json", "--batch", "1,4"],
      {},
      USER,
    );
    expect(few.code, few.stderr).to.equal(3);
    expect(few.stderr).to.contain("need 4 distinct input rows for 4 proofs, have 3 (given)");
    // A refused endpoint fails before any proving, with one line naming the cause.
    const refused = await runZkml(["gas", IRIS_TEST_DIR, "--rpc-url", "http://127.0.0.1:9"]);
    expect(refused.code).to.equal(3);
    expect(refused.stderr).to.match(
      /^error: ChainError: live gas estimate failed: HTTP request failed/,
    );
    expect(refused.stderr).not.to.contain("127.0.0.1:9"); // a URL may carry an API key
    expect(refused.stderr).not.to.contain("proof 1 of");
    const none = await runZkml(["gas", IRIS_TEST_DIR, "--check"], {}, USER);
    expect(none.code).to.equal(3);
    expect(none.stderr).to.contain(`--check: no snapshot at ${join(USER, "gas-snapshot.json")}`);
  });

  it("proves the --input rows, prices them live on an OP node, writes the snapshot in the user's directory", async () => {
    const repoSnapshotBefore = statSync(REPO_SNAPSHOT).mtimeMs;
    const server = await network.createServer(
      { network: "default", chainType: "op" },
      "127.0.0.1",
      0,
    );
    const { address, port } = await server.listen();
    const url = `http://${address}:${port}`;
    try {
      const client = liveClient({ rpcUrl: url });
      await setL1BlockValues({
        provider: { send: (method, params) => client.request({ method, params } as never) },
        ...OP_FEE_PRESETS.base,
      });
      const r = await runZkml(
        [
          "gas",
          IRIS_TEST_DIR,
          "--input",
          "rows.json",
          "--batch",
          "1,3",
          "--rpc-url",
          url,
          "--snapshot",
          "--out",
          "report",
          "--json",
        ],
        {},
        USER,
      );
      expect(r.code, r.stderr).to.equal(0);
      const report = JSON.parse(r.stdout);
      // Progress stays on stderr with --json.
      expect(r.stderr).to.contain("live: chain 31337 (op)");
      expect(report.live.kind).to.equal("op");
      expect(report.live.chainId).to.equal(31337); // numbers; wei amounts as decimal strings
      expect(report.live.blockNumber).to.be.a("number");
      expect(report.live.prices.l1BaseFee).to.equal(String(OP_FEE_PRESETS.base.l1BaseFee));
      // submitPrediction, then batches of 1 and 3, each priced with an L1 fee.
      expect(report.live.rows.map((x: { proofs: number }) => x.proofs)).to.deep.equal([1, 1, 3]);
      for (const x of report.live.rows) {
        expect(BigInt(x.l1Fee) > 0n).to.equal(true);
        expect(BigInt(x.total)).to.equal(
          BigInt(x.executionFee) + BigInt(x.l1Fee) + BigInt(x.operatorFee),
        );
      }
      // The live section sits next to the simulated figures in the written report.
      const md = readFileSync(join(USER, "report/gas-report.md"), "utf8");
      expect(md).to.contain("## Live chain: OP stack, chain id 31337");
      expect(md).not.to.contain(url); // an RPC URL may carry an API key
      expect(readFileSync(join(USER, "report/gas-report.svg"), "utf8")).to.contain(
        "live OP stack (chain 31337)",
      );
      // The snapshot lands in the user's directory, not in the toolkit's.
      const snap = JSON.parse(readFileSync(join(USER, "gas-snapshot.json"), "utf8")) as GasSnapshot;
      expect(Object.keys(snap.gas)).to.include("submitPredictions N=3 (groth16, batch verifier)");
      expect(existsSync(join(USER, "gas-snapshot.md"))).to.equal(true);
      expect(statSync(REPO_SNAPSHOT).mtimeMs).to.equal(repoSnapshotBefore);
    } finally {
      await server.close();
    }
  });

  it("--check exits 1 when gas moved beyond --tolerance, up or down (live on an Arbitrum stub)", async () => {
    const file = join(USER, "gas-snapshot.json");
    const snap = JSON.parse(readFileSync(file, "utf8")) as GasSnapshot;
    const up = "submitPrediction (groth16)";
    const down = "submitPredictions N=3 (groth16, batch verifier)";
    snap.gas[up].executionGas = Math.round(snap.gas[up].executionGas / 1.1); // now 10% above
    snap.gas[down].executionGas = Math.round(snap.gas[down].executionGas / 0.9); // now 10% below
    writeFileSync(join(USER, "moved.json"), JSON.stringify(snap, null, 2));
    const stub = await arbitrumStub({
      l1Gas: 41_234n,
      baseFee: 10_000_000n,
      l1BaseFee: 3n * 10n ** 9n,
    });
    try {
      const r = await runZkml(
        [
          "gas",
          IRIS_TEST_DIR,
          "--input",
          "rows.json",
          "--batch",
          "1,3",
          "--rpc-url",
          stub.url,
          "--check",
          "--snapshot-file",
          "moved.json",
          "--tolerance",
          "5",
        ],
        {},
        USER,
      );
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.contain("gas check failed: 2 figure(s) moved beyond 5%");
      expect(r.stderr).to.match(
        new RegExp(`~ ${escape(up)} executionGas: \\d+ -> \\d+ \\(\\+10\\.\\d\\d%\\)`),
      );
      expect(r.stderr).to.match(
        new RegExp(`~ ${escape(down)} executionGas: \\d+ -> \\d+ \\(-10\\.\\d\\d%\\)`),
      );
      // The Arbitrum price sits next to the simulated one.
      expect(r.stdout).to.contain("## Live chain: Arbitrum (Nitro), chain id 42161");
      expect(r.stdout).to.contain("(41,234 L2 gas)");
    } finally {
      stub.close();
    }
  });

  it("checkGasSnapshot: within the tolerance passes; beyond it, a new or a missing label fails", () => {
    const base: GasSnapshot = {
      circuit: { nPublic: 8 },
      gas: {
        a: {
          executionGas: 1000,
          calldataBytes: 10,
          gasUsed: 1,
          executionGasPerProof: 1,
          gasUsedPerProof: 1,
        },
      },
      bytecode: { V: 2000 },
    };
    const moved = (g: number, extra: Partial<GasSnapshot> = {}): GasSnapshot => ({
      ...base,
      gas: { a: { ...base.gas.a, executionGas: g } },
      ...extra,
    });
    expect(checkGasSnapshot({ committed: base, current: moved(1000) }).ok).to.equal(true);
    expect(checkGasSnapshot({ committed: base, current: moved(1001) }).ok).to.equal(false);
    expect(
      checkGasSnapshot({ committed: base, current: moved(1020), tolerancePercent: 2 }).ok,
    ).to.equal(true);
    expect(
      checkGasSnapshot({ committed: base, current: moved(979), tolerancePercent: 2 }).lines,
    ).to.deep.equal(["~ a executionGas: 1000 -> 979 (-2.10%)"]);
    const extra = checkGasSnapshot({
      committed: base,
      current: { ...base, bytecode: { V: 2000, W: 5 } },
    });
    expect(extra.lines).to.deep.equal(["+ W: new (5), not in the committed snapshot"]);
    const gone = checkGasSnapshot({ committed: base, current: { ...base, gas: {} } });
    expect(gone.lines).to.deep.equal(["- a: in the committed snapshot (1000), not measured now"]);
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
