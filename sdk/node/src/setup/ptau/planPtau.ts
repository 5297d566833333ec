import type { Curve } from "ffjavascript";
import type { PtauSecrets } from "./contribution.ts";
import type { Group, Segment } from "./fixedBaseJobs.ts";
import { affineBytes } from "./fixedBaseJobs.ts";
import type { PtauLayout } from "./ptauLayout.ts";
import { lagrangeBlockOffset } from "./ptauLayout.ts";

/**
 * Every point of a prepared ptau as (scalar, generator) work, grouped into worker jobs of at
 * most `chunk` multiplications. With n = 2^power and secrets tau, alpha, beta:
 * tauG1[i] = tau^i·G1 (i < 2n-1), tauG2[i] = tau^i·G2, alphaTauG1[i] = alpha·tau^i·G1,
 * betaTauG1[i] = beta·tau^i·G1, betaG2 = beta·G2; the Lagrange sections hold L_i(tau) (times
 * alpha, beta) for every domain 2^p, p <= power, which is exactly what snarkjs's
 * `preparePhase2` computes by inverse FFTs over the tau sections.
 */
export function planPtau(
  curve: Curve,
  power: number,
  s: PtauSecrets,
  layout: PtauLayout,
  chunk: Record<Group, number>,
): Record<Group, Segment[][]> {
  const { Fr } = curve;
  const n = 2 ** power;
  const segs: Record<Group, Segment[]> = { G1: [], G2: [] };
  const at = (section: 2 | 3 | 4 | 5 | 6 | 12 | 13 | 14 | 15, g: Group, i: number) =>
    layout.offset[section] + i * affineBytes(g);

  // Split [from, to) into pieces; `spec(i0)` gives the scalars starting at index i0.
  const range = (
    g: Group,
    from: number,
    to: number,
    perPoint: number,
    spec: (i0: number) => Segment["scalars"],
    outputs: (i0: number) => Segment["outputs"],
  ) => {
    const step = Math.max(1, Math.floor(chunk[g] / perPoint));
    for (let i0 = from; i0 < to; i0 += step) {
      segs[g].push({ scalars: spec(i0), n: Math.min(step, to - i0), outputs: outputs(i0) });
    }
  };

  const geom = (i0: number) => ({ kind: "geom" as const, first: Fr.exp(s.tau, i0), inc: s.tau });
  range("G1", 0, n, 3, geom, (i) => [
    { mul: Fr.one, position: at(2, "G1", i) },
    { mul: s.alpha, position: at(4, "G1", i) },
    { mul: s.beta, position: at(5, "G1", i) },
  ]);
  range("G1", n, 2 * n - 1, 1, geom, (i) => [{ mul: Fr.one, position: at(2, "G1", i) }]);
  range("G2", 0, n, 1, geom, (i) => [{ mul: Fr.one, position: at(3, "G2", i) }]);
  segs.G2.push({
    scalars: { kind: "geom", first: Fr.one, inc: Fr.one },
    n: 1,
    outputs: [{ mul: s.beta, position: layout.offset[6] }],
  });

  for (let p = 0; p <= power + 1; p++) {
    const size = 2 ** p;
    const w = Fr.w[p];
    const c = Fr.div(Fr.sub(Fr.exp(s.tau, size), Fr.one), Fr.e(size));
    // The last tauG1 block (2^(power+1)) has no point tau^(2n-1): snarkjs sets it to zero.
    const k = p === power + 1 ? Fr.div(Fr.exp(s.tau, size - 1), Fr.e(size)) : Fr.zero;
    const lagrange = (j0: number) => ({
      kind: "lagrange" as const,
      tau: s.tau,
      w0: Fr.exp(w, j0),
      w,
      c,
      k,
    });
    const block = (section: 12 | 13 | 14 | 15, g: Group, j: number) =>
      layout.offset[section] + lagrangeBlockOffset(p, affineBytes(g)) + j * affineBytes(g);
    if (p <= power) {
      range("G1", 0, size, 3, lagrange, (j) => [
        { mul: Fr.one, position: block(12, "G1", j) },
        { mul: s.alpha, position: block(14, "G1", j) },
        { mul: s.beta, position: block(15, "G1", j) },
      ]);
      range("G2", 0, size, 1, lagrange, (j) => [{ mul: Fr.one, position: block(13, "G2", j) }]);
    } else {
      range("G1", 0, size, 1, lagrange, (j) => [{ mul: Fr.one, position: block(12, "G1", j) }]);
    }
  }
  return { G1: pack(segs.G1, chunk.G1), G2: pack(segs.G2, chunk.G2) };
}

/** Packs consecutive segments into jobs of at most `chunk` multiplications. */
function pack(segments: Segment[], chunk: number): Segment[][] {
  const jobs: Segment[][] = [];
  let cur: Segment[] = [];
  let load = 0;
  for (const s of segments) {
    const l = s.n * s.outputs.length;
    if (cur.length > 0 && load + l > chunk) {
      jobs.push(cur);
      cur = [];
      load = 0;
    }
    cur.push(s);
    load += l;
  }
  if (cur.length > 0) jobs.push(cur);
  return jobs;
}
