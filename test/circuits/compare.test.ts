import { expect } from "chai";
import { calculateWitness, failingConstraints, forgeWitness } from "../helpers/witnessTools.ts";
import { FIELD_PRIME, fromField, toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { compileTemplate } from "../helpers/templateHarness.ts";
import type { Harness } from "../helpers/templateHarness.ts";

const BITS = 6; // inputs in [-32, 32)
const N = 4;
const f = (v: bigint) => toField(v).toString();

/** Witness of the harness for `values`, or null when no witness exists. */
async function witnessOf(h: Harness, input: Record<string, unknown>): Promise<bigint[] | null> {
  return calculateWitness({ wasm: h.compiled.wasm, input }).catch(() => null);
}
const read = (h: Harness, w: bigint[], name: string) => fromField(w[h.symbols.get(name)!]);
const rejects = (h: Harness, w: bigint[], changes: Record<string, bigint>) =>
  failingConstraints(h.r1cs, forgeWitness({ witness: w, symbols: h.symbols, changes })).length > 0;

describe("circuits/compare.circom", function () {
  let arg: Harness;
  let clip: Harness;
  before(async function () {
    arg = await compileTemplate({
      name: "argmax",
      library: "compare.circom",
      main: `ArgMaxN(${N}, ${BITS}, 0, 1)`,
    });
    clip = await compileTemplate({
      name: "clip",
      library: "compare.circom",
      main: `ClipInt(1, -5, ${BITS}, 1, 9, ${BITS})`,
    });
  });

  it("ArgMaxN: max and first argmax equal the SDK's on boundary and random inputs", async function () {
    const rnd = mulberry32({ seed: 5 });
    const cases = [
      [0n, 0n, 0n, 0n],
      [-32n, 31n, 31n, -32n],
      [31n, -32n, 5n, 31n],
      ...Array.from({ length: 20 }, () =>
        Array.from({ length: N }, () => BigInt(Math.floor(rnd() * 64) - 32)),
      ),
    ];
    for (const xs of cases) {
      const w = (await witnessOf(arg, { in: xs.map(f) }))!;
      const max = xs.reduce((a, b) => (b > a ? b : a));
      expect(read(arg, w, "main.out")).to.equal(max);
      expect(read(arg, w, "main.index")).to.equal(BigInt(xs.indexOf(max)));
      expect(failingConstraints(arg.r1cs, w)).to.deep.equal([]);
    }
  });

  describe("ArgMaxN rejects forged witnesses", function () {
    const xs = [3n, 17n, -4n, 9n];
    let w: bigint[];
    before(async function () {
      w = (await witnessOf(arg, { in: xs.map(f) }))!;
    });
    it("a wrong max (another input's value)", function () {
      expect(rejects(arg, w, { "main.out": 9n })).to.equal(true);
      // m[N-1] and out are one wire at --O1; change the running max of the step before too
      expect(rejects(arg, w, { "main.out": 9n, "main.m[2]": 9n, "main.m[1]": 9n })).to.equal(true);
    });
    it("a wrong argmax index", function () {
      expect(rejects(arg, w, { "main.index": 3n })).to.equal(true);
      expect(rejects(arg, w, { "main.index": 3n, "main.idx[2]": 3n, "main.idx[1]": 3n })).to.equal(
        true,
      );
    });
    it("a flipped comparison bit (claims in[3] > max so far)", function () {
      // step 3 compares 9 with 17: d = 9 - 17 - 1 = -9, bits of -9 + 64; flip the sign bit
      // (the top bit is the comparator's output wire); make the max and index follow it
      const top = "main.gt[3].out";
      expect(read(arg, w, top)).to.equal(0n);
      expect(rejects(arg, w, { [top]: 1n, "main.out": 9n, "main.index": 3n })).to.equal(true);
    });
    it("a comparator fed a value outside its range has no witness, and a wrapped one is rejected", async function () {
      // in[1] = 2^BITS is outside [-32, 32): the decomposition of the difference cannot exist
      expect(await witnessOf(arg, { in: [f(3n), f(64n), f(0n), f(0n)] })).to.equal(null);
      // A field element p - k read as negative: forge in[1] = p - 100 keeping everything else
      expect(rejects(arg, w, { "main.in[1]": FIELD_PRIME - 100n })).to.equal(true);
    });
  });

  describe("ClipInt(-5, 9)", function () {
    it("clips like the SDK on every input in range", async function () {
      for (let x = -32n; x < 32n; x += 3n) {
        const w = (await witnessOf(clip, { in: f(x) }))!;
        expect(read(clip, w, "main.out")).to.equal(x < -5n ? -5n : x > 9n ? 9n : x);
      }
    });
    it("rejects a forged output and a flipped side bit; a value just outside its range has no witness", async function () {
      const w = (await witnessOf(clip, { in: f(20n) }))!;
      expect(rejects(clip, w, { "main.out": 20n })).to.equal(true);
      expect(rejects(clip, w, { "main.b.out": 0n, "main.out": 20n })).to.equal(true);
      // W = 6 bounds |in - LO| < 64: in = 60 gives in + 5 = 65, outside
      expect(await witnessOf(clip, { in: f(60n) })).to.equal(null);
    });
  });
});
