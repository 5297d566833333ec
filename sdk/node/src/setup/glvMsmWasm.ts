/**
 * WASM function added to ffjavascript's bn128 module (with sameScalarWasm.ts, on the setup's
 * curve) for the zkey's full-width terms: a signal's sum of ~17 terms k_i·P_i whose
 * coefficients are 32-byte field elements (Poseidon's MDS entries; most of the B2 section in
 * G2). wasmcurves's `multiexpAffine` picks 2-bit buckets for so few terms (~135 mixed
 * additions + 15 doublings per term). Here (Straus with GLV): each k_i = k_i1 + k_i2·lambda
 * with 128-bit halves on P_i and phi(P_i) = (beta·x, y) (the same endomorphism on G1 and on
 * the twist, sameScalar.ts), each half in width-4 NAF (digits odd, |d| <= 7: a table of P, 3P,
 * 5P, 7P per base and its phi image), and one accumulator doubled ~128 times for all terms:
 * per term about 4 table operations + 2·128/5 mixed additions.
 */
import { codeBuilder } from "@zkml-verify/core/internal/prove/wasmBuilder";
import type { Code, ModuleBuilder } from "@zkml-verify/core/internal/prove/wasmBuilder";

const N8 = 32;
/** Odd multiples per base in the table: P, 3P, 5P, 7P (width-4 NAF). */
export const GLV_TABLE = 4;

/** Work bytes per term of `${g}_zkmlGlvMsm`: affine tables of P and phi(P), jacobian scratch. */
export function glvMsmWorkBytes(group: "G1" | "G2"): number {
  const sA = group === "G1" ? 2 * N8 : 4 * N8;
  return 2 * GLV_TABLE * sA + GLV_TABLE * ((sA / 2) * 3);
}

/**
 * `${g}_zkmlGlvMsm(pBases, pDigits, n, nDigits, pBeta, pWork, pr)`: pr (jacobian) = sum over
 * i < n of k_i·P_i. pBases: n affine points; pDigits: signed bytes, row 2i (k_i1 on P_i) and
 * row 2i + 1 (k_i2 on phi(P_i)), nDigits each, most significant first; pBeta: the cube root
 * of unity of phi (Montgomery); pWork: n · glvMsmWorkBytes bytes.
 */
export function glvMsmPlugin(module: ModuleBuilder): void {
  for (const [g, sA, nF] of [
    ["g1m", 2 * N8, 1],
    ["g2m", 4 * N8, 2],
  ] as const) {
    const sJ = (sA / 2) * 3;
    const fn = `${g}_zkmlGlvMsm`;
    const f = module.addFunction(fn);
    for (const p of ["pBases", "pDigits", "n", "nDigits", "pBeta", "pWork", "pr"]) {
      f.addParam(p, "i32");
    }
    for (const l of ["i", "j", "h", "d", "e", "pP", "pT", "pJac"]) f.addLocal(l, "i32");
    const c = codeBuilder(f);
    const dbl = c.i32_const(module.alloc(sJ));
    const acc = c.i32_const(module.alloc(sJ));
    const L = (name: string) => c.getLocal(name);
    const set = (name: string, v: Code) => c.setLocal(name, v);
    const add = (a: Code, b: Code) => c.i32_add(a, b);
    const mul = (a: Code, b: Code) => c.i32_mul(a, b);
    const k = (v: number) => c.i32_const(v);
    const loop = (v: string, end: Code, body: Code[]): Code => [
      ...set(v, k(0)),
      ...c.block(
        c.loop(c.br_if(1, c.i32_eq(L(v), end)), ...body, set(v, add(L(v), k(1))), c.br(0)),
      ),
    ];
    // table entry e of row (h, i): pWork + ((h·n + i)·4 + e)·sA; jacobian scratch after it
    const tableAt = (h: Code, i: Code, e: Code) =>
      add(L("pWork"), mul(add(mul(add(mul(h, L("n")), i), k(GLV_TABLE)), e), k(sA)));
    const jacAt = (e: number) => add(L("pJac"), mul(add(mul(L("i"), k(GLV_TABLE)), k(e)), k(sJ)));
    f.addCode(
      set("pJac", add(L("pWork"), mul(L("n"), k(2 * GLV_TABLE * sA)))),
      // P, 3P, 5P, 7P (jacobian), then all to affine at once
      loop("i", L("n"), [
        set("pP", add(L("pBases"), mul(L("i"), k(sA)))),
        c.call(`${g}_toJacobian`, L("pP"), jacAt(0)),
        c.call(`${g}_double`, jacAt(0), dbl),
        c.call(`${g}_addMixed`, dbl, L("pP"), jacAt(1)),
        c.call(`${g}_add`, jacAt(1), dbl, jacAt(2)),
        c.call(`${g}_add`, jacAt(2), dbl, jacAt(3)),
      ]),
      c.call(`${g}_batchToAffine`, L("pJac"), mul(L("n"), k(GLV_TABLE)), tableAt(k(0), k(0), k(0))),
      // phi rows: (beta·x, y), beta in the base field (each coordinate component times beta)
      loop("i", mul(L("n"), k(GLV_TABLE)), [
        set("pP", add(L("pWork"), mul(L("i"), k(sA)))),
        set("pT", add(L("pP"), mul(L("n"), k(GLV_TABLE * sA)))),
        c.call(`${g}_copyAffine`, L("pP"), L("pT")),
        ...Array.from({ length: nF }, (_, m) =>
          c.call("f1m_mul", add(L("pT"), k(m * N8)), L("pBeta"), add(L("pT"), k(m * N8))),
        ),
      ]),
      c.call(`${g}_zero`, acc),
      loop("j", L("nDigits"), [
        c.call(`${g}_double`, acc, acc),
        loop("i", L("n"), [
          loop("h", k(2), [
            set(
              "d",
              c.i32_load8_s(
                add(L("pDigits"), add(mul(add(mul(L("i"), k(2)), L("h")), L("nDigits")), L("j"))),
              ),
            ),
            c.if(L("d"), [
              ...c.if(
                c.i32_lt_s(L("d"), k(0)),
                set("e", c.i32_sub(k(0), L("d"))),
                set("e", L("d")),
              ),
              ...set("pT", tableAt(L("h"), L("i"), c.i32_shr_u(L("e"), k(1)))),
              ...c.if(
                c.i32_lt_s(L("d"), k(0)),
                c.call(`${g}_subMixed`, acc, L("pT"), acc),
                c.call(`${g}_addMixed`, acc, L("pT"), acc),
              ),
            ]),
          ]),
        ]),
      ]),
      c.call(`${g}_copy`, acc, L("pr")),
    );
    module.exportFunction(fn);
  }
}

