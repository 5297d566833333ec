import type { Logger } from "snarkjs";
import { builtCurve, settleProverCurve } from "../prove/proverCurve.ts";

/** A snarkjs logger that forwards info lines to a progress callback (debug is dropped). */
export function snarkjsLogger(onProgress?: (line: string) => void): Logger | undefined {
  if (!onProgress) return undefined;
  return { info: onProgress, warn: onProgress, error: onProgress, debug: () => {} };
}

/**
 * Terminates the worker-backed curve (snarkjs's, in a global, and the prover's: `proverCurve`),
 * after any build in progress, so that a process that keeps them referenced can exit.
 */
export async function releaseSnarkjs(): Promise<void> {
  for (const curve of await settleProverCurve()) await curve.terminate();
  delete (globalThis as { curve_bn128?: unknown }).curve_bn128;
}

interface ThreadedCurve {
  tm?: { workers?: (object | undefined)[] };
}

/**
 * Runs a snarkjs call with its worker threads referenced, then leaves them idle and unreferenced:
 * the curve (and its workers) is reused by the next call, and a script whose work is done exits
 * without calling `releaseSnarkjs`. In a browser the workers have no ref/unref and stay as they are.
 *
 * @example
 * const proof = await keepWorkersIdle(() => snarkjs.groth16.fullProve(input, wasm, zkey));
 */
export async function keepWorkersIdle<T>(run: () => Promise<T>): Promise<T> {
  running++;
  setWorkersRef(true);
  try {
    return await run();
  } finally {
    // idle only when no call is left: calls overlap (a loaded model starts its key while the
    // caller proves, or two proofs at once)
    if (--running === 0) setWorkersRef(false);
  }
}

/** Calls of keepWorkersIdle in progress. */
let running = 0;

function setWorkersRef(on: boolean): void {
  const global = (globalThis as { curve_bn128?: ThreadedCurve | null }).curve_bn128;
  const workers = new Set([
    ...(global?.tm?.workers ?? []),
    ...((builtCurve() as ThreadedCurve | undefined)?.tm?.workers ?? []),
  ]);
  for (const w of workers) {
    // web-worker keeps Node's worker_threads Worker under this symbol
    const thread = (w as Record<symbol, { ref?(): void; unref?(): void } | undefined>)[
      Symbol.for("worker")
    ];
    if (on) thread?.ref?.();
    else thread?.unref?.();
  }
}
