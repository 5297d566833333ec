import { expect } from "chai";
import { poseidon2, poseidon16 } from "poseidon-lite";
import { calculateWitness, failingConstraints, forgeWitness } from "../helpers/witnessTools.ts";
import { FIELD_PRIME } from "../../sdk/core/src/quantize/fixedPoint.ts";
import {
  poseidonSponge,
  SPONGE_BLOCK,
  spongeHead,
} from "../../sdk/core/src/quantize/poseidonSponge.ts";
import {
  INPUT_COMMITMENT_VERSION,
  packInput,
} from "../../sdk/core/src/quantize/inputCommitment.ts";
import type { QuantizedModel } from "../../sdk/core/src/quantize/types.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { compileTemplate } from "../helpers/templateHarness.ts";
import type { Harness } from "../helpers/templateHarness.ts";

/** circomlib's Poseidon for the arities the sponge uses (poseidon-lite computes the same). */
const REFERENCE: Record<number, (inputs: bigint[]) => bigint> = { 2: poseidon2, 16: poseidon16 };
/** Full rounds and partial rounds of circomlib's Poseidon for t = arity + 1. */
const ROUNDS = { full: 8, partial: { 2: 57, 16: 68 } as Record<number, number> };
/**
 * Constraints of PoseidonHash at --O1 with `live` signal inputs among n: three per S-box of a
 * signal (x^2, x^4, x^5; the first round's S-boxes of constants cost none), the n + 1 state
 * elements after the partial rounds, and `out`.
 */
const hashConstraints = (n: number, live = n) =>
  3 * (ROUNDS.full * (n + 1) + ROUNDS.partial[n] - (n + 1 - live)) + (n + 1) + 1;
/** Constraints of PoseidonSponge over e elements: its first block's first input is HEAD. */
const spongeConstraints = (e: number) =>
  Array.from({ length: Math.ceil(e / SPONGE_BLOCK) }, (_, k) => {
    const live = Math.min(SPONGE_BLOCK, e - k * SPONGE_BLOCK);
    return hashConstraints(SPONGE_BLOCK + 1, k === 0 ? live : live + 1);
  }).reduce((a, b) => a + b, 0);

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
            main: `PoseidonHash(${n}, ${n}, 0, 0)`,
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

    it("hashes a constant first input and zero padding without constraints for their first S-boxes", async function () {
      const first = 12345n;
      const h = await compileTemplate({
        ...COMMITMENT,
        name: "poseidon-hash-const",
        main: `PoseidonHash(16, 3, 1, ${first})`,
      });
      expect(h.compiled.constraints).to.equal(hashConstraints(16, 3));
      const inputs = fieldElements(7, 3);
      const w = await calculateWitness({
        wasm: h.compiled.wasm,
        input: { inputs: inputs.map(String) },
      });
      expect(failingConstraints(h.r1cs, w)).to.deep.equal([]);
      expect(out(h, w)).to.equal(poseidon16([first, ...inputs, ...Array(12).fill(0n)]));
    });

    it("rejects a forged witness: another output, a changed S-box product or state element", async function () {
      const h = harness.get(2)!;
      const w = await calculateWitness({ wasm: h.compiled.wasm, input: { inputs: ["3", "5"] } });
      const rejects = (changes: Record<string, bigint>) =>
        failingConstraints(h.r1cs, forgeWitness({ witness: w, symbols: h.symbols, changes }))
          .length > 0;
      const honest = out(h, w);
      expect(rejects({ "main.out": honest + 1n })).to.equal(true);
      expect(rejects({ "main.partialOut[1]": 7n })).to.equal(true);
      // each product, in a full round, a partial round and the last round
      const last = (hashConstraints(2) - 4) / 3 - 1;
      for (const k of [0, 10, 40, last])
        for (const name of ["x2", "x4", "x5"])
          expect(rejects({ [`main.${name}[${k}]`]: 7n }), `${name}[${k}]`).to.equal(true);
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
          main: `PoseidonSponge(${e}, ${spongeHead({ tag, length: e })})`,
        });
        expect(h.compiled.constraints).to.equal(spongeConstraints(e));
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

  describe("InputCommitment: range check, packing, sponge", function () {
    const N = 20;
    const BITS = 4; // values in [-8, 8)
    const model = { inputBits: BITS, nInputs: N } as QuantizedModel;
    const head = spongeHead({ tag: INPUT_COMMITMENT_VERSION, length: 1 });
    let h: Harness;
    before(async function () {
      h = await compileTemplate({
        ...COMMITMENT,
        name: "input-commitment",
        main: `InputCommitment(${N}, ${BITS}, ${head})`,
      });
    });
    const witness = (input: bigint[]) =>
      calculateWitness({ wasm: h.compiled.wasm, input: { in: input.map((v) => String(v)) } });
    const rnd = mulberry32({ seed: 3 });
    const input = Array.from({ length: N }, (_, i) =>
      i < 3 ? [-8n, 7n, 0n][i] : BigInt(Math.floor(rnd() * 16) - 8),
    );

    it("costs BITS constraints per value (the top bit needs no signal), one for the packed element and the sponge", function () {
      expect(h.compiled.constraints).to.equal(N * BITS + 1 + spongeConstraints(1));
    });

    it("equals the SDK's inputCommitment, and has no witness for a value out of range", async function () {
      const w = await witness(input);
      expect(failingConstraints(h.r1cs, w)).to.deep.equal([]);
      expect(w[h.symbols.get("main.out")!]).to.equal(
        poseidonSponge({ tag: INPUT_COMMITMENT_VERSION, elements: packInput({ model, input }) }),
      );
      for (const v of [8n, -9n]) {
        const proved = await witness([v, ...input.slice(1)]).then(
          () => true,
          () => false,
        );
        expect(proved, `${v}`).to.equal(false);
      }
    });

    it("rejects a forged witness: out-of-range values that pack to the same element, or a changed bit", async function () {
      const w = await witness(input);
      const rejects = (changes: Record<string, bigint>) =>
        failingConstraints(h.r1cs, forgeWitness({ witness: w, symbols: h.symbols, changes }))
          .length > 0;
      // u1 + 2^BITS and u2 - 1 leave e = sum u_i 2^(BITS i) unchanged: only the range check
      // stands between this witness and a second opening of the commitment
      // (at --O1 in[i] is the wire of checked[i])
      const aliased = { "main.checked[1]": input[1] + 16n, "main.checked[2]": input[2] - 1n };
      expect(rejects(aliased)).to.equal(true);
      expect(rejects({ "main.bits[1][0]": 1n - ((input[1] + 8n) & 1n) })).to.equal(true);
      expect(rejects({ "main.bits[1][2]": 2n })).to.equal(true);
    });
  });
});
