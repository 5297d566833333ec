/**
 * WASM function added to ffjavascript's bn128 module (its `plugins` hook, next to
 * ptau/fixedBaseWasm.ts) for the Groth16 phase-2 contribution, which scales every L and H
 * point by the same scalar 1/delta. snarkjs (`G1.batchApplyKey`) runs a jacobian
 * double-and-add per point: 254 doublings + ~127 mixed additions. Here:
 *
 * - GLV: k = k1 + k2·lambda with |k1|, |k2| < 2^128 and lambda·P = phi(P) = (beta·x, y), so
 *   k·P = k1·P + k2·phi(P) takes 128 doublings (sameScalar.ts computes the digits);
 * - a joint sparse form of (k1, k2): one addition of ±P, ±Q, ±(P + Q) or ±(P - Q) on about
 *   half the doublings (Q = phi(P); the 4 points are a per-point table);
 * - batch-affine arithmetic: every point follows the same double/add schedule, so each step
 *   shares one field inversion over the whole block (Montgomery's trick) and keeps affine
 *   accumulators.
 *
 * All field elements are in Montgomery form, points in ffjavascript's internal layout.
 */
import { codeBuilder } from "@zkml-verify/core/internal/prove/wasmBuilder";
import type { Code, ModuleBuilder } from "@zkml-verify/core/internal/prove/wasmBuilder";

const N8 = 32;
const SA = 2 * N8;
/** Per-point table: P, Q = phi(P), P + Q, P - Q. */
const TABLE_ENTRIES = 4;
/** Work bytes per point: table, prefix product, flag. */
export const SCALE_WORK_BYTES = TABLE_ENTRIES * SA + N8 + 4;

/**
 * g1m_zkmlScaleBatch(pPoints, n, pDigits, nDigits, pBeta, pWork): pPoints (n affine G1 points)
 * are replaced by k·P. pDigits: nDigits bytes, most significant first; 0 = no addition, else
 * 1 + entry + 4·negate (entry: 0 = P, 1 = Q, 2 = P + Q, 3 = P - Q); the first is nonzero.
 * pBeta: the cube root of unity of phi. pWork: n · SCALE_WORK_BYTES bytes.
 */
