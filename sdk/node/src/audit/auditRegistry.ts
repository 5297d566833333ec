import { keccak256, toHex } from "viem";
import type { ChainClientLike, Hex } from "@zkml-verify/core/internal/chain/chainClient";
import { toChainClient } from "@zkml-verify/core/internal/chain/chainClient";
import {
  readGovernanceEvents,
  readModelRegistrations,
  readVerifiedPredictions,
} from "@zkml-verify/core/internal/chain/readRegistryEvents";
import type { GovernanceEvent } from "@zkml-verify/core/internal/chain/readRegistryEvents";
import { listDeployments } from "../model/deploymentRecord.ts";
import { auditModel } from "./auditModel.ts";
import { auditPrediction } from "./auditPrediction.ts";
import { loadManifestDir } from "./loadManifestDir.ts";
import { registryDeployBlock } from "./registryDeployBlock.ts";
import type {
  AuditedEvent,
  AuditedModel,
  AuditedPrediction,
  AuditReport,
  NotChecked,
} from "./types.ts";

export interface AuditRegistryParameters {
  /** Read-only is enough: ethers Provider/Signer, viem `{ publicClient }`, or a ChainClient. */
  client: ChainClientLike;
  registry: string;
  /** First block to scan (default: the registry's creation block, see `registryDeployBlock`). */
  fromBlock?: bigint;
  toBlock?: bigint;
  /** Compiled model folders (manifest.json, verification_key.json, quantized.json). */
  manifests?: string[];
  /** Anything not checked (skipped checks, manifests matching no version) is a finding. */
  strict?: boolean;
  onProgress?: (line: string) => void;
}

/** The registry's roles by hash (ModelRegistry: OpenZeppelin AccessControl). */
const ROLE_NAMES: Record<string, string> = Object.fromEntries(
  [
    [toHex(0n, { size: 32 }), "DEFAULT_ADMIN_ROLE"],
    ...["REGISTRAR_ROLE", "PAUSER_ROLE"].map((r) => [keccak256(toHex(r)), r]),
  ].map(([h, n]) => [h.toLowerCase(), n]),
);
const role = (h: unknown) => ROLE_NAMES[String(h).toLowerCase()] ?? `role ${String(h)}`;

/** One line per governance event, for a reader. */
function describeEvent(e: GovernanceEvent): string {
  const a = e.args;
  switch (e.eventName) {
    case "RoleGranted":
      return `${role(a.role)} granted to ${a.account} by ${a.sender}`;
    case "RoleRevoked":
      return `${role(a.role)} revoked from ${a.account} by ${a.sender}`;
    case "RoleAdminChanged":
      return `admin of ${role(a.role)} changed from ${role(a.previousAdminRole)} to ${role(a.newAdminRole)}`;
    case "Paused":
      return `submissions paused by ${a.account}`;
    case "Unpaused":
      return `submissions resumed by ${a.account}`;
    case "VersionDeprecated":
      return `model ${a.modelId} version ${a.version} deprecated`;
    case "ModelDeprecated":
      return `model ${a.modelId} deprecated`;
    case "BatchVerifierSet":
      return `batch verifier of model ${a.modelId} version ${a.version} set to ${a.batchVerifier}`;
  }
}

/**
 * Audits a registry's history: every ModelRegistered version against its manifest folder, and
 * every PredictionVerified event against its transaction's calldata and an off-chain
 * re-verification of its proof, with block timestamps, submitters, outputs decoded through the
 * manifest, and the role, pause and deprecation events. The scan starts at the registry's
 * creation block. Nothing is trusted from the chain that can be recomputed, and what could not
 * be checked is listed (`notChecked`); with `strict` it counts as a finding.
 *
 * @example
 * const report = await auditRegistry({ client: provider, registry, manifests: ["build/iris-mlp"] });
 * writeAuditReport({ report, outDir: "audit" });
 * process.exit(report.summary.ok ? 0 : 1);
 */
