import { expect } from "chai";
import { buildBn128 } from "ffjavascript";
import type { Curve } from "ffjavascript";
import { batchAffinePlugin } from "../../sdk/core/src/prove/batchAffineWasm.ts";
import {
  digitMsm,
  fixedBaseMsm,
  precomputeFixedBases,
} from "../../sdk/core/src/prove/fixedBaseMsm.ts";
import type { FixedBaseGroup } from "../../sdk/core/src/prove/fixedBaseMsm.ts";
import { hasBatchMsm, proverCurve } from "../../sdk/core/src/prove/proverCurve.ts";
import { variableBaseMsm } from "../../sdk/core/src/prove/variableBaseMsm.ts";

/** A deterministic generator (xorshift32): the cases are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

interface Case {
  name: string;
  n: number;
  c: number;
  /** Digit of point i. */
  digit: (i: number, next: () => number) => number;
  /** Which of the distinct points point i is (repeats, negations, infinity below). */
  distinct: number;
}

const CASES: Case[] = [
  { name: "n = 1", n: 1, c: 4, digit: () => 9, distinct: 2 },
  { name: "n = 1, digit 0", n: 1, c: 4, digit: () => 0, distinct: 2 },
  { name: "n = 3, digits 0, 1, top", n: 3, c: 5, digit: (i) => [0, 1, 31][i], distinct: 4 },
  { name: "random digits", n: 900, c: 8, digit: (_, next) => next() & 0xff, distinct: 400 },
  {
    name: "random digits, few points repeated (doublings)",
    n: 700,
    c: 6,
    digit: (_, next) => next() & 0x3f,
    distinct: 5,
  },
  { name: "all digits equal (bucket conflicts)", n: 600, c: 6, digit: () => 17, distinct: 600 },
  { name: "three digits", n: 500, c: 10, digit: (i) => 1 + (i % 3), distinct: 500 },
];

/**
 * n affine points (ffjavascript's layout): `distinct` random ones repeated in turn, where every
 * 7th distinct point is the negation of the one before it and distinct point 0 is infinity.
 */
function points(curve: Curve, group: FixedBaseGroup, n: number, distinct: number): Uint8Array {
  const g = curve[group] as Curve["G1"] & { neg(p: Uint8Array): Uint8Array };
  const size = g.F.n8 * 2;
  const list: Uint8Array[] = [new Uint8Array(size)];
  for (let i = 1; i < distinct; i++) {
    list.push(
      i % 7 === 0 && i > 1
        ? g.toAffine(g.neg(list[i - 1]))
        : g.toAffine(g.timesScalar(g.g, 1000n + BigInt(i) * 7919n)),
    );
  }
  const out = new Uint8Array(n * size);
  for (let i = 0; i < n; i++) out.set(list[i % distinct], i * size);
  return out;
}

/** Σ d_i·P_i with one scalar multiplication per point (no MSM code involved). */
function reference(curve: Curve, group: FixedBaseGroup, pts: Uint8Array, digits: Uint16Array) {
  const g = curve[group];
  const size = g.F.n8 * 2;
  let sum = g.zero;
  for (let i = 0; i < digits.length; i++) {
    const p = pts.subarray(i * size, (i + 1) * size);
    if (digits[i] === 0 || p.every((b) => b === 0)) continue;
    sum = g.add(sum, g.timesScalar(p, digits[i]));
  }
  return sum;
}

