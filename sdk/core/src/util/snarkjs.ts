import type * as Snarkjs from "snarkjs";

/**
 * snarkjs, imported at its first use. A Groth16 proof with a parsed key (`proveGroth16WithKey`)
 * needs only ffjavascript's curve, so a fresh process that proves loads snarkjs (~40-70 ms of
 * the main thread: its module graph) while the proof runs on the worker threads, for the
 * verification that follows (`prove` starts the import once the proof's tasks are queued),
 * not before the proof starts.
 *
 * Importing snarkjs evaluates r1csfile's own copy of ffjavascript, whose first line sets the
 * shared curve (`globalThis.curve_bn128`) to null: a curve built before (the prover's,
 * `proverCurve`) is put back, or snarkjs would build a second one, with its own worker threads.
 *
 * @example
 * const valid = await (await snarkjs()).groth16.verify(vk, publicSignals, proof);
 */
export function snarkjs(): Promise<typeof Snarkjs> {
  return (loading ??= (async () => {
    const global = globalThis as { curve_bn128?: unknown };
    const shared = global.curve_bn128;
    const module = await import("snarkjs");
    if (shared && !global.curve_bn128) global.curve_bn128 = shared;
    return module;
  })());
}

let loading: Promise<typeof Snarkjs> | undefined;
