import type { ChainClientLike, Hex } from "@zkml-verify/core/internal/chain/chainClient";
import { toChainClient } from "@zkml-verify/core/internal/chain/chainClient";
import {
  readModelRegistrations,
  readVerifiedPredictions,
} from "@zkml-verify/core/internal/chain/readRegistryEvents";
import { auditModel } from "./auditModel.ts";
import { auditPrediction } from "./auditPrediction.ts";
import { loadManifestDir } from "./loadManifestDir.ts";
import type { AuditReport } from "./types.ts";

export interface AuditRegistryParameters {
  /** Read-only is enough: ethers Provider/Signer, viem `{ publicClient }`, or a ChainClient. */
  client: ChainClientLike;
  registry: string;
  fromBlock?: bigint;
  toBlock?: bigint;
  /** Compiled model folders (manifest.json, verification_key.json, quantized.json). */
  manifests?: string[];
  onProgress?: (line: string) => void;
}

/**
 * Audits a registry's history: every ModelRegistered version against its manifest folder, and
 * every PredictionVerified event against its transaction's calldata and an off-chain
 * re-verification of its proof. Nothing is trusted from the chain that can be recomputed.
 *
 * @example
 * const report = await auditRegistry({ client: provider, registry, manifests: ["build/iris-mlp"] });
 * writeAuditReport({ report, outDir: "audit" });
 * process.exit(report.summary.ok ? 0 : 1);
 */
export async function auditRegistry(p: AuditRegistryParameters): Promise<AuditReport> {
  const client = toChainClient(p.client);
  const toBlock = p.toBlock ?? (await client.getBlockNumber());
  const fromBlock = p.fromBlock ?? 0n;
  const range = { client, registry: p.registry, fromBlock, toBlock };
  const manifests = (p.manifests ?? []).map((d) => loadManifestDir(d));
  const registrations = await readModelRegistrations(range);
  const events = await readVerifiedPredictions(range);
  p.onProgress?.(`${registrations.length} model version(s), ${events.length} prediction(s)`);
  const models = [];
  for (const registration of registrations) {
    models.push(await auditModel({ client, registry: p.registry, registration, manifests }));
  }
  const predictions = [];
  for (const ev of events) {
    const model = models.find(
      (m) => m.modelId.toLowerCase() === ev.modelId.toLowerCase() && m.version === ev.version,
    );
    const manifest = manifests.find((m) => m.dir === model?.manifest);
    predictions.push(
      await auditPrediction({ client, registry: p.registry, prediction: ev, manifest }),
    );
  }
  const all = [...models, ...predictions].flatMap((x) => x.checks);
  const count = (s: string) => all.filter((c) => c.status === s).length;
  return {
    registry: p.registry as Hex,
    chainId: await client.getChainId(),
    fromBlock,
    toBlock,
    generatedAt: new Date().toISOString(),
    models,
    predictions,
    summary: {
      models: models.length,
      predictions: predictions.length,
      checks: all.length,
      passed: count("pass"),
      failed: count("fail"),
      skipped: count("skip"),
      ok: count("fail") === 0,
    },
  };
}
