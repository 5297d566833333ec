import { join } from "node:path";

/** The repository root (the repository's tools read models/ and write build/, bench/ under it). */
export const ROOT = join(import.meta.dirname, "../..");
