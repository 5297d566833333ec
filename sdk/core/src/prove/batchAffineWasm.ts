import { codeBuilder } from "./wasmBuilder.ts";
import type { Code, ModuleBuilder } from "./wasmBuilder.ts";

/**
 * A bucket MSM with batch-affine bucket additions (issue 15), added to ffjavascript's bn128
 * module through its `plugins` hook. `g1m_zkmlBatchMsm` / `g2m_zkmlBatchMsm` compute what
 * wasmcurves's `multiexpAffine_chunk` computes for u16 digits (Σ d_i·P_i over affine points P_i
 * and c-bit digits d_i, a Jacobian result), but keep the buckets affine: a point is added to its
 * bucket as an affine addition whose inversion is shared by a batch of additions (Montgomery's
 * trick: pass 1 multiplies the x-differences into prefix products, one field inversion, pass 2
 * walks back to each inverse), about 5 multiplications + 1 squaring per addition where
 * wasmcurves's mixed Jacobian addition costs 7 + 4.
 *
 * A batch holds at most one addition per bucket. A point whose bucket already has one waits in a
 * queue, retried after the next flush; when a retry makes little progress (the queue's points
 * fall in a few buckets: many equal digits) the queue's points go to per-bucket Jacobian
 * accumulators by mixed additions, as wasmcurves would. Equal x (a doubling, or a point and its
 * negation) takes the generic affine addition at once; points at infinity are skipped. The
 * bucket sums are reduced as a running sum, Jacobian, from the top bucket down.
 *
 * All field elements in Montgomery form, points in ffjavascript's internal layout (affine:
 * x, y; (0, 0) is infinity).
 */

/** Exported names, per group prefix. */
export const batchMsmFunction = (g: "g1m" | "g2m") => `${g}_zkmlBatchMsm` as const;

/** Field bytes per coordinate of G1 (Fq); G2's are twice that (Fq2). */
const N8 = 32;
/** A batch entry: bucket pointer (u32), point pointer (u32), then the prefix product. */
const ENTRY_HEADER = 8;
/** After a retry, points left queued per scheduled addition above which the queue goes Jacobian. */
const QUEUE_SPILL_RATIO = 8;

/**
 * Bytes of the work area `batchMsm` needs for digits of c bits and a batch of `batch`
 * additions: affine and Jacobian buckets, stamps, batch entries, queue.
 */
export function batchMsmWorkBytes(group: "G1" | "G2", c: number, batch: number): number {
  const sF = group === "G1" ? N8 : N8 * 2;
  const nb = 2 ** c;
  return nb * (2 * sF + 3 * sF + 4) + batch * (ENTRY_HEADER + sF + 4);
}

/** Adds `g1m_zkmlBatchMsm` and `g2m_zkmlBatchMsm`; pass as ffjavascript's `plugins`. */
export function batchAffinePlugin(module: ModuleBuilder): void {
  for (const g of ["g1m", "g2m"] as const) buildBatchMsm(module, g);
}

