import { expect } from "chai";
import type { Contract } from "ethers";
import { network } from "hardhat";
import { deployRegistry } from "../../sdk/core/src/chain/deployRegistry.ts";
import { deployVerifier } from "../../sdk/node/src/chain/deployVerifier.ts";
import { registerModel } from "../../sdk/core/src/chain/registerModel.ts";
import { SNARK_SCALAR_FIELD as R } from "../../sdk/core/src/layout/publicSignals.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { circuitInput } from "../../sdk/core/src/prove/circuitInput.ts";
import { prove } from "../../sdk/core/src/prove/prove.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import type { ProofSystem } from "../../sdk/core/src/prove/proofSystem.ts";
import { setupCircuit } from "../../sdk/node/src/setup/setupCircuit.ts";
import { irisArtifacts } from "../sdk/irisArtifacts.ts";
import { aliasedPlonkProof } from "./helpers/aliasedPlonkProof.ts";
import type { IrisArtifacts } from "../sdk/irisArtifacts.ts";

const { ethers } = await network.create();
const [signer] = await ethers.getSigners();

// Real Iris proofs: snarkjs's PLONK (and FFLONK) Solidity verifiers use every public signal mod r
// without checking it is < r (PLONK hashes it as given into the beta challenge, so the alias
// `s + r` needs its own proof, which whoever can prove `s` can make); without a check the
// registry would record the same statement again under a new prediction id.
describe("public signals >= r (aliases) are refused on-chain for every proof system", function () {
  this.timeout(600_000);
  let iris: IrisArtifacts;
  let registry: Contract;

  before(async function () {
    iris = await irisArtifacts("alias-iris");
    const address = (await deployRegistry({ client: signer })).address;
    registry = await ethers.getContractAt("ModelRegistry", address);
  });

  /** Registers the Iris model under `system` and proves one row with it. */
  async function registeredProof(system: ProofSystem, row: number) {
    const setup = await setupCircuit({
      r1cs: iris.compiled.circuit.r1cs,
      system,
      outDir: iris.dir,
    });
    const { layout } = iris.compiled.publicSignals;
    const v = await deployVerifier({
      client: signer,
      zkey: setup.zkey,
      zkeySha256: setup.zkeySha256,
      nPublic: layout.nPublic,
      system,
    });
    const modelId = ethers.id(`alias:${system}`);
    await registerModel({
      client: signer,
      registry: await registry.getAddress(),
      modelId,
      weightCommitment: iris.compiled.weightCommitment,
      verifier: v.adapter,
      layout,
      metadataURI: `test://alias/${system}`,
    });
    const input = quantizeInput({
      model: iris.compiled.quantized,
      input: loadIris().features[row],
    });
    const p = await prove({ system, wasm: iris.compiled.circuit.wasm, zkey: setup.zkey, input });
    const adapter = await ethers.getContractAt("SnarkjsVerifierAdapter", v.adapter);
    return {
      modelId,
      p,
      adapter,
      outputOffset: layout.outputOffset,
      input: circuitInput({ model: iris.compiled.quantized, input }),
      zkey: setup.zkey,
    };
  }

  it("plonk: a real proof of s + r verifies on-chain; the registry reverts PublicSignalOutOfField, single and batch", async function () {
    const { modelId, p, adapter, outputOffset, input, zkey } = await registeredProof("plonk", 7);
    await (await registry.submitPrediction(modelId, p.proofBytes, p.publicSignals)).wait();
    const alias = await aliasedPlonkProof({
      input,
      wasm: iris.compiled.circuit.wasm,
      zkey,
      index: outputOffset,
    });
    expect(alias.publicSignals[outputOffset]).to.equal(p.publicSignals[outputOffset] + R);
    // The snarkjs verifier accepts the alias: only the registry's check stands in the way.
    expect(await adapter.verify(alias.proofBytes, alias.publicSignals)).to.equal(true);
    await expectRefused(modelId, alias.proofBytes, alias.publicSignals, outputOffset);
  });

  it("groth16: the registry reverts PublicSignalOutOfField (same error, before the verifier's own check)", async function () {
    const { modelId, p, adapter, outputOffset } = await registeredProof("groth16", 7);
    await (await registry.submitPrediction(modelId, p.proofBytes, p.publicSignals)).wait();
    const aliased = p.publicSignals.map((s, i) => (i === outputOffset ? s + R : s));
    expect(await adapter.verify(p.proofBytes, aliased)).to.equal(false);
    await expectRefused(modelId, p.proofBytes, aliased, outputOffset);
  });

  /** submitPrediction and submitPredictions both revert on the alias; nothing is recorded. */
  async function expectRefused(modelId: string, proof: string, aliased: bigint[], index: number) {
    await expect(registry.submitPrediction(modelId, proof, aliased))
      .to.be.revertedWithCustomError(registry, "PublicSignalOutOfField")
      .withArgs(index, aliased[index]);
    await expect(registry.submitPredictions(modelId, [proof], [aliased]))
      .to.be.revertedWithCustomError(registry, "BatchItemFailed")
      .withArgs(
        0,
        registry.interface.encodeErrorResult("PublicSignalOutOfField", [index, aliased[index]]),
      );
    const predictionId = await registry.predictionIdOf(modelId, 1, aliased);
    expect(await registry.isPredictionVerified(predictionId)).to.equal(false);
  }
});
