import type * as Snarkjs from "snarkjs";
import { proverCurve } from "../prove/proverCurve.ts";

/**
 * snarkjs, imported at its first use. A Groth16 proof with a parsed key (`proveGroth16WithKey`)
 * needs only ffjavascript's curve, so a fresh process that proves loads snarkjs (~40-70 ms of
 * the main thread: its module graph) while the proof runs on the worker threads, for the
 * verification that follows (`prove` starts the import once the proof's tasks are queued),
 * not before the proof starts.
 *
 * The module is handed out with the shared curve built (`proverCurve`): snarkjs's own
 * `buildBn128` then finds it. Otherwise a verification right after `loadModel` (whose key
 * parse builds the curve in the background) built a second curve at the same time, and the
 * one that lost the global kept its worker threads referenced: the script never exited.
 * Importing snarkjs also evaluates r1csfile's own copy of ffjavascript, whose first line sets
 * the global to null; `proverCurve` puts its curve back.
 *
 * @example
 * const valid = await (await snarkjs()).groth16.verify(vk, publicSignals, proof);
 */
export async function snarkjs(): Promise<typeof Snarkjs> {
  const module = await (loading ??= import("snarkjs"));
  await proverCurve();
  return module;
}

let loading: Promise<typeof Snarkjs> | undefined;
