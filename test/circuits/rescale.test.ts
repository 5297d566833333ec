import { expect } from "chai";
import { calculateWitness, failingConstraints, forgeWitness } from "../helpers/witnessTools.ts";
import { FIELD_PRIME, fromField, toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quotientRange, relu, rescale } from "../../sdk/core/src/quantize/rescale.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { compileTemplate } from "../helpers/templateHarness.ts";
import type { Harness } from "../helpers/templateHarness.ts";

const SHIFT = 4;
const QBITS = 6;
const N = SHIFT + QBITS;
const { min: QMIN, max: QMAX } = quotientRange(QBITS);
// The accumulator range whose rounded quotient fits QBITS signed bits.
const ACC_MIN = QMIN * 16n - 8n;
const ACC_MAX = QMAX * 16n + 7n;

function boundaryAndRandomInputs(seed: number): bigint[] {
  const rnd = mulberry32({ seed });
  const span = Number(ACC_MAX - ACC_MIN);
  const random = Array.from({ length: 40 }, () => ACC_MIN + BigInt(Math.floor(rnd() * span)));
  return [
    0n,
    1n,
    -1n,
    7n,
    8n,
    -8n,
    -9n,
    16n,
    -16n,
    ACC_MIN,
    ACC_MAX,
    ACC_MIN + 1n,
    ACC_MAX - 1n,
    ...random,
  ];
}

const bitsOf = (t: bigint) => Array.from({ length: N }, (_, i) => (t >> BigInt(i)) & 1n);
const bitNames = (prefix: string) => Array.from({ length: N }, (_, i) => `${prefix}.d.bits[${i}]`);
/** The value the template decomposes: in + 2^(SHIFT-1) + 2^(N-1). */
const shifted = (acc: bigint) => acc + 8n + (1n << BigInt(N - 1));

