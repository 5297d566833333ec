import { expect } from "chai";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";

const { ethers, networkHelpers } = await network.create();

const GROTH16 = 0;
const PLONK = 1;
const FFLONK = 2;
const N = 3;

/** The verifyProof signatures we assume, per proof system, with N public signals. */
const SIGNATURES: Record<number, (n: number) => string> = {
  [GROTH16]: (n) => `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[${n}])`,
  [PLONK]: (n) => `verifyProof(uint256[24],uint256[${n}])`,
  [FFLONK]: (n) => `verifyProof(bytes32[24],uint256[${n}])`,
};

const TEMPLATES: Record<number, string> = {
  [GROTH16]: "verifier_groth16.sol.ejs",
  [PLONK]: "verifier_plonk.sol.ejs",
  [FFLONK]: "verifier_fflonk.sol.ejs",
};

/** The canonical `verifyProof` signature in an installed snarkjs template, N substituted. */
function templateSignature(system: number, n: number): string {
  const root = dirname(fileURLToPath(import.meta.resolve("snarkjs")));
  const template = readFileSync(join(root, "templates", TEMPLATES[system]), "utf8");
  const source = template.replace(/<%[^%]*%>/g, String(n));
  const match = /function verifyProof\(([^)]*)\)/.exec(source);
  if (!match) throw new Error(`no verifyProof in ${TEMPLATES[system]}`);
  const types = match[1].split(",").map((param) =>
    param
      .trim()
      .split(/\s+/)[0]
      .replace(/^uint\[/, "uint256["),
  );
  return `verifyProof(${types.join(",")})`;
}

const selector = (signature: string) => ethers.id(signature).slice(0, 10);
const words = (count: number, seed: number) =>
  Array.from({ length: count }, (_, i) => BigInt(ethers.id(`word ${seed} ${i}`)) >> 8n);
const concat = (values: bigint[]) => ethers.concat(values.map((v) => ethers.toBeHex(v, 32)));

/** Minimal view of snarkjs (it ships no type declarations). */
interface SnarkjsGroth16 {
  groth16: { exportSolidityCallData(proof: unknown, pub: unknown): Promise<string> };
}

