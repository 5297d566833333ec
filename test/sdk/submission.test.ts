import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Wallet } from "ethers";
import { network } from "hardhat";
import { deployRegistry } from "../../sdk/core/src/chain/deployRegistry.ts";
import { deployVerifier } from "../../sdk/node/src/chain/deployVerifier.ts";
import {
  readPendingSubmission,
  fileSubmissionStore,
} from "../../sdk/node/src/chain/pendingSubmission.ts";
import { registerModel } from "../../sdk/core/src/chain/registerModel.ts";
import { resumeSubmission } from "../../sdk/node/src/chain/resumeSubmission.ts";
import type {
  QuarantinedSubmission,
  ResentSubmission,
  ResumedSubmission,
} from "../../sdk/node/src/chain/resumeSubmission.ts";
import { submitPrediction } from "../../sdk/core/src/chain/submitPrediction.ts";
import {
  GasError,
  InsufficientFundsError,
  NonceTooLowError,
  ReplacementUnderpricedError,
  TransactionTimeoutError,
} from "../../sdk/core/src/errors.ts";
import { irisArtifacts } from "./irisArtifacts.ts";
import type { IrisArtifacts } from "./irisArtifacts.ts";

const { ethers, provider, viem } = await network.create();
/** The resumed submissions that were sent or filed (not quarantined). */
const resent = (r: ResumedSubmission[]) =>
  r.filter((x): x is ResentSubmission => x.outcome !== "quarantined");
const [signer] = await ethers.getSigners();
const viemClient = {
  publicClient: await viem.getPublicClient(),
  walletClient: (await viem.getWalletClients())[0],
};

