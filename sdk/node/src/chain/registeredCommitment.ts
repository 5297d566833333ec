import { isDeepStrictEqual } from "node:util";
import type { ChainClient, Hex } from "@zkml-verify/core/internal/chain/chainClient";
import { readRegistry } from "@zkml-verify/core/internal/chain/readRegistry";
import { registryLayout } from "@zkml-verify/core/internal/chain/registerModel";
import { AlreadyRegisteredError, ChainError } from "@zkml-verify/core/internal/errors";
import type { SignalLayout } from "@zkml-verify/core/internal/layout/publicSignals";

export interface RegisteredCommitmentParameters {
  client: ChainClient;
  registry: string;
  modelId: Hex;
  weightCommitment: bigint;
  /** The IProofVerifier about to be registered. */
  verifier: string;
  layout: SignalLayout;
  /** Register a commitment the model already has as a new version anyway. */
  newVersion?: boolean;
}

/** The model's active latest version, which already is exactly this registration. */
export interface RegisteredCommitmentReturnType {
  version: number;
  verifier: Hex;
  metadataURI: string;
}

/**
 * What to do before registering a weight commitment: the registry numbers every registration
 * as a new version, so registering a commitment the model already has is never silent.
 *  - the model's latest version is active and has this commitment, verifier and layout:
 *    returns it (nothing to send; a re-run of `zkml register` is a no-op that says so);
 *  - another version has this commitment (or the latest with another verifier or layout, or
 *    deprecated): throws `AlreadyRegisteredError` naming the versions, unless `newVersion`;
 *  - otherwise (a new model or a new commitment): returns null, register.
 *
 * @example
 * const same = await registeredCommitment({ client, registry, modelId, weightCommitment, verifier, layout });
 * if (!same) await registerModel({ ... });
 */
export async function registeredCommitment(
  p: RegisteredCommitmentParameters,
): Promise<RegisteredCommitmentReturnType | null> {
  const read = { client: p.client, registry: p.registry };
  let model;
  try {
    model = await readRegistry({ ...read, functionName: "getModel", args: [p.modelId] });
  } catch (e) {
    if (e instanceof ChainError && e.details.reason?.startsWith("ModelNotFound")) return null;
    throw e;
  }
  const versions = [];
  for (let v = 1; v <= model.latestVersion; v++) {
    versions.push({
      version: v,
      ...(await readRegistry({ ...read, functionName: "getVersion", args: [p.modelId, v] })),
    });
  }
  const same = versions.filter((v) => BigInt(v.weightCommitment) === p.weightCommitment);
  if (same.length === 0 || p.newVersion) return null;
  const latest = versions[versions.length - 1];
  if (
    same.includes(latest) &&
    !latest.deprecated &&
    !model.deprecated &&
    latest.verifier.toLowerCase() === p.verifier.toLowerCase() &&
    isDeepStrictEqual({ ...latest.layout }, registryLayout(p.layout))
  ) {
    return { version: latest.version, verifier: latest.verifier, metadataURI: latest.metadataURI };
  }
  const listed = same.map((v) => `${v.version} (verifier ${v.verifier})`).join(", ");
  throw new AlreadyRegisteredError(
    `model ${p.modelId} already has this weight commitment in version ${listed}; registering it again would make version ${model.latestVersion + 1} of the same weights: pass --new-version (newVersion) to do that on purpose, e.g. behind a new verifier`,
    {
      details: {
        modelId: p.modelId,
        weightCommitment: p.weightCommitment.toString(),
        versions: same.map((v) => v.version),
        latestVersion: model.latestVersion,
        flag: "--new-version",
      },
    },
  );
}
