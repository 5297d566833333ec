import type { Hex } from "@zkml-verify/core/internal/chain/chainClient";
import type { GovernanceEvent } from "@zkml-verify/core/internal/chain/readRegistryEvents";

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
  /** The block's timestamp (seconds since the Unix epoch). */
  blockTimestamp: number;
  /** The account that sent the registration (holder of REGISTRAR_ROLE then). */
  registrar: Hex | null;
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
  /** The block's timestamp (seconds since the Unix epoch). */
  blockTimestamp: number;
  /** The outputs from the event, as field elements. */
  outputs: bigint[];
  /** The outputs read through the matched manifest's scale (null: no manifest matched). */
  decoded: DecodedOutputs | null;
  /** The verifier of the model version (from its registration). */
  verifier: Hex | null;
  manifest: string | null;
  checks: AuditCheck[];
  ok: boolean;
}

/**
 * A prediction's outputs as the model's manifest reads them: logits dequantized at
 * 2^outputFrac and their argmax, an argmax circuit's class index, or, for hashed outputs, only
 * the commitment (the values are not on chain).
 */
export interface DecodedOutputs {
  kind: "logits" | "argmax" | "hashed";
  /** Fractional bits of the raw outputs (the manifest's `quantization.outputFrac`). */
  outputFrac: number;
  /** Signed fixed-point integers (field elements above (p-1)/2 are negative). */
  raw: bigint[];
  /** In float units (logits; the class index for argmax; empty when hashed). */
  values: number[];
  /** The predicted class: the index of the largest logit, or the argmax output (null: hashed). */
  predictedClass: number | null;
}

/** A governance event with its block's timestamp. */
export interface AuditedEvent extends GovernanceEvent {
  blockTimestamp: number;
  /** One line for a reader (role names instead of hashes). */
  summary: string;
}

/** Something the audit could not check, and why. */
export interface NotChecked {
  /** What it is about: `model <id> v<n>`, `prediction <id>`, `manifest <dir>`, `scan`. */
  subject: string;
  check: string;
  reason: string;
}

export interface AuditReport {
  registry: Hex;
  chainId: number;
  fromBlock: bigint;
  toBlock: bigint;
  /** How the first block was chosen: the option, the registry's deploy block, or genesis. */
  fromBlockSource: string;
  generatedAt: string;
  /** `--strict`: anything not checked (skipped checks, unmatched manifests) is a finding. */
  strict: boolean;
  models: AuditedModel[];
  predictions: AuditedPrediction[];
  /** Role grants and revocations, pauses, deprecations, batch verifiers (oldest first). */
  events: AuditedEvent[];
  /** Every skipped check, and every manifest folder given that matched no registered version. */
  notChecked: NotChecked[];
  summary: {
    models: number;
    predictions: number;
    checks: number;
    passed: number;
    failed: number;
    skipped: number;
    /** Manifest folders given that matched no registered version. */
    unmatchedManifests: number;
    /** Findings: failed checks, plus under `strict` the skipped checks and unmatched manifests. */
    findings: number;
    /** True when there is no finding. */
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