function buildBatchMsm(module: ModuleBuilder, g: "g1m" | "g2m"): void {
  const sF = g === "g1m" ? N8 : N8 * 2;
  const sA = sF * 2;
  const sJ = sF * 3;
  const E = ENTRY_HEADER + sF;
  const F = g === "g1m" ? "f1m" : "f2m";
  // per-instance state shared by the three functions
  const st = {
    batchId: module.alloc(4),
    k: module.alloc(4),
    pBatch: module.alloc(4),
    batchSize: module.alloc(4),
    run: module.alloc(sF),
    inv: module.alloc(sF),
    dx: module.alloc(sF),
    t: module.alloc(sF),
    lambda: module.alloc(sF),
    jac: module.alloc(sJ),
  };
  const flushName = `${g}_zkmlBaFlush`;
  const tryName = `${g}_zkmlBaTry`;

  // flush(): the batch's additions, one inversion
  {
    const f = module.addFunction(flushName);
    for (const l of ["e", "pB", "pP"]) f.addLocal(l, "i32");
    const c = codeBuilder(f);
    const k = (v: number) => c.i32_const(v);
    const L = (n: string) => c.getLocal(n);
    const [inv, dx, t, lambda, run] = [st.inv, st.dx, st.t, st.lambda, st.run].map(k);
    const xB = L("pB");
    const yB = c.i32_add(L("pB"), k(sF));
    const xP = L("pP");
    const yP = c.i32_add(L("pP"), k(sF));
    f.addCode(
      c.if(c.i32_eqz(c.i32_load(k(st.k))), c.ret([])),
      c.call(`${F}_inverse`, run, inv),
      c.setLocal("e", c.i32_add(c.i32_load(k(st.pBatch)), c.i32_mul(c.i32_load(k(st.k)), k(E)))),
      c.block(
        c.loop(
          c.br_if(1, c.i32_eq(L("e"), c.i32_load(k(st.pBatch)))),
          c.setLocal("e", c.i32_sub(L("e"), k(E))),
          c.setLocal("pB", c.i32_load(L("e"))),
          c.setLocal("pP", c.i32_load(L("e"), 4)),
          // inv = 1/(dx_0 ... dx_e): t = 1/dx_e, inv = 1/(dx_0 ... dx_{e-1})
          c.call(`${F}_sub`, xP, xB, dx),
          c.call(`${F}_mul`, inv, c.i32_add(L("e"), k(ENTRY_HEADER)), t),
          c.call(`${F}_mul`, inv, dx, inv),
          c.call(`${F}_sub`, yP, yB, lambda),
          c.call(`${F}_mul`, lambda, t, lambda),
          c.call(`${F}_square`, lambda, t),
          c.call(`${F}_sub`, t, xB, t),
          c.call(`${F}_sub`, t, xP, t), // t = x3
          c.call(`${F}_sub`, xB, t, dx), // dx = xB - x3
          c.call(`${F}_copy`, t, xB),
          c.call(`${F}_mul`, lambda, dx, dx),
          c.call(`${F}_sub`, dx, yB, yB),
          c.br(0),
        ),
      ),
      c.i32_store(k(st.k), k(0)),
      c.i32_store(k(st.batchId), c.i32_add(c.i32_load(k(st.batchId)), k(1))),
      c.call(`${F}_one`, run),
    );
  }

  // try(pB, pP, pStamp): 0 if bucket pB already has an addition in this batch, else 1 (the
  // point is added, or its addition scheduled; a full batch is flushed)
  {
    const f = module.addFunction(tryName);
    for (const p of ["pB", "pP", "pStamp"]) f.addParam(p, "i32");
    f.addLocal("e", "i32");
    f.setReturnType("i32");
    const c = codeBuilder(f);
    const k = (v: number) => c.i32_const(v);
    const L = (n: string) => c.getLocal(n);
    const [dx, run, jac] = [st.dx, st.run, st.jac].map(k);
    f.addCode(
      c.if(c.i32_eq(c.i32_load(L("pStamp")), c.i32_load(k(st.batchId))), c.ret(k(0))),
      c.if(c.call(`${g}_isZeroAffine`, L("pP")), c.ret(k(1))),
      c.if(c.call(`${g}_isZeroAffine`, L("pB")), [
        ...c.call(`${g}_copyAffine`, L("pP"), L("pB")),
        ...c.ret(k(1)),
      ]),
      c.call(`${F}_sub`, L("pP"), L("pB"), dx),
      c.if(c.call(`${F}_isZero`, dx), [
        ...c.call(`${g}_addAffine`, L("pB"), L("pP"), jac),
        ...c.call(`${g}_toAffine`, jac, L("pB")),
        ...c.ret(k(1)),
      ]),
      c.i32_store(L("pStamp"), c.i32_load(k(st.batchId))),
      c.setLocal("e", c.i32_add(c.i32_load(k(st.pBatch)), c.i32_mul(c.i32_load(k(st.k)), k(E)))),
      c.i32_store(L("e"), L("pB")),
      c.i32_store(L("e"), 4, 2, L("pP")),
      c.call(`${F}_copy`, run, c.i32_add(L("e"), k(ENTRY_HEADER))),
      c.call(`${F}_mul`, run, dx, run),
      c.i32_store(k(st.k), c.i32_add(c.i32_load(k(st.k)), k(1))),
      c.if(c.i32_eq(c.i32_load(k(st.k)), c.i32_load(k(st.batchSize))), c.call(flushName)),
      c.ret(k(1)),
    );
  }

  // batchMsm(pBases, pDigits, n, c, batch, pWork, pr)
  {
    const fn = batchMsmFunction(g);
    const f = module.addFunction(fn);
    for (const p of ["pBases", "pDigits", "n", "c", "batch", "pWork", "pr"]) f.addParam(p, "i32");
    for (const l of [
      "nb",
      "pBuckets",
      "pJac",
      "pStamps",
      "pQueue",
      "qLen",
      "i",
      "j",
      "w",
      "d",
      "idx",
    ])
      f.addLocal(l, "i32");
    const c = codeBuilder(f);
    const k = (v: number) => c.i32_const(v);
    const L = (n: string) => c.getLocal(n);
    const set = (n: string, v: Code) => c.setLocal(n, v);
    const add = (a: Code, b: Code) => c.i32_add(a, b);
    const mul = (a: Code, b: Code) => c.i32_mul(a, b);
    const loop = (cond: Code, ...body: Code[]) =>
      c.block(c.loop(c.br_if(1, cond), ...body, c.br(0)));
    const bucket = (d: Code) => add(L("pBuckets"), mul(d, k(sA)));
    const jacBucket = (d: Code) => add(L("pJac"), mul(d, k(sJ)));
    const stamp = (d: Code) => add(L("pStamps"), mul(d, k(4)));
    const base = (i: Code) => add(L("pBases"), mul(i, k(sA)));
    const digitOf = (i: Code) => c.i32_load16_u(add(L("pDigits"), mul(i, k(2))), 0, 0);
    const tryPoint = (i: Code) => c.call(tryName, bucket(L("d")), base(i), stamp(L("d")));
    const queueAt = (j: Code) => add(L("pQueue"), mul(j, k(4)));
    // retry the queue after a flush (in place: w <= j), spill it if that made little progress
    const retry: Code = [
      ...c.call(flushName),
      ...set("w", k(0)),
      ...set("j", k(0)),
      ...loop(
        c.i32_eq(L("j"), L("qLen")),
        set("idx", c.i32_load(queueAt(L("j")))),
        set("d", digitOf(L("idx"))),
        c.if(c.i32_eqz(tryPoint(L("idx"))), [
          ...c.i32_store(queueAt(L("w")), L("idx")),
          ...set("w", add(L("w"), k(1))),
        ]),
        set("j", add(L("j"), k(1))),
      ),
      ...set("qLen", L("w")),
      ...c.if(c.i32_gt_u(L("qLen"), mul(c.i32_load(k(st.k)), k(QUEUE_SPILL_RATIO))), [
        ...set("j", k(0)),
        ...loop(
          c.i32_eq(L("j"), L("qLen")),
          set("idx", c.i32_load(queueAt(L("j")))),
          set("d", digitOf(L("idx"))),
          c.call(`${g}_addMixed`, jacBucket(L("d")), base(L("idx")), jacBucket(L("d"))),
          set("j", add(L("j"), k(1))),
        ),
        ...set("qLen", k(0)),
      ]),
    ];
    f.addCode(
      set("nb", c.i32_shl(k(1), L("c"))),
      set("pBuckets", L("pWork")),
      set("pJac", add(L("pBuckets"), mul(L("nb"), k(sA)))),
      set("pStamps", add(L("pJac"), mul(L("nb"), k(sJ)))),
      set("pQueue", add(L("pStamps"), mul(L("nb"), k(4)))),
      c.i32_store(k(st.pBatch), add(L("pQueue"), mul(L("batch"), k(4)))),
      c.i32_store(k(st.batchSize), L("batch")),
      c.i32_store(k(st.batchId), k(1)),
      c.i32_store(k(st.k), k(0)),
      c.call(`${F}_one`, k(st.run)),
      set("d", k(0)),
      loop(
        c.i32_eq(L("d"), L("nb")),
        c.call(`${g}_zeroAffine`, bucket(L("d"))),
        c.call(`${g}_zero`, jacBucket(L("d"))),
        c.i32_store(stamp(L("d")), k(0)),
        set("d", add(L("d"), k(1))),
      ),
      set("qLen", k(0)),
      set("i", k(0)),
      loop(
        c.i32_eq(L("i"), L("n")),
        set("d", digitOf(L("i"))),
        c.if(L("d"), [
          ...c.if(c.i32_eqz(tryPoint(L("i"))), [
            ...c.i32_store(queueAt(L("qLen")), L("i")),
            ...set("qLen", add(L("qLen"), k(1))),
            ...c.if(c.i32_eq(L("qLen"), L("batch")), retry),
          ]),
        ]),
        set("i", add(L("i"), k(1))),
      ),
      loop(c.i32_eqz(L("qLen")), retry),
      c.call(flushName),
      // Σ d·B_d = Σ_d (B_d + ... + B_top), from the top bucket down
      c.call(`${g}_zero`, k(st.jac)),
      c.call(`${g}_zero`, L("pr")),
      set("d", L("nb")),
      loop(
        c.i32_eq(L("d"), k(1)),
        set("d", c.i32_sub(L("d"), k(1))),
        // addMixed would take an infinite bucket (0, 0) for the point (0, 0, 1)
        c.if(
          c.i32_eqz(c.call(`${g}_isZeroAffine`, bucket(L("d")))),
          c.call(`${g}_addMixed`, k(st.jac), bucket(L("d")), k(st.jac)),
        ),
        c.call(`${g}_add`, k(st.jac), jacBucket(L("d")), k(st.jac)),
        c.call(`${g}_add`, L("pr"), k(st.jac), L("pr")),
      ),
    );
    module.exportFunction(fn);
  }
}
