import type { Hex } from "@zkml-verify/core/internal/chain/chainClient";

/** One check the auditor did: pass, fail (a finding), or skip (nothing to check it against). */
export interface AuditCheck {
  name: string;
  status: "pass" | "fail" | "skip";
  detail: string;
}

export interface AuditedModel {
  modelId: Hex;
  version: number;
  weightCommitment: Hex;
  /** The IProofVerifier the registry calls. */
  verifier: Hex;
  proofSystem: number;
  metadataURI: string;
  txHash: Hex;
  blockNumber: bigint;
  /** The manifest folder matched to this version, if any. */
  manifest: string | null;
  checks: AuditCheck[];
  ok: boolean;
}

export interface AuditedPrediction {
  predictionId: Hex;
  modelId: Hex;
  version: number;
  submitter: Hex;
  txHash: Hex;
  blockNumber: bigint;
  /** The outputs from the event, as field elements. */
  outputs: bigint[];
  /** The verifier of the model version (from its registration). */
  verifier: Hex | null;
  manifest: string | null;
  checks: AuditCheck[];
  ok: boolean;
}

export interface AuditReport {
  registry: Hex;
  chainId: number;
  fromBlock: bigint;
  toBlock: bigint;
  generatedAt: string;
  models: AuditedModel[];
  predictions: AuditedPrediction[];
  summary: {
    models: number;
    predictions: number;
    checks: number;
    passed: number;
    failed: number;
    skipped: number;
    /** True when no check failed. */
    ok: boolean;
  };
}

/** Runs a check, turning a thrown error into a failed check. */
export async function runCheck(
  checks: AuditCheck[],
  name: string,
  f: () => Promise<[AuditCheck["status"], string]> | [AuditCheck["status"], string],
): Promise<void> {
  try {
    const [status, detail] = await f();
    checks.push({ name, status, detail });
  } catch (e) {
    checks.push({ name, status: "fail", detail: (e as Error).message.split("\n")[0] });
  }
}

export const allPass = (checks: AuditCheck[]) => checks.every((c) => c.status !== "fail");