describe("SnarkjsVerifierAdapter", () => {
  // pA, pB (as passed to verifyProof), pC, then the signals, as the echo verifier expects them.
  const proofWords = words(8, 1);
  const signals = words(N, 2);

  async function deployFixture() {
    const [deployer] = await ethers.getSigners();
    const echo = await ethers.deployContract("EchoGroth16Verifier", [proofWords, signals]);
    const adapter = await ethers.deployContract("SnarkjsVerifierAdapter", [
      await echo.getAddress(),
      GROTH16,
      N,
    ]);
    return { deployer, echo, adapter };
  }

  /** A RawVerifierStub wrapped by an adapter; the stub accepts exactly `calldata`. */
  async function deployStubAdapter(system: number, n: number, calldata: string, mode = 0) {
    const stub = await ethers.deployContract("RawVerifierStub", [ethers.keccak256(calldata), mode]);
    const adapter = await ethers.deployContract("SnarkjsVerifierAdapter", [
      await stub.getAddress(),
      system,
      n,
    ]);
    return { stub, adapter };
  }

  describe("constructor", () => {
    it("stores the verifier, proof system, signal count and proof length", async () => {
      const { echo, adapter } = await networkHelpers.loadFixture(deployFixture);
      expect(await adapter.verifier()).to.equal(await echo.getAddress());
      expect(await adapter.proofSystem()).to.equal(GROTH16);
      expect(await adapter.publicSignalCount()).to.equal(N);
      expect(await adapter.proofLength()).to.equal(8 * 32);
    });

    for (const [system, length] of [
      [GROTH16, 8 * 32],
      [PLONK, 24 * 32],
      [FFLONK, 24 * 32],
    ]) {
      it(`derives the verifyProof selector and proof length for proof system ${system}`, async () => {
        const { echo } = await networkHelpers.loadFixture(deployFixture);
        for (const n of [1, 7, 12, 300]) {
          const adapter = await ethers.deployContract("SnarkjsVerifierAdapter", [
            await echo.getAddress(),
            system,
            n,
          ]);
          expect(await adapter.verifyProofSelector()).to.equal(selector(SIGNATURES[system](n)));
          expect(await adapter.proofLength()).to.equal(length);
        }
      });

      it(`assumes the signature of the installed snarkjs template for proof system ${system}`, () => {
        expect(templateSignature(system, 5)).to.equal(SIGNATURES[system](5));
      });
    }

    it("reverts VerifierHasNoCode for an account without code", async () => {
      const { deployer, adapter } = await networkHelpers.loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("SnarkjsVerifierAdapter");
      for (const account of [ethers.ZeroAddress, deployer.address]) {
        await expect(factory.deploy(account, GROTH16, N))
          .to.be.revertedWithCustomError(adapter, "VerifierHasNoCode")
          .withArgs(account);
      }
    });

    it("reverts UnsupportedProofSystem for an unknown proof system", async () => {
      const { echo, adapter } = await networkHelpers.loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("SnarkjsVerifierAdapter");
      await expect(factory.deploy(await echo.getAddress(), 3, N))
        .to.be.revertedWithCustomError(adapter, "UnsupportedProofSystem")
        .withArgs(3);
    });

    it("reverts ZeroPublicSignalCount for a circuit without public signals", async () => {
      const { echo, adapter } = await networkHelpers.loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("SnarkjsVerifierAdapter");
      await expect(
        factory.deploy(await echo.getAddress(), GROTH16, 0),
      ).to.be.revertedWithCustomError(adapter, "ZeroPublicSignalCount");
    });
  });

  describe("verify", () => {
    it("forwards a Groth16 proof byte-exactly to the exact snarkjs ABI", async () => {
      const { adapter } = await networkHelpers.loadFixture(deployFixture);
      expect(await adapter.verify(concat(proofWords), signals)).to.equal(true);
    });

    it("accepts proof bytes built from snarkjs exportSolidityCallData (pB swapped)", async () => {
      const { adapter } = await networkHelpers.loadFixture(deployFixture);
      const [a0, a1, b01, b00, b11, b10, c0, c1] = proofWords.map(String);
      // A snarkjs proof object whose exported pB coordinates are the echo's expected words.
      const proof = {
        pi_a: [a0, a1, "1"],
        pi_b: [
          [b00, b01],
          [b10, b11],
          ["1", "0"],
        ],
        pi_c: [c0, c1, "1"],
        protocol: "groth16",
        curve: "bn128",
      };
      const snarkjs = (await import("snarkjs" as string)) as SnarkjsGroth16;
      const calldata = await snarkjs.groth16.exportSolidityCallData(proof, signals.map(String));
      const [pA, pB, pC, pub] = JSON.parse(`[${calldata}]`) as [
        string[],
        string[][],
        string[],
        string[],
      ];
      const proofBytes = ethers.AbiCoder.defaultAbiCoder().encode(
        ["uint256[2]", "uint256[2][2]", "uint256[2]"],
        [pA, pB, pC],
      );
      expect(await adapter.verify(proofBytes, pub)).to.equal(true);
    });

    it("returns false when any single proof or signal word differs", async () => {
      const { adapter } = await networkHelpers.loadFixture(deployFixture);
      for (let i = 0; i < proofWords.length + signals.length; i++) {
        const proof = [...proofWords];
        const pub = [...signals];
        if (i < proof.length) proof[i] += 1n;
        else pub[i - proof.length] += 1n;
        expect(await adapter.verify(concat(proof), pub)).to.equal(false, `word ${i}`);
      }
    });

    for (const system of [PLONK, FFLONK]) {
      it(`sends selector ‖ 24 proof words ‖ signals for proof system ${system}`, async () => {
        const proof = words(24, 3);
        const pub = words(4, 4);
        const calldata = ethers.concat([
          selector(SIGNATURES[system](4)),
          concat(proof),
          concat(pub),
        ]);
        const { adapter } = await deployStubAdapter(system, 4, calldata);
        expect(await adapter.verify(concat(proof), pub)).to.equal(true);
        expect(await adapter.verify(concat(proof), [...pub.slice(0, 3), 0n])).to.equal(false);
      });
    }

    for (const [mode, behaviour] of [
      [1, "reverts"],
      [2, "returns no data"],
      [3, "returns a word other than true"],
    ] as const) {
      it(`returns false when the verifier ${behaviour}`, async () => {
        const { adapter } = await deployStubAdapter(GROTH16, N, "0x", mode);
        expect(await adapter.verify(concat(proofWords), signals)).to.equal(false);
      });
    }

    it("reverts ProofLengthMismatch for a proof of the wrong length", async () => {
      const { adapter } = await networkHelpers.loadFixture(deployFixture);
      for (const proof of [concat(proofWords).slice(0, -2), concat([...proofWords, 0n]), "0x"]) {
        await expect(adapter.verify(proof, signals))
          .to.be.revertedWithCustomError(adapter, "ProofLengthMismatch")
          .withArgs(256, ethers.dataLength(proof));
      }
    });

    it("reverts PublicSignalCountMismatch for the wrong number of signals", async () => {
      const { adapter } = await networkHelpers.loadFixture(deployFixture);
      for (const pub of [signals.slice(0, 2), [...signals, 1n], []]) {
        await expect(adapter.verify(concat(proofWords), pub))
          .to.be.revertedWithCustomError(adapter, "PublicSignalCountMismatch")
          .withArgs(N, pub.length);
      }
    });
  });
});
