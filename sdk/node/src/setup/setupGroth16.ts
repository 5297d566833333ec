import { join } from "node:path";
import * as snarkjs from "snarkjs";
import type { VerificationKey } from "snarkjs";
import { SetupError } from "@zkml-verify/core/internal/errors";
import type { SetupTrust } from "@zkml-verify/core/internal/manifest";
import { copyFileAtomic, writeFileAtomic } from "./cacheDir.ts";
import { verifyPhase2 } from "./ceremony.ts";
import { checkGroth16KeyTrust } from "./checkGroth16KeyTrust.ts";
import { ensurePtau } from "./ensurePtau.ts";
import type { EnsurePtauReturnType } from "./ensurePtau.ts";
import { hashFile } from "./hashFile.ts";
import { newGroth16Zkey } from "./newGroth16Zkey.ts";
import { PHASE2_DEV_NAME, setupTrust } from "./setupTrust.ts";
import { cachedZkey } from "./zkeyCache.ts";

export interface SetupGroth16Parameters {
  r1cs: string;
  /** Constraints + public signals of the circuit: sizes the ptau. */
  constraints: number;
  nPublic: number;
  /** Folder that receives model.zkey and verification_key.json. */
  outDir: string;
  /** External prepared ptau; default: the local development ceremony. */
  ptau?: string;
  /**
   * A phase-2 zkey from a ceremony (`zkml ceremony contribute|beacon`) to use instead of a
   * local contribution: checked against the r1cs and the ptau (snarkjs verifyFromR1cs) and for
   * at least one contribution. Never cached.
   */
  zkey?: string;
  cache?: string;
  onProgress?: (line: string) => void;
}

export interface SetupGroth16ReturnType {
  zkey: string;
  verificationKey: VerificationKey;
  verificationKeyFile: string;
  verificationKeySha256: string;
  ptau: Pick<
    EnsurePtauReturnType,
    "file" | "sha256" | "power" | "singleParty" | "source" | "contributions" | "lastContribution"
  >;
  zkeySha256: string;
  /** The trust of both phases (manifest `setup.trust`). */
  trust: SetupTrust;
  cached: boolean;
  ms: number;
}

/** The smallest ptau power snarkjs's Groth16 setup accepts for a circuit. */
export function groth16PtauPower(constraints: number, nPublic: number): number {
  return Math.max(8, Math.ceil(Math.log2(constraints + nPublic + 1)));
}

/**
 * Groth16 setup: phase 2 from a prepared ptau (newGroth16Zkey: snarkjs `zkey new`'s bytes,
 * faster) with one random local contribution made while the key is written (snarkjs
 * `zkey contribute`'s record, phase2Contribution.ts; development only),
 * or a ceremony's zkey (`zkey`). The local key is cached by the content hashes of the
 * r1cs and the ptau, with a sidecar record checked before reuse (`cachedZkey`). A key without
 * a phase-2 contribution is never produced nor reused (`checkGroth16KeyTrust`).
 *
 * @example
 * const { zkey, verificationKey, trust } = await setupGroth16({ r1cs, constraints, nPublic, outDir });
 */
export async function setupGroth16(p: SetupGroth16Parameters): Promise<SetupGroth16ReturnType> {
  const start = performance.now();
  const power = groth16PtauPower(p.constraints, p.nPublic);
  p.onProgress?.(`Groth16 needs a ptau of 2^${power} points`);
  const ptau = await ensurePtau({ power, ptau: p.ptau, cache: p.cache, onProgress: p.onProgress });
  const zkey = join(p.outDir, "model.zkey");
  let cached = false;
  if (p.zkey) {
    await importZkey({ ...p, zkey: p.zkey, ptauFile: ptau.file, out: zkey });
  } else {
    ({ cached } = await cachedZkey({
      system: "groth16",
      r1csSha256: hashFile({ file: p.r1cs }),
      ptauSha256: ptau.sha256,
      out: zkey,
      cache: p.cache,
      onProgress: p.onProgress,
      accept: (file) => checkGroth16KeyTrust({ zkey: file }),
      make: async (out) => {
        const { contributionHash } = await newGroth16Zkey({
          r1cs: p.r1cs,
          ptau: ptau.file,
          zkey: out,
          contributor: PHASE2_DEV_NAME,
          onProgress: p.onProgress,
        });
        const hash = Buffer.from(contributionHash!).toString("hex");
        p.onProgress?.(`phase-2 contribution "${PHASE2_DEV_NAME}": hash ${hash}`);
      },
    }));
  }
  const verificationKey = await snarkjs.zKey.exportVerificationKey(zkey);
  checkGroth16KeyTrust({ verificationKey, zkey });
  const verificationKeyFile = join(p.outDir, "verification_key.json");
  writeFileAtomic({ file: verificationKeyFile, data: JSON.stringify(verificationKey, null, 2) });
  const ptauRecord = {
    file: ptau.file,
    sha256: ptau.sha256,
    power: ptau.power,
    singleParty: ptau.singleParty,
    source: ptau.source,
    contributions: ptau.contributions,
    lastContribution: ptau.lastContribution,
  };
  return {
    zkey,
    verificationKey,
    verificationKeyFile,
    verificationKeySha256: hashFile({ file: verificationKeyFile }),
    ptau: ptauRecord,
    zkeySha256: hashFile({ file: zkey }),
    trust: setupTrust({ system: "groth16", zkey, ptau: ptauRecord, local: !p.zkey }),
    cached,
    ms: performance.now() - start,
  };
}

/** A ceremony's zkey: made from this r1cs and ptau, with at least one contribution. */
async function importZkey(p: {
  r1cs: string;
  zkey: string;
  ptauFile: string;
  out: string;
  onProgress?: (line: string) => void;
}): Promise<void> {
  checkGroth16KeyTrust({ zkey: p.zkey });
  const v = await verifyPhase2({ r1cs: p.r1cs, ptau: p.ptauFile, zkey: p.zkey });
  if (!v.valid) {
    throw new SetupError(
      `${p.zkey} is not a phase-2 key of ${p.r1cs} with ${p.ptauFile} (snarkjs verifyFromR1cs rejected it); pass the ceremony's ptau with --ptau`,
      { details: { file: p.zkey } },
    );
  }
  p.onProgress?.(`ceremony zkey ${p.zkey}: ${v.contributions.length} contribution(s) verified`);
  copyFileAtomic({ from: p.zkey, to: p.out });
}
