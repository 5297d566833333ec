import { expect } from "chai";
import { calculateWitness, failingConstraints, forgeWitness } from "../helpers/witnessTools.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { fromField, toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quotientRange, relu, rescale } from "../../sdk/core/src/quantize/rescale.ts";
import { compileTemplate } from "../helpers/templateHarness.ts";
import type { Harness } from "../helpers/templateHarness.ts";

// PackedRescale(K, N, SHIFT, QBITS, RELU): K rows of N-bit limbs in one field element.
const K = 3;
const N = 12;
const SHIFT = 3;
const QBITS = 5;
const M = SHIFT + QBITS - 1;
const { min: QMIN, max: QMAX } = quotientRange(QBITS);
const ACC_MIN = QMIN * 8n - 4n;
const ACC_MAX = QMAX * 8n + 3n;
const HALF = 4n;
const TOP = 1n << BigInt(N - 1);

/** The packed accumulation the caller computes: sum_c acc_c 2^(N c), in the field. */
const pack = (accs: bigint[]) => toField(accs.reduce((s, a, c) => s + (a << BigInt(N * c)), 0n));
/** The limb the template decomposes for row c: acc + 2^(SHIFT-1) + 2^(N-1). */
const limbOf = (acc: bigint) => acc + HALF + TOP;
/** low bits and sign of a limb, as the template's witness has them. */
const lowBits = (limb: bigint) => Array.from({ length: M }, (_, i) => (limb >> BigInt(i)) & 1n);

function rows(seed: number): bigint[][] {
  const rnd = mulberry32({ seed });
  const span = Number(ACC_MAX - ACC_MIN);
  const pick = () => ACC_MIN + BigInt(Math.floor(rnd() * (span + 1)));
  return [
    [0n, 0n, 0n],
    [ACC_MIN, ACC_MAX, -1n],
    [ACC_MAX, ACC_MIN, 1n],
    [-4n, 3n, 4n],
    [-5n, ACC_MIN + 1n, ACC_MAX - 1n],
    ...Array.from({ length: 30 }, () => [pick(), pick(), pick()]),
  ];
}

describe("circuits/packed-linear.circom PackedRescale", function () {
  this.timeout(120_000);
  const harness: Record<string, Harness> = {};
  before(async function () {
    for (const r of [0, 1]) {
      harness[r] = await compileTemplate({
        name: `packed-rescale-${r}`,
        library: "packed-linear.circom",
        main: `PackedRescale(${K}, ${N}, ${SHIFT}, ${QBITS}, ${r})`,
      });
    }
  });

  it("costs SHIFT + QBITS constraints per row (+ 1 with ReLU) at --O2, as RescaleRelu", async function () {
    const o2 = await compileTemplate({
      name: "packed-rescale-o2",
      library: "packed-linear.circom",
      main: `PackedRescale(${K}, ${N}, ${SHIFT}, ${QBITS}, 1)`,
      optimization: 2,
    });
    expect(o2.compiled.constraints).to.equal(K * (SHIFT + QBITS + 1));
  });

  for (const r of [0, 1]) {
    it(`matches the SDK's per-row rescale${r ? " + relu" : ""} on boundary and random rows`, async function () {
      const h = harness[r];
      for (const accs of rows(3 + r)) {
        const w = await calculateWitness({ wasm: h.compiled.wasm, input: { in: pack(accs) } });
        expect(failingConstraints(h.r1cs, w), `accs=${accs}`).to.deep.equal([]);
        accs.forEach((acc, c) => {
          const q = rescale(acc, SHIFT);
          expect(fromField(w[h.symbols.get(`main.out[${c}]`)!]), `acc=${acc}`).to.equal(
            r ? relu(q) : q,
          );
        });
      }
    });
  }

  it("has no witness when one row's quotient leaves its range (no borrowing from a neighbour)", async function () {
    for (const accs of [
      [0n, ACC_MAX + 1n, 0n],
      [ACC_MIN - 1n, 5n, 5n],
      [0n, 0n, ACC_MAX + 1n],
    ]) {
      let failed = false;
      await calculateWitness({
        wasm: harness[0].compiled.wasm,
        input: { in: pack(accs) },
      }).catch(() => (failed = true));
      expect(failed, `accs=${accs}`).to.equal(true);
    }
  });

  describe("rejects forged witnesses", function () {
    const accs = [5n * 8n + 1n, -3n * 8n, 2n * 8n - 2n]; // quotients 5, -3, 2 (rounded)
    let valid: bigint[];
    let h: Harness;
    before(async function () {
      h = harness[1];
      valid = await calculateWitness({ wasm: h.compiled.wasm, input: { in: pack(accs) } });
      expect(failingConstraints(h.r1cs, valid)).to.deep.equal([]);
    });
    const setLimb = (changes: Record<string, bigint>, c: number, bits: bigint[]) =>
      bits.forEach((b, i) => (changes[`main.low[${c}][${i}]`] = b));
    const expectRejected = (changes: Record<string, bigint>) =>
      expect(
        failingConstraints(h.r1cs, forgeWitness({ witness: valid, symbols: h.symbols, changes })),
      ).to.not.be.empty;

    it("a wrong output (quotient + 1)", function () {
      expectRejected({ "main.out[0]": 6n });
    });
    it("a flipped sign bit that claims ReLU(5) = 0", function () {
      expectRejected({ "main.sign[0]": 0n, "main.out[0]": 0n });
    });
    it("a wrong quotient whose sum is kept by a negative remainder (remainder = p - k)", function () {
      const bits = lowBits(limbOf(accs[0]) + 8n);
      bits[0] -= 8n;
      const changes: Record<string, bigint> = { "main.out[0]": 6n };
      setLimb(changes, 0, bits);
      expectRejected(changes);
    });
    it("a carry between rows: row 1 lowered by one, row 0 raised by 2^N", function () {
      // The field sum is unchanged: (limb0 + 2^N) + (limb1 - 1) 2^N. Row 0 cannot hold it in
      // boolean bits, so its lowest bit takes the field element b + 2^N.
      const bits0 = lowBits(limbOf(accs[0]));
      bits0[0] += 1n << BigInt(N);
      const changes: Record<string, bigint> = { "main.out[1]": 0n };
      setLimb(changes, 0, bits0);
      setLimb(changes, 1, lowBits(limbOf(accs[1]) - 1n));
      expectRejected(changes);
    });
    it("an out-of-range quotient encoded in the sign-extension bits", function () {
      // q = 2^(QBITS-1) (one past the max) needs bit M, which the limb fixes to the sign.
      const bits = lowBits(limbOf(QMAX * 8n + 8n));
      const changes: Record<string, bigint> = { "main.out[2]": QMAX + 1n };
      setLimb(changes, 2, bits);
      expectRejected(changes);
    });
  });
});
