import { expect } from "chai";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AbiCoder } from "ethers";
import * as snarkjs from "snarkjs";
import { compileCircuit } from "../../sdk/node/src/circuit/compileCircuit.ts";
import { ProofError, SetupError } from "../../sdk/core/src/errors.ts";
import { decodeProof } from "../../sdk/core/src/prove/decodeProof.ts";
import { encodeProof } from "../../sdk/core/src/prove/encodeProof.ts";
import { loadGroth16Key } from "../../sdk/core/src/prove/groth16Key.ts";
import { prove } from "../../sdk/core/src/prove/prove.ts";
import type { ProveReturnType } from "../../sdk/core/src/prove/prove.ts";
import { verifyProof } from "../../sdk/core/src/prove/verifyProof.ts";
import { beaconPhase2, contributePhase2, verifyPhase2 } from "../../sdk/node/src/setup/ceremony.ts";
import { ptauPowerFor, readCircuitSize } from "../../sdk/node/src/setup/circuitSize.ts";
import type { ProofSystem } from "../../sdk/core/src/prove/proofSystem.ts";
import { createPtau } from "../../sdk/node/src/setup/createPtau.ts";
import { setupCircuit } from "../../sdk/node/src/setup/setupCircuit.ts";
import type { SetupCircuitReturnType } from "../../sdk/node/src/setup/setupCircuit.ts";

// A tiny circuit (two models differing in one constant) through all three proof systems,
// with ptau files from the fast local ceremony in a private cache.
const tiny = (k: number) => `pragma circom 2.0.0;
template Tiny(K) {
  signal input in[2];
  signal output out;
  signal t;
  t <== in[0] * in[1];
  out <== t * K + in[0];
}
component main {public [in]} = Tiny(${k});
`;

const SYSTEMS: ProofSystem[] = ["groth16", "plonk", "fflonk"];

