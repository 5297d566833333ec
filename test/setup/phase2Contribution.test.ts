import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/node/src/circuit/compileModel.ts";
import { prove } from "../../sdk/core/src/prove/prove.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { checkGroth16KeyTrust } from "../../sdk/node/src/setup/checkGroth16KeyTrust.ts";
import { ensurePtau } from "../../sdk/node/src/setup/ensurePtau.ts";
import { newGroth16Zkey } from "../../sdk/node/src/setup/newGroth16Zkey.ts";
import { withCeremonyCurve } from "../../sdk/node/src/setup/ptau/ceremonyCurve.ts";
import { readZkeyInfo } from "../../sdk/node/src/setup/readZkeyInfo.ts";
import { scaleG1Points, scalarDigits } from "../../sdk/node/src/setup/sameScalar.ts";
import { groth16PtauPower } from "../../sdk/node/src/setup/setupGroth16.ts";
import { gemmReluOnnx } from "../helpers/buildOnnx.ts";

const ROOT = join(import.meta.dirname, "../..");
const DIR = join(ROOT, "build/test/phase2-contribution");
const SG1 = 64;
/** zkey sections: Groth16 header, L (C), H. */
const HEADER = 2;
const L = 8;
const H = 9;

/** Where a section of a binfile starts: its data offset and length. */
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

describe("phase-2 contribution: same-scalar scaling (sameScalar.ts)", function () {
  it("equals ffjavascript's G1.batchApplyKey on random points, zero and ± the same point", async function () {
    await withCeremonyCurve(async (curve) => {
      const n = 300;
      const pts = new Uint8Array(n * SG1);
      const g = curve.G1;
      for (let i = 0; i < n; i++) {
        const P = i === 7 ? g.zero : i === 8 ? g.g : g.timesScalar(g.g, randomBytes(32));
        g.toRprLEM(pts, i * SG1, g.toAffine(P));
      }
      // ±P next to each other (their sums hit equal x in a shared batch step)
      g.toRprLEM(pts, 9 * SG1, g.toAffine(g.timesScalar(g.g, curve.r - 1n)));
      const scalars = [1n, 2n, 3n, curve.r - 1n, 1n << 200n];
      for (let i = 0; i < 4; i++) scalars.push(BigInt(`0x${randomBytes(32).toString("hex")}`));
      for (const k of scalars) {
        const ref = await g.batchApplyKey(pts, curve.Fr.e(k), curve.Fr.e(1));
        const got = await scaleG1Points({ curve, points: pts, scalar: k });
        expect(Buffer.compare(got, ref), `k = ${k}`).to.equal(0);
      }
      // GLV halves: about half the bits of r, so about 128 digits
      expect(scalarDigits(curve, curve.r - 1n).length).to.be.lessThan(130);
      // k = 0: every point is zero
      const zero = await scaleG1Points({ curve, points: pts.subarray(0, SG1), scalar: curve.r });
      expect(zero.every((b) => b === 0)).to.equal(true);
    });
  });
});

