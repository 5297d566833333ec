import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";

/**
 * Hex sha256 of a file, read in 16 MiB chunks (ptau files reach gigabytes).
 *
 * @example
 * const hex = hashFile({ file: "pot20.ptau" });
 */
export function hashFile(p: { file: string }): string {
  const h = createHash("sha256");
  const buf = Buffer.alloc(1 << 24);
  const fd = openSync(p.file, "r");
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}
