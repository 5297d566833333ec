import { copyFileSync, existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import type { VerificationKey } from "snarkjs";
import { SetupError } from "../errors.ts";
import type { SetupRecord } from "../manifest.ts";
import { snarkjsLogger } from "../util/snarkjsLogger.ts";
import { cacheDir } from "./cacheDir.ts";
import { ptauPowerFor, readCircuitSize } from "./circuitSize.ts";
import type { CircuitSize, ProofSystem } from "./circuitSize.ts";
import { ensurePtau } from "./ensurePtau.ts";
import type { EnsurePtauReturnType } from "./ensurePtau.ts";
import { exportSolidity } from "./exportSolidity.ts";
import { hashFile } from "./hashFile.ts";
import { setupGroth16 } from "./setupGroth16.ts";
import { stepLog } from "./stepLog.ts";
import type { StepRecord } from "./stepLog.ts";

export interface SetupCircuitParameters {
  r1cs: string;
  system: ProofSystem;
  /** Receives the zkey, verification key JSON and Solidity verifier. */
  outDir: string;
  /** External prepared ptau; default: the local single-party ceremony of the needed power. */
  ptau?: string;
  cache?: string;
  onProgress?: (line: string) => void;
}

export interface SetupCircuitReturnType {
  system: ProofSystem;
  size: CircuitSize;
  /** The ptau power this system needs for this circuit, and its evaluation domain. */
  neededPower: number;
  domainPower: number;
  ptau: Pick<EnsurePtauReturnType, "file" | "sha256" | "power" | "singleParty">;
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

/** File names in a model folder; Groth16 keeps the names the registry flow already uses. */
export function artifactNames(system: ProofSystem) {
  const tag = system === "groth16" ? "" : `.${system}`;
  return {
    zkey: `model${tag}.zkey`,
    verificationKey: `verification_key${tag}.json`,
    verifier: `Verifier.${system}.sol`,
  };
}

/**
 * Setup for one proof system: sizes the ptau for it (and says which power before starting),
 * gets the ptau (external, or the cached local ceremony), makes the zkey (Groth16: phase 2
 * with one dev contribution; PLONK and FFLONK: universal, no contribution), cached by the
 * content hashes of r1cs + ptau, then exports the verification key and Solidity verifier.
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
  let zkey: string;
  let cached: boolean;
  let ptau: EnsurePtauReturnType | SetupCircuitReturnType["ptau"];
  if (p.system === "groth16") {
    const g = await log.run("groth16 phase 2", () =>
      setupGroth16({
        r1cs: p.r1cs,
        constraints: size.constraints,
        nPublic: size.nPublic,
        outDir: p.outDir,
        ptau: p.ptau,
        cache: p.cache,
        onProgress: p.onProgress,
      }),
    );
    ({ zkey, cached, ptau } = g);
  } else {
    ptau = await log.run(`ptau of power ${power}`, () =>
      ensurePtau({ power, ptau: p.ptau, cache: p.cache, onProgress: p.onProgress }),
    );
    const key = `${p.system}-${hashFile({ file: p.r1cs }).slice(0, 24)}-${ptau.sha256.slice(0, 24)}`;
    const cachedFile = join(cacheDir("zkey", p.cache), `${key}.zkey`);
    cached = existsSync(cachedFile);
    if (!cached) {
      const tmp = `${cachedFile}.${process.pid}.tmp`;
      const ptauFile = ptau.file;
      try {
        await log.run(`${p.system} setup`, async () => {
          const setup = p.system === "plonk" ? snarkjs.plonk.setup : snarkjs.fflonk.setup;
          const r = await setup(p.r1cs, ptauFile, tmp, snarkjsLogger(p.onProgress));
          if (r === -1 || !existsSync(tmp)) {
            throw new SetupError(`snarkjs ${p.system} setup failed for ${p.r1cs}`, {
              details: { file: p.r1cs, needed: power },
            });
          }
        });
        renameSync(tmp, cachedFile);
      } finally {
        rmSync(tmp, { force: true });
      }
    } else {
      p.onProgress?.(`zkey from cache ${cachedFile}`);
    }
    zkey = join(p.outDir, names.zkey);
    copyFileSync(cachedFile, zkey);
  }
  const verificationKey = await snarkjs.zKey.exportVerificationKey(zkey);
  const verificationKeyFile = join(p.outDir, names.verificationKey);
  writeFileSync(verificationKeyFile, JSON.stringify(verificationKey, null, 2));
  const zkeySha256 = hashFile({ file: zkey });
  const verifierFile = join(p.outDir, names.verifier);
  await log.run("Solidity verifier", async () => {
    const { source } = await exportSolidity({ zkey, zkeySha256, system: p.system });
    writeFileSync(verifierFile, source);
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
    },
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
    singleParty: s.ptau.singleParty,
  };
}
