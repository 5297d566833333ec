import { expect } from "chai";
import { calculateWitness, failingConstraints, forgeWitness } from "../helpers/witnessTools.ts";
import { fromField, toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { rescale } from "../../sdk/core/src/quantize/rescale.ts";
import { fitPiecewise, piecewiseAccumulator } from "../../sdk/core/src/quantize/piecewiseFit.ts";
import type { PiecewiseOp } from "../../sdk/core/src/quantize/types.ts";
import { saturationBound } from "../../sdk/core/src/quantize/unaryFunctions.ts";
import { piecewise, piecewiseOp } from "../../sdk/core/src/quantize/ops/piecewise.ts";
import type { UnaryFunction } from "../../sdk/core/src/quantize/unaryFunctions.ts";
import { compileTemplate } from "../helpers/templateHarness.ts";
import type { Harness } from "../helpers/templateHarness.ts";

const f = (v: bigint) => toField(v).toString();
const read = (h: Harness, w: bigint[], name: string) => fromField(w[h.symbols.get(name)!]);
const rejects = (h: Harness, w: bigint[], changes: Record<string, bigint>) =>
  failingConstraints(h.r1cs, forgeWitness({ witness: w, symbols: h.symbols, changes })).length > 0;

/** A fitted op over a small range (by default 9 signed bits at 2^4: inputs in [-16, 16)). */
function fitted(fn: UnaryFunction, segments: PiecewiseOp["segments"], bits = 9): PiecewiseOp {
  const op: PiecewiseOp = {
    kind: "piecewise",
    name: fn,
    inputs: [0],
    output: 1,
    fn,
    alpha: 1,
    beta: 0,
    frac: FRAC,
    segments,
    bits,
    segBits: 0,
    degree: 0,
    shift: 0,
    quotientBits: 16,
    table: null,
    maxError: 0,
    saturation: null,
  };
  fitPiecewise(op);
  return op;
}
const FRAC = 4;
const table = (op: PiecewiseOp) => `[${op.table!.map((r) => `[${r.join(",")}]`).join(",")}]`;

describe("circuits/piecewise.circom", function () {
  const gelu = fitted("gelu", "uniform");
  const sqrt = fitted("sqrt", "octave");
  let uniform: Harness;
  let octave: Harness;
  before(async function () {
    expect(gelu.segBits, "a multi-segment fit").to.be.greaterThan(0);
    uniform = await compileTemplate({
      name: "piecewise-uniform",
      library: "piecewise.circom",
      main: `PiecewiseUniform(${gelu.bits}, ${gelu.segBits}, ${gelu.degree}, ${gelu.shift}, ${gelu.quotientBits}, ${table(gelu)})`,
      dependencies: ["rescale.circom"],
    });
    octave = await compileTemplate({
      name: "piecewise-octave",
      library: "piecewise.circom",
      main: `PiecewiseOctave(${sqrt.bits}, ${sqrt.degree}, ${sqrt.shift}, ${sqrt.quotientBits}, ${table(sqrt)})`,
      dependencies: ["rescale.circom"],
    });
  });

  it("PiecewiseUniform equals the SDK's piecewise op across the whole input range", async function () {
    for (let x = -256n; x < 256n; x += 37n) {
      const w = await calculateWitness({ wasm: uniform.compiled.wasm, input: { in: f(x) } });
      expect(read(uniform, w, "main.out")).to.equal(
        rescale(piecewiseAccumulator(gelu, x), gelu.shift),
      );
      expect(failingConstraints(uniform.r1cs, w)).to.deep.equal([]);
    }
  });

  it("PiecewiseOctave equals the SDK's piecewise op, 0 and every octave included", async function () {
    for (const x of [0n, 1n, 2n, 3n, 5n, 16n, 17n, 100n, 255n]) {
      const w = await calculateWitness({ wasm: octave.compiled.wasm, input: { in: f(x) } });
      expect(read(octave, w, "main.out")).to.equal(
        rescale(piecewiseAccumulator(sqrt, x), sqrt.shift),
      );
      expect(failingConstraints(octave.r1cs, w)).to.deep.equal([]);
    }
  });

  it("inputs outside the range have no witness (uniform: 2^(BITS-1); octave: negative)", async function () {
    const none = (h: Harness, x: bigint) =>
      calculateWitness({ wasm: h.compiled.wasm, input: { in: f(x) } }).catch(() => null);
    expect(await none(uniform, 256n)).to.equal(null);
    expect(await none(uniform, -257n)).to.equal(null);
    expect(await none(octave, -1n)).to.equal(null);
    expect(await none(octave, 256n)).to.equal(null);
  });

  it("PiecewiseUniform rejects a wrong output, a flipped segment bit, a forged selector and a forged Horner step", async function () {
    const w = await calculateWitness({ wasm: uniform.compiled.wasm, input: { in: f(-37n) } });
    const out = read(uniform, w, "main.out");
    expect(rejects(uniform, w, { "main.out": out + 1n })).to.equal(true);
    const top = gelu.bits - 1;
    expect(
      rejects(uniform, w, { [`main.b[${top}]`]: 1n - read(uniform, w, `main.b[${top}]`) }),
    ).to.equal(true);
    // Move the selection to another segment (the selector leaves swapped).
    const leaves = 2 ** gelu.segBits;
    const on = Array.from({ length: leaves }, (_, r) =>
      read(uniform, w, `main.sel[${leaves + r}]`),
    );
    const r = on.indexOf(1n);
    expect(on.filter((v) => v === 1n)).to.have.length(1);
    const other = (r + 1) % leaves;
    expect(
      rejects(uniform, w, { [`main.sel[${leaves + r}]`]: 0n, [`main.sel[${leaves + other}]`]: 1n }),
    ).to.equal(true);
    expect(rejects(uniform, w, { "main.h[0]": read(uniform, w, "main.h[0]") + 1n })).to.equal(true);
  });

  it("PiecewiseOctave rejects a wrong output, a forged leading bit and a forged Horner step", async function () {
    const w = await calculateWitness({ wasm: octave.compiled.wasm, input: { in: f(40n) } });
    const out = read(octave, w, "main.out");
    expect(rejects(octave, w, { "main.out": out - 1n })).to.equal(true);
    // 40 = 0b101000: leading bit 5; claim the leading bit is 3 (z[4] = z[5] = 0).
    expect(rejects(octave, w, { "main.z[4]": 0n, "main.z[5]": 0n })).to.equal(true);
    expect(rejects(octave, w, { "main.z[6]": 1n })).to.equal(true);
    expect(rejects(octave, w, { "main.h[0]": read(octave, w, "main.h[0]") - 1n })).to.equal(true);
  });

  // Sigmoid / Tanh: fitted on their saturation range (log2 X + f + 1 bits, X = saturationBound),
  // their limits beyond it, here for an input 3 bits wider (PiecewiseSaturated). The segment
  // edges and the saturation edges are where a forged selection or flag would matter.
  for (const fn of ["sigmoid", "tanh"] as const) {
    it(`${fn}: PiecewiseSaturated equals the SDK at every segment edge and across the saturation edges; rejects a neighbouring segment, a forged inside flag and a forged limit`, async function () {
      const op = piecewiseOp({ name: fn, input: 0, output: 1, fn, frac: FRAC });
      const sat = op.saturation!;
      expect(sat.bits).to.equal(Math.log2(saturationBound(op, FRAC)!) + FRAC + 1);
      piecewise.calibrate(op, { inBits: [sat.bits + 3], checkedWidth: FRAC + 3 });
      expect(op.segBits, "a multi-segment fit").to.be.greaterThan(0);
      const h = await compileTemplate({
        name: `piecewise-${fn}`,
        library: "piecewise.circom",
        main: `PiecewiseSaturated(${op.bits}, ${sat.bits}, ${op.segBits}, ${op.degree}, ${op.shift}, ${op.quotientBits}, ${sat.low}, ${sat.high}, ${table(op)})`,
        dependencies: ["rescale.circom"],
      });
      const edge = 2n ** BigInt(sat.bits - 1);
      const L = 2n ** BigInt(sat.bits - op.segBits);
      const leaves = 2 ** op.segBits;
      const top = 2n ** BigInt(op.bits - 1);
      const outside = [edge, -edge - 1n, edge + 1n, -edge - 2n, top - 1n, -top, 2n * edge];
      const xs = [...outside, edge - 1n, -edge];
      for (let r = 0n; r < BigInt(leaves); r++) xs.push(-edge + r * L, -edge - 1n + (r + 1n) * L);
      for (const x of xs) {
        const w = await calculateWitness({ wasm: h.compiled.wasm, input: { in: f(x) } });
        const out = read(h, w, "main.out");
        const want = rescale(piecewiseAccumulator(op, x), op.shift);
        expect(out, `${fn}(${x})`).to.equal(want);
        expect(failingConstraints(h.r1cs, w)).to.deep.equal([]);
        const isOutside = outside.includes(x);
        expect(read(h, w, "main.inside"), `${fn}(${x}) inside`).to.equal(isOutside ? 0n : 1n);
        if (isOutside) expect(out).to.equal(BigInt(x > 0n ? sat.high : sat.low));
        // the real function: within the op's measured bound
        const y =
          fn === "sigmoid"
            ? 1 / (1 + Math.exp(-Number(x) / 2 ** FRAC))
            : Math.tanh(Number(x) / 2 ** FRAC);
        expect(Math.abs(Number(out) / 2 ** FRAC - y)).to.be.at.most(
          op.maxError * Math.max(1, Math.abs(y)) + 1e-12,
        );
        expect(rejects(h, w, { "main.out": out + 1n })).to.equal(true);
        expect(rejects(h, w, { "main.inside": 1n - read(h, w, "main.inside") })).to.equal(true);
        // the neighbouring segment's polynomial at the same input: rejected
        const on = Array.from({ length: leaves }, (_, r) => read(h, w, `main.sel[${leaves + r}]`));
        const r = on.indexOf(1n);
        expect(on.filter((v) => v === 1n)).to.have.length(1);
        const other = r === leaves - 1 ? r - 1 : r + 1;
        if (!isOutside)
          expect(
            rejects(h, w, { [`main.sel[${leaves + r}]`]: 0n, [`main.sel[${leaves + other}]`]: 1n }),
            `${fn}(${x}) in segment ${other} instead of ${r}`,
          ).to.equal(true);
      }
      // an outside input claiming to be inside (miss forged to 0, its inverse to anything)
      const w = await calculateWitness({ wasm: h.compiled.wasm, input: { in: f(edge) } });
      expect(rejects(h, w, { "main.miss": 0n, "main.inside": 1n })).to.equal(true);
      expect(rejects(h, w, { "main.flip": read(h, w, "main.flip") - 1n })).to.equal(true);
      // beyond the proven range there is no witness
      const none = (x: bigint) =>
        calculateWitness({ wasm: h.compiled.wasm, input: { in: f(x) } }).catch(() => null);
      expect(await none(top)).to.equal(null);
      expect(await none(-top - 1n)).to.equal(null);
    });
  }
});
