import { expect } from "chai";
import type { Contract, Signer } from "ethers";
import { network } from "hardhat";
import { publicSignalLayout, type SignalLayout } from "../../sdk/core/src/layout/publicSignals.ts";

const { ethers, networkHelpers } = await network.create();

const GROTH16 = 0;
const FFLONK = 2;
const MODEL_ID = ethers.id("iris-mlp");
const OTHER_ID = ethers.id("unregistered");
const WC1 = ethers.toBeHex(0x1111n, 32);
const WC2 = ethers.toBeHex(0x2222n, 32);
const INPUT_COMMITMENT = 0xabcdn;
const URI = "ipfs://model-card-v1";
const PROOF = "0x" + "11".repeat(256);
const REGISTRAR_ROLE = ethers.id("REGISTRAR_ROLE");
const PAUSER_ROLE = ethers.id("PAUSER_ROLE");
const ADMIN_ROLE = ethers.ZeroHash;

/** [weightCommitment, inputCommitment, out0, out1, out2]. */
const HASHED = publicSignalLayout({ inputVisibility: "hashed", nInputs: 4, nOutputs: 3 }).layout;
/** [weightCommitment, out0, out1, in0, in1, in2]. */
const PUBLIC = publicSignalLayout({ inputVisibility: "public", nInputs: 3, nOutputs: 2 }).layout;
/** [weightCommitment, out0]. */
const PRIVATE = publicSignalLayout({ inputVisibility: "private", nInputs: 4, nOutputs: 1 }).layout;
/** [weightCommitment, inputCommitment, outputCommitment]. */
const HASHED_OUT = publicSignalLayout({
  inputVisibility: "hashed",
  outputVisibility: "hashed",
  nInputs: 4,
  nOutputs: 3,
}).layout;

/** [weightCommitment, inputCommitment, out0, out1, out2, submitter]. */
const BOUND = publicSignalLayout({
  inputVisibility: "hashed",
  nInputs: 4,
  nOutputs: 3,
  submitter: "bound",
}).layout;
/** [weightCommitment, inputCommitment, outputCommitment, submitter]. */
const HASHED_OUT_BOUND = publicSignalLayout({
  inputVisibility: "hashed",
  outputVisibility: "hashed",
  nInputs: 4,
  nOutputs: 3,
  submitter: "bound",
}).layout;
/** The BN254 scalar field order r. */
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** `Contract.connect` is typed as returning a `BaseContract`; keep the ABI methods. */
const connect = (contract: Contract, signer: Signer) => contract.connect(signer) as Contract;

const coder = ethers.AbiCoder.defaultAbiCoder();
const signalsFor = (wc: string, outputs: bigint[] = [1n, 2n, 3n]) => [
  BigInt(wc),
  INPUT_COMMITMENT,
  ...outputs,
];
const predictionIdOf = (modelId: string, version: number, signals: bigint[]) =>
  ethers.keccak256(coder.encode(["bytes32", "uint32", "uint256[]"], [modelId, version, signals]));
const packed = (values: bigint[]) =>
  ethers.solidityPackedKeccak256(
    values.map(() => "uint256"),
    values,
  );

