import { expect } from "chai";
import { randomBytes } from "node:crypto";
import type { Curve } from "ffjavascript";
import { glvBatchSumBytes, glvMsmWorkBytes } from "../../sdk/node/src/setup/glvMsmWasm.ts";
import { withCeremonyCurve } from "../../sdk/node/src/setup/ptau/ceremonyCurve.ts";
import { glvBeta, glvDigitBlock, glvNafRows } from "../../sdk/node/src/setup/sameScalar.ts";
import { bigIntToLe } from "../../sdk/node/src/setup/zkeyTerms.ts";

const N8 = 32;

/** sum k_i·P_i by `${g}_zkmlGlvMsm`, as zkeyPoints.ts calls it. */
async function glvMsm(curve: Curve, group: "G1" | "G2", bases: Uint8Array, ks: bigint[]) {
  const sA = group === "G1" ? 2 * N8 : 4 * N8;
  const sJ = (sA / 2) * 3;
  const { block, nDigits } = glvDigitBlock(ks.map((k) => glvNafRows(curve, group, k)));
  const [out] = await curve.tm.queueAction([
    { cmd: "ALLOCSET", var: 0, buff: bases },
    { cmd: "ALLOCSET", var: 1, buff: new Uint8Array(block.buffer) },
    { cmd: "ALLOCSET", var: 2, buff: glvBeta(curve, group) },
    { cmd: "ALLOC", var: 3, len: ks.length * glvMsmWorkBytes(group) },
    { cmd: "ALLOC", var: 4, len: sJ },
    {
      cmd: "CALL",
      fnName: `${group === "G1" ? "g1m" : "g2m"}_zkmlGlvMsm`,
      params: [
        { var: 0 },
        { var: 1 },
        { val: ks.length },
        { val: nDigits },
        { var: 2 },
        { var: 3 },
        { var: 4 },
      ],
    },
    { cmd: "GET", out: 0, var: 4, len: sJ },
  ]);
  return out!;
}

/** m sums at once by `${g}_zkmlGlvMsmBatch` (affine results), as zkeyPoints.ts calls it for G2. */
async function glvMsmBatch(
  curve: Curve,
  group: "G1" | "G2",
  bases: Uint8Array,
  ks: bigint[],
  counts: number[],
) {
  const sA = group === "G1" ? 2 * N8 : 4 * N8;
  const start = new Uint32Array(counts.length + 1);
  counts.forEach((n, s) => (start[s + 1] = start[s]! + n));
  const { block, nDigits } = glvDigitBlock(ks.map((k) => glvNafRows(curve, group, k)));
  const m = counts.length;
  const [out] = await curve.tm.queueAction([
    { cmd: "ALLOCSET", var: 0, buff: bases },
    { cmd: "ALLOCSET", var: 1, buff: new Uint8Array(block.buffer) },
    { cmd: "ALLOCSET", var: 2, buff: new Uint8Array(start.buffer) },
    { cmd: "ALLOCSET", var: 3, buff: glvBeta(curve, group) },
    {
      cmd: "ALLOC",
      var: 4,
      len: ks.length * glvMsmWorkBytes(group) + m * glvBatchSumBytes(group),
    },
    { cmd: "ALLOC", var: 5, len: m * sA },
    {
      cmd: "CALL",
      fnName: `${group === "G1" ? "g1m" : "g2m"}_zkmlGlvMsmBatch`,
      params: [
        { var: 0 },
        { var: 1 },
        { var: 2 },
        { val: m },
        { val: nDigits },
        { var: 3 },
        { var: 4 },
        { var: 5 },
      ],
    },
    { cmd: "GET", out: 0, var: 5, len: m * sA },
  ]);
  return out!;
}

