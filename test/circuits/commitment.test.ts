import { expect } from "chai";
import { poseidon2, poseidon16 } from "poseidon-lite";
import { calculateWitness, failingConstraints, forgeWitness } from "../helpers/witnessTools.ts";
import { FIELD_PRIME } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { poseidonSponge, SPONGE_BLOCK } from "../../sdk/core/src/quantize/poseidonSponge.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { compileTemplate } from "../helpers/templateHarness.ts";
import type { Harness } from "../helpers/templateHarness.ts";

/** circomlib's Poseidon for the arities the sponge uses (poseidon-lite computes the same). */
const REFERENCE: Record<number, (inputs: bigint[]) => bigint> = { 2: poseidon2, 16: poseidon16 };
/** Full rounds and partial rounds of circomlib's Poseidon for t = arity + 1. */
const ROUNDS = { full: 8, partial: { 2: 57, 16: 68 } as Record<number, number> };
/** Constraints of PoseidonHash(n) at --O1: three per S-box (x^2, x^4, x^5) but the constant first one, plus `out`. */
const hashConstraints = (n: number) => 3 * (ROUNDS.full * (n + 1) + ROUNDS.partial[n] - 1) + 1;

/** Random field elements (with the extremes 0 and p - 1), from a seeded generator. */
function fieldElements(seed: number, count: number): bigint[] {
  const rnd = mulberry32({ seed });
  const random = () => {
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 32n) | BigInt(Math.floor(rnd() * 2 ** 32));
    return v % FIELD_PRIME;
  };
  return Array.from({ length: count }, (_, i) =>
    i === 0 ? 0n : i === 1 ? FIELD_PRIME - 1n : random(),
  );
}

const COMMITMENT = { library: "commitment.circom" };
const out = (h: Harness, w: bigint[]) => w[h.symbols.get("main.out")!];

describe("circuits/commitment.circom", function () {
  describe("PoseidonHash: circomlib's Poseidon with only the S-boxes as constraints", function () {
    const harness = new Map<number, Harness>();
    before(async function () {
      for (const n of Object.keys(REFERENCE).map(Number))
        harness.set(
          n,
          await compileTemplate({
            ...COMMITMENT,
            name: `poseidon-hash-${n}`,
            main: `PoseidonHash(${n})`,
          }),
        );
    });

    for (const n of Object.keys(REFERENCE).map(Number)) {
      it(`PoseidonHash(${n}) equals poseidon-lite's poseidon${n} on random inputs, with ${hashConstraints(n)} constraints at --O1`, async function () {
        const h = harness.get(n)!;
        expect(h.compiled.constraints).to.equal(hashConstraints(n));
        for (let trial = 0; trial < 4; trial++) {
          const inputs = fieldElements(100 * n + trial, n);
          const w = await calculateWitness({
            wasm: h.compiled.wasm,
            input: { inputs: inputs.map(String) },
          });
          expect(failingConstraints(h.r1cs, w)).to.deep.equal([]);
          expect(out(h, w), `inputs ${inputs}`).to.equal(REFERENCE[n](inputs));
        }
      });
    }

    it("rejects a forged witness: another output, or a changed S-box product", async function () {
      const h = harness.get(2)!;
      const w = await calculateWitness({ wasm: h.compiled.wasm, input: { inputs: ["3", "5"] } });
      const rejects = (changes: Record<string, bigint>) =>
        failingConstraints(h.r1cs, forgeWitness({ witness: w, symbols: h.symbols, changes }))
          .length > 0;
      const honest = out(h, w);
      expect(rejects({ "main.out": honest + 1n })).to.equal(true);
      // each product, in a full round, a partial round and the last round
      for (const k of [0, 10, 40, hashConstraints(2) / 3 - 1 - 1])
        for (const name of ["x2", "x4", "x5"])
          expect(rejects({ [`main.${name}[${Math.floor(k)}]`]: 7n }), `${name}[${k}]`).to.equal(
            true,
          );
    });
  });

  describe("PoseidonSponge", function () {
    // one partial block, exactly one block, and three blocks with padding
    for (const e of [3, SPONGE_BLOCK, 2 * SPONGE_BLOCK + 4]) {
      it(`over ${e} elements equals the SDK's poseidonSponge`, async function () {
        const tag = 9n;
        const h = await compileTemplate({
          ...COMMITMENT,
          name: `poseidon-sponge-${e}`,
          main: `PoseidonSponge(${e}, ${tag}, ${e})`,
        });
        const blocks = Math.ceil(e / SPONGE_BLOCK);
        expect(h.compiled.constraints).to.equal(hashConstraints(2) + blocks * hashConstraints(16));
        const elements = fieldElements(e, e);
        const w = await calculateWitness({
          wasm: h.compiled.wasm,
          input: { in: elements.map(String) },
        });
        expect(failingConstraints(h.r1cs, w)).to.deep.equal([]);
        expect(out(h, w)).to.equal(poseidonSponge({ tag, elements }));
      });
    }
  });
});