describe("phase-2 contribution made while writing the key (newGroth16Zkey contributor)", function () {
  let c: CompileModelReturnType;
  let ptau: string;
  let r1cs: string;
  let ours: string;
  let initial: string;

  before(async function () {
    mkdirSync(DIR, { recursive: true });
    const model = join(DIR, "gemm.onnx");
    writeFileSync(
      model,
      gemmReluOnnx({ weight: [0.5, -1.25, 2, -0.75, 1, -3], bias: [0.25, -0.5] }),
    );
    c = await compileModel({ model, outDir: join(DIR, "gemm") });
    r1cs = c.circuit.r1cs;
    const power = groth16PtauPower(c.circuit.constraints, c.publicSignals.names.length);
    ptau = (await ensurePtau({ power })).file;
    ours = join(DIR, "contributed.zkey");
    initial = join(DIR, "initial.zkey");
    await newGroth16Zkey({ r1cs, ptau, zkey: initial });
  });

  it("snarkjs verifies it from the r1cs and from the initial key; the record and its hash are snarkjs's", async function () {
    const lines: string[] = [];
    const r = await newGroth16Zkey({
      r1cs,
      ptau,
      zkey: ours,
      contributor: "test contributor",
      onProgress: (l) => lines.push(l),
    });
    expect(lines).to.include(`zkey contribute: H points times 1/delta (${r.domainSize} points)`);
    expect(
      lines.filter((l) => /^zkey contribute: L \(C\) points times 1\/delta/.test(l)),
    ).to.have.length(1);
    const log: string[] = [];
    const logger = {
      info: (m: string) => log.push(m),
      debug: () => {},
      warn: (m: string) => log.push(m),
      error: (m: string) => log.push(m),
    };
    expect(await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, ours, logger)).to.equal(true);
    // snarkjs prints the contribution's hash (groups of 8 hex digits)
    expect(log.join("").replace(/\s/g, "")).to.include(
      Buffer.from(r.contributionHash!).toString("hex"),
    );
    expect(await snarkjs.zKey.verifyFromInit(initial, ptau, ours)).to.equal(true);
    const info = readZkeyInfo({ zkey: ours });
    expect(info.contributions).to.have.length(1);
    expect(info.contributions[0]!.name).to.equal("test contributor");
    const verificationKey = await snarkjs.zKey.exportVerificationKey(ours);
    checkGroth16KeyTrust({ verificationKey, zkey: ours });
    // Everything but the header, L, H and the record is the initial key's.
    const a = readFileSync(initial);
    const b = readFileSync(ours);
    for (const id of [3, 4, 5, 6, 7]) {
      const [sa, sb] = [findSection(a, id), findSection(b, id)];
      expect(
        Buffer.compare(a.subarray(sa.at, sa.at + sa.len), b.subarray(sb.at, sb.at + sb.len)),
      ).to.equal(0);
    }
    // Two contributions draw different deltas.
    const again = join(DIR, "again.zkey");
    await newGroth16Zkey({ r1cs, ptau, zkey: again, contributor: "x" });
    const d = (f: string) => {
      const buf = readFileSync(f);
      const s = findSection(buf, H);
      return buf.subarray(s.at, s.at + SG1).toString("hex");
    };
    expect(d(again)).to.not.equal(d(ours));
  });

  it("proofs made with it verify", async function () {
    const input = quantizeInput({ model: c.quantized, input: [0.5, -0.25, 1] });
    const proof = await prove({ system: "groth16", wasm: c.circuit.wasm, zkey: ours, input });
    const vk = await snarkjs.zKey.exportVerificationKey(ours);
    expect(
      await snarkjs.groth16.verify(vk, proof.publicSignals, proof.proof as snarkjs.Groth16Proof),
    ).to.equal(true);
  });

  for (const [what, id, offset] of [
    ["an H point from another contribution (another delta)", H, 0],
    ["an L point from another contribution (another delta)", L, 0],
    ["delta1 in the header", HEADER, -1],
  ] as const) {
    it(`snarkjs rejects a tampered contribution: ${what}`, async function () {
      const b = readFileSync(ours);
      const s = findSection(b, id);
      if (id === HEADER) {
        // after n8q, q, n8r, r, nVars, nPublic, domainSize, alpha1, beta1, beta2, gamma2: delta1,
        // replaced by the initial key's (the generator)
        const init = readFileSync(initial);
        const at = s.at + 4 + 32 + 4 + 32 + 12 + SG1 * 2 + 128 * 2;
        const si = findSection(init, HEADER);
        const atInit = si.at + 4 + 32 + 4 + 32 + 12 + SG1 * 2 + 128 * 2;
        init.copy(b, at, atInit, atInit + SG1);
        expect(
          Buffer.compare(b.subarray(at, at + SG1), readFileSync(ours).subarray(at, at + SG1)),
        ).to.not.equal(0);
      } else {
        // the first point from another contribution (same circuit, another delta)
        const other = readFileSync(join(DIR, "again.zkey"));
        const so = findSection(other, id);
        let i = offset;
        while (b.subarray(s.at + i * SG1, s.at + (i + 1) * SG1).every((x) => x === 0)) i++;
        other.copy(b, s.at + i * SG1, so.at + i * SG1, so.at + (i + 1) * SG1);
      }
      const tampered = join(DIR, `tampered-${id}.zkey`);
      writeFileSync(tampered, b);
      expect(await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, tampered)).to.equal(false);
    });
  }
});
