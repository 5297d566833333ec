import { expect } from "chai";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelParameters } from "../../sdk/node/src/circuit/compileModel.ts";
import { SetupError } from "../../sdk/core/src/errors.ts";
import { FIELD_PRIME } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { ensurePtau } from "../../sdk/node/src/setup/ensurePtau.ts";
import { newGroth16Zkey } from "../../sdk/node/src/setup/newGroth16Zkey.ts";
import { groth16PtauPower } from "../../sdk/node/src/setup/setupGroth16.ts";
import { readR1csTerms } from "../../sdk/node/src/setup/zkeyTerms.ts";
import { gemmReluOnnx } from "../helpers/buildOnnx.ts";

const ROOT = join(import.meta.dirname, "../..");
const DIR = join(ROOT, "build/test/zkey-new");
/** A 3-input, 2-output Gemm + Relu with negative and fractional weights: small circuits. */
const MODEL = join(DIR, "gemm.onnx");
mkdirSync(DIR, { recursive: true });
writeFileSync(MODEL, gemmReluOnnx({ weight: [0.5, -1.25, 2, -0.75, 1, -3], bias: [0.25, -0.5] }));

/** Where a section of a binfile (r1cs) starts: its data offset and length. */
function findSection(b: Uint8Array, id: number): { at: number; len: number } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let pos = 12;
  for (let i = 0, n = v.getUint32(8, true); i < n; i++) {
    const len = Number(v.getBigUint64(pos + 4, true));
    if (v.getUint32(pos, true) === id) return { at: pos + 12, len };
    pos += 12 + len;
  }
  throw new Error(`no section ${id}`);
}

/** Terms of an r1cs by coefficient kind: negative (stored r - c), wide (> 8 bytes), ±1. */
function termKinds(r1cs: string) {
  const b = readFileSync(r1cs);
  const header = findSection(b, 1);
  const data = findSection(b, 2);
  // Header: n8, prime (32 bytes), nVars, nOutputs, nPubInputs, nPrvInputs, nLabels (u64).
  const nConstraints = new DataView(b.buffer, b.byteOffset).getUint32(header.at + 60, true);
  const section = b.subarray(data.at, data.at + data.len);
  const t = readR1csTerms({ section, nConstraints, prime: FIELD_PRIME, file: r1cs });
  let negative = 0;
  let wide = 0;
  let unit = 0;
  for (let i = 0; i < t.n; i++) {
    if (t.negative[i]) negative++;
    if (t.width[i]! > 8) wide++;
    if (t.width[i] === 1 && t.magnitude[i * 32] === 1) unit++;
  }
  return { negative, wide, unit, terms: t.n };
}

/**
 * newGroth16Zkey against snarkjs 0.7.6's newZKey on the same r1cs and ptau: the files must be
 * the same bytes (points, coefficients, H, circuit hash).
 */
async function sameAsSnarkjs(name: string, options: Partial<CompileModelParameters>) {
  const dir = join(DIR, name);
  const c = await compileModel({ model: MODEL, outDir: dir, ...options });
  const r1cs = join(dir, "model.r1cs");
  const power = groth16PtauPower(c.circuit.constraints, c.publicSignals.names.length);
  const ptau = await ensurePtau({ power });
  const theirs = join(dir, "snarkjs.zkey");
  const ours = join(dir, "ours.zkey");
  const theirHash = await snarkjs.zKey.newZKey(r1cs, ptau.file, theirs);
  const r = await newGroth16Zkey({ r1cs, ptau: ptau.file, zkey: ours });
  expect(Buffer.from(r.csHash).toString("hex")).to.equal(
    Buffer.from(theirHash as unknown as Uint8Array).toString("hex"),
  );
  expect(Buffer.compare(readFileSync(ours), readFileSync(theirs))).to.equal(0);
  return { kinds: termKinds(r1cs), result: r };
}

describe("newGroth16Zkey writes snarkjs newZKey's bytes", function () {
  it("a public-input MLP (negative and ±1 coefficients)", async function () {
    const { kinds, result } = await sameAsSnarkjs("public", { inputVisibility: "public" });
    expect(kinds.negative).to.be.greaterThan(0);
    expect(kinds.unit).to.be.greaterThan(0);
    expect(result.terms).to.equal(kinds.terms);
  });

  it("a hashed-input model (Poseidon: full-width coefficients)", async function () {
    const { kinds, result } = await sameAsSnarkjs("hashed", { inputVisibility: "hashed" });
    expect(kinds.wide).to.be.greaterThan(100);
    expect(result.narrowTerms).to.equal(kinds.terms - kinds.wide);
    // The S-box rows repeat MDS coefficients: their bases are added before multiplying.
    expect(result.foldedTerms).to.be.greaterThan(100);
  });

  it("a private-weights model (weights committed with Poseidon)", async function () {
    const { kinds } = await sameAsSnarkjs("private", { weightVisibility: "private" });
    expect(kinds.wide).to.be.greaterThan(100);
  });

  it("refuses a ptau too small for the circuit, naming both powers", async function () {
    // The hashed-input circuit (Poseidon) needs more than 2^8 points.
    const dir = join(DIR, "hashed");
    const small = await ensurePtau({ power: 8 });
    const err = await newGroth16Zkey({
      r1cs: join(dir, "model.r1cs"),
      ptau: small.file,
      zkey: join(dir, "small.zkey"),
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SetupError);
    expect((err as SetupError).message).to.match(/need a ptau of 2\^\d+, .* has 2\^8$/);
    expect((err as SetupError).details.have).to.equal(8);
  });

  it("refuses an r1cs over another field, naming the file", async function () {
    const dir = join(DIR, "public");
    const b = readFileSync(join(dir, "model.r1cs"));
    // The header: n8, then the prime.
    b[findSection(b, 1).at + 4] ^= 1;
    const other = join(dir, "other-prime.r1cs");
    writeFileSync(other, b);
    const ptau = await ensurePtau({ power: 8 });
    const err = await newGroth16Zkey({
      r1cs: other,
      ptau: ptau.file,
      zkey: join(dir, "x.zkey"),
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SetupError);
    expect((err as SetupError).message).to.equal(`${other}: not an r1cs over bn128's scalar field`);
  });
});
