import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** Hex sha256 of a file's bytes. */
export const sha256File = (file: string): string =>
  createHash("sha256").update(readFileSync(file)).digest("hex");
