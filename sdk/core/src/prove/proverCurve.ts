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
  const global = globalThis as { curve_bn128?: Curve | null };
  if (global.curve_bn128) return Promise.resolve(global.curve_bn128);
  // a copy of ffjavascript evaluated after the build (snarkjs's r1csfile has its own) nulls
  // the global on its first line: the curve built here is still the shared one
  if (built) return Promise.resolve((global.curve_bn128 = built));
  // concurrent callers share one build (ffjavascript sets the global only once it is built)
  building ??= buildBn128(false, batchAffinePlugin as (m: never) => void)
    .then((curve) => {
      built = curve;
      const terminate = curve.terminate.bind(curve);
      curve.terminate = async () => {
        if (built === curve) built = undefined;
        await terminate();
      };
      return curve;
    })
    .finally(() => {
      building = undefined;
    });
  return building;
}

let building: Promise<Curve> | undefined;

/** The curve `proverCurve` built, until it is terminated (whether or not it is still global). */
let built: Curve | undefined;

/** The curve `proverCurve` built, while it is alive (for the worker threads' ref and unref). */
export function builtCurve(): Curve | undefined {
  return built;
}

/**
 * Waits for a curve build in progress and puts the curve `proverCurve` built back in the global
 * when something nulled it; returns the live curves it knows of (the global one and, when it
 * differs, its own). Called by `releaseSnarkjs`, which terminates them.
 */
export async function settleProverCurve(): Promise<Curve[]> {
  await building?.catch(() => undefined);
  const global = globalThis as { curve_bn128?: Curve | null };
  if (!global.curve_bn128 && built) global.curve_bn128 = built;
  return [...new Set([global.curve_bn128, built])].filter((c): c is Curve => Boolean(c));
}

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
