import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { proverCurve } from "../../sdk/core/src/prove/proverCurve.ts";
import type { Curve } from "ffjavascript";
import * as snarkjs from "snarkjs";
import type { Groth16Proof, VerificationKey } from "snarkjs";
import { ProofError } from "../../sdk/core/src/errors.ts";
import { circuitInput } from "../../sdk/core/src/prove/circuitInput.ts";
import { loadGroth16Key } from "../../sdk/core/src/prove/groth16Key.ts";
import type { Groth16ProvingKey } from "../../sdk/core/src/prove/groth16Key.ts";
import { proveGroth16WithKey, quotientScalars } from "../../sdk/core/src/prove/groth16Prover.ts";
import { loadWitnessGenerator } from "../../sdk/core/src/prove/witness.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { irisArtifacts } from "../sdk/irisArtifacts.ts";

const N8 = 32;
/** Witness value i of .wtns bytes (the witness section is the file's last nVars * 32 bytes). */
const wireOffset = (wtns: Uint8Array, nVars: number, i: number) =>
  wtns.length - nVars * N8 + i * N8;

describe("Groth16 with a parsed proving key (groth16Prover.ts) against snarkjs", function () {
  let key: Groth16ProvingKey;
  let zkey: Uint8Array;
  let vk: VerificationKey;
  let wtns: Uint8Array;
  let curve: Curve;

  before(async function () {
    const iris = await irisArtifacts();
    const model = iris.compiled.quantized;
    zkey = readFileSync(join(iris.dir, "model.zkey"));
    vk = JSON.parse(readFileSync(join(iris.dir, "verification_key.json"), "utf8"));
    key = await loadGroth16Key({ zkey });
    const generator = await loadWitnessGenerator({
      wasm: readFileSync(join(iris.dir, "model_js/model.wasm")),
    });
    const input = quantizeInput({ model, input: loadIris().features[100] });
    wtns = await generator.calculate(
      circuitInput({ model, input, weights: iris.compiled.manifest.visibility.weights }),
    );
    curve = await proverCurve();
  });

  it("proves what snarkjs proves: both proofs verify with snarkjs, with the same public signals", async function () {
    const ours = await proveGroth16WithKey({ key, wtns });
    const theirs = await snarkjs.groth16.prove(
      { type: "mem", data: zkey } as unknown as string,
      { type: "mem", data: wtns } as unknown as string,
    );
    expect(ours.publicSignals).to.deep.equal(theirs.publicSignals);
    expect(ours.proof).to.include({ protocol: "groth16", curve: "bn128" });
    expect(await snarkjs.groth16.verify(vk, ours.publicSignals, ours.proof)).to.equal(true);
    expect(await snarkjs.groth16.verify(vk, theirs.publicSignals, theirs.proof)).to.equal(true);
    // fresh blinding (r, s) per proof, as snarkjs
    const again = await proveGroth16WithKey({ key, wtns });
    expect(again.proof.pi_a).to.not.deep.equal(ours.proof.pi_a);
  });

  it("computes the quotient's scalars byte for byte as snarkjs's buildABC1, FFTs and joinABC", async function () {
    const witness = wtns.subarray(wireOffset(wtns, key.nVars, 0));
    const ours = await quotientScalars(curve, key, witness);
    expect(Buffer.from(ours).equals(Buffer.from(await snarkjsQuotient(curve, key, witness)))).to.be
      .true;
  });

  it("a forged witness gives a proof that does not verify, from either prover", async function () {
    // an output wire (public signal 1 onward) and, separately, the last private wire: low bit flipped
    for (const wire of [key.nPublic, key.nVars - 1]) {
      const forged = wtns.slice();
      forged[wireOffset(forged, key.nVars, wire)] ^= 1;
      const ours = await proveGroth16WithKey({ key, wtns: forged });
      const theirs = await snarkjs.groth16.prove(
        { type: "mem", data: zkey } as unknown as string,
        { type: "mem", data: forged } as unknown as string,
      );
      expect(ours.publicSignals).to.deep.equal(theirs.publicSignals);
      const verify = (proof: Groth16Proof) => snarkjs.groth16.verify(vk, ours.publicSignals, proof);
      expect([await verify(ours.proof), await verify(theirs.proof)]).to.deep.equal([false, false]);
    }
  });

  it("refuses a witness of another circuit and a key that is not Groth16, naming them", async function () {
    const short = wtns.slice(0, wtns.length - N8);
    const view = new DataView(short.buffer);
    // the witness count in the header, and the witness section's u64 size, one wire fewer
    const n8 = view.getUint32(24, true);
    view.setUint32(28 + n8, key.nVars - 1, true);
    view.setUint32(28 + n8 + 8, (key.nVars - 1) * N8, true);
    await expectProofError(
      proveGroth16WithKey({ key, wtns: short }),
      `the witness has ${key.nVars - 1} values; the proving key's circuit has ${key.nVars}`,
    );
    const plonkLike = zkey.slice();
    // section 1 (the first, right after the 12-byte file header and 12-byte section header)
    new DataView(plonkLike.buffer).setUint32(24, 2, true);
    await expectProofError(
      loadGroth16Key({ zkey: plonkLike }),
      "the proving key is not a Groth16 key (protocol id 2)",
    );
    await expectProofError(
      loadGroth16Key({ zkey: new TextEncoder().encode("wtns") }),
      'the proving key is not a zkey file: it does not start with "zkey"',
    );
  });
});

