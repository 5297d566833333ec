import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where ptau and zkey files are cached by content hash: $ZKML_CACHE_DIR, or .zkml-cache/ at
 * the repository root. Safe to delete; the next run rebuilds it.
 */
export function cacheDir(sub: string, override?: string): string {
  const root =
    override ??
    process.env.ZKML_CACHE_DIR ??
    resolve(dirname(fileURLToPath(import.meta.url)), "../../../.zkml-cache");
  const dir = resolve(root, sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}
