import { SetupError } from "@zkml-verify/core/internal/errors";
import { createPtau, SINGLE_PARTY_NAME } from "./createPtau.ts";
import type { StepRecord } from "./stepLog.ts";
import { hashFile } from "./hashFile.ts";
import { readPtauInfo } from "./readPtauInfo.ts";

export interface EnsurePtauParameters {
  /** log2 of the number of points the circuit needs. */
  power: number;
  /** An external prepared ptau (e.g. from a public ceremony); used as is after a size check. */
  ptau?: string;
  cache?: string;
  onProgress?: (line: string) => void;
}

export interface EnsurePtauReturnType {
  file: string;
  sha256: string;
  /** The power the file holds (>= the power asked for). */
  power: number;
  /** true for the local development ceremony: one party knew the toxic waste. */
  singleParty: boolean;
  /** local: zkml's single-party ceremony (createPtau); external: the file given. */
  source: "local" | "external";
  /** Contributions recorded in the file, and the last one's name. */
  contributions: number;
  lastContribution?: string;
  cached: boolean;
  ms: number;
  steps: StepRecord[];
}

/**
 * Returns a prepared powers-of-tau file of at least 2^power points: the external file when
 * given (checked: a prepared ptau, large enough), else a local single-party ceremony
 * (`createPtau`) cached per power.
 *
 * @example
 * const { file } = await ensurePtau({ power: 12 });
 */
export async function ensurePtau(p: EnsurePtauParameters): Promise<EnsurePtauReturnType> {
  const start = performance.now();
  if (!p.ptau) {
    const r = await createPtau({ power: p.power, cache: p.cache, onProgress: p.onProgress });
    return {
      ...r,
      source: "local",
      contributions: 1,
      lastContribution: SINGLE_PARTY_NAME,
      ms: performance.now() - start,
    };
  }
  const info = readPtauInfo({ file: p.ptau });
  if (info.power < p.power) {
    throw new SetupError(
      `${p.ptau} holds 2^${info.power} points; this circuit needs a ptau of power ${p.power} (2^${p.power} points) or more`,
      { details: { file: p.ptau, needed: p.power, have: info.power } },
    );
  }
  if (!info.prepared) {
    throw new SetupError(
      `${p.ptau} is not prepared for phase 2; run \`snarkjs powersoftau prepare phase2\` on it first`,
      { details: { file: p.ptau, needed: p.power, have: info.power } },
    );
  }
  p.onProgress?.(
    `external ptau ${p.ptau}: 2^${info.power} points, ${info.contributions} contributions`,
  );
  return {
    file: p.ptau,
    sha256: hashFile({ file: p.ptau }),
    power: info.power,
    singleParty: info.contributions <= 1 || info.lastContribution === SINGLE_PARTY_NAME,
    source: "external",
    contributions: info.contributions,
    lastContribution: info.lastContribution,
    cached: true,
    ms: performance.now() - start,
    steps: [],
  };
}

/** The power recorded in a ptau file's header. */
export async function ptauPower(file: string): Promise<number> {
  return readPtauInfo({ file }).power;
}
