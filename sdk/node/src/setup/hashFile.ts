import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Bytes read at a time: ptau files reach gigabytes. */
const CHUNK_BYTES = 1 << 24;

/**
 * Hex sha256 of a file, read in 16 MiB chunks (ptau files reach gigabytes).
 *
 * @example
 * const hex = hashFile({ file: "pot20.ptau" });
 */
export function hashFile(p: { file: string }): string {
  const h = createHash("sha256");
  const fd = openSync(p.file, "r");
  try {
    // a small file (a verification key) needs no 16 MiB buffer; only the bytes read are hashed
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK_BYTES, fstatSync(fd).size)));
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}
