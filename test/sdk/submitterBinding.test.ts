import { fileSubmissionStore } from "../../sdk/node/src/chain/pendingSubmission.ts";
import { expect } from "chai";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Contract } from "ethers";
import { network } from "hardhat";
import { batchSubmitPredictions } from "../../sdk/core/src/chain/batchSubmitPredictions.ts";
import { deployRegistry } from "../../sdk/core/src/chain/deployRegistry.ts";
import { deployVerifier } from "../../sdk/node/src/chain/deployVerifier.ts";
import { registerModel } from "../../sdk/core/src/chain/registerModel.ts";
import { submitPrediction } from "../../sdk/core/src/chain/submitPrediction.ts";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/node/src/circuit/compileModel.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { InputError, ProofError } from "../../sdk/core/src/errors.ts";
import { prove } from "../../sdk/core/src/prove/prove.ts";
import type { ProveReturnType } from "../../sdk/core/src/prove/prove.ts";
import { verifyProof } from "../../sdk/core/src/prove/verifyProof.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { setupGroth16 } from "../../sdk/node/src/setup/setupGroth16.ts";
import type { SetupGroth16ReturnType } from "../../sdk/node/src/setup/setupGroth16.ts";
import { ROOT } from "../helpers/root.ts";
import { IRIS_MODEL, irisArtifacts } from "./irisArtifacts.ts";

const { ethers } = await network.create();
const [deployer, alice, bob] = await ethers.getSigners();

