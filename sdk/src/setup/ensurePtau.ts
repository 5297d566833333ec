import { randomBytes } from "node:crypto";
import { existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { getCurveFromName } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { SetupError } from "../errors.ts";
import { sha256File } from "../util/sha256File.ts";
import { snarkjsLogger } from "../util/snarkjsLogger.ts";
import { cacheDir } from "./cacheDir.ts";

export interface EnsurePtauParameters {
  /** log2 of the number of points. */
  power: number;
  /** An external prepared ptau (e.g. from a public ceremony); used as is after a size check. */
  ptau?: string;
  cache?: string;
  onProgress?: (line: string) => void;
}

export interface EnsurePtauReturnType {
  file: string;
  sha256: string;
  power: number;
  /** true for the local development ceremony: one party knows the toxic waste. */
  singleParty: boolean;
  cached: boolean;
  ms: number;
}

/**
 * Returns a prepared powers-of-tau file of at least 2^power points: the external file when
 * given (checked for size), else a local single-party ceremony cached per power.
 *
 * @example
 * const { file } = await ensurePtau({ power: 12 });
 */
export async function ensurePtau(p: EnsurePtauParameters): Promise<EnsurePtauReturnType> {
  const start = performance.now();
  if (p.ptau) {
    const have = await ptauPower(p.ptau);
    if (have < p.power) {
      throw new SetupError(`${p.ptau} holds 2^${have} points; this circuit needs 2^${p.power}`, {
        details: { file: p.ptau, needed: p.power, have },
      });
    }
    return {
      file: p.ptau,
      sha256: sha256File(p.ptau),
      power: have,
      singleParty: false,
      cached: true,
      ms: 0,
    };
  }
  const dir = cacheDir("ptau", p.cache);
  const file = join(dir, `dev-bn128-${p.power}.ptau`);
  if (!existsSync(file)) {
    const logger = snarkjsLogger(p.onProgress);
    const tmp = (s: string) => join(dir, `tmp-${process.pid}-${s}.ptau`);
    const curve = await getCurveFromName("bn128");
    try {
      await snarkjs.powersOfTau.newAccumulator(curve, p.power, tmp("0"), logger);
      await snarkjs.powersOfTau.contribute(
        tmp("0"),
        tmp("1"),
        "zkml local dev",
        randomBytes(32).toString("hex"),
        logger,
      );
      await snarkjs.powersOfTau.preparePhase2(tmp("1"), tmp("2"), logger);
      renameSync(tmp("2"), file);
    } finally {
      for (const s of ["0", "1", "2"]) rmSync(tmp(s), { force: true });
    }
  } else {
    p.onProgress?.(`ptau 2^${p.power} from cache ${file}`);
  }
  return {
    file,
    sha256: sha256File(file),
    power: p.power,
    singleParty: true,
    cached: false,
    ms: performance.now() - start,
  };
}

/** The power recorded in a ptau file's header. */
export async function ptauPower(file: string): Promise<number> {
  const { openSync, readSync, closeSync } = await import("node:fs");
  const fd = openSync(file, "r");
  try {
    // Header: "ptau", version u32, nSections u32, then sections (type u32, size u64).
    // Section 1 holds n8 (u32), q (n8 bytes), power (u32), ceremonyPower (u32).
    const head = Buffer.alloc(12 + 12 + 4);
    readSync(fd, head, 0, head.length, 0);
    if (head.toString("ascii", 0, 4) !== "ptau") throw new Error("not a ptau file");
    const n8 = head.readUInt32LE(24);
    const pw = Buffer.alloc(4);
    readSync(fd, pw, 0, 4, 28 + n8);
    return pw.readUInt32LE(0);
  } catch (cause) {
    throw new SetupError(`${file} is not a readable ptau file`, { details: { file }, cause });
  } finally {
    closeSync(fd);
  }
}
