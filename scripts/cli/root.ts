import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (where hardhat.config.ts, models/ and build/ live). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
