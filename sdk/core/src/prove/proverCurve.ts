import { buildBn128 } from "ffjavascript";
import type { Curve } from "ffjavascript";
import { batchAffinePlugin, batchMsmFunction } from "./batchAffineWasm.ts";

/**
 * The bn128 curve the Groth16 prover runs on: ffjavascript's shared (global) instance, the one
 * snarkjs also uses (`globalThis.curve_bn128`, one thread pool), built here, with our wasm
 * functions (`batchAffineWasm.ts`), when nothing has built it yet. A curve someone else built
 * first (snarkjs verifying or proving PLONK before the first Groth16 proof, a script calling
 * `buildBn128()`) is used as it is: `hasBatchMsm` tells the MSMs to take wasmcurves's own
 * functions then.
 *
 * @example
 * const curve = await proverCurve();
 * if (hasBatchMsm(curve)) ...
 */
export function proverCurve(): Promise<Curve> {
  const shared = (globalThis as { curve_bn128?: Curve | null }).curve_bn128;
  if (shared) return Promise.resolve(shared);
  // concurrent callers share one build (ffjavascript sets the global only once it is built)
  building ??= buildBn128(false, batchAffinePlugin as (m: never) => void).finally(() => {
    building = undefined;
  });
  return building;
}

let building: Promise<Curve> | undefined;

/** Whether the curve's wasm has the batch-affine MSM (a curve built by `proverCurve`). */
export function hasBatchMsm(curve: Curve): boolean {
  let has = withBatchMsm.get(curve);
  if (has === undefined) {
    const tm = curve.tm as { instance?: { exports?: Record<string, unknown> } };
    has = typeof tm.instance?.exports?.[batchMsmFunction("g1m")] === "function";
    withBatchMsm.set(curve, has);
  }
  return has;
}

const withBatchMsm = new WeakMap<Curve, boolean>();
