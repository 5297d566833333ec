/**
 * WASM functions added to ffjavascript's bn128 module (its `plugins` hook) for the local
 * powers-of-tau ceremony. When the ceremony's secrets are known, every ptau point is
 * `s·G` for a known scalar `s` and a fixed generator `G`, so instead of snarkjs's
 * double-and-add per point (and EC FFTs for the Lagrange sections) we use:
 *
 * - `zkml_frGeom`: scalars first·inc^i (the tau powers);
 * - `zkml_frLagrange`: scalars L_i(tau) over a 2^p domain by the closed form
 *   (tau^n - 1)/n · w^i / (tau - w^i) with one batch inversion;
 * - `g1m_zkmlTable` / `g2m_zkmlTable`: a fixed-base comb table T[j][d] = d·2^(w·j)·G;
 * - `g1m_zkmlFixedBaseBatch` / `g2m_zkmlFixedBaseBatch`: s·G for a block of scalars as one
 *   addition per w-bit window, with affine accumulators: per window, one field inversion
 *   shared by the whole block (Montgomery's trick), so an addition costs about 5
 *   multiplications + 1 squaring instead of a mixed jacobian addition's 7 + 4 (measured
 *   1.5-2x faster).
 *
 * All field elements are in Montgomery form, points in ffjavascript's internal layout.
 */

import { codeBuilder } from "@zkml-verify/core/internal/prove/wasmBuilder";
import type { Code, ModuleBuilder } from "@zkml-verify/core/internal/prove/wasmBuilder";

const N8 = 32;

/** Adds the ceremony's functions to the bn128 module; pass as ffjavascript's `plugins`. */
export function fixedBasePlugin(module: ModuleBuilder): void {
  buildFrGeom(module);
  buildFrLagrange(module);
  for (const [g, sA] of [
    ["g1m", N8 * 2],
    ["g2m", N8 * 4],
  ] as const) {
    buildTable(module, g, sA);
    buildFixedBaseBatch(module, g, sA);
  }
}

function buildFrGeom(module: ModuleBuilder): void {
  const f = module.addFunction("zkml_frGeom");
  for (const p of ["pFirst", "pInc", "n", "pOut"]) f.addParam(p, "i32");
  f.addLocal("i", "i32");
  f.addLocal("p", "i32");
  const c = codeBuilder(f);
  const t = c.i32_const(module.alloc(N8));
  f.addCode(
    c.call("frm_copy", c.getLocal("pFirst"), t),
    c.setLocal("p", c.getLocal("pOut")),
    c.setLocal("i", c.i32_const(0)),
    c.block(
      c.loop(
        c.br_if(1, c.i32_eq(c.getLocal("i"), c.getLocal("n"))),
        c.call("frm_copy", t, c.getLocal("p")),
        c.call("frm_mul", t, c.getLocal("pInc"), t),
        c.setLocal("p", c.i32_add(c.getLocal("p"), c.i32_const(N8))),
        c.setLocal("i", c.i32_add(c.getLocal("i"), c.i32_const(1))),
        c.br(0),
      ),
    ),
  );
  module.exportFunction("zkml_frGeom");
}

/**
 * out[i] = (c / (tau - x_i) - k) · x_i with x_i = w0·w^i. With c = (tau^n - 1)/n and k = 0
 * that is the Lagrange basis L_i(tau); k = tau^(n-1)/n drops the top power (snarkjs's last
 * tauG1 block, whose highest point is zero).
 */
function buildFrLagrange(module: ModuleBuilder): void {
  const f = module.addFunction("zkml_frLagrange");
  for (const p of ["pTau", "pW0", "pW", "pC", "pK", "n", "pOut"]) f.addParam(p, "i32");
  f.addLocal("i", "i32");
  f.addLocal("p", "i32");
  const c = codeBuilder(f);
  const x = c.i32_const(module.alloc(N8));
  const loop = (...body: Code[]) => [
    ...c.call("frm_copy", c.getLocal("pW0"), x),
    ...c.setLocal("p", c.getLocal("pOut")),
    ...c.setLocal("i", c.i32_const(0)),
    ...c.block(
      c.loop(
        c.br_if(1, c.i32_eq(c.getLocal("i"), c.getLocal("n"))),
        ...body,
        c.call("frm_mul", x, c.getLocal("pW"), x),
        c.setLocal("p", c.i32_add(c.getLocal("p"), c.i32_const(N8))),
        c.setLocal("i", c.i32_add(c.getLocal("i"), c.i32_const(1))),
        c.br(0),
      ),
    ),
  ];
  f.addCode(
    loop(c.call("frm_sub", c.getLocal("pTau"), x, c.getLocal("p"))),
    c.call(
      "frm_batchInverse",
      c.getLocal("pOut"),
      c.i32_const(N8),
      c.getLocal("n"),
      c.getLocal("pOut"),
      c.i32_const(N8),
    ),
    loop(
      c.call("frm_mul", c.getLocal("p"), c.getLocal("pC"), c.getLocal("p")),
      c.call("frm_sub", c.getLocal("p"), c.getLocal("pK"), c.getLocal("p")),
      c.call("frm_mul", c.getLocal("p"), x, c.getLocal("p")),
    ),
  );
  module.exportFunction("zkml_frLagrange");
}