export async function auditRegistry(p: AuditRegistryParameters): Promise<AuditReport> {
  const client = toChainClient(p.client);
  const registry = p.registry as Hex;
  const chainId = await client.getChainId();
  const toBlock = p.toBlock ?? (await client.getBlockNumber());
  const manifests = (p.manifests ?? []).map((d) => loadManifestDir(d));
  const notChecked: NotChecked[] = [];
  let fromBlock = p.fromBlock;
  let fromBlockSource = "--from-block";
  if (fromBlock === undefined) {
    const recorded = manifests.flatMap((m) =>
      listDeployments(m.dir)
        .filter(
          (d) =>
            d.chainId === chainId &&
            d.registry?.blockNumber !== undefined &&
            d.registry.address.toLowerCase() === registry.toLowerCase(),
        )
        .map((d) => ({ blockNumber: BigInt(d.registry!.blockNumber!), file: d.file })),
    );
    const found = await registryDeployBlock({ client, registry, toBlock, recorded });
    fromBlock = found.blockNumber ?? 0n;
    fromBlockSource = found.blockNumber === null ? `genesis: ${found.source}` : found.source;
    if (found.blockNumber === null) {
      notChecked.push({ subject: "scan", check: "creation block", reason: found.source });
    }
  }
  const range = { client, registry, fromBlock, toBlock };
  p.onProgress?.(`scanning blocks ${fromBlock}-${toBlock} (from ${fromBlockSource})`);
  const [registrations, events, governance] = await Promise.all([
    readModelRegistrations(range),
    readVerifiedPredictions(range),
    readGovernanceEvents(range),
  ]);
  p.onProgress?.(
    `${registrations.length} model version(s), ${events.length} prediction(s), ${governance.length} governance event(s)`,
  );
  const times = new Map<bigint, Promise<number>>();
  const blockTimestamp = (n: bigint) => {
    if (!times.has(n)) times.set(n, client.getBlockTimestamp(n));
    return times.get(n)!;
  };
  const models: AuditedModel[] = [];
  for (const registration of registrations) {
    models.push(await auditModel({ client, registry, registration, manifests, blockTimestamp }));
  }
  const predictions: AuditedPrediction[] = [];
  for (const [i, ev] of events.entries()) {
    const model = models.find(
      (m) => m.modelId.toLowerCase() === ev.modelId.toLowerCase() && m.version === ev.version,
    );
    const manifest = manifests.find((m) => m.dir === model?.manifest);
    predictions.push(
      await auditPrediction({ client, registry, prediction: ev, manifest, blockTimestamp }),
    );
    if ((i + 1) % 10 === 0) p.onProgress?.(`${i + 1}/${events.length} predictions re-checked`);
  }
  const auditedEvents: AuditedEvent[] = [];
  for (const e of governance) {
    auditedEvents.push({
      ...e,
      blockTimestamp: await blockTimestamp(e.blockNumber),
      summary: describeEvent(e),
    });
  }
  const unmatched = manifests.filter((m) => !models.some((x) => x.manifest === m.dir));
  for (const m of unmatched) {
    notChecked.push({
      subject: `manifest ${m.dir}`,
      check: "manifest",
      reason: `matches no registered version (weight commitment ${m.manifest.weightCommitment})`,
    });
  }
  for (const m of models) {
    for (const c of m.checks.filter((c) => c.status === "skip")) {
      notChecked.push({
        subject: `model ${m.modelId} v${m.version}`,
        check: c.name,
        reason: c.detail,
      });
    }
  }
  for (const x of predictions) {
    for (const c of x.checks.filter((c) => c.status === "skip")) {
      notChecked.push({ subject: `prediction ${x.predictionId}`, check: c.name, reason: c.detail });
    }
  }
  const all = [...models, ...predictions].flatMap((x) => x.checks);
  const count = (s: string) => all.filter((c) => c.status === s).length;
  const strict = p.strict ?? false;
  const findings = count("fail") + (strict ? notChecked.length : 0);
  return {
    registry,
    chainId,
    fromBlock,
    toBlock,
    fromBlockSource,
    generatedAt: new Date().toISOString(),
    strict,
    models,
    predictions,
    events: auditedEvents,
    notChecked,
    summary: {
      models: models.length,
      predictions: predictions.length,
      checks: all.length,
      passed: count("pass"),
      failed: count("fail"),
      skipped: count("skip"),
      unmatchedManifests: unmatched.length,
      findings,
      ok: findings === 0,
    },
  };
}
