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
