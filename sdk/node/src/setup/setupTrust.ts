import { existsSync } from "node:fs";
import type { SetupRecord, SetupTrust } from "@zkml-verify/core/internal/manifest";
import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";
import { SINGLE_PARTY_NAME } from "./createPtau.ts";
import { hashFile } from "./hashFile.ts";
import { readPtauInfo } from "./readPtauInfo.ts";
import { readZkeyInfo } from "./readZkeyInfo.ts";

/** The name of the one phase-2 contribution `zkml setup` makes locally (development only). */
export const PHASE2_DEV_NAME = "zkml local dev phase 2";

export interface SetupTrustParameters {
  system: ProofSystem;
  /** The zkey (Groth16: its phase-2 contributions are read). */
  zkey: string;
  ptau: {
    sha256: string;
    source: "local" | "external";
    contributions: number;
    lastContribution?: string;
    singleParty: boolean;
  };
  /** The phase-2 key was made by `zkml setup` here (not imported from a ceremony). */
  local: boolean;
}

/**
 * The trust of both phases of a setup, for the manifest: the ptau's origin and contributions
 * and (Groth16) the zkey's phase-2 contributions, read from the file. A phase with fewer than
 * two secret-holding parties is single-party; either one makes the setup development only.
 *
 * @example
 * const trust = setupTrust({ system: "groth16", zkey, ptau, local: true });
 * if (trust.devOnly) console.log("development only");
 */
export function setupTrust(p: SetupTrustParameters): SetupTrust {
  const ptau = {
    source: p.ptau.source,
    sha256: p.ptau.sha256,
    contributions: p.ptau.contributions,
    ...(p.ptau.lastContribution === undefined ? {} : { lastContribution: p.ptau.lastContribution }),
    singleParty: p.ptau.singleParty,
  };
  let phase2: SetupTrust["phase2"] = null;
  if (p.system === "groth16") {
    const { contributions } = readZkeyInfo({ zkey: p.zkey });
    const parties = contributions.filter((c) => !c.beacon).length;
    phase2 = {
      contributions: contributions.length,
      names: contributions.map((c) => c.name),
      beacon: contributions.at(-1)?.beacon ?? false,
      local: p.local,
      singleParty: parties < 2,
    };
  }
  return { ptau, phase2, devOnly: ptau.singleParty || (phase2?.singleParty ?? false) };
}

/**
 * Why a recorded setup is development only (empty: it is not). A record written before
 * `trust` existed counts as single-party: its Groth16 phase 2 was one local contribution.
 *
 * @example
 * const reasons = devSetupReasons({ record: manifest.setups.groth16 });
 */
export function devSetupReasons(p: { record: SetupRecord; trust?: SetupTrust }): string[] {
  const t = p.trust ?? p.record.trust;
  if (!t) {
    const reasons = [];
    if (p.record.singleParty) reasons.push("single-party ptau");
    if (p.record.system === "groth16")
      reasons.push("phase 2 recorded before setup trust was (one local contribution)");
    return reasons;
  }
  const reasons: string[] = [];
  if (t.ptau.singleParty)
    reasons.push(
      t.ptau.source === "local"
        ? "ptau from the local single-party dev ceremony"
        : `single-party ptau (${t.ptau.contributions} contribution(s))`,
    );
  if (t.phase2?.singleParty)
    reasons.push(
      `phase 2 has ${t.phase2.contributions} contribution(s)${t.phase2.local ? ", made locally by zkml setup" : ""}: fewer than two parties`,
    );
  return reasons;
}

/**
 * The trust of a recorded setup recomputed from the files: the phase 2 from the zkey, the
 * ptau from the recorded file when it is still there with the recorded hash (else as
 * recorded). What `deploy` / `register` decide on, so an edited manifest cannot claim more.
 *
 * @example
 * const trust = recomputeSetupTrust({ record, zkey: "build/iris/model.zkey" });
 */
export function recomputeSetupTrust(p: {
  record: SetupRecord;
  zkey: string;
  /** Where the ptau is, when not at the recorded path (used only if its hash is the recorded one). */
  ptauFile?: string;
}): SetupTrust {
  const r = p.record;
  const ptauFile = p.ptauFile ?? r.ptau.file;
  let ptau: SetupTrustParameters["ptau"] = r.trust?.ptau ?? {
    sha256: r.ptau.sha256,
    source: "local",
    contributions: 1,
    singleParty: r.singleParty,
  };
  if (ptauFile && existsSync(ptauFile) && hashFile({ file: ptauFile }) === r.ptau.sha256) {
    const info = readPtauInfo({ file: ptauFile });
    const local = info.lastContribution === SINGLE_PARTY_NAME;
    ptau = {
      sha256: r.ptau.sha256,
      source: r.trust?.ptau.source ?? (local ? "local" : "external"),
      contributions: info.contributions,
      lastContribution: info.lastContribution,
      singleParty: info.contributions <= 1 || local,
    };
  }
  return setupTrust({
    system: r.system,
    zkey: p.zkey,
    ptau,
    local: r.trust?.phase2?.local ?? true,
  });
}
