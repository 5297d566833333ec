import { expect } from "chai";
import { Contract, solidityPackedKeccak256, toBeHex, id as keccakId } from "ethers";
import { network } from "hardhat";
import type { Groth16Proof } from "snarkjs";
import { modelRegistryAbi } from "../../sdk/core/src/chain/generated/ModelRegistry.ts";
import { registerModel } from "../../sdk/core/src/chain/registerModel.ts";
import { submitPrediction } from "../../sdk/core/src/chain/submitPrediction.ts";
import { ChainError } from "../../sdk/core/src/errors.ts";
import { proveGroth16 } from "../../sdk/core/src/prove/proveGroth16.ts";
import { verifyGroth16 } from "../../sdk/core/src/prove/verifyGroth16.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { runDemo } from "../../scripts/demo/runDemo.ts";
import type { DemoResult } from "../../scripts/demo/runDemo.ts";

const { ethers } = await network.create();

/** Flips one byte of a hex string (0x-prefixed) at a byte offset. */
function flipByte(hex: string, offset: number): string {
  const bytes = Buffer.from(hex.slice(2), "hex");
  bytes[offset] ^= 0x01;
  return `0x${bytes.toString("hex")}`;
}

/** Decodes ABI proof bytes back into snarkjs's proof object (undoing the pB swap). */
function decodeProof(hex: string): Groth16Proof {
  const w = Array.from({ length: 8 }, (_, i) =>
    BigInt(`0x${hex.slice(2 + 64 * i, 66 + 64 * i)}`).toString(),
  );
  return {
    pi_a: [w[0], w[1], "1"],
    pi_b: [
      [w[3], w[2]],
      [w[5], w[4]],
      ["1", "0"],
    ],
    pi_c: [w[6], w[7], "1"],
    protocol: "groth16",
    curve: "bn128",
  };
}

describe("the Iris pipeline end to end (ONNX -> circuit -> Groth16 -> registry)", function () {
  let demo: DemoResult;
  let registry: Contract;
  let signerAddress: string;

  before(async function () {
    const [signer] = await ethers.getSigners();
    signerAddress = await signer.getAddress();
    demo = await runDemo({ signer });
    registry = new Contract(demo.chain.registry, modelRegistryAbi, signer);
  });

  it("agrees with onnxruntime-node on at least 97% of the Iris data set", function () {
    console.log(
      `      argmax agreement with onnxruntime: ${(demo.fidelity.agreement * 100).toFixed(2)}% of ${demo.fidelity.rows} rows`,
    );
    expect(demo.fidelity.rows).to.equal(150);
    expect(demo.fidelity.agreement).to.be.at.least(0.97);
  });

  it("records on chain exactly the outputs of the quantized reference evaluator", function () {
    expect(demo.offchainValid).to.equal(true);
    expect(demo.onchainOutputs).to.deep.equal(demo.expected.outputs);
    expect(demo.onchainClass).to.equal(demo.expected.predictedClass);
    expect(demo.chain.submitted.gasUsed > 0n).to.equal(true);
  });

  it("registers the weight commitment computed from the quantized weights", async function () {
    const version = await registry.getVersion(demo.modelId, 1);
    expect(version.weightCommitment).to.equal(toBeHex(demo.compiled.weightCommitment, 32));
    expect(demo.proof.publicSignals[0]).to.equal(demo.compiled.weightCommitment);
  });

  describe("a second prediction", function () {
    it("emits PredictionVerified with model id, version, commitments and outputs", async function () {
      const iris = loadIris();
      const input = quantizeInput({ model: demo.compiled.quantized, input: iris.features[0] });
      const { outputs } = evaluateQuantized({ model: demo.compiled.quantized, input });
      const proof = await proveGroth16({
        wasm: demo.compiled.circuit.wasm,
        zkey: demo.setup.zkey,
        input,
      });
      const signals = proof.publicSignals;
      const expectedId = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["bytes32", "uint32", "uint256[]"],
          [demo.modelId, 1, signals],
        ),
      );
      const inputCommitment = solidityPackedKeccak256(
        input.map(() => "uint256"),
        input.map(toField),
      );
      await expect(registry.submitPrediction(demo.modelId, proof.proofBytes, signals))
        .to.emit(registry, "PredictionVerified")
        .withArgs(
          demo.modelId,
          1,
          expectedId,
          inputCommitment,
          outputs.map(toField),
          signerAddress,
        );
      expect(await registry.isPredictionVerified(expectedId)).to.equal(true);
    });
  });

  describe("rejections", function () {
    it("rejects a proof with one byte changed, off-chain and on-chain (InvalidProof)", async function () {
      const tampered = flipByte(demo.proof.proofBytes, 31);
      const offchain = await verifyGroth16({
        verificationKey: demo.setup.verificationKey,
        proof: decodeProof(tampered),
        publicSignals: demo.proof.publicSignals,
      });
      expect(offchain.valid).to.equal(false);
      // The untampered bytes decode to a proof that verifies: the decoder is not the reason.
      const control = await verifyGroth16({
        verificationKey: demo.setup.verificationKey,
        proof: decodeProof(demo.proof.proofBytes),
        publicSignals: demo.proof.publicSignals,
      });
      expect(control.valid).to.equal(true);
      // A fresh statement (other sample) so the replay guard does not answer first.
      const input = quantizeInput({
        model: demo.compiled.quantized,
        input: loadIris().features[60],
      });
      const fresh = await proveGroth16({
        wasm: demo.compiled.circuit.wasm,
        zkey: demo.setup.zkey,
        input,
      });
      for (const offset of [31, 100, 255]) {
        await expect(
          registry.submitPrediction(
            demo.modelId,
            flipByte(fresh.proofBytes, offset),
            fresh.publicSignals,
          ),
        )
          .to.be.revertedWithCustomError(registry, "InvalidProof")
          .withArgs(demo.modelId, 1);
      }
    });

    it("reverts a valid proof submitted under an unregistered model id (ModelNotFound)", async function () {
      const other = keccakId("zkml:not-registered");
      await expect(
        registry.submitPrediction(other, demo.proof.proofBytes, demo.proof.publicSignals),
      )
        .to.be.revertedWithCustomError(registry, "ModelNotFound")
        .withArgs(other);
    });

    it("reverts a valid proof submitted under another registered model (WeightCommitmentMismatch)", async function () {
      const [signer] = await ethers.getSigners();
      const other = keccakId("zkml:another-model");
      const otherCommitment = demo.compiled.weightCommitment ^ 1n;
      await registerModel({
        signer,
        registry: demo.chain.registry,
        modelId: other,
        weightCommitment: otherCommitment,
        verifier: demo.chain.verifier.adapter,
        layout: demo.compiled.publicSignals.layout,
        metadataURI: "test://another-model",
      });
      await expect(
        registry.submitPrediction(other, demo.proof.proofBytes, demo.proof.publicSignals),
      )
        .to.be.revertedWithCustomError(registry, "WeightCommitmentMismatch")
        .withArgs(other, toBeHex(otherCommitment, 32), toBeHex(demo.compiled.weightCommitment, 32));
    });

    it("reverts a replay of an already verified statement, and the SDK says which error", async function () {
      const [signer] = await ethers.getSigners();
      const error = await submitPrediction({
        signer,
        registry: demo.chain.registry,
        modelId: demo.modelId,
        proof: demo.proof.proofBytes,
        publicSignals: demo.proof.publicSignals,
      }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ChainError);
      expect((error as ChainError).details.reason).to.equal(
        `PredictionAlreadyVerified(${demo.chain.submitted.predictionId})`,
      );
    });
  });
});
