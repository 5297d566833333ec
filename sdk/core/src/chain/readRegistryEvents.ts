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

async function readEvents<E extends "PredictionVerified" | "ModelRegistered">(
  p: ReadRegistryEventsParameters,
  eventName: E,
) {
  const client = toChainClient(p.client);
  const logs = await getLogsSplitting(
    client,
    p.registry as Hex,
    p.fromBlock ?? 0n,
    p.toBlock ?? (await client.getBlockNumber()),
  );
  const out: (Record<string, unknown> & EventBase)[] = [];
  for (const log of logs) {
    try {
      const ev = decodeEventLog({
        abi: modelRegistryAbi,
        eventName,
        data: log.data,
        topics: log.topics as [Hex],
      });
      // viem's eventName only narrows types: check the decoded name.
      if (ev.eventName !== eventName) continue;
      const args = ev.args as Record<string, unknown>;
      if (p.modelId && (args.modelId as string).toLowerCase() !== p.modelId.toLowerCase()) continue;
      out.push({
        ...args,
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
  return (await readEvents(p, "PredictionVerified")).map((e) => ({
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
  return (await readEvents(p, "ModelRegistered")) as unknown as ModelRegistration[];
}
