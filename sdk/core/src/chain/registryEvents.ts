import { decodeEventLog } from "viem";
import type { ChainReceipt, Hex } from "./chainClient.ts";
import { modelRegistryAbi } from "./generated/ModelRegistry.ts";

/** The fields of a `PredictionVerified` event that the submit functions return. */
export interface PredictionVerifiedArgs {
  predictionId: Hex;
  version: number;
  inputCommitment: Hex;
  /** The output values, or the one output commitment (layout `outputKind` 1). */
  outputs: bigint[];
}

export interface RegistryEventsParameters {
  receipt: ChainReceipt;
  /** An event of `IModelRegistry`, e.g. `PredictionVerified` or `ModelRegistered`. */
  eventName: string;
}

/**
 * The decoded arguments of every `eventName` log in a receipt, in log order; logs of other
 * events or contracts are skipped. The one place where the SDK's send-and-parse functions
 * (`registerModel`, `submitPrediction`, `batchSubmitPredictions`) read the registry's events.
 *
 * @example
 * const [registered] = registryEvents<{ version: number }>({ receipt, eventName: "ModelRegistered" });
 */
export function registryEvents<T = Record<string, unknown>>(p: RegistryEventsParameters): T[] {
  const out: T[] = [];
  for (const log of p.receipt.logs) {
    try {
      const ev = decodeEventLog({
        abi: modelRegistryAbi,
        data: log.data,
        topics: log.topics as [Hex],
      });
      if (ev.eventName === p.eventName) out.push(ev.args as T);
    } catch {
      // another contract's or event's log
    }
  }
  return out;
}

/**
 * The `PredictionVerified` events of a receipt as plain records (outputs copied to an array).
 *
 * @example
 * const predictions = predictionsOf({ receipt });
 */
export function predictionsOf(p: { receipt: ChainReceipt }): PredictionVerifiedArgs[] {
  return registryEvents<PredictionVerifiedArgs & { outputs: readonly bigint[] }>({
    receipt: p.receipt,
    eventName: "PredictionVerified",
  }).map((a) => ({
    predictionId: a.predictionId,
    version: a.version,
    inputCommitment: a.inputCommitment,
    outputs: [...a.outputs],
  }));
}