describe("batch-affine bucket MSM (batchAffineWasm.ts) and the prover's curve", function () {
  let withPlugin: Curve;
  let plain: Curve;

  before(async function () {
    // single-threaded instances of their own: the global curve is left alone
    withPlugin = await buildBn128(true, batchAffinePlugin as (m: never) => void);
    plain = await buildBn128(true);
  });

  it("a curve built with the plugin has the batch MSM, ffjavascript's plain one does not", function () {
    expect(hasBatchMsm(withPlugin)).to.equal(true);
    expect(hasBatchMsm(plain)).to.equal(false);
  });

  for (const group of ["G1", "G2"] as const) {
    for (const t of CASES) {
      it(`${group}, ${t.name}: the batch-affine pass and the fallback equal Σ d·P`, async function () {
        const next = rng(t.n * 31 + t.c);
        const digits = Uint16Array.from({ length: t.n }, (_, i) => t.digit(i, next));
        const pts = points(withPlugin, group, t.n, t.distinct);
        const want = reference(withPlugin, group, pts, digits);
        const bytes = new Uint8Array(digits.buffer);
        const size = withPlugin[group].F.n8 * 2;
        const batch = await digitMsm({
          curve: withPlugin,
          group,
          points: pts,
          digits: bytes,
          windowBits: t.c,
        });
        expect(withPlugin[group].eq(batch, want), "batch").to.equal(true);
        // wasmcurves's addMixed takes an infinite point (0, 0) for (0, 0, 1): the fallback gets
        // digit 0 there (the prover's inputs have no infinite bases), the same sum
        const finite = digits.map((d, i) =>
          pts.subarray(i * size, (i + 1) * size).every((b) => b === 0) ? 0 : d,
        );
        const fallback = await digitMsm({
          curve: plain,
          group,
          points: pts,
          digits: new Uint8Array(finite.buffer),
          windowBits: t.c,
        });
        expect(plain[group].eq(fallback, want), "fallback").to.equal(true);
        // a changed digit is told apart
        if (t.n > 1) {
          const other = digits.slice();
          other[1] ^= 1;
          const got = await digitMsm({
            curve: withPlugin,
            group,
            points: pts,
            digits: new Uint8Array(other.buffer),
            windowBits: t.c,
          });
          expect(withPlugin[group].eq(got, want)).to.equal(false);
        }
      });
    }
  }

  for (const group of ["G1", "G2"] as const) {
    it(`${group}: a bucket that meets its own point (doubling) and its negation (infinity)`, async function () {
      const g = withPlugin[group] as Curve["G1"] & { neg(p: Uint8Array): Uint8Array };
      const size = g.F.n8 * 2;
      const P = g.toAffine(g.timesScalar(g.g, 12345n));
      const Q = g.toAffine(g.timesScalar(g.g, 999n));
      // bucket 5: P, -P (-> infinity), P (copied), P (doubling -> 2P), Q; bucket 6: Q, -Q
      const list = [P, g.toAffine(g.neg(P)), P, P, Q, Q, g.toAffine(g.neg(Q))];
      const digits = Uint16Array.from([5, 5, 5, 5, 5, 6, 6]);
      const pts = new Uint8Array(list.length * size);
      list.forEach((p, i) => pts.set(p, i * size));
      const got = await digitMsm({
        curve: withPlugin,
        group,
        points: pts,
        digits: new Uint8Array(digits.buffer),
        windowBits: 4,
      });
      const want = g.add(g.timesScalar(P, 10), g.timesScalar(Q, 5));
      expect(g.eq(got, want)).to.equal(true);
      expect(g.eq(got, reference(withPlugin, group, pts, digits))).to.equal(true);
    });
  }

  it("fixedBaseMsm through the batch pass equals multiExpAffine on full-width scalars", async function () {
    const n = 120;
    const pts = points(withPlugin, "G1", n, n).subarray(64); // no infinity: multiExpAffine's input
    const Fr = withPlugin.Fr as Curve["Fr"] & { fromMontgomery(a: Uint8Array): Uint8Array };
    const scalars = new Uint8Array((n - 1) * 32);
    for (let i = 0; i < n - 1; i++) scalars.set(Fr.fromMontgomery(Fr.random()), i * 32);
    const table = await precomputeFixedBases({ curve: withPlugin, group: "G1", points: pts });
    const got = await fixedBaseMsm({ curve: withPlugin, table, scalars });
    const want = await withPlugin.G1.multiExpAffine(pts, scalars);
    expect(withPlugin.G1.eq(got, want)).to.equal(true);
  });

  for (const group of ["G1", "G2"] as const) {
    for (const [n, scalarBytes] of [
      [1, 32],
      [2, 1],
      [5, 8],
      [300, 1],
      [300, 8],
      [group === "G1" ? 700 : 200, 32],
    ] as const) {
      it(`${group}: variableBaseMsm on ${n} ${scalarBytes}-byte scalars equals multiExpAffine`, async function () {
        const next = rng(n * 7 + scalarBytes);
        const pts = points(withPlugin, group, n + 1, n + 1).subarray(
          withPlugin[group].F.n8 * 2, // no infinity: multiExpAffine's input
        );
        const Fr = withPlugin.Fr as Curve["Fr"] & { fromMontgomery(a: Uint8Array): Uint8Array };
        const scalars = new Uint8Array(n * scalarBytes);
        for (let i = 0; i < n; i++) {
          // zeros, ones, maxima of the width, random values
          const kind = i % 4;
          if (kind === 1) scalars[i * scalarBytes] = 1;
          if (kind === 2) scalars.fill(0xff, i * scalarBytes, (i + 1) * scalarBytes - 1);
          if (kind === 3 || n === 1) {
            const r = Fr.fromMontgomery(Fr.random());
            for (let b = 0; b < scalarBytes; b++)
              scalars[i * scalarBytes + b] = r[b] ^ (next() & 1);
          }
        }
        const got = await variableBaseMsm({
          curve: withPlugin,
          group,
          points: pts,
          scalars,
          scalarBytes,
        });
        const want = await plain[group].multiExpAffine(pts, scalars);
        expect(withPlugin[group].eq(got, want)).to.equal(true);
        // the fallback is ffjavascript's own
        const fallback = await variableBaseMsm({
          curve: plain,
          group,
          points: pts,
          scalars,
          scalarBytes,
        });
        expect(plain[group].eq(fallback, want)).to.equal(true);
      });
    }
  }

  it("proverCurve builds the shared curve once, with the plugin, or takes the one already built", async function () {
    const g = globalThis as { curve_bn128?: Curve | null };
    const shared = g.curve_bn128;
    g.curve_bn128 = null;
    try {
      const [a, b] = await Promise.all([proverCurve(), proverCurve()]);
      expect(a).to.equal(b);
      expect(g.curve_bn128).to.equal(a);
      expect(hasBatchMsm(a)).to.equal(true);
      await a.terminate();
      g.curve_bn128 = plain;
      expect(await proverCurve()).to.equal(plain);
    } finally {
      g.curve_bn128 = shared;
    }
  });
});