describe("submission never loses work; nonce, funds and gas errors are typed", function () {
  let iris: IrisArtifacts;
  let registry: string;
  let dir: string;
  const submit = async (row: number, extra: Record<string, unknown> = {}) => {
    const proof = await iris.prove(row);
    return submitPrediction({
      client: signer,
      registry,
      modelId: iris.modelId,
      proof: proof.proofBytes,
      publicSignals: proof.publicSignals,
      store: fileSubmissionStore({ dir }),
      ...extra,
    });
  };

  before(async function () {
    iris = await irisArtifacts();
    dir = join(iris.dir, "submission-test");
    rmSync(dir, { recursive: true, force: true });
    registry = (await deployRegistry({ client: signer })).address;
    const v = await deployVerifier({
      client: signer,
      zkey: iris.setup.zkey,
      zkeySha256: iris.setup.zkeySha256,
      nPublic: iris.compiled.publicSignals.layout.nPublic,
    });
    await registerModel({
      client: signer,
      registry,
      modelId: iris.modelId,
      weightCommitment: iris.compiled.weightCommitment,
      verifier: v.adapter,
      layout: iris.compiled.publicSignals.layout,
      metadataURI: "test://iris",
    });
  });

  it("resubmits a dropped transaction from its pending file", async function () {
    await provider.request({ method: "evm_setAutomine", params: [false] });
    let timeout: unknown;
    try {
      timeout = await submit(10, { timeoutMs: 300 }).catch((e: unknown) => e);
    } finally {
      // (re-enabled below, after the drop)
    }
    expect(timeout).to.be.instanceOf(TransactionTimeoutError);
    const { txHash, pendingFile } = (timeout as TransactionTimeoutError).details;
    expect(pendingFile).to.be.a("string");
    const saved = readPendingSubmission(pendingFile!);
    expect(saved.attempts.map((a) => a.txHash)).to.deep.equal([txHash]);
    // The node forgets the transaction: it is dropped, never mined.
    await provider.request({ method: "hardhat_dropTransaction", params: [txHash] });
    await provider.request({ method: "evm_setAutomine", params: [true] });
    expect(await ethers.provider.getTransactionReceipt(txHash)).to.equal(null);

    const resumed = resent(await resumeSubmission({ client: signer, dir }));
    expect(resumed.map((r) => r.outcome)).to.deep.equal(["sent"]);
    expect(resumed[0].predictionId).to.equal(saved.predictionId);
    // Same nonce, calldata and fees: the re-signed transaction may have the same hash; it is mined now.
    expect((await ethers.provider.getTransactionReceipt(resumed[0].txHash!))?.status).to.equal(1);
    expect(existsSync(pendingFile!)).to.equal(false);
    expect(readdirSync(join(dir, "submitted"))).to.include(`${saved.predictionId}.json`);
    const registryContract = new ethers.Contract(
      registry,
      ["function isPredictionVerified(bytes32) view returns (bool)"],
      signer,
    );
    expect(await registryContract.isPredictionVerified(saved.predictionId)).to.equal(true);
  });

  it("moves a timed-out transaction that was mined later to submitted/ without sending again", async function () {
    await provider.request({ method: "evm_setAutomine", params: [false] });
    const e = (await submit(11, { timeoutMs: 300 }).catch(
      (x: unknown) => x,
    )) as TransactionTimeoutError;
    expect(e).to.be.instanceOf(TransactionTimeoutError);
    await provider.request({ method: "evm_mine", params: [] });
    await provider.request({ method: "evm_setAutomine", params: [true] });
    const nonceBefore = await ethers.provider.getTransactionCount(signer.address);
    const resumed = resent(await resumeSubmission({ client: signer, dir }));
    expect(resumed.map((r) => r.outcome)).to.deep.equal(["mined"]);
    expect(resumed[0].txHash).to.equal(e.details.txHash);
    expect(await ethers.provider.getTransactionCount(signer.address)).to.equal(nonceBefore);
  });

  it("reports a reused nonce as NonceTooLowError and keeps the submission pending", async function () {
    const e = await submit(12, { nonce: 0 }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(NonceTooLowError);
    const { pendingFile } = (e as NonceTooLowError).details;
    expect(existsSync(pendingFile!)).to.equal(true);
    expect(readPendingSubmission(pendingFile!).attempts[0].error).to.match(/^NonceTooLowError/);
    const resumed = await resumeSubmission({ client: signer, dir, file: pendingFile });
    expect(resumed[0].outcome).to.equal("sent");
    expect(existsSync(pendingFile!)).to.equal(false);
  });

  it("types a reused nonce from viem as NonceTooLowError too, and resumes with viem", async function () {
    const e = await submit(16, { nonce: 0, client: viemClient }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(NonceTooLowError);
    const { pendingFile } = (e as NonceTooLowError).details;
    const resumed = await resumeSubmission({ client: viemClient, dir, file: pendingFile });
    expect(resumed.map((r) => r.outcome)).to.deep.equal(["sent"]);
  });

  it("reports a same-nonce replacement without a fee bump as ReplacementUnderpricedError", async function () {
    await provider.request({ method: "evm_setAutomine", params: [false] });
    try {
      const t = (await submit(17, { timeoutMs: 300 }).catch(
        (x: unknown) => x,
      )) as TransactionTimeoutError;
      expect(t).to.be.instanceOf(TransactionTimeoutError);
      const stuck = (await ethers.provider.getTransaction(t.details.txHash))!;
      const e = await resumeSubmission({
        client: signer,
        dir,
        file: t.details.pendingFile,
        nonce: stuck.nonce,
        gas: stuck.gasLimit + 1n,
        maxFeePerGas: stuck.maxFeePerGas!,
        maxPriorityFeePerGas: stuck.maxPriorityFeePerGas!,
        timeoutMs: 300,
      }).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(ReplacementUnderpricedError);
      await provider.request({ method: "evm_mine", params: [] });
    } finally {
      await provider.request({ method: "evm_setAutomine", params: [true] });
    }
    // The stuck transaction was mined after all: resuming only files it.
    const resumed = await resumeSubmission({ client: signer, dir });
    expect(resumed.map((r) => r.outcome)).to.deep.equal(["mined"]);
  });

  it("reports an unfunded sender as InsufficientFundsError", async function () {
    const poor = Wallet.createRandom().connect(ethers.provider);
    const proof = await iris.prove(13);
    const e = await submitPrediction({
      client: poor,
      registry,
      modelId: iris.modelId,
      proof: proof.proofBytes,
      publicSignals: proof.publicSignals,
      gas: 500_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 10n ** 9n,
    }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(InsufficientFundsError);
  });

  it("reports a gas limit below the intrinsic cost as GasError", async function () {
    const e = await submit(14, { gas: 21_000n }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(GasError);
    expect((e as GasError).message).to.match(/gas limit or estimation failed/);
  });

  it("reports a gas limit too low for the execution as GasError, still pending for a resume", async function () {
    const e = await submit(15, { gas: 40_000n }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(GasError);
    // Hardhat's node rejects it at send time ("ran out of gas"); a public node mines it reverted
    // with gasUsed = limit, which sendTransaction reports as GasError too.
    expect((e as GasError).message).to.match(/gas/);
    const { pendingFile } = (e as GasError).details;
    const resumed = await resumeSubmission({ client: signer, dir, file: pendingFile });
    expect(resumed.map((r) => r.outcome)).to.deep.equal(["sent"]);
    expect(existsSync(pendingFile!)).to.equal(false);
  });

  it("quarantines corrupt pending files with the reason and resends the rest", async function () {
    await resumeSubmission({ client: signer, dir }); // what earlier tests left pending
    // One good pending submission: a dropped transaction.
    await provider.request({ method: "evm_setAutomine", params: [false] });
    let timeout: TransactionTimeoutError;
    try {
      timeout = (await submit(18, { timeoutMs: 300 }).catch((x: unknown) => x)) as never;
      expect(timeout).to.be.instanceOf(TransactionTimeoutError);
      await provider.request({
        method: "hardhat_dropTransaction",
        params: [timeout.details.txHash],
      });
    } finally {
      await provider.request({ method: "evm_setAutomine", params: [true] });
    }
    const good = timeout.details.pendingFile!;
    const pending = join(dir, "pending");
    const text = readFileSync(good, "utf8");
    const saved = readPendingSubmission(good);
    // Three unusable ones: not JSON, truncated by a crash, a statement that is not its id's.
    const tampered = {
      ...saved,
      publicSignals: saved.publicSignals.map((x, i) => (i === 1 ? "7" : x)),
    };
    const tamperedFile = join(pending, `${"0x" + "ab".repeat(32)}.json`);
    writeFileSync(join(pending, "garbage.json"), "{not json");
    writeFileSync(join(pending, "truncated.json"), text.slice(0, text.length / 2));
    writeFileSync(tamperedFile, JSON.stringify(tampered));

    const resumed = await resumeSubmission({ client: signer, dir });
    const quarantined = resumed.filter(
      (r): r is QuarantinedSubmission => r.outcome === "quarantined",
    );
    expect(quarantined.map((q) => q.from).sort()).to.deep.equal(
      [join(pending, "garbage.json"), join(pending, "truncated.json"), tamperedFile].sort(),
    );
    const reasons = Object.fromEntries(quarantined.map((q) => [q.from, q.reason]));
    expect(reasons[join(pending, "garbage.json")]).to.match(/^not JSON/);
    expect(reasons[join(pending, "truncated.json")]).to.match(/^not JSON/);
    expect(reasons[tamperedFile]).to.match(/is not the id of its statement/);
    for (const q of quarantined) {
      expect(q.file.startsWith(join(pending, "quarantine"))).to.equal(true);
      expect(readFileSync(`${q.file}.reason.txt`, "utf8")).to.contain(q.reason);
    }
    // The good one is sent and filed; pending/ holds nothing more to resume.
    expect(resent(resumed).map((r) => [r.outcome, r.predictionId])).to.deep.equal([
      ["sent", saved.predictionId],
    ]);
    expect(readdirSync(pending).filter((f) => f.endsWith(".json"))).to.deep.equal([]);
    expect(await resumeSubmission({ client: signer, dir })).to.deep.equal([]);
  });
});