describe("circuits/rescale.circom", function () {
  let relu_: Harness;
  let plain: Harness;
  before(async function () {
    relu_ = await compileTemplate({
      name: "rescale-relu",
      library: "rescale.circom",
      main: `RescaleRelu(${SHIFT}, ${QBITS})`,
    });
    plain = await compileTemplate({
      name: "rescale",
      library: "rescale.circom",
      main: `Rescale(${SHIFT}, ${QBITS})`,
    });
  });

  describe("RescaleRelu", function () {
    it("costs N + 1 constraints at --O2 (one decomposition shared by range check and sign)", async function () {
      const o2 = await compileTemplate({
        name: "rescale-relu-o2",
        library: "rescale.circom",
        main: `RescaleRelu(${SHIFT}, ${QBITS})`,
        optimization: 2,
      });
      expect(o2.compiled.constraints).to.equal(N + 1);
    });

    it("matches the SDK's rescale + relu on boundary and random inputs", async function () {
      for (const acc of boundaryAndRandomInputs(1)) {
        const w = await calculateWitness({
          wasm: relu_.compiled.wasm,
          input: { in: toField(acc).toString() },
        });
        expect(failingConstraints(relu_.r1cs, w), `acc=${acc}`).to.deep.equal([]);
        expect(fromField(w[relu_.symbols.get("main.out")!]), `acc=${acc}`).to.equal(
          relu(rescale(acc, SHIFT)),
        );
      }
    });

    it("has no witness for a quotient just outside its range", async function () {
      for (const acc of [ACC_MAX + 1n, ACC_MIN - 1n]) {
        let failed = false;
        await calculateWitness({
          wasm: relu_.compiled.wasm,
          input: { in: toField(acc).toString() },
        }).catch(() => (failed = true));
        expect(failed, `witness generation must fail for acc=${acc}`).to.equal(true);
        // The best a prover can do: the low N bits of the shifted value. The sum no longer matches.
        const valid = await calculateWitness({ wasm: relu_.compiled.wasm, input: { in: "0" } });
        const t = shifted(acc) & ((1n << BigInt(N)) - 1n);
        const changes: Record<string, bigint> = { "main.in": toField(acc), "main.out": 0n };
        bitNames("main").forEach((n, i) => (changes[n] = bitsOf(t)[i]));
        const forged = forgeWitness({ witness: valid, symbols: relu_.symbols, changes });
        expect(failingConstraints(relu_.r1cs, forged)).to.not.be.empty;
      }
    });

    describe("rejects forged witnesses", function () {
      const acc = 5n * 16n + 3n; // quotient 5 (rounded), ReLU(5) = 5
      let valid: bigint[];
      before(async function () {
        valid = await calculateWitness({
          wasm: relu_.compiled.wasm,
          input: { in: acc.toString() },
        });
        expect(failingConstraints(relu_.r1cs, valid)).to.deep.equal([]);
      });
      const expectRejected = (changes: Record<string, bigint>) =>
        expect(
          failingConstraints(
            relu_.r1cs,
            forgeWitness({ witness: valid, symbols: relu_.symbols, changes }),
          ),
        ).to.not.be.empty;

      it("a wrong output (quotient + 1)", function () {
        expectRejected({ "main.out": 6n });
      });
      it("a wrong quotient whose sum is kept by a negative remainder (remainder = p - k)", function () {
        // quotient bits encode q + 1; bit 0 absorbs -2^SHIFT so the linear sum still holds.
        const t = shifted(acc);
        const bits = bitsOf(t + 16n);
        bits[0] = bits[0] - 16n; // a "remainder" of r - 16: the field element p - (16 - r)
        const changes: Record<string, bigint> = { "main.out": 6n };
        bitNames("main").forEach((n, i) => (changes[n] = bits[i]));
        expectRejected(changes);
      });
      it("a flipped sign bit that claims ReLU(5) = 0", function () {
        const bits = bitsOf(shifted(acc));
        bits[N - 1] = 0n;
        const changes: Record<string, bigint> = { "main.out": 0n };
        bitNames("main").forEach((n, i) => (changes[n] = bits[i]));
        expectRejected(changes);
      });
      it("the bits of in + p (the alias of a 254-bit decomposition) claiming ReLU(5) = 0", function () {
        const aliased = shifted(acc) + FIELD_PRIME;
        const bits = bitsOf(aliased); // only N bits fit: the alias cannot be represented
        const changes: Record<string, bigint> = { "main.out": 0n };
        bitNames("main").forEach((n, i) => (changes[n] = bits[i]));
        expectRejected(changes);
      });
      it("a non-boolean bit that keeps the sum (only booleanity can catch it)", function () {
        const bit = (i: number) => valid[relu_.symbols.get(`main.d.bits[${i}]`)!];
        expectRejected({ "main.d.bits[0]": bit(0) + 2n, "main.d.bits[1]": bit(1) - 1n });
      });
    });
  });

  describe("Rescale", function () {
    it("costs N constraints at --O2", async function () {
      const o2 = await compileTemplate({
        name: "rescale-o2",
        library: "rescale.circom",
        main: `Rescale(${SHIFT}, ${QBITS})`,
        optimization: 2,
      });
      expect(o2.compiled.constraints).to.equal(N);
    });

    it("matches the SDK's rescale, negative values included", async function () {
      for (const acc of boundaryAndRandomInputs(2)) {
        const w = await calculateWitness({
          wasm: plain.compiled.wasm,
          input: { in: toField(acc).toString() },
        });
        expect(fromField(w[plain.symbols.get("main.out")!]), `acc=${acc}`).to.equal(
          rescale(acc, SHIFT),
        );
      }
    });

    it("rejects a wrong quotient or a remainder outside [0, 2^SHIFT)", async function () {
      const acc = -37n;
      const valid = await calculateWitness({
        wasm: plain.compiled.wasm,
        input: { in: toField(acc).toString() },
      });
      expect(failingConstraints(plain.r1cs, valid)).to.deep.equal([]);
      const q = rescale(acc, SHIFT);
      const wrongOut = forgeWitness({
        witness: valid,
        symbols: plain.symbols,
        changes: { "main.out": toField(q - 1n) },
      });
      expect(failingConstraints(plain.r1cs, wrongOut)).to.not.be.empty;
      const bits = bitsOf(shifted(acc) - 16n);
      bits[0] += 16n; // remainder r + 16 >= 2^SHIFT, quotient one lower
      const changes: Record<string, bigint> = { "main.out": toField(q - 1n) };
      bitNames("main").forEach((n, i) => (changes[n] = bits[i]));
      expect(
        failingConstraints(
          plain.r1cs,
          forgeWitness({ witness: valid, symbols: plain.symbols, changes }),
        ),
      ).to.not.be.empty;
    });
  });
});
