import { expect } from "chai";
import { calculateWitness, failingConstraints, forgeWitness } from "../helpers/witnessTools.ts";
import { fromField, toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { compileTemplate } from "../helpers/templateHarness.ts";
import type { Harness } from "../helpers/templateHarness.ts";

const BITS = 6; // inputs in [-32, 32)
const N = 5;
const K = 3;
const f = (v: bigint) => toField(v).toString();
const read = (h: Harness, w: bigint[], name: string) => fromField(w[h.symbols.get(name)!]);
const rejects = (h: Harness, w: bigint[], changes: Record<string, bigint>) =>
  failingConstraints(h.r1cs, forgeWitness({ witness: w, symbols: h.symbols, changes })).length > 0;

/** The K largest, descending, ties by the lower index (ONNX TopK). */
function topK(xs: bigint[]): { values: bigint[]; index: bigint[] } {
  const order = xs
    .map((_, i) => i)
    .sort((a, b) => (xs[b] > xs[a] ? 1 : xs[b] < xs[a] ? -1 : a - b));
  const top = order.slice(0, K);
  return { values: top.map((i) => xs[i]), index: top.map(BigInt) };
}

describe("circuits/topk.circom", function () {
  let h: Harness;
  before(async function () {
    h = await compileTemplate({
      name: "topk",
      library: "topk.circom",
      main: `TopKMasked(${N}, ${K}, ${BITS})`,
      dependencies: ["compare.circom"],
    });
    console.log(`      TopKMasked(${N}, ${K}, ${BITS}): ${h.r1cs.constraints.length} constraints`);
  });

  it("values and indices equal a stable sort on boundary, tied and random inputs", async function () {
    const rnd = mulberry32({ seed: 8 });
    const cases = [
      [0n, 0n, 0n, 0n, 0n],
      [-32n, -32n, 31n, -32n, 31n],
      [5n, 5n, -1n, 5n, 7n],
      ...Array.from({ length: 20 }, () =>
        Array.from({ length: N }, () => BigInt(Math.floor(rnd() * 64) - 32)),
      ),
    ];
    for (const xs of cases) {
      const w = await calculateWitness({ wasm: h.compiled.wasm, input: { in: xs.map(f) } });
      const want = topK(xs);
      for (let j = 0; j < K; j++) {
        expect(read(h, w, `main.values[${j}]`), `values[${j}] of [${xs}]`).to.equal(want.values[j]);
        expect(read(h, w, `main.index[${j}]`), `index[${j}] of [${xs}]`).to.equal(want.index[j]);
      }
      expect(failingConstraints(h.r1cs, w)).to.deep.equal([]);
    }
  });

  describe("rejects forged witnesses", function () {
    const xs = [3n, 17n, -4n, 17n, 9n];
    let w: bigint[];
    before(async function () {
      w = await calculateWitness({ wasm: h.compiled.wasm, input: { in: xs.map(f) } });
    });
    it("a wrong value or index in any pass", function () {
      expect(rejects(h, w, { "main.values[1]": 9n })).to.equal(true);
      expect(rejects(h, w, { "main.index[1]": 1n })).to.equal(true);
      expect(rejects(h, w, { "main.index[2]": 2n, "main.values[2]": -4n })).to.equal(true);
    });
    it("a mask that does not follow the index (claims position 3 was taken in pass 0)", function () {
      // pass 0 picks position 1; masking 3 instead would make pass 1 pick 1 again
      expect(read(h, w, "main.eq[0][1]")).to.equal(1n);
      expect(
        rejects(h, w, {
          "main.eq[0][1]": 0n,
          "main.eq[0][3]": 1n,
          "main.cur[1][1]": 17n,
          "main.cur[1][3]": -64n,
        }),
      ).to.equal(true);
    });
    it("an input beyond the comparators' range (2^BITS, the masked LOW's bound) has no witness", async function () {
      // the caller range-checks in[] to BITS bits; a value past 2^BITS cannot be compared
      const bad = [3n * 2n ** BigInt(BITS), 0n, 0n, 0n, 0n].map(f);
      const ok = await calculateWitness({ wasm: h.compiled.wasm, input: { in: bad } })
        .then(() => true)
        .catch(() => false);
      expect(ok).to.equal(false);
    });
  });
});
