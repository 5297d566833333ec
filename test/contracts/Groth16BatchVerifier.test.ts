import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";
import { setBatchVerifier } from "../../sdk/core/src/chain/batchSetVerifier.ts";
import { batchSubmitPredictions } from "../../sdk/core/src/chain/batchSubmitPredictions.ts";
import { compileBatchVerifier } from "../../sdk/node/src/chain/batchVerifierCompile.ts";
import { ChainError } from "../../sdk/core/src/errors.ts";
import { BN254_R } from "../../sdk/node/src/chain/batchVerifierSource.ts";
import { exportVerifier } from "../../sdk/node/src/chain/exportVerifier.ts";
import { readManifest } from "../../sdk/node/src/manifestFile.ts";
import type { GasProof } from "../../sdk/node/src/gas/proveSamples.ts";
import { IRIS_TEST_DIR, irisGroth16Proofs } from "./helpers/irisProofs.ts";

const { ethers } = await network.create();
const coder = ethers.AbiCoder.defaultAbiCoder();

/** 21000 + 4 per zero byte + 16 per other byte of calldata. */
const intrinsicGas = (data: string) => {
  let gas = 21000;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
};
/** The proof with one of its 8 words replaced. */
const withWord = (proof: string, word: number, value: bigint) => {
  const words = coder.decode(Array(8).fill("uint256"), proof).map(BigInt);
  words[word] = value;
  return coder.encode(Array(8).fill("uint256"), words) as `0x${string}`;
};
const wordOf = (proof: string, word: number) =>
  BigInt(ethers.dataSlice(proof, word * 32, word * 32 + 32));

