import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { ZkmlError } from "@zkml-verify/core/internal/errors";

/** Another compile holds the build folder's lock. */
export class BuildFolderLockedError extends ZkmlError<{
  dir: string;
  lockFile: string;
  pid?: number;
}> {
  override name = "BuildFolderLockedError" as const;
}

/** The lock file `compileModel` holds in a build folder while it compiles. */
export const BUILD_LOCK_FILE = ".zkml-compile.lock";

interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

/**
 * Takes the build folder's lock: a file created exclusively, holding the pid, host and start
 * time. A lock left by a process of this host that no longer runs is taken over; any other
 * existing lock is a `BuildFolderLockedError` naming the holder.
 *
 * @example
 * const lock = lockBuildFolder("build/iris");
 * try { ... } finally { lock.release(); }
 */
export function lockBuildFolder(dir: string): { release: () => void } {
  const file = join(dir, BUILD_LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = readHolder(file);
      if (attempt === 0 && holder && holder.host === hostname() && !isRunning(holder.pid)) {
        rmSync(file, { force: true }); // stale: its compile was killed
        continue;
      }
      const who = holder
        ? `process ${holder.pid} on ${holder.host}, since ${holder.started}`
        : "another process";
      throw new BuildFolderLockedError(
        `${dir} is being compiled by ${who}; wait for it to finish or compile into another folder (if no compile is running, delete ${file})`,
        { details: { dir, lockFile: file, pid: holder?.pid } },
      );
    }
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      started: new Date().toISOString(),
    };
    writeSync(fd, JSON.stringify(holder));
    closeSync(fd);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      },
    };
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(file, "utf8")) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.host === "string" ? h : null;
  } catch {
    return null; // being written, or not ours: treat as held
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A temporary folder beside `dir` (same file system, so its entries can be renamed into `dir`).
 *
 * @example
 * const stage = stageBuildFolder("build/iris"); // build/.iris.staging-XXXXXX
 */
export function stageBuildFolder(dir: string): { dir: string; remove: () => void } {
  const staged = mkdtempSync(join(dirname(dir), `.${basename(dir)}.staging-`));
  return { dir: staged, remove: () => rmSync(staged, { recursive: true, force: true }) };
}

/**
 * Moves a complete staged build into `outDir`: first removes the old manifest (so an
 * interrupted move leaves no manifest describing a mix), then replaces every entry the build
 * owns (removing owned entries this build did not produce) and every staged entry, and moves
 * the new manifest in last. Entries the build does not own (keys, proofs, deployments) stay.
 *
 * @example
 * commitStagedBuild({ staged, outDir, owned: ["ir.json", "quantized.json", "manifest.json"] });
 */
export function commitStagedBuild(p: {
  staged: string;
  outDir: string;
  owned: readonly string[];
  manifest?: string;
}): void {
  const manifest = p.manifest ?? "manifest.json";
  rmSync(join(p.outDir, manifest), { force: true });
  const entries = new Set([...p.owned, ...readdirSync(p.staged)]);
  entries.delete(manifest);
  for (const f of entries) {
    rmSync(join(p.outDir, f), { recursive: true, force: true });
    if (existsSync(join(p.staged, f))) renameSync(join(p.staged, f), join(p.outDir, f));
  }
  renameSync(join(p.staged, manifest), join(p.outDir, manifest));
}