async function expectProofError(p: Promise<unknown>, message: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).to.be.instanceOf(ProofError);
  expect((e as Error).message).to.equal(message);
}

/**
 * snarkjs 0.7.6's groth16_prove.js steps for the H scalars, in JavaScript with ffjavascript's
 * field (buildABC1, then Fr.ifft, batchApplyKey and Fr.fft per polynomial, then joinABC).
 */
async function snarkjsQuotient(
  curve: Curve,
  key: Groth16ProvingKey,
  witness: Uint8Array,
): Promise<Uint8Array> {
  const Fr = curve.Fr as Curve["Fr"] & {
    ifft(b: Uint8Array): Promise<Uint8Array>;
    fft(b: Uint8Array): Promise<Uint8Array>;
    batchApplyKey(b: Uint8Array, first: Uint8Array, inc: Uint8Array): Promise<Uint8Array>;
    fromMontgomery(a: Uint8Array): Uint8Array;
  };
  const n = key.domainSize;
  const at = (b: Uint8Array, i: number) => b.slice(i * N8, i * N8 + N8);
  const ab = [new Uint8Array(n * N8), new Uint8Array(n * N8)];
  const coefs = new DataView(key.coefs.buffer, key.coefs.byteOffset, key.coefs.byteLength);
  const record = 12 + N8;
  for (let i = 0; i < key.nCoefs; i++) {
    const o = i * record;
    const [m, c, s] = [0, 4, 8].map((d) => coefs.getUint32(o + d, true));
    const coef = key.coefs.slice(o + 12, o + record);
    ab[m].set(Fr.add(at(ab[m], c), Fr.mul(coef, at(witness, s))), c * N8);
  }
  const c = new Uint8Array(n * N8);
  for (let i = 0; i < n; i++) c.set(Fr.mul(at(ab[0], i), at(ab[1], i)), i * N8);
  const inc = key.power === Fr.s ? Fr.shift : Fr.w[key.power + 1];
  const odd: Uint8Array[] = [];
  for (const x of [ab[0], ab[1], c])
    odd.push(await Fr.fft(await Fr.batchApplyKey(await Fr.ifft(x), Fr.e(1), inc)));
  const out = new Uint8Array(n * N8);
  for (let i = 0; i < n; i++) {
    const v = Fr.sub(Fr.mul(at(odd[0], i), at(odd[1], i)), at(odd[2], i));
    out.set(Fr.fromMontgomery(v), i * N8);
  }
  return out;
}
