import { randomBytes } from "node:crypto";
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** A temporary file whose owner is alive is removed only after this long (pid reuse). */
export const STALE_TMP_MS = 24 * 60 * 60 * 1000;
/** A temporary file that names no owner pid is removed after this long. */
export const ORPHAN_TMP_MS = 10 * 60 * 1000;

/**
 * The cache root: $ZKML_CACHE_DIR, else the user's cache directory ($XDG_CACHE_HOME/zkml-verify
 * or ~/.cache/zkml-verify; ~/Library/Caches/zkml-verify on macOS; %LOCALAPPDATA%\zkml-verify
 * on Windows). Never inside the installed package.
 *
 * @example
 * defaultCacheRoot(); // "/home/me/.cache/zkml-verify"
 */
export function defaultCacheRoot(): string {
  if (process.env.ZKML_CACHE_DIR) return resolve(process.env.ZKML_CACHE_DIR);
  if (process.platform === "darwin") return join(homedir(), "Library", "Caches", "zkml-verify");
  if (process.platform === "win32")
    return join(process.env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "zkml-verify");
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "zkml-verify");
}

/**
 * Where ptau and zkey files are cached by content hash (`defaultCacheRoot()` unless overridden).
 * Safe to delete; the next run rebuilds it. Every call removes the folder's stale temporary
 * files (`removeStaleTmp`): those a killed run left behind.
 */
export function cacheDir(sub: string, override?: string): string {
  const root = override ?? defaultCacheRoot();
  const dir = resolve(root, sub);
  mkdirSync(dir, { recursive: true });
  removeStaleTmp({ dir });
  return dir;
}

/**
 * A temporary name beside `file`, `<file>.<pid>.<random>.tmp`: its owner pid lets
 * `removeStaleTmp` tell a killed run's leftovers from a running one's.
 *
 * @example
 * const tmp = tmpFileFor(cached); await make(tmp); renameSync(tmp, cached);
 */
export function tmpFileFor(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
}

/**
 * Writes `file` atomically: to a temporary file beside it, then a rename, so a reader (or a
 * run killed halfway) never sees a partial file.
 *
 * @example
 * writeFileAtomic({ file: "build/iris/verification_key.json", data: JSON.stringify(vk) });
 */
export function writeFileAtomic(p: { file: string; data: string | Uint8Array }): void {
  const tmp = tmpFileFor(p.file);
  try {
    writeFileSync(tmp, p.data);
    renameSync(tmp, p.file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Copies `from` to `to` atomically (temporary copy + rename). */
export function copyFileAtomic(p: { from: string; to: string }): void {
  const tmp = tmpFileFor(p.to);
  try {
    copyFileSync(p.from, tmp);
    renameSync(tmp, p.to);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** `<name>.<pid>.<random>.tmp`, `<name>.<pid>.tmp`, and the old setup's `<key>.zkey.<pid>.0|1`. */
const TMP_NAME = /\.(\d+)(?:\.[0-9a-f]+)?\.tmp$|\.zkey\.(\d+)\.[01]$/;

/**
 * Removes the temporary files a killed run left in a cache folder: those whose owner pid is
 * no longer running, those older than `maxAgeMs` (default 24 h, in case the pid was reused)
 * and `.tmp` files that name no pid older than 10 minutes. A running setup's files stay. The
 * cache is assumed to be used from one host (pids are checked locally).
 *
 * @example
 * const { removed } = removeStaleTmp({ dir: cacheDir("zkey") });
 */
export function removeStaleTmp(p: { dir: string; maxAgeMs?: number; now?: number }): {
  removed: string[];
} {
  const now = p.now ?? Date.now();
  const maxAge = p.maxAgeMs ?? STALE_TMP_MS;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(p.dir);
  } catch {
    return { removed };
  }
  for (const name of names) {
    const m = TMP_NAME.exec(name);
    if (!m && !name.endsWith(".tmp")) continue;
    const file = join(p.dir, name);
    let age: number;
    try {
      age = now - statSync(file).mtimeMs;
    } catch {
      continue;
    }
    const pid = m ? Number(m[1] ?? m[2]) : undefined;
    const stale = pid === undefined ? age > ORPHAN_TMP_MS : !isAlive(pid) || age > maxAge;
    if (stale) {
      rmSync(file, { force: true, recursive: true });
      removed.push(file);
    }
  }
  return { removed };
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
