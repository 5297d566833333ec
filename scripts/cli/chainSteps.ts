import { join, resolve } from "node:path";
import { deployRegistry } from "../../sdk/src/chain/deployRegistry.ts";
import { deployVerifier } from "../../sdk/src/chain/deployVerifier.ts";
import { estimateVerificationCost } from "../../sdk/src/chain/estimateVerificationCost.ts";
import { registerModel } from "../../sdk/src/chain/registerModel.ts";
import { submitPrediction } from "../../sdk/src/chain/submitPrediction.ts";
import type { TxOverrides } from "../../sdk/src/chain/submitPrediction.ts";
import { ZkmlError } from "../../sdk/src/errors.ts";
import { readManifest } from "../../sdk/src/manifest.ts";
import type { ProofSystem } from "../../sdk/src/setup/circuitSize.ts";
import { artifactNames } from "../../sdk/src/setup/setupCircuit.ts";
import type { CliConnection } from "./network.ts";
import {
  modelFiles,
  modelIdOf,
  readDeployment,
  readProofFile,
  requireValue,
  writeDeployment,
} from "./modelDir.ts";
import type { Deployment } from "./modelDir.ts";

/** The deployment record for this folder and network, checked against the connected chain. */
export async function currentDeployment(dir: string, conn: CliConnection): Promise<Deployment> {
  const d = readDeployment(dir, conn.name) ?? { network: conn.name, chainId: conn.chainId };
  if (d.chainId !== conn.chainId) {
    throw new ZkmlError(
      `${dir}/deployments/${conn.name}.json is for chain ${d.chainId}, connected to ${conn.chainId}`,
      { details: { network: conn.name } },
    );
  }
  return { ...d, ephemeral: conn.ephemeral };
}

/** Fails early, with a hint, when an address from a deployment file has no code on this chain. */
export async function requireCode(conn: CliConnection, address: string, what: string) {
  if ((await conn.client.getCode(address as `0x${string}`)) === "0x") {
    throw new ZkmlError(
      `no ${what} contract at ${address} on ${conn.name}` +
        (conn.ephemeral
          ? " (the in-process chain starts empty in every command: use --network localhost with `npx hardhat node`, or zkml deploy --register --submit in one run)"
          : ""),
      { details: { address, network: conn.name } },
    );
  }
}

export async function deployStep(
  dir: string,
  conn: CliConnection,
  registry?: string,
  system: ProofSystem = "groth16",
) {
  const manifest = readManifest(dir);
  const setup = manifest.setups?.[system] ?? (system === "groth16" ? manifest.setup : undefined);
  const zkey = join(dir, artifactNames(system).zkey);
  const d = await currentDeployment(dir, conn);
  if (registry) await requireCode(conn, registry, "registry");
  const reg = registry
    ? { address: registry, gasUsed: 0n }
    : await deployRegistry({ client: conn.client });
  const v = await deployVerifier({
    client: conn.client,
    zkey: requireValue(
      setup ? zkey : undefined,
      `${system} zkey`,
      `run zkml setup ${dir} --system ${system} (or zkml prove) first`,
    ),
    zkeySha256: setup!.zkeySha256,
    nPublic: manifest.publicSignals.layout.nPublic,
    system,
  });
  const next: Deployment = {
    ...d,
    registry: reg.address,
    verifier: v.verifier,
    adapter: v.adapter,
    modelId: undefined,
    version: undefined,
  };
  const file = writeDeployment(dir, next);
  return { ...next, file, verifierSize: v.verifierSize, gasUsed: reg.gasUsed + v.gasUsed };
}

export async function registerStep(
  dir: string,
  conn: CliConnection,
  o: { registry?: string; verifier?: string; modelId?: string; metadataURI?: string },
) {
  const manifest = readManifest(dir);
  const d = await currentDeployment(dir, conn);
  const hint = "run zkml deploy first or pass --registry/--verifier";
  const registry = requireValue(o.registry ?? d.registry, "registry address", hint);
  const verifier = requireValue(o.verifier ?? d.adapter, "verifier address", hint);
  await requireCode(conn, registry, "registry");
  const modelId = modelIdOf(manifest, o.modelId);
  const r = await registerModel({
    client: conn.client,
    registry,
    modelId,
    weightCommitment: BigInt(manifest.weightCommitment),
    verifier,
    layout: manifest.publicSignals.layout,
    metadataURI: o.metadataURI ?? `file://${resolve(dir, "manifest.json")}`,
  });
  writeDeployment(dir, { ...d, registry, adapter: verifier, modelId, version: r.version });
  return { registry, verifier, modelId, ...r };
}

/** The registry, model id and proof a submit or estimate uses (flags win over deployments). */
async function resolveSubmission(
  dir: string,
  conn: CliConnection,
  proofFile: string,
  o: { registry?: string; modelId?: string },
) {
  const manifest = readManifest(dir);
  const d = await currentDeployment(dir, conn);
  const registry = requireValue(
    o.registry ?? d.registry,
    "registry address",
    "run zkml deploy/register first or pass --registry",
  );
  await requireCode(conn, registry, "registry");
  const modelId = o.modelId ? modelIdOf(manifest, o.modelId) : (d.modelId ?? modelIdOf(manifest));
  const p = readProofFile(proofFile);
  return {
    client: conn.client,
    registry,
    modelId,
    proof: p.proofBytes,
    publicSignals: p.publicSignals.map((s) => BigInt(s)),
  };
}

export async function submitStep(
  dir: string,
  conn: CliConnection,
  proofFile: string,
  o: TxOverrides & { registry?: string; modelId?: string },
) {
  return submitPrediction({
    ...(await resolveSubmission(dir, conn, proofFile, o)),
    dir,
    nonce: o.nonce,
    gas: o.gas,
    maxFeePerGas: o.maxFeePerGas,
    maxPriorityFeePerGas: o.maxPriorityFeePerGas,
    timeoutMs: o.timeoutMs,
  });
}

export async function estimateStep(
  dir: string,
  conn: CliConnection,
  proofFile: string,
  o: { registry?: string; modelId?: string },
) {
  return estimateVerificationCost(await resolveSubmission(dir, conn, proofFile, o));
}