// Front-running: anyone can copy a pending submitPrediction from the mempool and send it first.
// A model compiled with `submitter: "bound"` proves the intended submitter's address as its last
// public signal, and the registry records the proof only from that address.
describe("submitter binding: a bound proof is recorded only from its submitter", function () {
  this.timeout(600_000);
  const iris = loadIris();
  const dir = join(ROOT, "build/test/bound-iris");
  let compiled: CompileModelReturnType;
  let setup: SetupGroth16ReturnType;
  let registry: Contract;
  let registryAddress: string;
  const modelId = ethers.id("zkml:test:bound-iris");

  const proveRow = (row: number, submitter?: string) =>
    prove({
      system: "groth16",
      wasm: compiled.circuit.wasm,
      zkey: setup.zkey,
      input: quantizeInput({ model: compiled.quantized, input: iris.features[row] }),
      submitter,
    });

  before(async function () {
    compiled = await compileModel({
      model: IRIS_MODEL,
      outDir: dir,
      calibration: iris.features,
      submitter: "bound",
    });
    const { layout } = compiled.publicSignals;
    setup = await setupGroth16({
      r1cs: compiled.circuit.r1cs,
      constraints: compiled.circuit.constraints,
      nPublic: layout.nPublic,
      outDir: dir,
    });
    registryAddress = (await deployRegistry({ client: deployer })).address;
    registry = await ethers.getContractAt("ModelRegistry", registryAddress);
    const v = await deployVerifier({
      client: deployer,
      zkey: setup.zkey,
      zkeySha256: setup.zkeySha256,
      nPublic: layout.nPublic,
    });
    await registerModel({
      client: deployer,
      registry: registryAddress,
      modelId,
      weightCommitment: compiled.weightCommitment,
      verifier: v.adapter,
      layout,
      metadataURI: "test://bound-iris",
    });
  });

  it("declares the submitter as the last public signal, in a constraint, and records it in the manifest", async function () {
    const { layout, names } = compiled.publicSignals;
    expect(names.at(-1)).to.equal("submitter");
    expect(layout).to.include({ submitterKind: 1, submitterIndex: layout.nPublic - 1 });
    expect(compiled.manifest.visibility.submitter).to.equal("bound");
    const source = readFileSync(compiled.circuit.circuit, "utf8");
    expect(source).to.contain("signal submitterSquare <== submitter * submitter;");
    expect(source).to.match(/component main \{public \[in, submitter\]\}/);
    const unbound = (await irisArtifacts()).compiled;
    expect(unbound.publicSignals.layout).to.include({ submitterKind: 0, submitterIndex: 0 });
    expect(unbound.manifest.visibility.submitter).to.equal("none");
    expect(layout.nPublic).to.equal(unbound.publicSignals.layout.nPublic + 1);
    // The dummy square: one constraint more, so the proof binds the submitter.
    expect(compiled.circuit.constraints).to.equal(unbound.circuit.constraints + 1);
  });

  it("proves with the submitter's address; the proof does not verify for another address", async function () {
    const p = await proveRow(3, alice.address);
    expect(p.publicSignals.at(-1)).to.equal(BigInt(alice.address));
    const check = (publicSignals: bigint[]) =>
      verifyProof({
        system: "groth16",
        verificationKey: setup.verificationKey,
        proof: p.proof,
        publicSignals,
      }).then((r) => r.valid);
    expect(await check(p.publicSignals)).to.equal(true);
    expect(await check([...p.publicSignals.slice(0, -1), BigInt(bob.address)])).to.equal(false);
  });

  it("asks for the submitter when a bound circuit is proved without one", async function () {
    const e = await proveRow(3).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(ProofError);
    expect((e as ProofError).message).to.contain('compiled with submitter "bound"');
  });

  it("reverts SubmitterMismatch when another account sends it (single and batch); records it from the bound one", async function () {
    const [p, q] = [await proveRow(20, alice.address), await proveRow(21, alice.address)];
    const fromBob = registry.connect(bob) as Contract;
    await expect(fromBob.submitPrediction(modelId, p.proofBytes, p.publicSignals))
      .to.be.revertedWithCustomError(registry, "SubmitterMismatch")
      .withArgs(BigInt(alice.address), bob.address);
    const mismatch = registry.interface.encodeErrorResult("SubmitterMismatch", [
      BigInt(alice.address),
      bob.address,
    ]);
    await expect(fromBob.submitPredictions(modelId, [p.proofBytes], [p.publicSignals]))
      .to.be.revertedWithCustomError(registry, "BatchItemFailed")
      .withArgs(0, mismatch);

    // The SDK refuses it before writing a pending file or sending anything.
    const pendingDir = join(dir, "submit-bob");
    rmSync(pendingDir, { recursive: true, force: true });
    const e = await submitPrediction({
      client: bob,
      registry: registryAddress,
      modelId,
      proof: p.proofBytes,
      publicSignals: p.publicSignals,
      store: fileSubmissionStore({ dir: pendingDir }),
    }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(InputError);
    expect((e as InputError).message).to.contain(
      `bound to submitter ${alice.address.toLowerCase()}`,
    );
    expect(existsSync(join(pendingDir, "pending"))).to.equal(false);
    const batchError = await batchSubmitPredictions({
      client: bob,
      registry: registryAddress,
      modelId,
      proofs: [q.proofBytes, p.proofBytes],
      publicSignals: [q.publicSignals, p.publicSignals],
    }).catch((x: unknown) => x);
    expect(batchError).to.be.instanceOf(InputError);
    expect((batchError as InputError).message).to.contain("batch item 0");

    const r = await submitPrediction({
      client: alice,
      registry: registryAddress,
      modelId,
      proof: p.proofBytes,
      publicSignals: p.publicSignals,
    });
    expect((await registry.getPrediction(r.predictionId)).submitter).to.equal(alice.address);
    const b = await batchSubmitPredictions({
      client: alice,
      registry: registryAddress,
      modelId,
      proofs: [q.proofBytes, p.proofBytes],
      publicSignals: [q.publicSignals, p.publicSignals],
    });
    expect(b.predictions.map((x) => x.predictionId)).to.deep.equal([
      await registry.predictionIdOf(modelId, 1, q.publicSignals),
    ]);
    expect(b.skipped).to.deep.equal([{ index: 1, predictionId: r.predictionId }]);
  });

  it("leaves an unbound model as it was: anyone may send anyone's proof", async function () {
    const unbound = await irisArtifacts();
    const v = await deployVerifier({
      client: deployer,
      zkey: unbound.setup.zkey,
      zkeySha256: unbound.setup.zkeySha256,
      nPublic: unbound.compiled.publicSignals.layout.nPublic,
    });
    const unboundId = ethers.id("zkml:test:unbound-iris");
    await registerModel({
      client: deployer,
      registry: registryAddress,
      modelId: unboundId,
      weightCommitment: unbound.compiled.weightCommitment,
      verifier: v.adapter,
      layout: unbound.compiled.publicSignals.layout,
      metadataURI: "test://unbound-iris",
    });
    const p: ProveReturnType = await prove({
      system: "groth16",
      wasm: unbound.compiled.circuit.wasm,
      zkey: unbound.setup.zkey,
      input: quantizeInput({ model: unbound.compiled.quantized, input: iris.features[30] }),
    });
    const r = await submitPrediction({
      client: bob,
      registry: registryAddress,
      modelId: unboundId,
      proof: p.proofBytes,
      publicSignals: p.publicSignals,
    });
    expect((await registry.getPrediction(r.predictionId)).submitter).to.equal(bob.address);
  });
});
