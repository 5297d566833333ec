import { existsSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import type { VerificationKey } from "snarkjs";
import { SetupError } from "@zkml-verify/core/internal/errors";
import type { SetupRecord, SetupTrust } from "@zkml-verify/core/internal/manifest";
import { snarkjsLogger } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { artifactNames } from "./artifactNames.ts";
import { writeFileAtomic } from "./cacheDir.ts";
import { checkGroth16KeyTrust } from "./checkGroth16KeyTrust.ts";
import { ptauPowerFor, readCircuitSize } from "./circuitSize.ts";
import type { CircuitSize } from "./circuitSize.ts";
import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";
import { ensurePtau } from "./ensurePtau.ts";
import type { EnsurePtauReturnType } from "./ensurePtau.ts";
import { exportSolidity } from "./exportSolidity.ts";
import { hashFile } from "./hashFile.ts";
import { setupGroth16 } from "./setupGroth16.ts";
import { setupTrust } from "./setupTrust.ts";
import { cachedZkey } from "./zkeyCache.ts";
import { stepLog } from "./stepLog.ts";
import type { StepRecord } from "./stepLog.ts";

export interface SetupCircuitParameters {
  r1cs: string;
  system: ProofSystem;
  /** Receives the zkey, verification key JSON and Solidity verifier. */
  outDir: string;
  /** External prepared ptau; default: the local single-party ceremony of the needed power. */
  ptau?: string;
  /** Groth16: a ceremony's phase-2 zkey to use instead of a local contribution (see setupGroth16). */
  zkey?: string;
  cache?: string;
  onProgress?: (line: string) => void;
}

export interface SetupCircuitReturnType {
  system: ProofSystem;
  size: CircuitSize;
  /** The ptau power this system needs for this circuit, and its evaluation domain. */
  neededPower: number;
  domainPower: number;
  ptau: Pick<
    EnsurePtauReturnType,
    "file" | "sha256" | "power" | "singleParty" | "source" | "contributions" | "lastContribution"
  >;
  /** The trust of both phases (ptau; Groth16 phase 2), recorded in the manifest. */
  trust: SetupTrust;
  zkey: string;
  zkeySha256: string;
  verificationKey: VerificationKey;
  verificationKeyFile: string;
  verificationKeySha256: string;
  verifierFile: string;
  verifierSha256: string;
  cached: boolean;
  ms: number;
  steps: StepRecord[];
}

/**
 * Setup for one proof system: sizes the ptau for it (and says which power before starting),
 * gets the ptau (external, or the cached local ceremony), makes the zkey (Groth16: phase 2
 * with one dev contribution, or a ceremony's `zkey`; PLONK and FFLONK: universal, no
 * contribution), cached by the content hashes of r1cs + ptau with a sidecar record checked
 * before reuse (`cachedZkey`), then exports the verification key and Solidity verifier
 * (atomically) and reads the trust of both phases (`trust`, recorded by `setupRecord`).
 *
 * @example
 * const s = await setupCircuit({ r1cs: "build/iris/model.r1cs", system: "plonk", outDir: "build/iris" });
 * console.log(s.neededPower, s.verifierFile);
 */
export async function setupCircuit(p: SetupCircuitParameters): Promise<SetupCircuitReturnType> {
  const start = performance.now();
  const log = stepLog(p.onProgress);
  const size = readCircuitSize({ r1cs: p.r1cs });
  const { power, domainPower } = ptauPowerFor({ system: p.system, size });
  p.onProgress?.(
    `${p.system}: ${size.constraints} constraints, ${size.nPublic} public signals` +
      (p.system === "groth16" ? "" : `, ${size.plonkGates} PLONK gates`) +
      ` -> domain 2^${domainPower}, needs a ptau of power ${power}`,
  );
  const names = artifactNames(p.system);
  const zkey = join(p.outDir, names.zkey);
  let cached: boolean;
  let ptau: SetupCircuitReturnType["ptau"];
  if (p.system === "groth16") {
    const g = await log.run("groth16 phase 2", () =>
      setupGroth16({
        r1cs: p.r1cs,
        constraints: size.constraints,
        nPublic: size.nPublic,
        outDir: p.outDir,
        ptau: p.ptau,
        zkey: p.zkey,
        cache: p.cache,
        onProgress: p.onProgress,
      }),
    );
    ({ cached, ptau } = g);
  } else {
    if (p.zkey) {
      throw new SetupError(`--zkey (a phase-2 ceremony key) is for groth16, not ${p.system}`, {
        details: { file: p.zkey },
      });
    }
    ptau = await log.run(`ptau of power ${power}`, () =>
      ensurePtau({ power, ptau: p.ptau, cache: p.cache, onProgress: p.onProgress }),
    );
    const ptauFile = ptau.file;
    ({ cached } = await cachedZkey({
      system: p.system,
      r1csSha256: hashFile({ file: p.r1cs }),
      ptauSha256: ptau.sha256,
      out: zkey,
      cache: p.cache,
      onProgress: p.onProgress,
      make: (tmp) =>
        log.run(`${p.system} setup`, async () => {
          const setup = p.system === "plonk" ? snarkjs.plonk.setup : snarkjs.fflonk.setup;
          const r = await setup(p.r1cs, ptauFile, tmp, snarkjsLogger(p.onProgress));
          if (r === -1 || !existsSync(tmp)) {
            throw new SetupError(`snarkjs ${p.system} setup failed for ${p.r1cs}`, {
              details: { file: p.r1cs, needed: power },
            });
          }
        }),
    }));
  }
  const verificationKey = await snarkjs.zKey.exportVerificationKey(zkey);
  checkGroth16KeyTrust({ verificationKey, zkey });
  const verificationKeyFile = join(p.outDir, names.verificationKey);
  writeFileAtomic({ file: verificationKeyFile, data: JSON.stringify(verificationKey, null, 2) });
  const zkeySha256 = hashFile({ file: zkey });
  const verifierFile = join(p.outDir, names.verifier);
  await log.run("Solidity verifier", async () => {
    const { source } = await exportSolidity({ zkey, zkeySha256, system: p.system });
    writeFileAtomic({ file: verifierFile, data: source });
  });
  return {
    system: p.system,
    size,
    neededPower: power,
    domainPower,
    ptau: {
      file: ptau.file,
      sha256: ptau.sha256,
      power: ptau.power,
      singleParty: ptau.singleParty,
      source: ptau.source,
      contributions: ptau.contributions,
      lastContribution: ptau.lastContribution,
    },
    trust: setupTrust({ system: p.system, zkey, ptau, local: !p.zkey }),
    zkey,
    zkeySha256,
    verificationKey,
    verificationKeyFile,
    verificationKeySha256: hashFile({ file: verificationKeyFile }),
    verifierFile,
    verifierSha256: hashFile({ file: verifierFile }),
    cached,
    ms: performance.now() - start,
    steps: log.steps,
  };
}

/**
 * The manifest's record of a setup (manifest.setups[system]; Groth16 also manifest.setup).
 *
 * @example
 * manifest.setups = { ...manifest.setups, plonk: setupRecord(await setupCircuit({ ... })) };
 */
export function setupRecord(s: SetupCircuitReturnType): SetupRecord {
  return {
    system: s.system,
    ptau: {
      sha256: s.ptau.sha256,
      power: s.ptau.power,
      neededPower: s.neededPower,
      file: s.ptau.file,
    },
    zkeySha256: s.zkeySha256,
    verificationKeySha256: s.verificationKeySha256,
    verifierSha256: s.verifierSha256,
    singleParty: s.trust.devOnly,
    ...(s.trust.phase2 ? { phase2Contributions: s.trust.phase2.contributions } : {}),
    trust: s.trust,
  };
}
