import type { Logger } from "snarkjs";

/** A snarkjs logger that forwards info lines to a progress callback (debug is dropped). */
export function snarkjsLogger(onProgress?: (line: string) => void): Logger | undefined {
  if (!onProgress) return undefined;
  return { info: onProgress, warn: onProgress, error: onProgress, debug: () => {} };
}

/** snarkjs keeps a worker-backed curve in a global; release it so the process can exit. */
export async function releaseSnarkjs(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  if (g.curve_bn128) {
    await g.curve_bn128.terminate();
    delete g.curve_bn128;
  }
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
  const curve = (globalThis as { curve_bn128?: ThreadedCurve }).curve_bn128;
  for (const w of curve?.tm?.workers ?? []) {
    // web-worker keeps Node's worker_threads Worker under this symbol
    const thread = (w as Record<symbol, { ref?(): void; unref?(): void } | undefined>)[
      Symbol.for("worker")
    ];
    if (on) thread?.ref?.();
    else thread?.unref?.();
  }
}