describe("proof systems: Groth16, PLONK, FFLONK on a tiny circuit", function () {
  const root = mkdtempSync(join(tmpdir(), "zkml-systems-"));
  const cache = join(root, "cache");
  const input = { in: ["3", "11"] };
  const circuit: Record<"a" | "b", { r1cs: string; wasm: string; dir: string }> = {} as never;
  const setups = {} as Record<ProofSystem, SetupCircuitReturnType>;
  const proofs = {} as Record<ProofSystem, ProveReturnType>;

  before(async function () {
    for (const [name, k] of [
      ["a", 3],
      ["b", 5],
    ] as const) {
      const dir = join(root, name);
      // --O2 (not the model default, --O1): the sizing below counts on the merged constraint
      const c = await compileCircuit({ source: tiny(k), outDir: dir, optimization: 2 });
      circuit[name] = { r1cs: c.r1cs, wasm: c.wasm, dir };
    }
    for (const system of SYSTEMS) {
      setups[system] = await setupCircuit({
        r1cs: circuit.a.r1cs,
        system,
        outDir: circuit.a.dir,
        cache,
      });
      proofs[system] = await prove({
        system,
        wasm: circuit.a.wasm,
        zkey: setups[system].zkey,
        input,
      });
    }
  });

  it("sizes the ptau per system as snarkjs requires", async function () {
    const size = readCircuitSize({ r1cs: circuit.a.r1cs });
    // circom merges the linear output into t's constraint: 3·in0·in1 = out - in0.
    expect(size).to.include({ constraints: 1, nPublic: 3 });
    // The PLONK gate count must be the one snarkjs's own setup reports.
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    await snarkjs.plonk.setup(circuit.a.r1cs, setups.plonk.ptau.file, join(root, "ref.zkey"), {
      info: log,
      debug: () => {},
      warn: log,
      error: log,
    });
    expect(lines).to.include(`Plonk constraints: ${size.plonkGates}`);
    expect(ptauPowerFor({ system: "groth16", size }).power).to.equal(3);
    expect(ptauPowerFor({ system: "plonk", size })).to.deep.equal({ power: 3, domainPower: 3 });
    // FFLONK: domain 2^3, 9*8 + 18 = 90 tauG1 points <= 2*2^6 - 1.
    expect(ptauPowerFor({ system: "fflonk", size })).to.deep.equal({ power: 6, domainPower: 3 });
  });

  for (const system of SYSTEMS) {
    it(`${system}: proves, verifies off-chain, and exports a verifier`, async function () {
      const p = proofs[system];
      expect(p.publicSignals.map(String)).to.deep.equal(
        ["36", "3", "11"].map((v, i) => (i === 0 ? String(3 * 11 * 3 + 3) : v)),
      );
      expect(p.proofSize).to.equal(system === "groth16" ? 256 : 768);
      const v = await verifyProof({
        system,
        verificationKey: setups[system].verificationKey,
        proof: p.proof,
        publicSignals: p.publicSignals,
      });
      expect(v.valid).to.equal(true);
      expect(readFileSync(setups[system].verifierFile, "utf8")).to.match(
        new RegExp(`^// generated from zkey sha256 ${setups[system].zkeySha256}`),
      );
    });

    it(`${system}: proof bytes are the words of snarkjs's Solidity calldata`, async function () {
      const p = proofs[system];
      const calldata =
        system === "fflonk"
          ? await snarkjs.fflonk.exportSolidityCallData(
              p.publicSignals.map(String),
              p.proof as never,
            )
          : await snarkjs[system].exportSolidityCallData(
              p.proof as never,
              p.publicSignals.map(String),
            );
      const words = [...calldata.matchAll(/0x[0-9a-fA-F]+/g)].map((m) => BigInt(m[0]));
      const proofWords = words.slice(0, words.length - p.publicSignals.length);
      const types = system === "groth16" ? ["uint256[8]"] : ["uint256[24]"];
      const decoded = (AbiCoder.defaultAbiCoder().decode(types, p.proofBytes)[0] as bigint[]).map(
        BigInt,
      );
      expect(decoded).to.deep.equal(proofWords);
    });

    it(`${system}: decodeProof turns the proof bytes back into a proof snarkjs verifies`, async function () {
      const p = proofs[system];
      const decoded = decodeProof({ system, bytes: p.proofBytes });
      expect(encodeProof({ system, proof: decoded } as never)).to.equal(p.proofBytes);
      const v = await verifyProof({
        system,
        verificationKey: setups[system].verificationKey,
        proof: decoded,
        publicSignals: p.publicSignals,
      });
      expect(v.valid).to.equal(true);
      expect(() => decodeProof({ system, bytes: p.proofBytes.slice(0, -64) })).to.throw(ProofError);
    });

    it(`${system}: rejects a wrong public signal and a proof for another model`, async function () {
      const p = proofs[system];
      const vk = setups[system].verificationKey;
      const wrong = [p.publicSignals[0] + 1n, ...p.publicSignals.slice(1)];
      expect(
        (await verifyProof({ system, verificationKey: vk, proof: p.proof, publicSignals: wrong }))
          .valid,
      ).to.equal(false);
      const other = await setupCircuit({
        r1cs: circuit.b.r1cs,
        system,
        outDir: circuit.b.dir,
        cache,
      });
      const pb = await prove({ system, wasm: circuit.b.wasm, zkey: other.zkey, input });
      expect(
        (
          await verifyProof({
            system,
            verificationKey: other.verificationKey,
            proof: pb.proof,
            publicSignals: pb.publicSignals,
          })
        ).valid,
      ).to.equal(true);
      expect(
        (
          await verifyProof({
            system,
            verificationKey: vk,
            proof: pb.proof,
            publicSignals: pb.publicSignals,
          })
        ).valid,
      ).to.equal(false);
    });
  }

  it("a corrupted zkey gives a clear ProofError", async function () {
    const bad = join(root, "corrupt.zkey");
    const bytes = readFileSync(setups.groth16.zkey);
    writeFileSync(bad, bytes.subarray(0, bytes.length >> 1));
    let err: unknown;
    try {
      await prove({ system: "groth16", wasm: circuit.a.wasm, zkey: bad, input });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ProofError);
    expect((err as ProofError).message).to.equal(
      `witness or groth16 proof generation failed for ${circuit.a.wasm}`,
    );
  });

  it("a key still loading (a promise) is awaited after the witness: the proof verifies; its failure is its own", async function () {
    let keyAsked = false;
    const key = (async () => {
      await new Promise((done) => setTimeout(done, 50));
      keyAsked = true;
      return loadGroth16Key({ zkey: readFileSync(setups.groth16.zkey) });
    })();
    const stages: string[] = [];
    const p = await prove({
      system: "groth16",
      wasm: circuit.a.wasm,
      zkey: key,
      input,
      onProgress: (stage) => stages.push(`${stage}${keyAsked ? " (key loaded)" : ""}`),
    });
    // the witness stage started before the key had loaded; the proof stage after
    expect(stages).to.deep.equal(["witness", "proof (key loaded)"]);
    const v = await verifyProof({
      system: "groth16",
      verificationKey: setups.groth16.verificationKey,
      proof: p.proof,
      publicSignals: p.publicSignals,
    });
    expect(v.valid).to.equal(true);
    const cannotLoad = new ProofError("the Groth16 proving key cannot be read", {
      details: { step: "prove" },
    });
    let err: unknown;
    try {
      await prove({
        system: "groth16",
        wasm: circuit.a.wasm,
        zkey: Promise.reject(cannotLoad),
        input,
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.equal(cannotLoad);
  });

  it("a key of another system is refused by prove", async function () {
    let err: unknown;
    try {
      await prove({ system: "groth16", wasm: circuit.a.wasm, zkey: setups.plonk.zkey, input });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ProofError);
  });

  it("a ptau too small for FFLONK names the power it needs", async function () {
    const small = await createPtau({ power: 5, cache });
    let err: unknown;
    try {
      await setupCircuit({
        r1cs: circuit.a.r1cs,
        system: "fflonk",
        outDir: join(root, "x"),
        ptau: small.file,
        cache,
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SetupError);
    expect((err as SetupError).details).to.include({ needed: 6, have: 5 });
  });

  it("Groth16 phase 2: contributions and a beacon verify against r1cs + ptau; a mismatched r1cs does not", async function () {
    const dir = join(root, "ceremony");
    mkdirSync(dir, { recursive: true });
    const z0 = join(dir, "m0.zkey");
    copyFileSync(setups.groth16.zkey, z0);
    const c1 = await contributePhase2({ zkeyIn: z0, zkeyOut: join(dir, "m1.zkey"), name: "alice" });
    await contributePhase2({
      zkeyIn: join(dir, "m1.zkey"),
      zkeyOut: join(dir, "m2.zkey"),
      name: "bob",
    });
    await beaconPhase2({
      zkeyIn: join(dir, "m2.zkey"),
      zkeyOut: join(dir, "final.zkey"),
      beaconHash: "ab".repeat(32),
      iterationsExp: 10,
    });
    expect(c1.contributionHash).to.match(/^[0-9a-f]{128}$/);
    const ptau = setups.groth16.ptau.file;
    const ok = await verifyPhase2({ r1cs: circuit.a.r1cs, ptau, zkey: join(dir, "final.zkey") });
    expect(ok.valid).to.equal(true);
    expect(ok.contributions).to.have.length(4);
    expect(ok.contributions[2]).to.match(/^contribution #3 bob/);
    const mismatched = await verifyPhase2({
      r1cs: circuit.b.r1cs,
      ptau,
      zkey: join(dir, "final.zkey"),
    });
    expect(mismatched.valid).to.equal(false);
    const p = await prove({
      system: "groth16",
      wasm: circuit.a.wasm,
      zkey: join(dir, "final.zkey"),
      input,
    });
    const vk = await snarkjs.zKey.exportVerificationKey(join(dir, "final.zkey"));
    expect(
      (
        await verifyProof({
          system: "groth16",
          verificationKey: vk,
          proof: p.proof,
          publicSignals: p.publicSignals,
        })
      ).valid,
    ).to.equal(true);
  });
});
