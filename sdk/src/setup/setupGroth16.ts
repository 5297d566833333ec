import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import type { VerificationKey } from "snarkjs";
import { sha256File } from "../util/sha256File.ts";
import { snarkjsLogger } from "../util/snarkjsLogger.ts";
import { cacheDir } from "./cacheDir.ts";
import { ensurePtau } from "./ensurePtau.ts";

export interface SetupGroth16Parameters {
  r1cs: string;
  /** Constraints + public signals of the circuit: sizes the ptau. */
  constraints: number;
  nPublic: number;
  /** Folder that receives model.zkey and verification_key.json. */
  outDir: string;
  /** External prepared ptau; default: the local development ceremony. */
  ptau?: string;
  cache?: string;
  onProgress?: (line: string) => void;
}

export interface SetupGroth16ReturnType {
  zkey: string;
  verificationKey: VerificationKey;
  verificationKeyFile: string;
  ptau: { file: string; sha256: string; power: number; singleParty: boolean };
  zkeySha256: string;
  cached: boolean;
  ms: number;
}

/** The smallest ptau power snarkjs's Groth16 setup accepts for a circuit. */
export function groth16PtauPower(constraints: number, nPublic: number): number {
  return Math.max(8, Math.ceil(Math.log2(constraints + nPublic + 1)));
}

/**
 * Groth16 setup: phase 2 from a prepared ptau plus one random contribution. Cached by the
 * content hashes of the r1cs and the ptau, so a second run of the same circuit is instant.
 *
 * @example
 * const { zkey, verificationKey } = await setupGroth16({ r1cs, constraints, nPublic, outDir });
 */
export async function setupGroth16(p: SetupGroth16Parameters): Promise<SetupGroth16ReturnType> {
  const start = performance.now();
  const power = groth16PtauPower(p.constraints, p.nPublic);
  p.onProgress?.(`Groth16 needs a ptau of 2^${power} points`);
  const ptau = await ensurePtau({ power, ptau: p.ptau, cache: p.cache, onProgress: p.onProgress });
  const key = `${sha256File(p.r1cs).slice(0, 24)}-${ptau.sha256.slice(0, 24)}`;
  const cached = join(cacheDir("zkey", p.cache), `${key}.zkey`);
  const hit = existsSync(cached);
  if (!hit) {
    const logger = snarkjsLogger(p.onProgress);
    const tmp0 = `${cached}.${process.pid}.0`;
    const tmp1 = `${cached}.${process.pid}.1`;
    await snarkjs.zKey.newZKey(p.r1cs, ptau.file, tmp0, logger);
    await snarkjs.zKey.contribute(
      tmp0,
      tmp1,
      "zkml local dev phase 2",
      randomBytes(32).toString("hex"),
      logger,
    );
    renameSync(tmp1, cached);
    const { rmSync } = await import("node:fs");
    rmSync(tmp0, { force: true });
  } else {
    p.onProgress?.(`zkey from cache ${cached}`);
  }
  const zkey = join(p.outDir, "model.zkey");
  copyFileSync(cached, zkey);
  const verificationKey = await snarkjs.zKey.exportVerificationKey(zkey);
  const verificationKeyFile = join(p.outDir, "verification_key.json");
  writeFileSync(verificationKeyFile, JSON.stringify(verificationKey, null, 2));
  return {
    zkey,
    verificationKey,
    verificationKeyFile,
    ptau: {
      file: ptau.file,
      sha256: ptau.sha256,
      power: ptau.power,
      singleParty: ptau.singleParty,
    },
    zkeySha256: sha256File(zkey),
    cached: hit,
    ms: performance.now() - start,
  };
}