export function sameScalarPlugin(module: ModuleBuilder): void {
  const fn = "g1m_zkmlScaleBatch";
  const f = module.addFunction(fn);
  for (const p of ["pPoints", "n", "pDigits", "nDigits", "pBeta", "pWork"]) f.addParam(p, "i32");
  for (const l of ["i", "s", "d", "pAcc", "pTab", "pPre", "pFlag", "pT"]) f.addLocal(l, "i32");
  const c = codeBuilder(f);
  const F = "f1m";
  const alloc = (n: number) => c.i32_const(module.alloc(n));
  const run = alloc(N8);
  const inv = alloc(N8);
  const dx = alloc(N8);
  const t = alloc(N8);
  const lambda = alloc(N8);
  const ts = alloc(SA); // the signed table point of this step
  const jac = alloc(3 * N8);
  const L = (name: string) => c.getLocal(name);
  const set = (name: string, v: Code) => c.setLocal(name, v);
  const add = (a: Code, b: Code) => c.i32_add(a, b);
  const mul = (a: Code, b: Code) => c.i32_mul(a, b);
  const k = (v: number) => c.i32_const(v);
  const call = (name: string, ...args: Code[]) => c.call(name, ...args);
  const y = (p: Code) => add(p, k(N8));
  const tsY = add(ts, k(N8));
  const forEach = (body: Code, reverse = false): Code =>
    reverse
      ? [
          ...set("i", L("n")),
          ...c.block(
            c.loop(
              c.br_if(1, c.i32_eqz(L("i"))),
              set("i", c.i32_sub(L("i"), k(1))),
              ...pointers(),
              ...body,
              c.br(0),
            ),
          ),
        ]
      : [
          ...set("i", k(0)),
          ...c.block(
            c.loop(
              c.br_if(1, c.i32_eq(L("i"), L("n"))),
              ...pointers(),
              ...body,
              set("i", add(L("i"), k(1))),
              c.br(0),
            ),
          ),
        ];
  function pointers(): Code[] {
    return [
      set("pAcc", add(L("pPoints"), mul(L("i"), k(SA)))),
      set("pTab", add(L("pWork"), mul(L("i"), k(TABLE_ENTRIES * SA)))),
      set("pPre", add(add(L("pWork"), mul(L("n"), k(TABLE_ENTRIES * SA))), mul(L("i"), k(N8)))),
      set(
        "pFlag",
        add(add(L("pWork"), mul(L("n"), k(TABLE_ENTRIES * SA + N8))), mul(L("i"), k(4))),
      ),
    ];
  }
  const entry = (e: number) => add(L("pTab"), k(e * SA));
  // ts = the table point of digit d (1 + entry + 4·negate), negated if asked
  const signedEntry = (): Code => [
    ...set("pT", add(L("pTab"), mul(c.i32_and(c.i32_sub(L("d"), k(1)), k(3)), k(SA)))),
    ...call("g1m_copyAffine", L("pT"), ts),
    ...c.if(c.i32_gt_u(L("d"), k(TABLE_ENTRIES)), call(`${F}_neg`, tsY, tsY)),
  ];
  // one batch-affine step: pass 1 collects the denominators' prefix products, one inversion,
  // pass 2 walks back to each inverse (t = 1/den_i) and finishes the point
  const batch = (den: (flagged: Code) => Code, finish: Code): Code => [
    ...call(`${F}_one`, run),
    ...forEach([
      ...call(`${F}_copy`, run, L("pPre")),
      ...c.i32_store(L("pFlag"), k(0)),
      ...den([...call(`${F}_mul`, run, dx, run), ...c.i32_store(L("pFlag"), k(1))]),
    ]),
    ...call(`${F}_inverse`, run, inv),
    ...forEach(
      [
        ...c.if(c.i32_load(L("pFlag")), [
          ...den([]),
          ...call(`${F}_mul`, inv, L("pPre"), t),
          ...call(`${F}_mul`, inv, dx, inv),
          ...finish,
        ]),
      ],
      true,
    ),
  ];
  // acc = acc + (x2, y2) given t = 1/(x2 - x_acc): the chord's x3, y3
  const chord = (x2: Code, y2: Code): Code => [
    ...call(`${F}_sub`, y2, y(L("pAcc")), lambda),
    ...call(`${F}_mul`, lambda, t, lambda),
    ...call(`${F}_square`, lambda, t),
    ...call(`${F}_sub`, t, L("pAcc"), t),
    ...call(`${F}_sub`, t, x2, t), // t = x3
    ...call(`${F}_sub`, L("pAcc"), t, dx),
    ...call(`${F}_copy`, t, L("pAcc")),
    ...call(`${F}_mul`, lambda, dx, dx),
    ...call(`${F}_sub`, dx, y(L("pAcc")), y(L("pAcc"))),
  ];

  // table: P, Q = (beta·x, y), then P + Q and P - Q sharing 1/(x_Q - x_P) (zero only for P = 0)
  const tableDen = (flagged: Code): Code => [
    ...call(`${F}_sub`, entry(1), entry(0), dx),
    ...c.if(call(`${F}_isZero`, dx), [], flagged),
  ];
  const sumDiff = [
    // P + Q into entry 2 and P - Q into entry 3, from entry 0 (P) and entry 1 (Q); t = 1/dx
    ...[2, 3].flatMap((e) => [
      ...call(`${F}_copy`, y(entry(1)), y(ts)),
      ...(e === 3 ? call(`${F}_neg`, y(ts), y(ts)) : []),
      ...call(`${F}_sub`, y(ts), y(entry(0)), lambda),
      ...call(`${F}_mul`, lambda, t, lambda),
      ...call(`${F}_square`, lambda, entry(e)),
      ...call(`${F}_sub`, entry(e), entry(0), entry(e)),
      ...call(`${F}_sub`, entry(e), entry(1), entry(e)), // x3
      ...call(`${F}_sub`, entry(0), entry(e), y(entry(e))),
      ...call(`${F}_mul`, lambda, y(entry(e)), y(entry(e))),
      ...call(`${F}_sub`, y(entry(e)), y(entry(0)), y(entry(e))),
    ]),
  ];

  // doubling: lambda = 3x^2 / 2y; zero accumulators (only for P = 0) stay zero
  const doubleDen = (flagged: Code): Code =>
    c.if(
      call("g1m_isZeroAffine", L("pAcc")),
      [],
      [...call(`${F}_add`, y(L("pAcc")), y(L("pAcc")), dx), ...flagged],
    );
  const doubleFinish = [
    ...call(`${F}_square`, L("pAcc"), lambda),
    ...call(`${F}_add`, lambda, lambda, dx),
    ...call(`${F}_add`, lambda, dx, lambda),
    ...call(`${F}_mul`, lambda, t, lambda),
    ...call(`${F}_square`, lambda, t),
    ...call(`${F}_sub`, t, L("pAcc"), t),
    ...call(`${F}_sub`, t, L("pAcc"), t), // t = x3
    ...call(`${F}_sub`, L("pAcc"), t, dx),
    ...call(`${F}_copy`, t, L("pAcc")),
    ...call(`${F}_mul`, lambda, dx, dx),
    ...call(`${F}_sub`, dx, y(L("pAcc")), y(L("pAcc"))),
  ];

  // addition of ±entry: a zero entry adds nothing, a zero accumulator takes it, equal x
  // (acc = ±entry: never for a random scalar) goes through the generic affine addition
  const addDen = (flagged: Code): Code => [
    ...signedEntry(),
    ...c.if(
      call("g1m_isZeroAffine", ts),
      [],
      c.if(call("g1m_isZeroAffine", L("pAcc")), call("g1m_copyAffine", ts, L("pAcc")), [
        ...call(`${F}_sub`, ts, L("pAcc"), dx),
        ...c.if(
          call(`${F}_isZero`, dx),
          [...call("g1m_addAffine", L("pAcc"), ts, jac), ...call("g1m_toAffine", jac, L("pAcc"))],
          flagged,
        ),
      ]),
    ),
  ];

  f.addCode(
    forEach([
      ...call("g1m_copyAffine", L("pAcc"), entry(0)),
      ...call("g1m_copyAffine", L("pAcc"), entry(1)),
      ...call(`${F}_mul`, entry(1), L("pBeta"), entry(1)),
    ]),
    batch(tableDen, sumDiff),
    // P = 0: P + Q and P - Q are zero too
    forEach([
      ...c.if(call("g1m_isZeroAffine", entry(0)), [
        ...call("g1m_zeroAffine", entry(2)),
        ...call("g1m_zeroAffine", entry(3)),
      ]),
    ]),
    set("d", c.i32_load8_u(L("pDigits"))),
    forEach([...signedEntry(), ...call("g1m_copyAffine", ts, L("pAcc"))]),
    set("s", k(1)),
    c.block(
      c.loop(
        c.br_if(1, c.i32_eq(L("s"), L("nDigits"))),
        batch(doubleDen, doubleFinish),
        set("d", c.i32_load8_u(add(L("pDigits"), L("s")))),
        c.if(L("d"), batch(addDen, chord(ts, tsY))),
        set("s", add(L("s"), k(1))),
        c.br(0),
      ),
    ),
  );
  module.exportFunction(fn);
}
