import { decodeEventLog } from "viem";
import type { ChainClient, ChainClientLike, ChainLog, Hex } from "./chainClient.ts";
import { toChainClient } from "./chainClient.ts";
import { modelRegistryAbi } from "./generated/ModelRegistry.ts";

export interface ReadRegistryEventsParameters {
  /** Any client; read-only is enough (ethers Provider, viem `{ publicClient }`). */
  client: ChainClientLike;
  registry: string;
  fromBlock?: bigint;
  toBlock?: bigint;
  /** Only this model (bytes32). */
  modelId?: string;
}

interface EventBase {
  txHash: Hex;
  blockNumber: bigint;
  logIndex: number;
}

export interface VerifiedPrediction extends EventBase {
  modelId: Hex;
  version: number;
  predictionId: Hex;
  inputCommitment: Hex;
  outputs: bigint[];
  submitter: Hex;
}

export interface ModelRegistration extends EventBase {
  modelId: Hex;
  version: number;
  weightCommitment: Hex;
  verifier: Hex;
  proofSystem: number;
  metadataURI: string;
}

/**
 * eth_getLogs over a block range; public RPC nodes cap the range or the result size, so a
 * failed request is retried as two halves (down to single blocks).
 */
async function getLogsSplitting(
  client: ChainClient,
  address: Hex,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<ChainLog[]> {
  try {
    return await client.getLogs({ address, fromBlock, toBlock });
  } catch (error) {
    if (toBlock <= fromBlock) throw error;
    const mid = (fromBlock + toBlock) / 2n;
    return [
      ...(await getLogsSplitting(client, address, fromBlock, mid)),
      ...(await getLogsSplitting(client, address, mid + 1n, toBlock)),
    ];
  }
}

async function readEvents(p: ReadRegistryEventsParameters, eventNames: readonly string[]) {
  const client = toChainClient(p.client);
  const logs = await getLogsSplitting(
    client,
    p.registry as Hex,
    p.fromBlock ?? 0n,
    p.toBlock ?? (await client.getBlockNumber()),
  );
  const out: (Record<string, unknown> & EventBase & { eventName: string })[] = [];
  for (const log of logs) {
    try {
      const ev = decodeEventLog({
        abi: modelRegistryAbi,
        data: log.data,
        topics: log.topics as [Hex],
      });
      if (!eventNames.includes(ev.eventName)) continue;
      const args = ev.args as Record<string, unknown>;
      const modelId = args.modelId as string | undefined;
      if (p.modelId && modelId?.toLowerCase() !== p.modelId.toLowerCase()) continue;
      out.push({
        ...args,
        eventName: ev.eventName,
        txHash: log.transactionHash,
        blockNumber: log.blockNumber,
        logIndex: log.logIndex,
      });
    } catch {
      // another event
    }
  }
  return out;
}

/**
 * Reads the registry's PredictionVerified events (oldest first).
 *
 * @example
 * const predictions = await readVerifiedPredictions({ client: provider, registry, modelId });
 * for (const p of predictions) console.log(p.predictionId, p.outputs);
 */
export async function readVerifiedPredictions(
  p: ReadRegistryEventsParameters,
): Promise<VerifiedPrediction[]> {
  return (await readEvents(p, ["PredictionVerified"])).map(({ eventName: _, ...e }) => ({
    ...(e as unknown as VerifiedPrediction),
    outputs: [...(e.outputs as readonly bigint[])],
  }));
}

/**
 * Reads the registry's ModelRegistered events (oldest first).
 *
 * @example
 * const models = await readModelRegistrations({ client: provider, registry });
 */
export async function readModelRegistrations(
  p: ReadRegistryEventsParameters,
): Promise<ModelRegistration[]> {
  return (await readEvents(p, ["ModelRegistered"])).map(
    ({ eventName: _, ...e }) => e,
  ) as unknown as ModelRegistration[];
}

/** The registry's events that change who may do what, or what is accepted. */
export const GOVERNANCE_EVENTS = [
  "RoleGranted",
  "RoleRevoked",
  "RoleAdminChanged",
  "Paused",
  "Unpaused",
  "VersionDeprecated",
  "ModelDeprecated",
  "BatchVerifierSet",
] as const;

export interface GovernanceEvent extends EventBase {
  eventName: (typeof GOVERNANCE_EVENTS)[number];
  /** The event's arguments as decoded (bytes32 and addresses as hex, numbers as bigint). */
  args: Record<string, unknown>;
}

/**
 * Reads the registry's governance events (oldest first): role grants, revocations and admin
 * changes (OpenZeppelin AccessControl), pauses (Pausable), deprecations and batch verifiers.
 * With `modelId`, only that model's deprecations and batch verifiers (role and pause events
 * name no model).
 *
 * @example
 * const events = await readGovernanceEvents({ client: provider, registry });
 * for (const e of events) console.log(e.blockNumber, e.eventName, e.args);
 */
export async function readGovernanceEvents(
  p: ReadRegistryEventsParameters,
): Promise<GovernanceEvent[]> {
  return (await readEvents(p, GOVERNANCE_EVENTS)).map(
    ({ eventName, txHash, blockNumber, logIndex, ...args }) => ({
      eventName: eventName as GovernanceEvent["eventName"],
      txHash,
      blockNumber,
      logIndex,
      args,
    }),
  );
}