describe("GLV multiexp for full-width zkey terms (glvMsmWasm.ts)", function () {
  it("equals wasmcurves's multiexp on G1 and G2: random, edge and repeated scalars, repeated and opposite bases", async function () {
    await withCeremonyCurve(async (curve) => {
      for (const group of ["G1", "G2"] as const) {
        const G = curve[group];
        const sA = group === "G1" ? 2 * N8 : 4 * N8;
        const random = () => BigInt(`0x${randomBytes(32).toString("hex")}`) % curve.r;
        for (const n of [1, 2, 17]) {
          const ks = Array.from({ length: n }, random);
          if (n === 17) ks.splice(0, 5, 1n, curve.r - 1n, 1n << 128n, 7n, ks[6]!);
          const bases = new Uint8Array(n * sA);
          for (let i = 0; i < n; i++) {
            const P = G.timesScalar(G.g, randomBytes(32));
            G.toRprLEM(bases, i * sA, G.toAffine(P));
          }
          if (n === 17) {
            bases.copyWithin(8 * sA, 9 * sA, 10 * sA); // P_8 = P_9
            // P_10 = -P_11: (r - 1)·P_11
            const p11 = G.fromRprLEM(bases, 11 * sA);
            G.toRprLEM(bases, 10 * sA, G.toAffine(G.timesScalar(p11, curve.r - 1n)));
          }
          const scalars = new Uint8Array(n * N8);
          ks.forEach((k, i) => bigIntToLe(k, scalars, i * N8));
          const want = await G.multiExpAffine(bases, scalars);
          const got = await glvMsm(curve, group, bases, ks);
          expect(G.eq(got, want), `${group}, ${n} terms`).to.equal(true);
        }
      }
    });
  });

  it("the digit rows recompose to the scalar (checked), about 128 digits each", async function () {
    await withCeremonyCurve(async (curve) => {
      for (const group of ["G1", "G2"] as const) {
        const [a, b] = glvNafRows(curve, group, curve.r - 1n);
        expect(a.length).to.equal(b.length).and.to.be.lessThan(132);
        for (const d of [...a, ...b])
          expect(d === 0 || (d % 2 !== 0 && Math.abs(d) <= 7)).to.equal(true);
      }
    });
  });

  it("the batch-affine version equals wasmcurves's multiexp for many sums at once, zero sums included", async function () {
    await withCeremonyCurve(async (curve) => {
      for (const group of ["G1", "G2"] as const) {
        const G = curve[group];
        const sA = group === "G1" ? 2 * N8 : 4 * N8;
        const counts = [17, 1, 5, 2, 17, 3, 9];
        const n = counts.reduce((a, b) => a + b, 0);
        const ks = Array.from(
          { length: n },
          () => BigInt(`0x${randomBytes(32).toString("hex")}`) % curve.r,
        );
        const bases = new Uint8Array(n * sA);
        for (let i = 0; i < n; i++) {
          G.toRprLEM(bases, i * sA, G.toAffine(G.timesScalar(G.g, randomBytes(32))));
        }
        // sum 3 (terms 23, 24) is k·P + k·(-P) = 0; sum 1 (term 17) is (r - 1)·P
        bases.copyWithin(24 * sA, 23 * sA, 24 * sA);
        const p24 = G.fromRprLEM(bases, 24 * sA);
        G.toRprLEM(bases, 24 * sA, G.toAffine(G.timesScalar(p24, curve.r - 1n)));
        ks[24] = ks[23]!;
        ks[17] = curve.r - 1n;
        const got = await glvMsmBatch(curve, group, bases, ks, counts);
        let at = 0;
        for (let s = 0; s < counts.length; s++) {
          const c = counts[s]!;
          const scalars = new Uint8Array(c * N8);
          for (let i = 0; i < c; i++) bigIntToLe(ks[at + i]!, scalars, i * N8);
          const want = await G.multiExpAffine(bases.subarray(at * sA, (at + c) * sA), scalars);
          const sum = got.subarray(s * sA, (s + 1) * sA);
          expect(G.eq(want, sum), `${group}, sum ${s}`).to.equal(true);
          at += c;
        }
        expect(got.subarray(3 * sA, 4 * sA).every((b) => b === 0)).to.equal(true);
      }
    });
  });
});
