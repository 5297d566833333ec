import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { proverCurve } from "../../sdk/core/src/prove/proverCurve.ts";
import type { Curve } from "ffjavascript";
import * as snarkjs from "snarkjs";
import type { VerificationKey } from "snarkjs";
import { circuitInput } from "../../sdk/core/src/prove/circuitInput.ts";
import {
  fixedBaseMsm,
  precomputeFixedBases,
  windowBitsFor,
} from "../../sdk/core/src/prove/fixedBaseMsm.ts";
import type { FixedBaseGroup } from "../../sdk/core/src/prove/fixedBaseMsm.ts";
import { loadGroth16Key } from "../../sdk/core/src/prove/groth16Key.ts";
import type { Bases } from "../../sdk/core/src/prove/groth16Key.ts";
import type { FixedWires } from "../../sdk/core/src/prove/groth16Prover.ts";
import {
  precomputeGroth16Bases,
  proveGroth16WithKey,
  readyTables,
  witnessMsm,
} from "../../sdk/core/src/prove/groth16Prover.ts";
import { loadWitnessGenerator } from "../../sdk/core/src/prove/witness.ts";
import { FIELD_PRIME } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { irisArtifacts } from "../sdk/irisArtifacts.ts";

const N8 = 32;
/** bn128's scalar field order r: r - 1 is the widest scalar. */

const le = (v: bigint): Uint8Array => {
  const b = new Uint8Array(N8);
  for (let i = 0; i < N8; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return b;
};

/**
 * Scalars of every kind the prover meets: zeros, ones, small integers, 2^64 - 1, r - 1, random
 * full-width values (standard form, 32 bytes each).
 */
function mixedScalars(curve: Curve, n: number): Uint8Array {
  const out = new Uint8Array(n * N8);
  const Fr = curve.Fr as Curve["Fr"] & { fromMontgomery(a: Uint8Array): Uint8Array };
  for (let i = 0; i < n; i++) {
    const kind = i % 6;
    const v =
      kind === 0
        ? le(0n)
        : kind === 1
          ? le(1n)
          : kind === 2
            ? le(BigInt(i * 37))
            : kind === 3
              ? le(2n ** 64n - 1n)
              : kind === 4 && i % 12 === 4
                ? le(FIELD_PRIME - 1n)
                : Fr.fromMontgomery(Fr.random());
    out.set(v, i * N8);
  }
  return out;
}

/** n random affine points of the group (ffjavascript's Montgomery layout), one at infinity. */
function randomBases(curve: Curve, group: FixedBaseGroup, n: number): Uint8Array {
  const g = curve[group];
  const size = g.F.n8 * 2;
  const out = new Uint8Array(n * size);
  for (let i = 1; i < n; i++) out.set(g.toAffine(g.timesFr(g.g, curve.Fr.random())), i * size);
  return out; // base 0 stays all zeros: the point at infinity
}

describe("fixed-base MSM (fixedBaseMsm.ts) and the prover's precomputed tables", function () {
  let curve: Curve;

  before(async function () {
    curve = await proverCurve();
  });

  for (const group of ["G1", "G2"] as const) {
    it(`equals ffjavascript's multiExpAffine in ${group} on zeros, ones, small and full-width scalars`, async function () {
      const n = 300;
      const points = randomBases(curve, group, n);
      const scalars = mixedScalars(curve, n);
      const table = await precomputeFixedBases({ curve, group, points, chunks: 3 });
      expect(table.chunks.map((c) => c.count)).to.deep.equal([100, 100, 100]);
      expect(table.windows * table.windowBits).to.be.at.least(254);
      const g = curve[group];
      const want = await g.multiExpAffine(points, scalars);
      expect(g.eq(await fixedBaseMsm({ curve, table, scalars }), want)).to.equal(true);
      // and a different sum is told apart: one scalar changed
      const other = scalars.slice();
      other[5 * N8] ^= 1;
      expect(g.eq(await fixedBaseMsm({ curve, table, scalars: other }), want)).to.equal(false);
    });
  }

  it("chooses wider windows for more bases", function () {
    expect(windowBitsFor(100)).to.be.below(windowBitsFor(2_000));
    expect(windowBitsFor(2_000)).to.be.below(windowBitsFor(16_384));
  });

  describe("on the iris model's key", function () {
    let zkey: Uint8Array;
    let vk: VerificationKey;
    let wtns: Uint8Array;

    before(async function () {
      const iris = await irisArtifacts();
      const model = iris.compiled.quantized;
      zkey = readFileSync(join(iris.dir, "model.zkey"));
      vk = JSON.parse(readFileSync(join(iris.dir, "verification_key.json"), "utf8"));
      const generator = await loadWitnessGenerator({
        wasm: readFileSync(join(iris.dir, "model_js/model.wasm")),
      });
      const input = quantizeInput({ model, input: loadIris().features[100] });
      wtns = await generator.calculate(
        circuitInput({ model, input, weights: iris.compiled.manifest.visibility.weights }),
      );
    });

    it("witness MSMs with a table equal the plain ones, for wires in and out of the table", async function () {
      const key = await loadGroth16Key({ zkey });
      // the table is built from one witness, the MSMs run on another: wires full-width only
      // in the second go through the plain path, table wires small in it get zero digits
      const built = new Uint8Array(key.nVars * N8);
      const used = mixedScalars(curve, key.nVars);
      for (let i = 0; i < key.nVars; i += 2) built.set(used.subarray(i * N8, (i + 1) * N8), i * N8);
      const tables = await precomputeGroth16Bases({ curve, key, witness: built });
      const msms: [string, Bases, FixedWires][] = [
        ["A", key.basesA, tables.a],
        ["B1", key.basesB1, tables.b1],
        ["B2", key.basesB2, tables.b2],
      ];
      for (const [name, bases, wires] of msms) {
        expect(wires.table.count, name).to.be.above(0);
        const group = name === "B2" ? "G2" : "G1";
        const g = curve[group];
        const plain = await witnessMsm({ curve, group, bases, witness: used });
        const fixed = await witnessMsm({ curve, group, bases, witness: used, fixed: { wires } });
        expect(g.eq(plain, fixed), name).to.equal(true);
      }
    });

    it("a key loaded with precomputeBases proves with its tables after the first proof; forged witnesses still fail", async function () {
      const key = await loadGroth16Key({ zkey, precomputeBases: true });
      expect(await readyTables(key)).to.equal(undefined);
      const first = await proveGroth16WithKey({ key, wtns });
      expect(await snarkjs.groth16.verify(vk, first.publicSignals, first.proof)).to.equal(true);
      const tables = await readyTables(key);
      expect(tables?.h.count).to.equal(key.domainSize);
      const second = await proveGroth16WithKey({ key, wtns });
      expect(second.publicSignals).to.deep.equal(first.publicSignals);
      expect(await snarkjs.groth16.verify(vk, second.publicSignals, second.proof)).to.equal(true);
      // the last private wire's low bit flipped: a proof that does not verify
      const forged = wtns.slice();
      forged[forged.length - N8] ^= 1;
      const bad = await proveGroth16WithKey({ key, wtns: forged });
      expect(await snarkjs.groth16.verify(vk, bad.publicSignals, bad.proof)).to.equal(false);
    });
  });
});
