import { fileSubmissionStore } from "../../sdk/node/src/chain/pendingSubmission.ts";
import { expect } from "chai";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { deployRegistry } from "../../sdk/core/src/chain/deployRegistry.ts";
import { deployVerifier } from "../../sdk/node/src/chain/deployVerifier.ts";
import { estimateVerificationCost } from "../../sdk/core/src/chain/estimateVerificationCost.ts";
import { readVerifiedPredictions } from "../../sdk/core/src/chain/readRegistryEvents.ts";
import { registerModel } from "../../sdk/core/src/chain/registerModel.ts";
import { submitPrediction } from "../../sdk/core/src/chain/submitPrediction.ts";
import type { ChainClientLike } from "../../sdk/core/src/chain/chainClient.ts";
import { ChainError } from "../../sdk/core/src/errors.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { irisArtifacts } from "./irisArtifacts.ts";
import type { IrisArtifacts } from "./irisArtifacts.ts";

const conn = await network.create();
const [ethersSigner] = await conn.ethers.getSigners();
const publicClient = await conn.viem.getPublicClient();
const [walletClient] = await conn.viem.getWalletClients();

const clients: [string, ChainClientLike][] = [
  ["ethers v6 Signer", ethersSigner],
  ["viem WalletClient + PublicClient", { publicClient, walletClient }],
];

describe("SDK chain functions end to end, with ethers and with viem", function () {
  let iris: IrisArtifacts;
  before(async function () {
    iris = await irisArtifacts();
  });

  for (const [label, client] of clients) {
    describe(label, function () {
      let registry: string;
      let adapter: string;

      it("deploys the registry and the verifier, and registers the model", async function () {
        const r = await deployRegistry({ client });
        registry = r.address;
        expect(r.gasUsed > 0n).to.equal(true);
        const v = await deployVerifier({
          client,
          zkey: iris.setup.zkey,
          zkeySha256: iris.setup.zkeySha256,
          nPublic: iris.compiled.publicSignals.layout.nPublic,
        });
        adapter = v.adapter;
        expect(v.verifierSize).to.be.greaterThan(1000);
        const reg = await registerModel({
          client,
          registry,
          modelId: iris.modelId,
          weightCommitment: iris.compiled.weightCommitment,
          verifier: adapter,
          layout: iris.compiled.publicSignals.layout,
          metadataURI: "test://iris",
        });
        expect(reg.version).to.equal(1);
      });

      it("estimates, submits and reads back a verified prediction with the evaluator's outputs", async function () {
        const row = label.startsWith("ethers") ? 3 : 77;
        const proof = await iris.prove(row);
        const expected = evaluateQuantized({
          model: iris.compiled.quantized,
          input: quantizeInput({ model: iris.compiled.quantized, input: loadIris().features[row] }),
        });
        const estimate = await estimateVerificationCost({
          client,
          registry,
          modelId: iris.modelId,
          proof: proof.proofBytes,
          publicSignals: proof.publicSignals,
        });
        const dir = join(iris.dir, `chain-${row}`);
        rmSync(dir, { recursive: true, force: true });
        const sent = await submitPrediction({
          client,
          registry,
          modelId: iris.modelId,
          proof: proof.proofBytes,
          publicSignals: proof.publicSignals,
          store: fileSubmissionStore({ dir }),
        });
        expect(sent.outputs).to.deep.equal(expected.outputs.map(toField));
        // eth_estimateGas may overshoot a little, never undershoot.
        expect(estimate.gas >= sent.gasUsed).to.equal(true);
        expect(Number(estimate.gas - sent.gasUsed)).to.be.lessThan(60_000);
        expect(estimate.calldataBytes).to.equal(sent.calldataBytes);
        expect(sent.file).to.equal(join(dir, "submitted", `${sent.predictionId}.json`));
        expect(existsSync(sent.file!)).to.equal(true);
        expect(readdirSync(join(dir, "pending"))).to.deep.equal([]);

        const read = await readVerifiedPredictions({ client, registry, modelId: iris.modelId });
        expect(read.map((r) => r.predictionId)).to.deep.equal([sent.predictionId]);
        expect(read[0].outputs).to.deep.equal(sent.outputs);
        expect(read[0].txHash).to.equal(sent.txHash);
      });

      it("decodes the registry's custom error on a replay", async function () {
        const proof = await iris.prove(label.startsWith("ethers") ? 3 : 77);
        const error = await submitPrediction({
          client,
          registry,
          modelId: iris.modelId,
          proof: proof.proofBytes,
          publicSignals: proof.publicSignals,
        }).catch((e: unknown) => e);
        expect(error).to.be.instanceOf(ChainError);
        expect((error as ChainError).details.reason).to.match(
          /^PredictionAlreadyVerified\(0x[0-9a-f]{64}\)$/,
        );
      });
    });
  }
});
