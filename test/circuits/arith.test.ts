import { expect } from "chai";
import { calculateWitness, failingConstraints, forgeWitness } from "../helpers/witnessTools.ts";
import { fromField, toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { rescale } from "../../sdk/core/src/quantize/rescale.ts";
import { divRound } from "../../sdk/core/src/quantize/ops/div.ts";
import { rsqrtFloor } from "../../sdk/core/src/quantize/ops/rsqrt.ts";
import { compileTemplate } from "../helpers/templateHarness.ts";
import type { Harness } from "../helpers/templateHarness.ts";

const f = (v: bigint) => toField(v).toString();
const read = (h: Harness, w: bigint[], name: string) => fromField(w[h.symbols.get(name)!]);
const rejects = (h: Harness, w: bigint[], changes: Record<string, bigint>) =>
  failingConstraints(h.r1cs, forgeWitness({ witness: w, symbols: h.symbols, changes })).length > 0;
const deps = ["rescale.circom", "compare.circom"];
const noWitness = (h: Harness, input: Record<string, unknown>) =>
  calculateWitness({ wasm: h.compiled.wasm, input }).then(
    () => "witness",
    () => null,
  );

describe("circuits/arith.circom", function () {
  this.timeout(120_000);
  let dot: Harness;
  let div: Harness;
  let rsqrt: Harness;
  before(async function () {
    const t = (name: string, main: string) =>
      compileTemplate({ name, library: "arith.circom", main, dependencies: deps });
    dot = await t("dot", "DotRescale(3, 4, 12)");
    // a * 2^4 / b, divisor of 8 signed bits, quotient of 12
    div = await t("div", "DivRound(4, 8, 12)");
    // floor(2^6 / sqrt(in)), input of 10 signed bits, root of 13 unsigned bits, width 24
    rsqrt = await t("rsqrt", "RsqrtFloor(6, 10, 13, 24)");
  });

  it("DotRescale equals rescale(sum a b) and rejects a wrong product or output", async function () {
    const a = [-37n, 21n, 5n];
    const b = [11n, -9n, 100n];
    const w = await calculateWitness({
      wasm: dot.compiled.wasm,
      input: { a: a.map(f), b: b.map(f) },
    });
    const sum = a.reduce((s, v, i) => s + v * b[i], 0n);
    expect(read(dot, w, "main.out")).to.equal(rescale(sum, 4));
    expect(failingConstraints(dot.r1cs, w)).to.deep.equal([]);
    expect(rejects(dot, w, { "main.p[0]": a[0] * b[0] + 16n })).to.equal(true);
    expect(rejects(dot, w, { "main.out": read(dot, w, "main.out") + 1n })).to.equal(true);
  });

  it("DivRound equals the evaluator's divRound for every sign and rounds to nearest", async function () {
    for (const [a, b] of [
      [7n, 2n],
      [-7n, 2n],
      [7n, -2n],
      [-7n, -2n],
      [100n, 3n],
      [-100n, 127n],
      [0n, -128n],
      [55n, 1n],
    ]) {
      const w = await calculateWitness({ wasm: div.compiled.wasm, input: { a: f(a), b: f(b) } });
      const q = divRound(a, b, 4, "div", 0);
      expect(read(div, w, "main.out"), `${a} / ${b}`).to.equal(q);
      expect(Math.abs(Number(q) - (Number(a) * 16) / Number(b))).to.be.at.most(0.5);
      expect(failingConstraints(div.r1cs, w)).to.deep.equal([]);
    }
  });

  it("DivRound rejects a neighbouring quotient even with every other signal recomputed, a flipped sign, and b = 0", async function () {
    const [a, b] = [100n, 3n];
    const w = await calculateWitness({ wasm: div.compiled.wasm, input: { a: f(a), b: f(b) } });
    const q = read(div, w, "main.q");
    // Every signal recomputed for a claimed quotient c (remainder from the equation, all bit
    // decompositions redone): only the remainder's bounds can fail.
    const claim = (c: bigint) => {
      const r = 2n * a * 16n + b - 2n * c * b;
      return {
        "main.q": c,
        "main.out": c,
        "main.qb": c * b,
        "main.r": r,
        ...bits("main.qr.d.bits", c + (1n << 11n), 12),
        ...bits("main.lo.bits", r, 8),
        "main.hi.in": 2n * b - 1n - r,
        ...bits("main.hi.bits", 2n * b - 1n - r, 8),
      };
    };
    expect(rejects(div, w, claim(q)), "the honest quotient, recomputed").to.equal(false);
    expect(rejects(div, w, claim(q + 1n)), "q + 1 (remainder < 0)").to.equal(true);
    expect(rejects(div, w, claim(q - 1n)), "q - 1 (remainder >= 2|b|)").to.equal(true);
    // the sign bit of b flipped (|b| = -b, a negated)
    expect(rejects(div, w, { "main.s.out": 0n, "main.babs": -b, "main.num": -a })).to.equal(true);
    expect(await noWitness(div, { a: f(5n), b: f(0n) })).to.equal(null);
    expect(() => divRound(5n, 0n, 4, "d", 0)).to.throw(/division by zero/);
  });

  it("RsqrtFloor equals the evaluator's rsqrtFloor and rejects the neighbours of the root and v <= 0", async function () {
    for (const v of [1n, 2n, 3n, 17n, 100n, 511n]) {
      const w = await calculateWitness({ wasm: rsqrt.compiled.wasm, input: { in: f(v) } });
      const r = rsqrtFloor(v, 6, "n", 0);
      expect(read(rsqrt, w, "main.out"), `v = ${v}`).to.equal(r);
      expect(r * r * v <= 4096n && (r + 1n) * (r + 1n) * v > 4096n).to.equal(true);
      expect(failingConstraints(rsqrt.r1cs, w)).to.deep.equal([]);
    }
    const v = 17n;
    const w = await calculateWitness({ wasm: rsqrt.compiled.wasm, input: { in: f(v) } });
    const r = read(rsqrt, w, "main.out");
    const claim = (s: bigint) => {
      const p = s * s * v;
      const q = (2n * s + 1n) * v;
      return {
        "main.out": s,
        "main.r2": s * s,
        "main.p": p,
        "main.q": q,
        ...bits("main.rr.bits", s, 13),
        "main.lo.in": 4096n - p,
        ...bits("main.lo.bits", 4096n - p, 24),
        "main.hi.in": p + q - 4096n - 1n,
        ...bits("main.hi.bits", p + q - 4096n - 1n, 24),
      };
    };
    expect(rejects(rsqrt, w, claim(r)), "the honest root, recomputed").to.equal(false);
    for (const s of [r - 1n, r + 1n, -r - 1n])
      expect(rejects(rsqrt, w, claim(s)), `root ${s}`).to.equal(true);
    expect(await noWitness(rsqrt, { in: f(0n) })).to.equal(null);
    expect(await noWitness(rsqrt, { in: f(-4n) })).to.equal(null);
    expect(() => rsqrtFloor(0n, 6, "n", 0)).to.throw(/non-positive/);
  });
});

/**
 * The low n bits of a decomposition for value (wrapped when it does not fit, as a forger
 * must). The top bit of a NonNegative whose output is constrained to 1 is a constant, not a
 * wire, so callers pass n without it.
 */
function bits(prefix: string, value: bigint, n: number): Record<string, bigint> {
  const v = ((value % (1n << BigInt(n))) + (1n << BigInt(n))) % (1n << BigInt(n));
  return Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`${prefix}[${i}]`, (v >> BigInt(i)) & 1n]),
  );
}
