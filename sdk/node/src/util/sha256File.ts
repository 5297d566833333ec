import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** Hex sha256 of bytes (a file read once for its hash and its use). */
export const sha256Hex = (bytes: Uint8Array): string =>
  createHash("sha256").update(bytes).digest("hex");

/** Hex sha256 of a file's bytes. */
export const sha256File = (file: string): string => sha256Hex(readFileSync(file));
