import { buildBn128 } from "ffjavascript";
import type { Curve } from "ffjavascript";
import { glvMsmBatchPlugin, glvMsmPlugin } from "../glvMsmWasm.ts";
import { sameScalarPlugin } from "../sameScalarWasm.ts";
import { fixedBasePlugin } from "./fixedBaseWasm.ts";
import type { ModuleBuilder } from "@zkml-verify/core/internal/prove/wasmBuilder";

/**
 * The setup's WASM additions: the ceremony's fixed-base functions, phase 2's same-scalar one
 * and the zkey's GLV multiexp for full-width terms.
 */
function setupPlugins(module: ModuleBuilder): void {
  fixedBasePlugin(module);
  sameScalarPlugin(module);
  glvMsmPlugin(module);
  glvMsmBatchPlugin(module);
}

/**
 * Runs `f` with a bn128 curve whose WASM also holds the ceremony's fixed-base functions
 * (fixedBaseWasm.ts) and the phase-2 contribution's same-scalar one (sameScalarWasm.ts). ffjavascript caches one multi-threaded curve in a global that snarkjs
 * reuses; ours is built beside it (the global is restored) and terminated afterwards.
 *
 * @example
 * const ms = await withCeremonyCurve(async (curve) => curve.tm.concurrency);
 */
export async function withCeremonyCurve<T>(f: (curve: Curve) => Promise<T>): Promise<T> {
  const g = globalThis as { curve_bn128?: unknown };
  const shared = g.curve_bn128;
  g.curve_bn128 = null;
  let curve: Curve | undefined;
  try {
    curve = await buildBn128(false, setupPlugins);
  } finally {
    g.curve_bn128 = shared;
  }
  try {
    return await f(curve);
  } finally {
    await curve.tm.terminate();
  }
}
