import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheDir, copyFileAtomic, tmpFileFor, writeFileAtomic } from "./cacheDir.ts";
import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";
import { hashFile } from "./hashFile.ts";

/** The sidecar `<key>.zkey.json` beside every cached zkey: what it was made from. */
export interface ZkeyCacheRecord {
  system: ProofSystem;
  r1csSha256: string;
  ptauSha256: string;
  zkeySha256: string;
  createdAt: string;
}

export interface CachedZkeyParameters {
  system: ProofSystem;
  r1csSha256: string;
  ptauSha256: string;
  /** Receives a copy of the zkey (written atomically). */
  out: string;
  /** Writes a new zkey to the given temporary path. */
  make: (tmp: string) => Promise<void>;
  /** Throws if a zkey (new or cached) must not be used; a cached one is then rebuilt. */
  accept?: (zkey: string) => void;
  cache?: string;
  onProgress?: (line: string) => void;
}

/**
 * A zkey cached by the content hashes of its r1cs and ptau and its proof system. A cached
 * file is reused only when its sidecar record names the same system, r1cs and ptau hashes
 * and the file's own sha256 still equals the recorded one (and `accept` takes it); otherwise
 * it is rebuilt. New zkeys are written to a temporary file and renamed, so a killed run
 * leaves no partial zkey (only a temporary file, removed by the next run).
 *
 * @example
 * const { cached, zkeySha256 } = await cachedZkey({ system: "plonk", r1csSha256, ptauSha256, out, make });
 */
export async function cachedZkey(
  p: CachedZkeyParameters,
): Promise<{ cached: boolean; zkeySha256: string; cacheFile: string }> {
  const key = `${p.system}-${p.r1csSha256.slice(0, 32)}-${p.ptauSha256.slice(0, 32)}`;
  const dir = cacheDir("zkey", p.cache);
  const file = join(dir, `${key}.zkey`);
  const sidecar = `${file}.json`;
  const why = reusable(p, file, sidecar);
  if (why === "ok") {
    try {
      p.accept?.(file);
      copyFileAtomic({ from: file, to: p.out });
      p.onProgress?.(`zkey from cache ${file}`);
      return { cached: true, zkeySha256: hashFile({ file: p.out }), cacheFile: file };
    } catch (e) {
      p.onProgress?.(`cached zkey ${file} refused (${(e as Error).message}); rebuilding`);
    }
  } else if (why !== "absent") {
    p.onProgress?.(`cached zkey ${file} not reused (${why}); rebuilding`);
  }
  const tmp = tmpFileFor(file);
  try {
    await p.make(tmp);
    p.accept?.(tmp);
    const zkeySha256 = hashFile({ file: tmp });
    copyFileAtomic({ from: tmp, to: p.out });
    rmSync(sidecar, { force: true });
    renameSync(tmp, file);
    const record: ZkeyCacheRecord = {
      system: p.system,
      r1csSha256: p.r1csSha256,
      ptauSha256: p.ptauSha256,
      zkeySha256,
      createdAt: new Date().toISOString(),
    };
    writeFileAtomic({ file: sidecar, data: JSON.stringify(record, null, 2) + "\n" });
    return { cached: false, zkeySha256, cacheFile: file };
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** "ok", "absent", or why the cached file cannot be reused. */
function reusable(p: CachedZkeyParameters, file: string, sidecar: string): string {
  if (!existsSync(file)) return "absent";
  const r = readRecord(sidecar);
  if (!r) return "no sidecar record";
  if (r.system !== p.system || r.r1csSha256 !== p.r1csSha256 || r.ptauSha256 !== p.ptauSha256)
    return "its record names another system, r1cs or ptau";
  const actual = hashFile({ file });
  if (actual !== r.zkeySha256) return `sha256 ${actual} != recorded ${r.zkeySha256}`;
  return "ok";
}

function readRecord(sidecar: string): ZkeyCacheRecord | undefined {
  try {
    return JSON.parse(readFileSync(sidecar, "utf8")) as ZkeyCacheRecord;
  } catch {
    return undefined;
  }
}
