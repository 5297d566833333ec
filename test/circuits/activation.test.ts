import { expect } from "chai";
import { calculateWitness, failingConstraints, forgeWitness } from "../helpers/witnessTools.ts";
import { fromField, toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { rescale } from "../../sdk/core/src/quantize/rescale.ts";
import { compileTemplate } from "../helpers/templateHarness.ts";
import type { Harness } from "../helpers/templateHarness.ts";

const f = (v: bigint) => toField(v).toString();
const read = (h: Harness, w: bigint[], name: string) => fromField(w[h.symbols.get(name)!]);
const rejects = (h: Harness, w: bigint[], changes: Record<string, bigint>) =>
  failingConstraints(h.r1cs, forgeWitness({ witness: w, symbols: h.symbols, changes })).length > 0;
const deps = ["rescale.circom", "compare.circom"];

describe("circuits/activation.circom", function () {
  let leaky: Harness;
  let mul: Harness;
  before(async function () {
    // slope 0.25 at 2^4, inputs of 8 signed bits, quotient of 9 bits
    leaky = await compileTemplate({
      name: "leaky",
      library: "activation.circom",
      main: "LeakyRescale(4, 4, 8, 9)",
      dependencies: deps,
    });
    mul = await compileTemplate({
      name: "mul",
      library: "activation.circom",
      main: "MulRescale(4, 10)",
      dependencies: deps,
    });
  });

  it("LeakyRescale equals the SDK's leaky op on every input in range", async function () {
    for (let x = -128n; x < 128n; x += 7n) {
      const w = await calculateWitness({ wasm: leaky.compiled.wasm, input: { in: f(x) } });
      expect(read(leaky, w, "main.out")).to.equal(rescale(x >= 0n ? x << 4n : 4n * x, 4));
      expect(failingConstraints(leaky.r1cs, w)).to.deep.equal([]);
    }
  });

  it("LeakyRescale rejects a flipped sign bit (LeakyRelu(5) claimed as 5/4) and a value outside its range", async function () {
    const w = await calculateWitness({ wasm: leaky.compiled.wasm, input: { in: f(5n) } });
    expect(read(leaky, w, "main.s.out")).to.equal(1n);
    expect(rejects(leaky, w, { "main.s.out": 0n, "main.pos": 0n })).to.equal(true);
    expect(
      await calculateWitness({ wasm: leaky.compiled.wasm, input: { in: f(128n) } }).catch(
        () => null,
      ),
    ).to.equal(null);
  });

  it("MulRescale: the product's rescale and its rejection of a wrong output", async function () {
    const w = await calculateWitness({ wasm: mul.compiled.wasm, input: { a: f(-37n), b: f(21n) } });
    expect(read(mul, w, "main.out")).to.equal(rescale(-37n * 21n, 4));
    expect(rejects(mul, w, { "main.out": read(mul, w, "main.out") + 1n })).to.equal(true);
  });
});