describe("ModelRegistry", () => {
  async function deployFixture() {
    const [admin, registrar, pauser, user, other] = await ethers.getSigners();
    const registry = await ethers.deployContract("ModelRegistry", [
      admin.address,
      registrar.address,
      pauser.address,
    ]);
    const verifier = await ethers.deployContract("MockProofVerifier", [GROTH16, HASHED.nPublic]);
    await verifier.setResult(true);
    const asRegistrar = connect(registry, registrar);
    const register = (
      layout: SignalLayout = HASHED,
      wc = WC1,
      v: { getAddress(): Promise<string> } = verifier,
      modelId = MODEL_ID,
    ) =>
      v
        .getAddress()
        .then((address) => asRegistrar.registerModel(modelId, wc, address, layout, URI));
    /** Registers `layout` with the verifier reporting its signal count. */
    const registerLayout = async (layout: SignalLayout) => {
      await verifier.setPublicSignalCount(layout.nPublic);
      return register(layout);
    };
    return { registry, verifier, admin, registrar, pauser, user, other, register, registerLayout };
  }

  /** A registry with MODEL_ID registered once (HASHED layout, WC1). */
  async function registeredFixture() {
    const f = await deployFixture();
    await f.register();
    return f;
  }

  describe("constructor", () => {
    it("grants the admin, registrar and pauser roles", async () => {
      const { registry, admin, registrar, pauser } =
        await networkHelpers.loadFixture(deployFixture);
      expect(await registry.hasRole(ADMIN_ROLE, admin.address)).to.equal(true);
      expect(await registry.hasRole(REGISTRAR_ROLE, registrar.address)).to.equal(true);
      expect(await registry.hasRole(PAUSER_ROLE, pauser.address)).to.equal(true);
      expect(await registry.REGISTRAR_ROLE()).to.equal(REGISTRAR_ROLE);
      expect(await registry.PAUSER_ROLE()).to.equal(PAUSER_ROLE);
      expect(await registry.hasRole(REGISTRAR_ROLE, admin.address)).to.equal(false);
    });

    it("reverts ZeroRoleAccount when a role account is the zero address", async () => {
      const { registry, admin } = await networkHelpers.loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("ModelRegistry");
      const a = admin.address;
      const zero = ethers.ZeroAddress;
      for (const [args, role] of [
        [[zero, a, a], ADMIN_ROLE],
        [[a, zero, a], REGISTRAR_ROLE],
        [[a, a, zero], PAUSER_ROLE],
      ] as const) {
        await expect(factory.deploy(...args))
          .to.be.revertedWithCustomError(registry, "ZeroRoleAccount")
          .withArgs(role);
      }
    });

    it("reports IModelRegistry, IAccessControl and ERC-165 through supportsInterface", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      const iface = (await ethers.getContractAt("IModelRegistry", ethers.ZeroAddress)).interface;
      let id = 0;
      iface.forEachFunction((fn) => (id ^= Number.parseInt(fn.selector.slice(2), 16)));
      const interfaceId = ethers.toBeHex(id >>> 0, 4);
      expect(await registry.supportsInterface(interfaceId)).to.equal(true);
      expect(await registry.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
      expect(await registry.supportsInterface("0x01ffc9a7")).to.equal(true); // ERC-165
      expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("SignalLayout", () => {
    it("has the field names of the SDK type, in order", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      const getVersion = registry.interface.getFunction("getVersion")!;
      const layout = getVersion.outputs[0].components!.find((c) => c.name === "layout")!;
      expect(layout.components!.map((c) => c.name)).to.deep.equal(Object.keys(HASHED));
    });
  });

  describe("registerModel", () => {
    it("reverts AccessControlUnauthorizedAccount for a non-registrar", async () => {
      const { registry, verifier, admin, user } = await networkHelpers.loadFixture(deployFixture);
      for (const account of [admin, user]) {
        await expect(
          connect(registry, account).registerModel(
            MODEL_ID,
            WC1,
            await verifier.getAddress(),
            HASHED,
            URI,
          ),
        )
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(account.address, REGISTRAR_ROLE);
      }
    });

    it("creates version 1 and emits ModelRegistered with every field", async () => {
      const { registry, verifier, register } = await networkHelpers.loadFixture(deployFixture);
      await expect(register())
        .to.emit(registry, "ModelRegistered")
        .withArgs(MODEL_ID, 1, WC1, await verifier.getAddress(), GROTH16, URI);
      const model = await registry.getModel(MODEL_ID);
      expect(model.latestVersion).to.equal(1);
      expect(model.deprecated).to.equal(false);
      const v = await registry.getVersion(MODEL_ID, 1);
      expect(v.weightCommitment).to.equal(WC1);
      expect(v.verifier).to.equal(await verifier.getAddress());
      expect(v.proofSystem).to.equal(GROTH16);
      expect(v.deprecated).to.equal(false);
      expect(v.metadataURI).to.equal(URI);
      expect(Object.values(v.layout.toObject()).map(Number)).to.deep.equal(Object.values(HASHED));
    });

    it("returns the new version number", async () => {
      const { registry, registrar, verifier, register } =
        await networkHelpers.loadFixture(deployFixture);
      const call = () =>
        verifier
          .getAddress()
          .then((a) =>
            connect(registry, registrar).registerModel.staticCall(MODEL_ID, WC1, a, HASHED, URI),
          );
      expect(await call()).to.equal(1);
      await register();
      expect(await call()).to.equal(2);
    });

    it("creates version n + 1 and keeps older versions readable", async () => {
      const { registry, verifier, register } = await networkHelpers.loadFixture(registeredFixture);
      await verifier.setProofSystem(FFLONK);
      await expect(register(HASHED, WC2))
        .to.emit(registry, "ModelRegistered")
        .withArgs(MODEL_ID, 2, WC2, await verifier.getAddress(), FFLONK, URI);
      expect((await registry.getModel(MODEL_ID)).latestVersion).to.equal(2);
      expect((await registry.getVersion(MODEL_ID, 1)).weightCommitment).to.equal(WC1);
      expect((await registry.getVersion(MODEL_ID, 1)).proofSystem).to.equal(GROTH16);
      expect((await registry.getVersion(MODEL_ID, 2)).weightCommitment).to.equal(WC2);
      expect((await registry.getVersion(MODEL_ID, 2)).proofSystem).to.equal(FFLONK);
    });

    it("still works while paused", async () => {
      const { registry, pauser, register } = await networkHelpers.loadFixture(deployFixture);
      await connect(registry, pauser).pause();
      await expect(register()).to.emit(registry, "ModelRegistered");
    });

    it("reverts ModelIsDeprecated for a deprecated model", async () => {
      const { registry, registrar, register } = await networkHelpers.loadFixture(registeredFixture);
      await connect(registry, registrar).deprecateModel(MODEL_ID);
      await expect(register())
        .to.be.revertedWithCustomError(registry, "ModelIsDeprecated")
        .withArgs(MODEL_ID);
    });

    it("reverts InvalidVerifier for an address without code", async () => {
      const { registry, user, register } = await networkHelpers.loadFixture(deployFixture);
      for (const address of [ethers.ZeroAddress, user.address]) {
        await expect(register(HASHED, WC1, { getAddress: async () => address }))
          .to.be.revertedWithCustomError(registry, "InvalidVerifier")
          .withArgs(address);
      }
    });

    it("reverts VerifierSignalCountMismatch when nPublic differs from the verifier's", async () => {
      const { registry, verifier, register } = await networkHelpers.loadFixture(deployFixture);
      await verifier.setPublicSignalCount(6);
      await expect(register())
        .to.be.revertedWithCustomError(registry, "VerifierSignalCountMismatch")
        .withArgs(HASHED.nPublic, 6);
    });

    it("reverts InvalidInputKind for an unknown kind or a count that contradicts it", async () => {
      const { registry, register } = await networkHelpers.loadFixture(deployFixture);
      for (const [inputKind, inputCount] of [
        [3, 1],
        [1, 2],
        [1, 0],
        [2, 1],
      ]) {
        await expect(register({ ...HASHED, inputKind, inputCount }))
          .to.be.revertedWithCustomError(registry, "InvalidInputKind")
          .withArgs(inputKind, inputCount);
      }
    });

    it("reverts InvalidOutputKind for an unknown kind or a commitment that is not one signal", async () => {
      const { registry, register } = await networkHelpers.loadFixture(deployFixture);
      for (const [outputKind, outputCount] of [
        [2, 1],
        [255, 3],
        [1, 2],
        [1, 0],
      ]) {
        await expect(register({ ...HASHED, outputKind, outputCount }))
          .to.be.revertedWithCustomError(registry, "InvalidOutputKind")
          .withArgs(outputKind, outputCount);
      }
    });

    it("stores the whole layout, outputKind and submitter included, in one storage slot", async () => {
      const { registry, registerLayout } = await networkHelpers.loadFixture(deployFixture);
      await registerLayout(HASHED_OUT_BOUND);
      const v = await registry.getVersion(MODEL_ID, 1);
      const onChain = Object.fromEntries(
        Object.keys(HASHED_OUT_BOUND).map((k) => [k, Number(v.layout[k])]),
      );
      expect(onChain).to.deep.equal(HASHED_OUT_BOUND);
      expect(HASHED_OUT_BOUND).to.include({ outputKind: 1, submitterKind: 1, submitterIndex: 3 });
      // ModelVersion: weightCommitment (slot 0), verifier | proofSystem | deprecated (slot 1),
      // the layout packed in slot 2 (17 bytes), metadataURI (slot 3). Find the mapping's slot.
      const address = await registry.getAddress();
      const word = (slot: bigint) => ethers.provider.getStorage(address, slot).then(BigInt);
      let base = -1n;
      for (let p = 0; p < 16 && base < 0n; p++) {
        const inner = ethers.keccak256(coder.encode(["bytes32", "uint256"], [MODEL_ID, p]));
        const slot = BigInt(ethers.keccak256(coder.encode(["uint256", "bytes32"], [1, inner])));
        if ((await word(slot)) === BigInt(WC1)) base = slot;
      }
      expect(base >= 0n, "ModelVersion slot found").to.equal(true);
      const widths = [16, 16, 8, 16, 16, 16, 16, 8, 8, 16];
      let layoutWord = await word(base + 2n);
      const fields = Object.keys(HASHED_OUT_BOUND).map((k, i) => {
        const value = Number(layoutWord & ((1n << BigInt(widths[i])) - 1n));
        layoutWord >>= BigInt(widths[i]);
        return [k, value];
      });
      expect(Object.fromEntries(fields)).to.deep.equal(HASHED_OUT_BOUND);
      expect(layoutWord).to.equal(0n);
    });

    it("reverts InvalidSubmitterKind for an unknown kind or an index without a submitter", async () => {
      const { registry, register } = await networkHelpers.loadFixture(deployFixture);
      for (const [submitterKind, submitterIndex] of [
        [2, 0],
        [255, 4],
        [0, 4],
      ]) {
        await expect(register({ ...HASHED, submitterKind, submitterIndex }))
          .to.be.revertedWithCustomError(registry, "InvalidSubmitterKind")
          .withArgs(submitterKind, submitterIndex);
      }
    });

    it("reverts SignalRangeOutOfBounds for a range outside the signals", async () => {
      const { registry, register } = await networkHelpers.loadFixture(deployFixture);
      const n = HASHED.nPublic;
      for (const [patch, offset, count] of [
        [{ weightCommitmentIndex: n }, n, 1],
        [{ inputOffset: n }, n, 1],
        [{ outputOffset: 3 }, 3, 3],
        [{ outputCount: n }, HASHED.outputOffset, n],
        [{ inputKind: 0, inputOffset: 4, inputCount: 2 }, 4, 2],
        [{ submitterKind: 1, submitterIndex: n }, n, 1],
      ] as const) {
        await expect(register({ ...HASHED, ...patch }))
          .to.be.revertedWithCustomError(registry, "SignalRangeOutOfBounds")
          .withArgs(offset, count, n);
      }
    });

    it("accepts public-input and private-input layouts", async () => {
      const { registry, registerLayout } = await networkHelpers.loadFixture(deployFixture);
      await registerLayout(PUBLIC);
      await registerLayout(PRIVATE);
      const v = await registry.getVersion(MODEL_ID, 2);
      expect(Number(v.layout.inputKind)).to.equal(2);
    });
  });

  describe("deprecateVersion", () => {
    it("reverts AccessControlUnauthorizedAccount for a non-registrar", async () => {
      const { registry, admin, user } = await networkHelpers.loadFixture(registeredFixture);
      for (const account of [admin, user]) {
        await expect(connect(registry, account).deprecateVersion(MODEL_ID, 1))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(account.address, REGISTRAR_ROLE);
      }
    });

    it("flags the version and emits VersionDeprecated", async () => {
      const { registry, registrar } = await networkHelpers.loadFixture(registeredFixture);
      await expect(connect(registry, registrar).deprecateVersion(MODEL_ID, 1))
        .to.emit(registry, "VersionDeprecated")
        .withArgs(MODEL_ID, 1);
      expect((await registry.getVersion(MODEL_ID, 1)).deprecated).to.equal(true);
      expect((await registry.getModel(MODEL_ID)).deprecated).to.equal(false);
    });

    it("leaves the latest version usable when an older one is deprecated", async () => {
      const { registry, registrar, user, register } =
        await networkHelpers.loadFixture(registeredFixture);
      await register(HASHED, WC2);
      await connect(registry, registrar).deprecateVersion(MODEL_ID, 1);
      await expect(
        connect(registry, user).submitPrediction(MODEL_ID, PROOF, signalsFor(WC2)),
      ).to.emit(registry, "PredictionVerified");
    });

    it("reverts ModelNotFound for an unregistered model", async () => {
      const { registry, registrar } = await networkHelpers.loadFixture(deployFixture);
      await expect(connect(registry, registrar).deprecateVersion(OTHER_ID, 1))
        .to.be.revertedWithCustomError(registry, "ModelNotFound")
        .withArgs(OTHER_ID);
    });

    it("reverts VersionNotFound for version 0 or a future version", async () => {
      const { registry, registrar } = await networkHelpers.loadFixture(registeredFixture);
      for (const version of [0, 2]) {
        await expect(connect(registry, registrar).deprecateVersion(MODEL_ID, version))
          .to.be.revertedWithCustomError(registry, "VersionNotFound")
          .withArgs(MODEL_ID, version);
      }
    });

    it("reverts VersionIsDeprecated when deprecating twice", async () => {
      const { registry, registrar } = await networkHelpers.loadFixture(registeredFixture);
      await connect(registry, registrar).deprecateVersion(MODEL_ID, 1);
      await expect(connect(registry, registrar).deprecateVersion(MODEL_ID, 1))
        .to.be.revertedWithCustomError(registry, "VersionIsDeprecated")
        .withArgs(MODEL_ID, 1);
    });
  });

  describe("deprecateModel", () => {
    it("reverts AccessControlUnauthorizedAccount for a non-registrar", async () => {
      const { registry, admin, user } = await networkHelpers.loadFixture(registeredFixture);
      for (const account of [admin, user]) {
        await expect(connect(registry, account).deprecateModel(MODEL_ID))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(account.address, REGISTRAR_ROLE);
      }
    });

    it("flags the model and emits ModelDeprecated", async () => {
      const { registry, registrar } = await networkHelpers.loadFixture(registeredFixture);
      await expect(connect(registry, registrar).deprecateModel(MODEL_ID))
        .to.emit(registry, "ModelDeprecated")
        .withArgs(MODEL_ID);
      const model = await registry.getModel(MODEL_ID);
      expect(model.deprecated).to.equal(true);
      expect(model.latestVersion).to.equal(1);
    });

    it("reverts ModelNotFound for an unregistered model", async () => {
      const { registry, registrar } = await networkHelpers.loadFixture(deployFixture);
      await expect(connect(registry, registrar).deprecateModel(OTHER_ID))
        .to.be.revertedWithCustomError(registry, "ModelNotFound")
        .withArgs(OTHER_ID);
    });

    it("reverts ModelIsDeprecated when deprecating twice", async () => {
      const { registry, registrar } = await networkHelpers.loadFixture(registeredFixture);
      await connect(registry, registrar).deprecateModel(MODEL_ID);
      await expect(connect(registry, registrar).deprecateModel(MODEL_ID))
        .to.be.revertedWithCustomError(registry, "ModelIsDeprecated")
        .withArgs(MODEL_ID);
    });
  });

  describe("pause", () => {
    it("reverts AccessControlUnauthorizedAccount for a non-pauser", async () => {
      const { registry, admin, registrar } = await networkHelpers.loadFixture(deployFixture);
      for (const account of [admin, registrar]) {
        await expect(connect(registry, account).pause())
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(account.address, PAUSER_ROLE);
      }
    });

    it("pauses and emits Paused", async () => {
      const { registry, pauser } = await networkHelpers.loadFixture(deployFixture);
      await expect(connect(registry, pauser).pause())
        .to.emit(registry, "Paused")
        .withArgs(pauser.address);
      expect(await registry.paused()).to.equal(true);
    });

    it("reverts EnforcedPause when already paused", async () => {
      const { registry, pauser } = await networkHelpers.loadFixture(deployFixture);
      await connect(registry, pauser).pause();
      await expect(connect(registry, pauser).pause()).to.be.revertedWithCustomError(
        registry,
        "EnforcedPause",
      );
    });
  });

  describe("unpause", () => {
    it("reverts AccessControlUnauthorizedAccount for a non-pauser", async () => {
      const { registry, admin, registrar, pauser } =
        await networkHelpers.loadFixture(deployFixture);
      await connect(registry, pauser).pause();
      for (const account of [admin, registrar]) {
        await expect(connect(registry, account).unpause())
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(account.address, PAUSER_ROLE);
      }
    });

    it("unpauses, emits Unpaused and accepts predictions again", async () => {
      const { registry, pauser, user } = await networkHelpers.loadFixture(registeredFixture);
      await connect(registry, pauser).pause();
      await expect(connect(registry, pauser).unpause())
        .to.emit(registry, "Unpaused")
        .withArgs(pauser.address);
      await expect(
        connect(registry, user).submitPrediction(MODEL_ID, PROOF, signalsFor(WC1)),
      ).to.emit(registry, "PredictionVerified");
    });

    it("reverts ExpectedPause when not paused", async () => {
      const { registry, pauser } = await networkHelpers.loadFixture(deployFixture);
      await expect(connect(registry, pauser).unpause()).to.be.revertedWithCustomError(
        registry,
        "ExpectedPause",
      );
    });
  });

  describe("submitPrediction", () => {
    it("records the prediction and emits PredictionVerified with every field", async () => {
      const { registry, user } = await networkHelpers.loadFixture(registeredFixture);
      const signals = signalsFor(WC1, [7n, 8n, 9n]);
      const id = predictionIdOf(MODEL_ID, 1, signals);
      const ic = ethers.toBeHex(INPUT_COMMITMENT, 32);
      expect(
        await connect(registry, user).submitPrediction.staticCall(MODEL_ID, PROOF, signals),
      ).to.equal(id);
      const tx = connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals);
      await expect(tx)
        .to.emit(registry, "PredictionVerified")
        .withArgs(MODEL_ID, 1, id, ic, [7n, 8n, 9n], user.address);
      const receipt = await (await tx).wait();
      expect(await registry.isPredictionVerified(id)).to.equal(true);
      const p = await registry.getPrediction(id);
      expect(p.version).to.equal(1);
      expect(p.submitter).to.equal(user.address);
      expect(p.blockNumber).to.equal(receipt!.blockNumber);
      expect(await registry.predictionIdOf(MODEL_ID, 1, signals)).to.equal(id);
      // One storage slot: submitter | blockNumber << 160 | version << 224, nothing after it.
      const registryAddress = await registry.getAddress();
      const slots = [];
      for (let index = 0; index < 8; index++) {
        const slot = BigInt(ethers.keccak256(coder.encode(["bytes32", "uint256"], [id, index])));
        const word = await ethers.provider.getStorage(registryAddress, slot);
        if (BigInt(word) !== 0n) slots.push({ slot, word });
      }
      expect(slots).to.have.length(1);
      const expectedWord =
        BigInt(user.address) | (BigInt(receipt!.blockNumber) << 160n) | (1n << 224n);
      expect(BigInt(slots[0].word)).to.equal(expectedWord);
      expect(await ethers.provider.getStorage(registryAddress, slots[0].slot + 1n)).to.equal(
        ethers.ZeroHash,
      );
    });

    it("commits public inputs as keccak256 of the packed input slice", async () => {
      const { registry, user, registerLayout } = await networkHelpers.loadFixture(deployFixture);
      await registerLayout(PUBLIC);
      const signals = [BigInt(WC1), 5n, 6n, 10n, 11n, 12n];
      const id = predictionIdOf(MODEL_ID, 1, signals);
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals))
        .to.emit(registry, "PredictionVerified")
        .withArgs(MODEL_ID, 1, id, packed([10n, 11n, 12n]), [5n, 6n], user.address);
      expect((await registry.getPrediction(id)).submitter).to.equal(user.address);
    });

    it("emits the output commitment as the outputs of a hashed-output layout", async () => {
      const { registry, user, registerLayout } = await networkHelpers.loadFixture(deployFixture);
      await registerLayout(HASHED_OUT);
      const outputCommitment = 0x5eedn;
      const signals = [BigInt(WC1), INPUT_COMMITMENT, outputCommitment];
      const id = predictionIdOf(MODEL_ID, 1, signals);
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals))
        .to.emit(registry, "PredictionVerified")
        .withArgs(
          MODEL_ID,
          1,
          id,
          ethers.toBeHex(INPUT_COMMITMENT, 32),
          [outputCommitment],
          user.address,
        );
    });

    it("records a zero input commitment for private inputs", async () => {
      const { registry, user, registerLayout } = await networkHelpers.loadFixture(deployFixture);
      await registerLayout(PRIVATE);
      const signals = [BigInt(WC1), 42n];
      const id = predictionIdOf(MODEL_ID, 1, signals);
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals))
        .to.emit(registry, "PredictionVerified")
        .withArgs(MODEL_ID, 1, id, ethers.ZeroHash, [42n], user.address);
    });

    it("uses the latest version", async () => {
      const { registry, user, register } = await networkHelpers.loadFixture(registeredFixture);
      await register(HASHED, WC2);
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, signalsFor(WC1)))
        .to.be.revertedWithCustomError(registry, "WeightCommitmentMismatch")
        .withArgs(MODEL_ID, WC2, WC1);
      const signals = signalsFor(WC2);
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals))
        .to.emit(registry, "PredictionVerified")
        .withArgs(
          MODEL_ID,
          2,
          predictionIdOf(MODEL_ID, 2, signals),
          ethers.toBeHex(INPUT_COMMITMENT, 32),
          [1n, 2n, 3n],
          user.address,
        );
    });

    it("reverts EnforcedPause while paused", async () => {
      const { registry, pauser, user } = await networkHelpers.loadFixture(registeredFixture);
      await connect(registry, pauser).pause();
      await expect(
        connect(registry, user).submitPrediction(MODEL_ID, PROOF, signalsFor(WC1)),
      ).to.be.revertedWithCustomError(registry, "EnforcedPause");
    });

    it("reverts ModelNotFound for an unregistered model", async () => {
      const { registry, user } = await networkHelpers.loadFixture(registeredFixture);
      await expect(connect(registry, user).submitPrediction(OTHER_ID, PROOF, signalsFor(WC1)))
        .to.be.revertedWithCustomError(registry, "ModelNotFound")
        .withArgs(OTHER_ID);
    });

    it("reverts ModelIsDeprecated for a deprecated model", async () => {
      const { registry, registrar, user } = await networkHelpers.loadFixture(registeredFixture);
      await connect(registry, registrar).deprecateModel(MODEL_ID);
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, signalsFor(WC1)))
        .to.be.revertedWithCustomError(registry, "ModelIsDeprecated")
        .withArgs(MODEL_ID);
    });

    it("reverts VersionIsDeprecated when the latest version is deprecated", async () => {
      const { registry, registrar, user } = await networkHelpers.loadFixture(registeredFixture);
      await connect(registry, registrar).deprecateVersion(MODEL_ID, 1);
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, signalsFor(WC1)))
        .to.be.revertedWithCustomError(registry, "VersionIsDeprecated")
        .withArgs(MODEL_ID, 1);
    });

    it("reverts PublicSignalCountMismatch for the wrong number of signals", async () => {
      const { registry, user } = await networkHelpers.loadFixture(registeredFixture);
      for (const signals of [signalsFor(WC1).slice(0, 4), [...signalsFor(WC1), 0n]]) {
        await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals))
          .to.be.revertedWithCustomError(registry, "PublicSignalCountMismatch")
          .withArgs(HASHED.nPublic, signals.length);
      }
    });

    it("reverts WeightCommitmentMismatch for another weight commitment", async () => {
      const { registry, user } = await networkHelpers.loadFixture(registeredFixture);
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, signalsFor(WC2)))
        .to.be.revertedWithCustomError(registry, "WeightCommitmentMismatch")
        .withArgs(MODEL_ID, WC1, WC2);
    });

    it("reverts PublicSignalOutOfField for any signal >= r: the alias s + r of a recorded statement", async () => {
      const { registry, user } = await networkHelpers.loadFixture(registeredFixture);
      const signals = signalsFor(WC1, [7n, 8n, 9n]);
      await connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals);
      // The mock verifier accepts anything, as a PLONK/FFLONK verifier accepts s + r for s.
      for (let index = 0; index < signals.length; index++) {
        for (const value of [signals[index] + R, R, 2n ** 256n - 1n]) {
          const aliased = signals.map((s, i) => (i === index ? value : s));
          await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, aliased))
            .to.be.revertedWithCustomError(registry, "PublicSignalOutOfField")
            .withArgs(index, value);
        }
      }
      // R - 1 is a field element: recorded (a new statement).
      const top = signalsFor(WC1, [R - 1n, 8n, 9n]);
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, top)).to.emit(
        registry,
        "PredictionVerified",
      );
    });

    it("records a bound proof only from its submitter (SubmitterMismatch from anyone else)", async () => {
      const { registry, user, other, registerLayout } =
        await networkHelpers.loadFixture(deployFixture);
      await registerLayout(BOUND);
      const signals = [...signalsFor(WC1), BigInt(user.address)];
      const id = predictionIdOf(MODEL_ID, 1, signals);
      await expect(connect(registry, other).submitPrediction(MODEL_ID, PROOF, signals))
        .to.be.revertedWithCustomError(registry, "SubmitterMismatch")
        .withArgs(BigInt(user.address), other.address);
      // A submitter signal that is no address (>= 2^160) matches nobody.
      const wide = [...signalsFor(WC1), BigInt(user.address) + (1n << 160n)];
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, wide))
        .to.be.revertedWithCustomError(registry, "SubmitterMismatch")
        .withArgs(wide[5], user.address);
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals))
        .to.emit(registry, "PredictionVerified")
        .withArgs(
          MODEL_ID,
          1,
          id,
          ethers.toBeHex(INPUT_COMMITMENT, 32),
          [1n, 2n, 3n],
          user.address,
        );
      expect((await registry.getPrediction(id)).submitter).to.equal(user.address);
    });

    it("reverts PredictionAlreadyVerified for the same statement, whatever the proof bytes or sender", async () => {
      const { registry, user, other } = await networkHelpers.loadFixture(registeredFixture);
      const signals = signalsFor(WC1);
      await connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals);
      const rerandomised = "0x" + "22".repeat(256);
      await expect(connect(registry, other).submitPrediction(MODEL_ID, rerandomised, signals))
        .to.be.revertedWithCustomError(registry, "PredictionAlreadyVerified")
        .withArgs(predictionIdOf(MODEL_ID, 1, signals));
    });

    it("records the same statement again under a new version", async () => {
      const { registry, user, register } = await networkHelpers.loadFixture(registeredFixture);
      const signals = signalsFor(WC1);
      await connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals);
      await register(HASHED, WC1);
      await connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals);
      expect(await registry.isPredictionVerified(predictionIdOf(MODEL_ID, 2, signals))).to.be.true;
    });

    it("reverts InvalidProof when the verifier returns false", async () => {
      const { registry, verifier, user } = await networkHelpers.loadFixture(registeredFixture);
      await verifier.setResult(false);
      await expect(connect(registry, user).submitPrediction(MODEL_ID, PROOF, signalsFor(WC1)))
        .to.be.revertedWithCustomError(registry, "InvalidProof")
        .withArgs(MODEL_ID, 1);
    });

    it("re-throws the verifier's revert data, or InvalidProof when it has none", async () => {
      const { registry, verifier, user } = await networkHelpers.loadFixture(registeredFixture);
      const submit = () =>
        connect(registry, user).submitPrediction(MODEL_ID, PROOF, signalsFor(WC1));
      await verifier.setRevertMode(1);
      await expect(submit())
        .to.be.revertedWithCustomError(verifier, "MockVerifierFailed")
        .withArgs(256);
      await verifier.setRevertMode(2);
      await expect(submit())
        .to.be.revertedWithCustomError(registry, "InvalidProof")
        .withArgs(MODEL_ID, 1);
    });
  });

  describe("submitPredictions", () => {
    const batch = (n: number) =>
      Array.from({ length: n }, (_, i) => signalsFor(WC1, [BigInt(i), 0n, 0n]));

    it("records every item, returns the ids and emits PredictionVerified for each", async () => {
      const { registry, user } = await networkHelpers.loadFixture(registeredFixture);
      const signals = batch(3);
      const ids = signals.map((s) => predictionIdOf(MODEL_ID, 1, s));
      const proofs = signals.map(() => PROOF);
      expect(
        await connect(registry, user).submitPredictions.staticCall(MODEL_ID, proofs, signals),
      ).to.deep.equal(ids);
      const tx = connect(registry, user).submitPredictions(MODEL_ID, proofs, signals);
      for (let i = 0; i < 3; i++) {
        await expect(tx)
          .to.emit(registry, "PredictionVerified")
          .withArgs(
            MODEL_ID,
            1,
            ids[i],
            ethers.toBeHex(INPUT_COMMITMENT, 32),
            [BigInt(i), 0n, 0n],
            user.address,
          );
      }
      for (const id of ids) expect(await registry.isPredictionVerified(id)).to.equal(true);
    });

    it("accepts an empty batch", async () => {
      const { registry, user } = await networkHelpers.loadFixture(registeredFixture);
      expect(
        await connect(registry, user).submitPredictions.staticCall(MODEL_ID, [], []),
      ).to.deep.equal([]);
    });

    it("reverts BatchLengthMismatch when the arrays differ in length", async () => {
      const { registry, user } = await networkHelpers.loadFixture(registeredFixture);
      await expect(connect(registry, user).submitPredictions(MODEL_ID, [PROOF], batch(2)))
        .to.be.revertedWithCustomError(registry, "BatchLengthMismatch")
        .withArgs(1, 2);
    });

    it("reverts BatchItemFailed with the index and the item's error, recording nothing", async () => {
      const { registry, user } = await networkHelpers.loadFixture(registeredFixture);
      const signals = batch(3);
      signals[1] = signalsFor(WC2);
      const reason = registry.interface.encodeErrorResult("WeightCommitmentMismatch", [
        MODEL_ID,
        WC1,
        WC2,
      ]);
      await expect(
        connect(registry, user).submitPredictions(MODEL_ID, [PROOF, PROOF, PROOF], signals),
      )
        .to.be.revertedWithCustomError(registry, "BatchItemFailed")
        .withArgs(1, reason);
      const first = predictionIdOf(MODEL_ID, 1, signals[0]);
      expect(await registry.isPredictionVerified(first)).to.equal(false);
    });

    it("skips a statement already recorded (e.g. copied from the mempool) or repeated, with PredictionSkipped", async () => {
      const { registry, verifier, user, other } =
        await networkHelpers.loadFixture(registeredFixture);
      const signals = [...batch(3), batch(1)[0]];
      const ids = signals.map((s) => predictionIdOf(MODEL_ID, 1, s));
      // Someone else recorded item 1 first (a copy of the pending batch's item).
      await connect(registry, other).submitPrediction(MODEL_ID, PROOF, signals[1]);
      const proofs = signals.map(() => PROOF);
      expect(
        await connect(registry, user).submitPredictions.staticCall(MODEL_ID, proofs, signals),
      ).to.deep.equal(ids);
      const tx = connect(registry, user).submitPredictions(MODEL_ID, proofs, signals);
      await expect(tx).to.emit(registry, "PredictionSkipped").withArgs(MODEL_ID, 1, ids[1], 1);
      await expect(tx).to.emit(registry, "PredictionSkipped").withArgs(MODEL_ID, 1, ids[3], 3);
      const receipt = (await (await tx).wait()) as { logs: { topics: string[]; data: string }[] };
      const names = receipt.logs.map((l) => registry.interface.parseLog(l)!.name);
      expect(names).to.deep.equal([
        "PredictionVerified",
        "PredictionSkipped",
        "PredictionVerified",
        "PredictionSkipped",
      ]);
      expect((await registry.getPrediction(ids[1])).submitter).to.equal(other.address);
      for (const i of [0, 2]) {
        expect((await registry.getPrediction(ids[i])).submitter).to.equal(user.address);
      }
      // A batch of recorded statements only: nothing to verify, every item skipped.
      await verifier.setResult(false);
      await expect(connect(registry, user).submitPredictions(MODEL_ID, [PROOF], [signals[0]]))
        .to.emit(registry, "PredictionSkipped")
        .withArgs(MODEL_ID, 1, ids[0], 0);
    });

    it("reverts BatchItemFailed(PublicSignalOutOfField) for an item with a signal >= r", async () => {
      const { registry, user } = await networkHelpers.loadFixture(registeredFixture);
      const signals = batch(2);
      await connect(registry, user).submitPrediction(MODEL_ID, PROOF, signals[0]);
      signals[1] = signalsFor(WC1, [R, 0n, 0n]);
      signals[0] = signals[0].map((s, i) => (i === 2 ? s + R : s)); // alias of a recorded one
      const reason = registry.interface.encodeErrorResult("PublicSignalOutOfField", [
        2,
        signals[0][2],
      ]);
      await expect(connect(registry, user).submitPredictions(MODEL_ID, [PROOF, PROOF], signals))
        .to.be.revertedWithCustomError(registry, "BatchItemFailed")
        .withArgs(0, reason);
    });

    it("reverts BatchItemFailed(SubmitterMismatch) for an item bound to another account", async () => {
      const { registry, user, other, registerLayout } =
        await networkHelpers.loadFixture(deployFixture);
      await registerLayout(BOUND);
      const signals = [0n, 1n].map((k) => [...signalsFor(WC1, [k, 0n, 0n]), BigInt(user.address)]);
      const reason = registry.interface.encodeErrorResult("SubmitterMismatch", [
        BigInt(user.address),
        other.address,
      ]);
      await expect(connect(registry, other).submitPredictions(MODEL_ID, [PROOF, PROOF], signals))
        .to.be.revertedWithCustomError(registry, "BatchItemFailed")
        .withArgs(0, reason);
      await expect(
        connect(registry, user).submitPredictions(MODEL_ID, [PROOF, PROOF], signals),
      ).to.emit(registry, "PredictionVerified");
    });

    it("reverts BatchItemFailed(InvalidProof) when the verifier rejects an item", async () => {
      const { registry, verifier, user } = await networkHelpers.loadFixture(registeredFixture);
      await verifier.setResult(false);
      const reason = registry.interface.encodeErrorResult("InvalidProof", [MODEL_ID, 1]);
      await expect(connect(registry, user).submitPredictions(MODEL_ID, [PROOF], batch(1)))
        .to.be.revertedWithCustomError(registry, "BatchItemFailed")
        .withArgs(0, reason);
    });

    it("reverts model-level errors directly", async () => {
      const { registry, registrar, pauser, user } =
        await networkHelpers.loadFixture(registeredFixture);
      const submit = (id = MODEL_ID) =>
        connect(registry, user).submitPredictions(id, [PROOF], batch(1));
      await expect(submit(OTHER_ID))
        .to.be.revertedWithCustomError(registry, "ModelNotFound")
        .withArgs(OTHER_ID);
      await connect(registry, registrar).deprecateVersion(MODEL_ID, 1);
      await expect(submit())
        .to.be.revertedWithCustomError(registry, "VersionIsDeprecated")
        .withArgs(MODEL_ID, 1);
      await connect(registry, registrar).deprecateModel(MODEL_ID);
      await expect(submit())
        .to.be.revertedWithCustomError(registry, "ModelIsDeprecated")
        .withArgs(MODEL_ID);
      await connect(registry, pauser).pause();
      await expect(submit()).to.be.revertedWithCustomError(registry, "EnforcedPause");
    });
  });

  /** A registry with MODEL_ID registered and a mock batch verifier set for version 1. */
  async function batchFixture() {
    const f = await registeredFixture();
    const batchVerifier = await ethers.deployContract("MockBatchProofVerifier", [
      GROTH16,
      HASHED.nPublic,
    ]);
    await batchVerifier.setBatchResult(true);
    await connect(f.registry, f.registrar).setBatchVerifier(
      MODEL_ID,
      1,
      await batchVerifier.getAddress(),
    );
    // The per-proof verifier would reject: only the batch verifier can accept a batch.
    await f.verifier.setResult(false);
    return { ...f, batchVerifier };
  }

  describe("setBatchVerifier", () => {
    it("reverts AccessControlUnauthorizedAccount for a non-registrar", async () => {
      const { registry, verifier, admin, user } =
        await networkHelpers.loadFixture(registeredFixture);
      for (const account of [admin, user]) {
        await expect(
          connect(registry, account).setBatchVerifier(MODEL_ID, 1, await verifier.getAddress()),
        )
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(account.address, REGISTRAR_ROLE);
      }
    });

    it("sets and clears the batch verifier, emitting BatchVerifierSet", async () => {
      const { registry, registrar, batchVerifier } = await networkHelpers.loadFixture(batchFixture);
      const address = await batchVerifier.getAddress();
      expect(await registry.getBatchVerifier(MODEL_ID, 1)).to.equal(address);
      await expect(connect(registry, registrar).setBatchVerifier(MODEL_ID, 1, ethers.ZeroAddress))
        .to.emit(registry, "BatchVerifierSet")
        .withArgs(MODEL_ID, 1, ethers.ZeroAddress);
      expect(await registry.getBatchVerifier(MODEL_ID, 1)).to.equal(ethers.ZeroAddress);
      await expect(connect(registry, registrar).setBatchVerifier(MODEL_ID, 1, address))
        .to.emit(registry, "BatchVerifierSet")
        .withArgs(MODEL_ID, 1, address);
    });

    it("reverts ModelNotFound / VersionNotFound for a missing model or version", async () => {
      const { registry, registrar, verifier } = await networkHelpers.loadFixture(registeredFixture);
      const address = await verifier.getAddress();
      await expect(connect(registry, registrar).setBatchVerifier(OTHER_ID, 1, address))
        .to.be.revertedWithCustomError(registry, "ModelNotFound")
        .withArgs(OTHER_ID);
      await expect(connect(registry, registrar).setBatchVerifier(MODEL_ID, 2, address))
        .to.be.revertedWithCustomError(registry, "VersionNotFound")
        .withArgs(MODEL_ID, 2);
      await expect(registry.getBatchVerifier(MODEL_ID, 2))
        .to.be.revertedWithCustomError(registry, "VersionNotFound")
        .withArgs(MODEL_ID, 2);
    });

    it("reverts InvalidVerifier, VerifierSignalCountMismatch, BatchVerifierProofSystemMismatch", async () => {
      const { registry, registrar, user, batchVerifier } =
        await networkHelpers.loadFixture(batchFixture);
      const set = (address: string) =>
        connect(registry, registrar).setBatchVerifier(MODEL_ID, 1, address);
      await expect(set(user.address))
        .to.be.revertedWithCustomError(registry, "InvalidVerifier")
        .withArgs(user.address);
      const address = await batchVerifier.getAddress();
      await batchVerifier.setPublicSignalCount(HASHED.nPublic + 1);
      await expect(set(address))
        .to.be.revertedWithCustomError(registry, "VerifierSignalCountMismatch")
        .withArgs(HASHED.nPublic, HASHED.nPublic + 1);
      await batchVerifier.setPublicSignalCount(HASHED.nPublic);
      await batchVerifier.setProofSystem(FFLONK);
      await expect(set(address))
        .to.be.revertedWithCustomError(registry, "BatchVerifierProofSystemMismatch")
        .withArgs(GROTH16, FFLONK);
    });
  });

  describe("submitPredictions with a batch verifier", () => {
    const batch = (n: number) =>
      Array.from({ length: n }, (_, i) => signalsFor(WC1, [BigInt(i), 5n, 0n]));

    it("records every item with one verifyBatch call and emits PredictionVerified for each", async () => {
      const { registry, user } = await networkHelpers.loadFixture(batchFixture);
      const signals = batch(4);
      const ids = signals.map((s) => predictionIdOf(MODEL_ID, 1, s));
      const proofs = signals.map(() => PROOF);
      expect(
        await connect(registry, user).submitPredictions.staticCall(MODEL_ID, proofs, signals),
      ).to.deep.equal(ids);
      const tx = connect(registry, user).submitPredictions(MODEL_ID, proofs, signals);
      for (let i = 0; i < signals.length; i++) {
        await expect(tx)
          .to.emit(registry, "PredictionVerified")
          .withArgs(
            MODEL_ID,
            1,
            ids[i],
            ethers.toBeHex(INPUT_COMMITMENT, 32),
            [BigInt(i), 5n, 0n],
            user.address,
          );
      }
      for (const id of ids) expect((await registry.getPrediction(id)).version).to.equal(1);
    });

    it("reverts InvalidBatchProof, recording nothing, when the batch verifier rejects or reverts", async () => {
      const { registry, user, batchVerifier } = await networkHelpers.loadFixture(batchFixture);
      const signals = batch(3);
      const submit = () =>
        connect(registry, user).submitPredictions(MODEL_ID, [PROOF, PROOF, PROOF], signals);
      await batchVerifier.setBatchResult(false);
      await expect(submit())
        .to.be.revertedWithCustomError(registry, "InvalidBatchProof")
        .withArgs(MODEL_ID, 1, 3);
      await batchVerifier.setBatchResult(true);
      await batchVerifier.setBatchRevertMode(1);
      await expect(submit())
        .to.be.revertedWithCustomError(registry, "InvalidBatchProof")
        .withArgs(MODEL_ID, 1, 3);
      expect(await registry.isPredictionVerified(predictionIdOf(MODEL_ID, 1, signals[0]))).to.equal(
        false,
      );
    });

    it("hands the batch verifier exactly the arrays it decoded, whatever their encoding", async () => {
      const { registry, user, batchVerifier } = await networkHelpers.loadFixture(batchFixture);
      const signals = batch(3);
      const proofs = ["0x" + "11".repeat(256), "0x" + "22".repeat(200), "0x" + "33".repeat(256)];
      const batchHash = ethers.keccak256(
        coder.encode(["bytes[]", "uint256[][]"], [proofs, signals]),
      );
      await batchVerifier.setExpectedBatch(batchHash);
      // Standard encoding.
      await expect(connect(registry, user).submitPredictions(MODEL_ID, proofs, signals)).to.emit(
        registry,
        "PredictionVerified",
      );
      // A valid but unusual encoding: a junk word after the head, the signals before the proofs.
      const others = signals.map((_, i) => signalsFor(WC1, [BigInt(10 + i), 6n, 1n]));
      const otherHash = ethers.keccak256(
        coder.encode(["bytes[]", "uint256[][]"], [proofs, others]),
      );
      const tail = (type: string, value: unknown) =>
        ethers.dataSlice(coder.encode([type], [value]), 32);
      const signalsTail = tail("uint256[][]", others);
      const signalsAt = 96 + 32;
      const proofsAt = signalsAt + ethers.dataLength(signalsTail);
      const selector = registry.interface.getFunction("submitPredictions")!.selector;
      const data = ethers.concat([
        selector,
        coder.encode(["bytes32", "uint256", "uint256"], [MODEL_ID, proofsAt, signalsAt]),
        ethers.toBeHex(0xdeadn, 32),
        signalsTail,
        tail("bytes[]", proofs),
      ]);
      const to = await registry.getAddress();
      await expect(user.sendTransaction({ to, data }))
        .to.be.revertedWithCustomError(registry, "InvalidBatchProof")
        .withArgs(MODEL_ID, 1, 3);
      await batchVerifier.setExpectedBatch(otherHash);
      const tx = user.sendTransaction({ to, data });
      await expect(tx).to.emit(registry, "PredictionVerified");
      for (const s of others) {
        expect(await registry.isPredictionVerified(predictionIdOf(MODEL_ID, 1, s))).to.equal(true);
      }
    });

    it("rejects an item with a signal >= r (BatchItemFailed) before the batch proof", async () => {
      const { registry, user } = await networkHelpers.loadFixture(batchFixture);
      const aliased = [signalsFor(WC1, [R + 1n, 5n, 0n])];
      await expect(connect(registry, user).submitPredictions(MODEL_ID, [PROOF], aliased))
        .to.be.revertedWithCustomError(registry, "BatchItemFailed")
        .withArgs(0, registry.interface.encodeErrorResult("PublicSignalOutOfField", [2, R + 1n]));
    });

    it("skips recorded or repeated statements, and still checks their proofs in the batch", async () => {
      const { registry, user, other, batchVerifier } =
        await networkHelpers.loadFixture(batchFixture);
      const signals = [...batch(2), batch(1)[0]];
      const ids = signals.map((s) => predictionIdOf(MODEL_ID, 1, s));
      await connect(registry, other).submitPredictions(MODEL_ID, [PROOF], [signals[1]]);
      const proofs = [PROOF, PROOF, PROOF];
      await batchVerifier.setBatchResult(false);
      await expect(connect(registry, user).submitPredictions(MODEL_ID, proofs, signals))
        .to.be.revertedWithCustomError(registry, "InvalidBatchProof")
        .withArgs(MODEL_ID, 1, 3);
      await batchVerifier.setBatchResult(true);
      const tx = connect(registry, user).submitPredictions(MODEL_ID, proofs, signals);
      await expect(tx).to.emit(registry, "PredictionSkipped").withArgs(MODEL_ID, 1, ids[1], 1);
      await expect(tx).to.emit(registry, "PredictionSkipped").withArgs(MODEL_ID, 1, ids[2], 2);
      expect((await registry.getPrediction(ids[0])).submitter).to.equal(user.address);
      expect((await registry.getPrediction(ids[1])).submitter).to.equal(other.address);
    });

    it("runs the weight commitment check per item (BatchItemFailed) before the batch proof", async () => {
      const { registry, user } = await networkHelpers.loadFixture(batchFixture);
      const signals = batch(3);
      signals[2] = signalsFor(WC2);
      const mismatch = registry.interface.encodeErrorResult("WeightCommitmentMismatch", [
        MODEL_ID,
        WC1,
        WC2,
      ]);
      await expect(
        connect(registry, user).submitPredictions(MODEL_ID, [PROOF, PROOF, PROOF], signals),
      )
        .to.be.revertedWithCustomError(registry, "BatchItemFailed")
        .withArgs(2, mismatch);
    });

    it("is used only for its own version; a new version without one verifies item by item", async () => {
      const { registry, verifier, user, register } = await networkHelpers.loadFixture(batchFixture);
      await register(HASHED, WC2);
      const signals = [signalsFor(WC2)];
      await expect(connect(registry, user).submitPredictions(MODEL_ID, [PROOF], signals))
        .to.be.revertedWithCustomError(registry, "BatchItemFailed")
        .withArgs(0, registry.interface.encodeErrorResult("InvalidProof", [MODEL_ID, 2]));
      await verifier.setResult(true);
      await expect(connect(registry, user).submitPredictions(MODEL_ID, [PROOF], signals)).to.emit(
        registry,
        "PredictionVerified",
      );
    });
  });

  describe("views", () => {
    it("getModel reverts ModelNotFound for an unregistered model", async () => {
      const { registry } = await networkHelpers.loadFixture(deployFixture);
      await expect(registry.getModel(OTHER_ID))
        .to.be.revertedWithCustomError(registry, "ModelNotFound")
        .withArgs(OTHER_ID);
    });

    it("getVersion reverts VersionNotFound for a missing version", async () => {
      const { registry } = await networkHelpers.loadFixture(registeredFixture);
      for (const [id, version] of [
        [MODEL_ID, 0],
        [MODEL_ID, 2],
        [OTHER_ID, 1],
      ] as const) {
        await expect(registry.getVersion(id, version))
          .to.be.revertedWithCustomError(registry, "VersionNotFound")
          .withArgs(id, version);
      }
    });

    it("getPrediction reverts PredictionNotFound and isPredictionVerified is false for an unknown id", async () => {
      const { registry } = await networkHelpers.loadFixture(registeredFixture);
      const id = predictionIdOf(MODEL_ID, 1, signalsFor(WC1));
      await expect(registry.getPrediction(id))
        .to.be.revertedWithCustomError(registry, "PredictionNotFound")
        .withArgs(id);
      expect(await registry.isPredictionVerified(id)).to.equal(false);
    });
  });

  describe("property: random register/deprecate/pause/submit sequences", () => {
    /** mulberry32: a small seeded PRNG, so a failing sequence replays exactly. */
    function prng(seed: number) {
      let a = seed >>> 0;
      return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    interface RefVersion {
      wc: string;
      deprecated: boolean;
    }
    interface RefModel {
      versions: RefVersion[];
      deprecated: boolean;
    }
    type Expected = { error: string; args?: unknown[] } | null;

    const SEED = 0x5eed2025;
    const STEPS = 200;
    const IDS = ["a", "b", "c", "d"].map((name) => ethers.id(`model ${name}`));
    const COMMITMENTS = [WC1, WC2, ethers.toBeHex(0x3333n, 32)];

    it(`records a prediction only for a valid proof on an active latest version with its commitment (seed ${SEED}, ${STEPS} steps)`, async () => {
      const { registry, verifier, registrar, pauser, user, register } =
        await networkHelpers.loadFixture(deployFixture);
      const rand = prng(SEED);
      const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)];
      const models = new Map<string, RefModel>();
      const recorded = new Set<string>();
      const outcomes = new Map<string, number>();
      let paused = false;

      const expectOutcome = async (tx: Promise<unknown>, expected: Expected, label: string) => {
        const key = `${label}:${expected?.error ?? "ok"}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        if (expected === null) return ((await await tx) as { wait(): Promise<unknown> }).wait();
        const assertion = expect(tx).to.be.revertedWithCustomError(registry, expected.error);
        if (expected.args) await assertion.withArgs(...expected.args);
        else await assertion;
      };

      for (let step = 0; step < STEPS; step++) {
        const roll = rand();
        // Pauses are short: while paused, a third of the steps unpause.
        const action =
          (paused && rand() < 0.3) || (roll >= 0.27 && roll < 0.31)
            ? "togglePause"
            : roll < 0.15
              ? "register"
              : roll < 0.25
                ? "deprecateVersion"
                : roll < 0.27
                  ? "deprecateModel"
                  : "submit";
        const modelId = pick(IDS);
        const model = models.get(modelId);
        if (action === "register") {
          const wc = pick(COMMITMENTS);
          const expected: Expected = model?.deprecated
            ? { error: "ModelIsDeprecated", args: [modelId] }
            : null;
          await expectOutcome(register(HASHED, wc, verifier, modelId), expected, "register");
          if (expected === null) {
            const m = model ?? { versions: [], deprecated: false };
            m.versions.push({ wc, deprecated: false });
            models.set(modelId, m);
            expect((await registry.getModel(modelId)).latestVersion).to.equal(m.versions.length);
          }
        } else if (action === "deprecateVersion") {
          const count = model?.versions.length ?? 0;
          // Mostly the latest version; sometimes any of 0 .. count + 1.
          const version = rand() < 0.6 ? count : Math.floor(rand() * (count + 2));
          const target = model?.versions[version - 1];
          const expected: Expected = !model
            ? { error: "ModelNotFound", args: [modelId] }
            : !target
              ? { error: "VersionNotFound", args: [modelId, version] }
              : target.deprecated
                ? { error: "VersionIsDeprecated", args: [modelId, version] }
                : null;
          const tx = connect(registry, registrar).deprecateVersion(modelId, version);
          await expectOutcome(tx, expected, "deprecateVersion");
          if (expected === null) target!.deprecated = true;
        } else if (action === "deprecateModel") {
          const expected: Expected = !model
            ? { error: "ModelNotFound", args: [modelId] }
            : model.deprecated
              ? { error: "ModelIsDeprecated", args: [modelId] }
              : null;
          const tx = connect(registry, registrar).deprecateModel(modelId);
          await expectOutcome(tx, expected, "deprecateModel");
          if (expected === null) model!.deprecated = true;
        } else if (action === "togglePause") {
          const asPauser = connect(registry, pauser);
          await expectOutcome(paused ? asPauser.unpause() : asPauser.pause(), null, "pause");
          paused = !paused;
        } else {
          const valid = rand() < 0.6;
          await verifier.setResult(valid);
          const submitted = rand() < 0.9 ? modelId : OTHER_ID;
          const target = models.get(submitted);
          const version = target?.versions.length ?? 0;
          const latest = target?.versions[version - 1];
          const wc = rand() < 0.8 && latest ? latest.wc : pick(COMMITMENTS);
          const signals = signalsFor(wc, [BigInt(Math.floor(rand() * 8)), 0n, 0n]);
          const id = predictionIdOf(submitted, version, signals);
          const expected: Expected = paused
            ? { error: "EnforcedPause" }
            : !target
              ? { error: "ModelNotFound", args: [submitted] }
              : target.deprecated
                ? { error: "ModelIsDeprecated", args: [submitted] }
                : latest!.deprecated
                  ? { error: "VersionIsDeprecated", args: [submitted, version] }
                  : wc !== latest!.wc
                    ? {
                        error: "WeightCommitmentMismatch",
                        args: [submitted, latest!.wc, wc],
                      }
                    : recorded.has(id)
                      ? { error: "PredictionAlreadyVerified", args: [id] }
                      : !valid
                        ? { error: "InvalidProof", args: [submitted, version] }
                        : null;
          const wasRecorded = recorded.has(id);
          const tx = connect(registry, user).submitPrediction(submitted, PROOF, signals);
          await expectOutcome(tx, expected, "submit");
          if (expected === null) recorded.add(id);
          expect(await registry.isPredictionVerified(id)).to.equal(
            wasRecorded || expected === null,
            `step ${step}`,
          );
        }
      }

      // The sequence must have exercised the interesting outcomes.
      for (const key of [
        "submit:ok",
        "submit:InvalidProof",
        "submit:WeightCommitmentMismatch",
        "submit:VersionIsDeprecated",
        "submit:ModelIsDeprecated",
        "submit:ModelNotFound",
        "submit:EnforcedPause",
        "submit:PredictionAlreadyVerified",
        "register:ok",
      ]) {
        expect(outcomes.get(key) ?? 0, key).to.be.greaterThan(0);
      }
      for (const id of recorded) expect(await registry.isPredictionVerified(id)).to.equal(true);
    });
  });
});