/**
 * pTable[(j << w) + d] = d·2^(w·j)·B (affine) for j < nWin, 0 < d < 2^w; entry d = 0 is the
 * zero point. pTmp must hold 2^w jacobian points.
 */
function buildTable(module: ModuleBuilder, g: string, sA: number): void {
  const sJ = (sA / 2) * 3;
  const fn = `${g}_zkmlTable`;
  const f = module.addFunction(fn);
  for (const p of ["pBase", "w", "nWin", "pTable", "pTmp"]) f.addParam(p, "i32");
  for (const l of ["j", "d", "size", "pRow"]) f.addLocal(l, "i32");
  const c = codeBuilder(f);
  const base = c.i32_const(module.alloc(sA));
  const acc = c.i32_const(module.alloc(sJ));
  const tmpAt = (d: Code) => c.i32_add(c.getLocal("pTmp"), c.i32_mul(d, c.i32_const(sJ)));
  f.addCode(
    c.call(`${g}_copyAffine`, c.getLocal("pBase"), base),
    c.setLocal("size", c.i32_shl(c.i32_const(1), c.getLocal("w"))),
    c.setLocal("j", c.i32_const(0)),
    c.block(
      c.loop(
        c.br_if(1, c.i32_eq(c.getLocal("j"), c.getLocal("nWin"))),
        c.call(`${g}_zero`, acc),
        c.setLocal("d", c.i32_const(1)),
        c.block(
          c.loop(
            c.br_if(1, c.i32_eq(c.getLocal("d"), c.getLocal("size"))),
            c.call(`${g}_addMixed`, acc, base, acc),
            c.call(`${g}_copy`, acc, tmpAt(c.getLocal("d"))),
            c.setLocal("d", c.i32_add(c.getLocal("d"), c.i32_const(1))),
            c.br(0),
          ),
        ),
        // next window's base: 2^w·B
        c.call(`${g}_addMixed`, acc, base, acc),
        c.call(`${g}_toAffine`, acc, base),
        c.setLocal(
          "pRow",
          c.i32_add(
            c.getLocal("pTable"),
            c.i32_mul(c.i32_shl(c.getLocal("j"), c.getLocal("w")), c.i32_const(sA)),
          ),
        ),
        c.call(`${g}_zeroAffine`, c.getLocal("pRow")),
        c.call(
          `${g}_batchToAffine`,
          tmpAt(c.i32_const(1)),
          c.i32_sub(c.getLocal("size"), c.i32_const(1)),
          c.i32_add(c.getLocal("pRow"), c.i32_const(sA)),
        ),
        c.setLocal("j", c.i32_add(c.getLocal("j"), c.i32_const(1))),
        c.br(0),
      ),
    ),
  );
  module.exportFunction(fn);
}

/**
 * pOut[i] = (s_i · mul)·B as affine points for a block of n scalars (the table's base B), with
 * affine accumulators updated window by window: pass 1 multiplies the x-differences into
 * prefix products, one inversion, pass 2 walks back to each inverse and adds. Accumulators
 * that are zero take the table point; equal x (doubling or opposite points, which random
 * scalars essentially never hit) go through the generic affine addition.
 * pWork: n·(36 + field + 4) bytes.
 */