/** Work bytes per sum of `${g}_zkmlGlvMsmBatch` (cursor, flag, unused word, prefix product). */
export function glvBatchSumBytes(group: "G1" | "G2"): number {
  return 12 + (group === "G1" ? N8 : 2 * N8);
}

/**
 * `${g}_zkmlGlvMsmBatch(pBases, pDigits, pStart, m, nDigits, pBeta, pWork, pOut)`: m sums at
 * once, sum s over terms pStart[s] .. pStart[s + 1] - 1 (u32 prefix counts), into pOut (m
 * affine points). Same digits and tables as `${g}_zkmlGlvMsm`, but the m accumulators are
 * affine and every step is batch-affine (one inversion per step for all sums, Montgomery's
 * trick): per column, one doubling pass, then addition rounds, each adding each sum's next
 * nonzero digit. pWork: N·glvMsmWorkBytes + m·glvBatchSumBytes bytes (N = pStart[m]).
 */
export function glvMsmBatchPlugin(module: ModuleBuilder): void {
  for (const [g, sA, F, nF] of [
    ["g1m", 2 * N8, "f1m", 1],
    ["g2m", 4 * N8, "f2m", 2],
  ] as const) {
    const sF = sA / 2;
    const sJ = sF * 3;
    const fn = `${g}_zkmlGlvMsmBatch`;
    const f = module.addFunction(fn);
    for (const p of ["pBases", "pDigits", "pStart", "m", "nDigits", "pBeta", "pWork", "pOut"]) {
      f.addParam(p, "i32");
    }
    for (const l of [
      "i",
      "j",
      "s",
      "d",
      "e",
      "nT",
      "any",
      "pP",
      "pT",
      "pJac",
      "pSum",
      "pAcc",
      "pCur",
      "rows",
    ]) {
      f.addLocal(l, "i32");
    }
    const c = codeBuilder(f);
    const alloc = (n: number) => c.i32_const(module.alloc(n));
    const dbl = alloc(sJ);
    const jac = alloc(sJ);
    const run = alloc(sF);
    const inv = alloc(sF);
    const dx = alloc(sF);
    const t = alloc(sF);
    const lambda = alloc(sF);
    const ts = alloc(sA);
    const L = (name: string) => c.getLocal(name);
    const set = (name: string, v: Code) => c.setLocal(name, v);
    const add = (a: Code, b: Code) => c.i32_add(a, b);
    const mul = (a: Code, b: Code) => c.i32_mul(a, b);
    const k = (v: number) => c.i32_const(v);
    const call = (name: string, ...args: Code[]) => c.call(name, ...args);
    const y = (p: Code) => add(p, k(sF));
    const loop = (v: string, end: Code, body: Code[]): Code => [
      ...set(v, k(0)),
      ...c.block(
        c.loop(c.br_if(1, c.i32_eq(L(v), end)), ...body, set(v, add(L(v), k(1))), c.br(0)),
      ),
    ];
    const loopBack = (v: string, n: Code, body: Code[]): Code => [
      ...set(v, n),
      ...c.block(
        c.loop(c.br_if(1, c.i32_eqz(L(v))), set(v, c.i32_sub(L(v), k(1))), ...body, c.br(0)),
      ),
    ];
    const startOf = (s: Code) => c.i32_load(add(L("pStart"), mul(s, k(4))));
    // per-sum work: cursor (row within the sum), flag, table pointer, prefix product
    const SUM = 12 + sF;
    const sumPointers = [
      set(
        "pSum",
        add(
          L("pWork"),
          add(mul(L("nT"), k(2 * GLV_TABLE * sA + GLV_TABLE * sJ)), mul(L("s"), k(SUM))),
        ),
      ),
      set("pAcc", add(L("pOut"), mul(L("s"), k(sA)))),
      set("pCur", L("pSum")),
    ];
    const flagAt = add(L("pSum"), k(4));
    const preAt = add(L("pSum"), k(12));
    const tableAt = (h: Code, i: Code, e: Code) =>
      add(L("pWork"), mul(add(mul(add(mul(h, L("nT")), i), k(GLV_TABLE)), e), k(sA)));
    const jacAt = (e: number) => add(L("pJac"), mul(add(mul(L("i"), k(GLV_TABLE)), k(e)), k(sJ)));
    // d = the digit at the sum's cursor row, column j
    const loadDigit = () =>
      set(
        "d",
        c.i32_load8_s(
          add(
            L("pDigits"),
            add(mul(add(mul(startOf(L("s")), k(2)), c.i32_load(L("pCur"))), L("nDigits")), L("j")),
          ),
        ),
      );
    // ts = the signed table point of digit d at the cursor's row
    const signedEntry = (): Code => [
      ...set("e", L("d")),
      ...c.if(c.i32_lt_s(L("d"), k(0)), set("e", c.i32_sub(k(0), L("d")))),
      ...set(
        "pT",
        tableAt(
          c.i32_and(c.i32_load(L("pCur")), k(1)),
          add(startOf(L("s")), c.i32_shr_u(c.i32_load(L("pCur")), k(1))),
          c.i32_shr_u(L("e"), k(1)),
        ),
      ),
      ...call(`${g}_copyAffine`, L("pT"), ts),
      ...c.if(c.i32_lt_s(L("d"), k(0)), call(`${F}_neg`, y(ts), y(ts))),
    ];
    const rowsOf = () => mul(c.i32_sub(startOf(add(L("s"), k(1))), startOf(L("s"))), k(2));
    const bump = () => c.i32_store(L("pCur"), add(c.i32_load(L("pCur")), k(1)));
    const chord: Code = [
      ...call(`${F}_sub`, y(ts), y(L("pAcc")), lambda),
      ...call(`${F}_mul`, lambda, t, lambda),
      ...call(`${F}_square`, lambda, t),
      ...call(`${F}_sub`, t, L("pAcc"), t),
      ...call(`${F}_sub`, t, ts, t),
      ...call(`${F}_sub`, L("pAcc"), t, dx),
      ...call(`${F}_copy`, t, L("pAcc")),
      ...call(`${F}_mul`, lambda, dx, dx),
      ...call(`${F}_sub`, dx, y(L("pAcc")), y(L("pAcc"))),
    ];
    const doubleFinish: Code = [
      ...call(`${F}_square`, L("pAcc"), lambda),
      ...call(`${F}_add`, lambda, lambda, dx),
      ...call(`${F}_add`, lambda, dx, lambda),
      ...call(`${F}_mul`, lambda, t, lambda),
      ...call(`${F}_square`, lambda, t),
      ...call(`${F}_sub`, t, L("pAcc"), t),
      ...call(`${F}_sub`, t, L("pAcc"), t),
      ...call(`${F}_sub`, L("pAcc"), t, dx),
      ...call(`${F}_copy`, t, L("pAcc")),
      ...call(`${F}_mul`, lambda, dx, dx),
      ...call(`${F}_sub`, dx, y(L("pAcc")), y(L("pAcc"))),
    ];
    f.addCode(
      set("nT", startOf(L("m"))),
      set("pJac", add(L("pWork"), mul(L("nT"), k(2 * GLV_TABLE * sA)))),
      // tables: P, 3P, 5P, 7P, all to affine at once, then the phi rows
      loop("i", L("nT"), [
        set("pP", add(L("pBases"), mul(L("i"), k(sA)))),
        call(`${g}_toJacobian`, L("pP"), jacAt(0)),
        call(`${g}_double`, jacAt(0), dbl),
        call(`${g}_addMixed`, dbl, L("pP"), jacAt(1)),
        call(`${g}_add`, jacAt(1), dbl, jacAt(2)),
        call(`${g}_add`, jacAt(2), dbl, jacAt(3)),
      ]),
      call(`${g}_batchToAffine`, L("pJac"), mul(L("nT"), k(GLV_TABLE)), L("pWork")),
      loop("i", mul(L("nT"), k(GLV_TABLE)), [
        set("pP", add(L("pWork"), mul(L("i"), k(sA)))),
        set("pT", add(L("pP"), mul(L("nT"), k(GLV_TABLE * sA)))),
        call(`${g}_copyAffine`, L("pP"), L("pT")),
        ...Array.from({ length: nF }, (_, q) =>
          call("f1m_mul", add(L("pT"), k(q * N8)), L("pBeta"), add(L("pT"), k(q * N8))),
        ),
      ]),
      loop("s", L("m"), [...sumPointers, call(`${g}_zeroAffine`, L("pAcc"))]),
      loop("j", L("nDigits"), [
        // doubling pass (zero accumulators stay zero)
        call(`${F}_one`, run),
        loop("s", L("m"), [
          ...sumPointers,
          call(`${F}_copy`, run, preAt),
          c.i32_store(flagAt, k(0)),
          c.i32_store(L("pCur"), k(0)),
          c.if(c.i32_eqz(call(`${g}_isZeroAffine`, L("pAcc"))), [
            ...call(`${F}_add`, y(L("pAcc")), y(L("pAcc")), dx),
            ...call(`${F}_mul`, run, dx, run),
            ...c.i32_store(flagAt, k(1)),
          ]),
        ]),
        call(`${F}_inverse`, run, inv),
        loopBack("s", L("m"), [
          ...sumPointers,
          c.if(c.i32_load(flagAt), [
            ...call(`${F}_add`, y(L("pAcc")), y(L("pAcc")), dx),
            ...call(`${F}_mul`, inv, preAt, t),
            ...call(`${F}_mul`, inv, dx, inv),
            ...doubleFinish,
          ]),
        ]),
        // addition rounds: each sum adds its next nonzero digit of column j
        c.block(
          c.loop(
            set("any", k(0)),
            call(`${F}_one`, run),
            loop("s", L("m"), [
              ...sumPointers,
              call(`${F}_copy`, run, preAt),
              c.i32_store(flagAt, k(0)),
              set("rows", rowsOf()),
              set("d", k(0)),
              // skip zero digits
              c.block(
                c.loop(
                  c.br_if(1, c.i32_ge_u(c.i32_load(L("pCur")), L("rows"))),
                  loadDigit(),
                  c.br_if(1, L("d")),
                  bump(),
                  c.br(0),
                ),
              ),
              c.if(L("d"), [
                ...set("any", k(1)),
                ...signedEntry(),
                ...c.if(
                  call(`${g}_isZeroAffine`, L("pAcc")),
                  [...call(`${g}_copyAffine`, ts, L("pAcc")), ...bump()],
                  [
                    ...call(`${F}_sub`, ts, L("pAcc"), dx),
                    ...c.if(
                      call(`${F}_isZero`, dx),
                      [
                        ...call(`${g}_addAffine`, L("pAcc"), ts, jac),
                        ...call(`${g}_toAffine`, jac, L("pAcc")),
                        ...bump(),
                      ],
                      [...call(`${F}_mul`, run, dx, run), ...c.i32_store(flagAt, k(1))],
                    ),
                  ],
                ),
              ]),
            ]),
            c.br_if(1, c.i32_eqz(L("any"))),
            call(`${F}_inverse`, run, inv),
            loopBack("s", L("m"), [
              ...sumPointers,
              c.if(c.i32_load(flagAt), [
                ...loadDigit(),
                ...signedEntry(),
                ...call(`${F}_sub`, ts, L("pAcc"), dx),
                ...call(`${F}_mul`, inv, preAt, t),
                ...call(`${F}_mul`, inv, dx, inv),
                ...chord,
                ...bump(),
              ]),
            ]),
            c.br(0),
          ),
        ),
      ]),
    );
    module.exportFunction(fn);
  }
}
