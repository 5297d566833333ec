import { join, resolve } from "node:path";
import { fileSubmissionStore } from "../chain/pendingSubmission.ts";
import { decodeFunctionResult, encodeFunctionData } from "viem";
import { snarkjsVerifierAdapterAbi } from "@zkml-verify/core/internal/chain/generated/SnarkjsVerifierAdapter";
import { deployRegistry } from "@zkml-verify/core/internal/chain/deployRegistry";
import { deployVerifier } from "../chain/deployVerifier.ts";
import { estimateVerificationCost } from "@zkml-verify/core/internal/chain/estimateVerificationCost";
import { registerModel } from "@zkml-verify/core/internal/chain/registerModel";
import { submitPrediction } from "@zkml-verify/core/internal/chain/submitPrediction";
import type { TxOverrides } from "@zkml-verify/core/internal/chain/submitPrediction";
import { ZkmlError } from "@zkml-verify/core/internal/errors";
import { readManifest } from "../manifestFile.ts";
import type { Manifest, SetupRecord } from "@zkml-verify/core/internal/manifest";
import { checkDeployable } from "../setup/checkDeployable.ts";
import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";
import type { CliConnection } from "./network.ts";
import {
  modelIdOf,
  readDeployment,
  readProofFile,
  requireValue,
  writeDeployment,
} from "../model/modelDir.ts";
import type { Deployment } from "../model/modelDir.ts";

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

/** The manifest's record of a proof system's setup (Groth16: `setups.groth16` or the older `setup`). */
function setupOf(manifest: Manifest, system: ProofSystem): SetupRecord | undefined {
  return manifest.setups?.[system] ?? (system === "groth16" ? manifest.setup : undefined);
}

const warned = new Set<string>();

/**
 * What `deploy` and `register` check before touching a chain (`checkDeployable`): the folder's
 * zkey, verification key and verifier are the manifest's (by sha256), a Groth16 key is not
 * forgeable, and a single-party setup goes only to the in-process chain or a local dev chain
 * (chain id 31337 / 1337) unless `allowDevSetup` (`--allow-dev-setup`).
 */
export function checkSetupFor(
  dir: string,
  conn: CliConnection,
  system: ProofSystem,
  allowDevSetup?: boolean,
) {
  const record = requireValue(
    setupOf(readManifest(dir), system),
    `${system} setup in ${join(dir, "manifest.json")}`,
    `run zkml setup ${dir} --system ${system} first`,
  );
  const r = checkDeployable({
    dir,
    record,
    network: conn.name,
    chainId: conn.chainId,
    inProcess: conn.ephemeral,
    allowDevSetup,
  });
  if (r.warning && !warned.has(r.warning)) {
    warned.add(r.warning);
    console.error(`warning: ${r.warning}`);
  }
  return { record, ...r };
}

export async function deployStep(
  dir: string,
  conn: CliConnection,
  registry?: string,
  system: ProofSystem = "groth16",
  o: { allowDevSetup?: boolean } = {},
) {
  const manifest = readManifest(dir);
  const { record, zkey, devSetup, warning } = checkSetupFor(dir, conn, system, o.allowDevSetup);
  const d = await currentDeployment(dir, conn);
  if (registry) await requireCode(conn, registry, "registry");
  const reg = registry
    ? { address: registry, gasUsed: 0n }
    : await deployRegistry({ client: conn.client });
  const v = await deployVerifier({
    client: conn.client,
    zkey,
    zkeySha256: record.zkeySha256,
    nPublic: manifest.publicSignals.layout.nPublic,
    system,
  });
  const next: Deployment = {
    ...d,
    registry: reg.address,
    verifier: v.verifier,
    adapter: v.adapter,
    system,
    modelId: undefined,
    version: undefined,
  };
  const file = writeDeployment(dir, next);
  return {
    ...next,
    file,
    verifierSize: v.verifierSize,
    gasUsed: reg.gasUsed + v.gasUsed,
    devSetup,
    ...(warning ? { warning } : {}),
  };
}

/** The proof system of an IProofVerifier adapter, read from the chain (undefined: not an adapter). */
async function adapterSystem(
  conn: CliConnection,
  adapter: string,
): Promise<ProofSystem | undefined> {
  try {
    const out = await conn.client.call({
      to: adapter as `0x${string}`,
      data: encodeFunctionData({ abi: snarkjsVerifierAdapterAbi, functionName: "proofSystem" }),
    });
    const id = Number(
      decodeFunctionResult({
        abi: snarkjsVerifierAdapterAbi,
        functionName: "proofSystem",
        data: out,
      }),
    );
    return (["groth16", "plonk", "fflonk"] as const)[id];
  } catch {
    return undefined;
  }
}

export async function registerStep(
  dir: string,
  conn: CliConnection,
  o: {
    registry?: string;
    verifier?: string;
    modelId?: string;
    metadataURI?: string;
    allowDevSetup?: boolean;
  },
) {
  const manifest = readManifest(dir);
  const d = await currentDeployment(dir, conn);
  const hint = "run zkml deploy first or pass --registry/--verifier";
  const registry = requireValue(o.registry ?? d.registry, "registry address", hint);
  const verifier = requireValue(o.verifier ?? d.adapter, "verifier address", hint);
  await requireCode(conn, registry, "registry");
  const system =
    (await adapterSystem(conn, verifier)) ?? (verifier === d.adapter ? d.system : undefined);
  const { devSetup, warning } = checkSetupFor(dir, conn, system ?? "groth16", o.allowDevSetup);
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
  return { registry, verifier, modelId, ...r, devSetup, ...(warning ? { warning } : {}) };
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
    store: fileSubmissionStore({ dir }),
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