describe("Groth16BatchVerifier (generated, real Iris proofs)", function () {
  let proofs: GasProof[];
  let batch: Contract;
  let single: Contract;
  let source: string;
  let vkSha: string;
  const args = (items: GasProof[]) =>
    [items.map((p) => p.proofBytes), items.map((p) => p.publicSignals)] as const;

  before(async function () {
    const samples = await irisGroth16Proofs();
    proofs = samples.proofs;
    const c = compileBatchVerifier({
      verificationKey: samples.verificationKey,
      verificationKeySha256: samples.verificationKeySha256,
    });
    source = c.source;
    vkSha = samples.verificationKeySha256;
    const [signer] = await ethers.getSigners();
    batch = (await new ethers.ContractFactory(
      c.abi as never,
      c.bytecode,
      signer,
    ).deploy()) as Contract;
    const v = await exportVerifier({ zkey: samples.zkey, zkeySha256: samples.zkeySha256 });
    const raw = await new ethers.ContractFactory(v.abi as never, v.bytecode, signer).deploy();
    single = await ethers.deployContract("SnarkjsVerifierAdapter", [
      await raw.getAddress(),
      0,
      samples.nPublic,
    ]);
  });

  it("says what it was generated from and reports the key hash, system and signal count", async () => {
    expect(source).to.match(
      new RegExp(
        `^// SPDX-License-Identifier: MIT\n// generated from verification key sha256 ${vkSha}\n`,
      ),
    );
    expect(await batch.verificationKeyHash()).to.equal("0x" + vkSha);
    expect(await batch.proofSystem()).to.equal(0);
    expect(await batch.publicSignalCount()).to.equal(BigInt(proofs[0].publicSignals.length));
  });

  it("verify agrees with snarkjs's verifier on valid and tampered proofs", async () => {
    for (const p of proofs.slice(0, 3)) {
      expect(await batch.verify(p.proofBytes, p.publicSignals)).to.equal(true);
      expect(await single.verify(p.proofBytes, p.publicSignals)).to.equal(true);
      const bad = [...p.publicSignals];
      bad[1] += 1n;
      expect(await batch.verify(p.proofBytes, bad)).to.equal(false);
      expect(await single.verify(p.proofBytes, bad)).to.equal(false);
    }
  });

  for (const n of [1, 8, 32]) {
    it(`accepts a batch of ${n} real proofs`, async () => {
      expect(await batch.verifyBatch(...args(proofs.slice(0, n)))).to.equal(true);
    });
  }

  it("costs under 55k gas of execution and 63k of bare transaction per proof at N = 32", async () => {
    const [signer] = await ethers.getSigners();
    const data = batch.interface.encodeFunctionData("verifyBatch", args(proofs.slice(0, 32)));
    const receipt = await (
      await signer.sendTransaction({ to: await batch.getAddress(), data })
    ).wait();
    const execution = (Number(receipt!.gasUsed) - intrinsicGas(data)) / 32;
    // Per proof the precompiles alone take one pairing, two ecMul and one ecAdd.
    expect(execution).to.be.greaterThan(34_000 + 2 * 6_000 + 150);
    expect(execution).to.be.lessThanOrEqual(55_000);
    // The whole transaction (calldata, 21,000 base): what `zkml gas` reports as gasPerProof.
    expect(Number(receipt!.gasUsed) / 32).to.be.lessThanOrEqual(63_000);
  });

  it("rejects item offsets that point outside the calldata or at another item's proof", async () => {
    const items = proofs.slice(0, 2);
    const to = await batch.getAddress();
    const data = batch.interface.encodeFunctionData("verifyBatch", args(items));
    const call = async (d: string) =>
      batch.interface.decodeFunctionResult(
        "verifyBatch",
        await ethers.provider.call({ to, data: d }),
      )[0];
    expect(await call(data)).to.equal(true);
    // sel | proofs at | signals at | proofs: length | offset of item 0 | offset of item 1 ...
    const proofsAt = 4 + Number(BigInt(ethers.dataSlice(data, 4, 36)));
    const itemOffset = (k: number) => proofsAt + 32 + 32 * k;
    const patched = (at: number, value: bigint) =>
      ethers.concat([
        ethers.dataSlice(data, 0, at),
        ethers.toBeHex(value, 32),
        ethers.dataSlice(data, at + 32),
      ]);
    const size = ethers.dataLength(data);
    for (const value of [2n ** 255n, 2n ** 32n, BigInt(size)]) {
      expect(await call(patched(itemOffset(1), value)), `offset ${value}`).to.equal(false);
    }
    // Item 1 pointing at item 0's proof: a valid encoding of another (false) statement.
    const first = BigInt(ethers.dataSlice(data, itemOffset(0), itemOffset(0) + 32));
    expect(await call(patched(itemOffset(1), first))).to.equal(false);
    // The item's signals cut short by the end of the calldata.
    expect(await call(ethers.dataSlice(data, 0, size - 32))).to.equal(false);
  });

  for (const n of [8, 32]) {
    it(`rejects a batch of ${n} when the proof at ANY one position is invalid`, async () => {
      const items = proofs.slice(0, n);
      const spare = proofs[32];
      for (let i = 0; i < n; i++) {
        // Another statement's proof: valid curve points, wrong proof.
        const swapped = items.map((p, k) => (k === i ? { ...p, proofBytes: spare.proofBytes } : p));
        expect(await batch.verifyBatch(...args(swapped)), `swapped proof at ${i}`).to.equal(false);
        // C replaced by the spare's C: one wrong point.
        const withC = withWord(
          withWord(items[i].proofBytes, 6, wordOf(spare.proofBytes, 6)),
          7,
          wordOf(spare.proofBytes, 7),
        );
        const tampered = items.map((p, k) => (k === i ? { ...p, proofBytes: withC } : p));
        expect(await batch.verifyBatch(...args(tampered)), `tampered C at ${i}`).to.equal(false);
      }
    });
  }

  it("rejects a batch of 8 when the public signals at any one position are tampered", async () => {
    const items = proofs.slice(0, 8);
    for (let i = 0; i < items.length; i++) {
      for (const index of [0, 2, items[i].publicSignals.length - 1]) {
        const signals = items.map((p) => [...p.publicSignals]);
        signals[i][index] = (signals[i][index] + 1n) % BN254_R;
        expect(
          await batch.verifyBatch(
            items.map((p) => p.proofBytes),
            signals,
          ),
          `item ${i} signal ${index}`,
        ).to.equal(false);
      }
    }
  });

  it("rejects signals >= r (they would alias another statement) and non-canonical A_0.y", async () => {
    const items = proofs.slice(0, 2);
    const signals = items.map((p) => [...p.publicSignals]);
    signals[1][1] += BN254_R;
    expect(
      await batch.verifyBatch(
        items.map((p) => p.proofBytes),
        signals,
      ),
    ).to.equal(false);
    const q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
    const nonCanonical = withWord(items[0].proofBytes, 1, wordOf(items[0].proofBytes, 1) + q);
    expect(
      await batch.verifyBatch(
        [nonCanonical, items[1].proofBytes],
        items.map((p) => p.publicSignals),
      ),
    ).to.equal(false);
  });

  it("rejects proofs exchanged between two positions, empty batches and malformed items", async () => {
    const items = proofs.slice(0, 4);
    const exchanged = [
      items[1].proofBytes,
      items[0].proofBytes,
      items[2].proofBytes,
      items[3].proofBytes,
    ];
    expect(
      await batch.verifyBatch(
        exchanged,
        items.map((p) => p.publicSignals),
      ),
    ).to.equal(false);
    expect(await batch.verifyBatch([], [])).to.equal(false);
    expect(await batch.verifyBatch([items[0].proofBytes], [])).to.equal(false);
    expect(
      await batch.verifyBatch([items[0].proofBytes + "00"], [items[0].publicSignals]),
    ).to.equal(false);
    expect(
      await batch.verifyBatch([items[0].proofBytes], [items[0].publicSignals.slice(1)]),
    ).to.equal(false);
    expect(await batch.verify(items[0].proofBytes, items[0].publicSignals.slice(1))).to.equal(
      false,
    );
  });

  it("is checked against the manifest's layout (the test model really has public inputs)", async () => {
    const layout = readManifest(IRIS_TEST_DIR).publicSignals.layout;
    expect(layout.nPublic).to.equal(proofs[0].publicSignals.length);
  });

  describe("behind ModelRegistry.submitPredictions", () => {
    let registry: Contract;
    const modelId = ethers.id("iris batch");

    before(async () => {
      const [admin] = await ethers.getSigners();
      const samples = await irisGroth16Proofs();
      registry = await ethers.deployContract("ModelRegistry", [
        admin.address,
        admin.address,
        admin.address,
      ]);
      const layout = readManifest(IRIS_TEST_DIR).publicSignals.layout;
      await registry.registerModel(
        modelId,
        ethers.toBeHex(samples.weightCommitment, 32),
        await single.getAddress(),
        layout,
        "file://manifest.json",
      );
      await setBatchVerifier({
        client: admin,
        registry: await registry.getAddress(),
        modelId,
        version: 1,
        batchVerifier: await batch.getAddress(),
      });
    });

    it("reverts InvalidBatchProof when the proof at the first, a middle or the last position is invalid", async () => {
      const items = proofs.slice(0, 8);
      for (const i of [0, 3, 7]) {
        const bad = items.map((p, k) => (k === i ? proofs[32].proofBytes : p.proofBytes));
        await expect(
          registry.submitPredictions(
            modelId,
            bad,
            items.map((p) => p.publicSignals),
          ),
        )
          .to.be.revertedWithCustomError(registry, "InvalidBatchProof")
          .withArgs(modelId, 1, 8);
      }
    });

    it("batchSubmitPredictions (SDK) records a batch and returns each prediction; a bad batch is a ChainError", async () => {
      const [signer] = await ethers.getSigners();
      const items = proofs.slice(24, 32);
      const sdkModel = ethers.id("iris batch sdk");
      const samples = await irisGroth16Proofs();
      const layout = readManifest(IRIS_TEST_DIR).publicSignals.layout;
      await registry.registerModel(
        sdkModel,
        ethers.toBeHex(samples.weightCommitment, 32),
        await single.getAddress(),
        layout,
        "file://manifest.json",
      );
      const base = { client: signer, registry: await registry.getAddress(), modelId: sdkModel };
      await setBatchVerifier({ ...base, version: 1, batchVerifier: await batch.getAddress() });
      const bad = items.map((p, k) => (k === 2 ? proofs[32].proofBytes : p.proofBytes));
      const rejected = await batchSubmitPredictions({
        ...base,
        proofs: bad,
        publicSignals: items.map((p) => p.publicSignals),
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(rejected).to.be.instanceOf(ChainError);
      expect((rejected as ChainError).message).to.contain("InvalidBatchProof");
      const r = await batchSubmitPredictions({
        ...base,
        proofs: items.map((p) => p.proofBytes),
        publicSignals: items.map((p) => p.publicSignals),
      });
      expect(r.predictions).to.have.length(8);
      for (const [k, p] of items.entries()) {
        expect(r.predictions[k].predictionId).to.equal(
          await registry.predictionIdOf(sdkModel, 1, p.publicSignals),
        );
        expect(r.predictions[k].outputs).to.deep.equal(p.publicSignals.slice(1, 4));
      }
      expect(r.gasPerProof).to.equal(r.gasUsed / 8n);
      expect(r.skipped).to.deep.equal([]);
      // Sent again (e.g. after someone copied it): every item is reported skipped.
      const again = await batchSubmitPredictions({
        ...base,
        proofs: [items[1].proofBytes],
        publicSignals: [items[1].publicSignals],
      });
      expect(again.predictions).to.deep.equal([]);
      expect(again.skipped).to.deep.equal([
        { index: 0, predictionId: r.predictions[1].predictionId },
      ]);
    });

    it("records 32 real predictions in one transaction, then skips their replay", async () => {
      const items = proofs.slice(0, 32);
      const tx = await registry.submitPredictions(modelId, ...args(items));
      const receipt = await tx.wait();
      const events = receipt!.logs.filter(
        (l: { topics: string[] }) =>
          l.topics[0] === registry.interface.getEvent("PredictionVerified")!.topicHash,
      );
      expect(events).to.have.length(32);
      for (const p of items) {
        const id = await registry.predictionIdOf(modelId, 1, p.publicSignals);
        expect(await registry.isPredictionVerified(id)).to.equal(true);
      }
      // A replayed item is skipped, not recorded again (its proof is still batch-verified).
      const id5 = await registry.predictionIdOf(modelId, 1, items[5].publicSignals);
      const replay = registry.submitPredictions(
        modelId,
        [items[5].proofBytes, proofs[32].proofBytes],
        [items[5].publicSignals, proofs[32].publicSignals],
      );
      await expect(replay).to.emit(registry, "PredictionSkipped").withArgs(modelId, 1, id5, 0);
      await expect(replay).to.emit(registry, "PredictionVerified");
      expect((await registry.getPrediction(id5)).blockNumber).to.equal(receipt!.blockNumber);
    });
  });
});
