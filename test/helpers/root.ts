import { join } from "node:path";

/** The repository root (tests read models/ and write build/test/ under it). */
export const ROOT = join(import.meta.dirname, "../..");

/**
 * `node ...ZKML_CLI <command>` runs the zkml CLI from source, as the published bin runs it from
 * dist/ (the `zkml-source` condition resolves @zkml-verify/core to its TypeScript sources).
 */
export const ZKML_CLI = ["--conditions=zkml-source", join(ROOT, "sdk/node/src/cli/zkml.ts")];