function buildFixedBaseBatch(module: ModuleBuilder, g: string, sA: number): void {
  const sF = sA / 2;
  const F = g === "g1m" ? "f1m" : "f2m";
  const fn = `${g}_zkmlFixedBaseBatch`;
  const f = module.addFunction(fn);
  for (const p of ["pTable", "w", "nWin", "pScalars", "pMul", "n", "pOut", "pWork"])
    f.addParam(p, "i32");
  for (const l of ["i", "j", "bit", "d", "mask", "pSc", "pPre", "pFlag", "pAcc", "pT", "pS"])
    f.addLocal(l, "i32");
  const c = codeBuilder(f);
  const SC = 36;
  const m = c.i32_const(module.alloc(N8));
  const run = c.i32_const(module.alloc(sF));
  const inv = c.i32_const(module.alloc(sF));
  const dx = c.i32_const(module.alloc(sF));
  const t = c.i32_const(module.alloc(sF));
  const lambda = c.i32_const(module.alloc(sF));
  const jac = c.i32_const(module.alloc((sA / 2) * 3));
  const L = (name: string) => c.getLocal(name);
  const set = (name: string, v: Code) => c.setLocal(name, v);
  const add = (a: Code, b: Code) => c.i32_add(a, b);
  const mul = (a: Code, b: Code) => c.i32_mul(a, b);
  const k = (v: number) => c.i32_const(v);
  // work layout: scalars (n·36), prefix products (n·sF), flags (n·4)
  const scAt = (i: Code) => add(L("pWork"), mul(i, k(SC)));
  const preAt = (i: Code) => add(add(L("pWork"), mul(L("n"), k(SC))), mul(i, k(sF)));
  const flagAt = (i: Code) => add(add(L("pWork"), mul(L("n"), k(SC + sF))), mul(i, k(4)));
  const digit = () =>
    set(
      "d",
      c.i32_and(
        c.i32_shr_u(
          c.i32_load(add(L("pSc"), c.i32_shr_u(L("bit"), k(3))), 0, 0),
          c.i32_and(L("bit"), k(7)),
        ),
        L("mask"),
      ),
    );
  const entry = () => add(L("pTable"), mul(c.i32_or(c.i32_shl(L("j"), L("w")), L("d")), k(sA)));
  const accAt = (i: Code) => add(L("pOut"), mul(i, k(sA)));
  const forEach = (body: Code[], reverse = false) =>
    reverse
      ? [
          ...set("i", L("n")),
          ...c.block(
            c.loop(
              c.br_if(1, c.i32_eqz(L("i"))),
              set("i", c.i32_sub(L("i"), k(1))),
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
              ...body,
              set("i", add(L("i"), k(1))),
              c.br(0),
            ),
          ),
        ];
  const pointers = [
    set("pSc", scAt(L("i"))),
    set("pAcc", accAt(L("i"))),
    set("pFlag", flagAt(L("i"))),
    set("pPre", preAt(L("i"))),
  ];
  const xAcc = L("pAcc");
  const yAcc = add(L("pAcc"), k(sF));
  const xT = L("pT");
  const yT = add(L("pT"), k(sF));
  f.addCode(
    set("mask", c.i32_sub(c.i32_shl(k(1), L("w")), k(1))),
    // scalars in standard form, 36-byte stride (the top window's 4-byte read stays inside)
    forEach([
      set("pSc", scAt(L("i"))),
      set("pS", add(L("pScalars"), mul(L("i"), k(N8)))),
      c.call("frm_mul", L("pS"), L("pMul"), m),
      c.call("frm_fromMontgomery", m, L("pSc")),
      c.i32_store(add(L("pSc"), k(N8)), k(0)),
      c.call(`${g}_zeroAffine`, accAt(L("i"))),
    ]),
    set("j", k(0)),
    set("bit", k(0)),
    c.block(
      c.loop(
        c.br_if(1, c.i32_eq(L("j"), L("nWin"))),
        c.call(`${F}_one`, run),
        // pass 1: prefix products of x_T - x_acc over the points that add normally
        forEach([
          ...pointers,
          c.call(`${F}_copy`, run, L("pPre")),
          c.i32_store(L("pFlag"), k(0)),
          digit(),
          c.if(L("d"), [
            ...set("pT", entry()),
            ...c.if(
              c.call(`${g}_isZeroAffine`, L("pAcc")),
              c.call(`${g}_copyAffine`, L("pT"), L("pAcc")),
              [
                ...c.call(`${F}_sub`, xT, xAcc, dx),
                ...c.if(
                  c.call(`${F}_isZero`, dx),
                  [
                    ...c.call(`${g}_addAffine`, L("pAcc"), L("pT"), jac),
                    ...c.call(`${g}_toAffine`, jac, L("pAcc")),
                  ],
                  [...c.call(`${F}_mul`, run, dx, run), ...c.i32_store(L("pFlag"), k(1))],
                ),
              ],
            ),
          ]),
        ]),
        c.call(`${F}_inverse`, run, inv),
        // pass 2, backwards: inv holds 1/(product of the dx up to i)
        forEach(
          [
            ...pointers,
            c.if(c.i32_load(L("pFlag")), [
              ...digit(),
              ...set("pT", entry()),
              ...c.call(`${F}_sub`, xT, xAcc, dx),
              ...c.call(`${F}_mul`, inv, L("pPre"), t), // t = 1/dx_i
              ...c.call(`${F}_mul`, inv, dx, inv),
              ...c.call(`${F}_sub`, yT, yAcc, lambda),
              ...c.call(`${F}_mul`, lambda, t, lambda),
              ...c.call(`${F}_square`, lambda, t), // t = lambda^2
              ...c.call(`${F}_sub`, t, xAcc, t),
              ...c.call(`${F}_sub`, t, xT, t), // t = x3
              ...c.call(`${F}_sub`, xAcc, t, dx), // dx = x_acc - x3
              ...c.call(`${F}_copy`, t, xAcc),
              ...c.call(`${F}_mul`, lambda, dx, dx),
              ...c.call(`${F}_sub`, dx, yAcc, yAcc),
            ]),
          ],
          true,
        ),
        set("bit", add(L("bit"), L("w"))),
        set("j", add(L("j"), k(1))),
        c.br(0),
      ),
    ),
  );
  module.exportFunction(fn);
}
