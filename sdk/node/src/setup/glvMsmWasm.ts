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
import type { ModuleBuilder } from "./ptau/fixedBaseWasm.ts";

interface Code extends Array<number> {}
type C = Record<string, (...args: unknown[]) => Code>;

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
    const c = f.getCodeBuilder() as unknown as C;
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
