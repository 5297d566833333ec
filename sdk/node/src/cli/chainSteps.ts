import { basename, join, resolve } from "node:path";
import { id as keccakId, isHexString } from "ethers";
import { fileSubmissionStore } from "../chain/pendingSubmission.ts";
import { decodeFunctionResult, encodeFunctionData, toHex } from "viem";
import type { Hex } from "@zkml-verify/core/internal/chain/chainClient";
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
import { readProofFile } from "../model/modelDir.ts";
import { deploymentFile, readDeployment, writeDeployment } from "../model/deploymentRecord.ts";
import type { DeploymentRecord } from "../model/deploymentRecord.ts";
import { registeredCommitment } from "../chain/registeredCommitment.ts";

type Record_ = Omit<DeploymentRecord, "tools" | "updatedAt">;

/** bytes32 model id: a 0x-32-byte value as is, any other name keccak256-hashed; default from the manifest. */
export function modelIdOf(manifest: Manifest, name?: string): string {
  if (name && isHexString(name, 32)) return name;
  const stem = basename(manifest.model.file).replace(/\.onnx$/i, "");
  return keccakId(name ?? `zkml:${stem}:${manifest.model.sha256}`);
}

export function requireValue<T>(value: T | undefined, what: string, hint: string): T {
  if (value === undefined) {
    throw new ZkmlError(`no ${what}: ${hint}`, { details: { missing: what } });
  }
  return value;
}

/**
 * Records of the in-process chain, by folder: its state is gone when the command exits, so
 * they live only as long as the command (deploy --register --submit in one run) and are never
 * written (a file would describe a chain that no longer exists, under the chain id a local
 * `npx hardhat node` shares).
 */
const inProcessRecords = new Map<string, Record_>();

/** The deployment record of this folder on the connected chain (an empty one if none). */
export function currentDeployment(dir: string, conn: CliConnection): Record_ {
  const d = conn.ephemeral ? inProcessRecords.get(dir) : readDeployment(dir, conn.chainId);
  return d ?? { chainId: conn.chainId, network: conn.network, registrations: [] };
}

/** Saves the record: `<dir>/deployments/<chainId>.json`, or in memory for the in-process chain. */
function saveDeployment(dir: string, conn: CliConnection, d: Record_): string | null {
  if (conn.ephemeral) {
    inProcessRecords.set(dir, d);
    return null;
  }
  return writeDeployment(dir, d);
}

/**
 * The registry a command takes from the record, checked to be on this chain: a record whose
 * creation transaction the node does not know describes another chain with the same id (a
 * restarted `npx hardhat node`).
 */
async function recordedRegistry(dir: string, conn: CliConnection, d: Record_) {
  const r = d.registry;
  if (r?.txHash && !(await conn.client.getTransactionReceipt(r.txHash))) {
    throw new ZkmlError(
      `the registry recorded in ${deploymentFile(dir, d.chainId)} (${r.address}, created in tx ${r.txHash}) is not on this chain ${d.chainId}: it was reset (a restarted dev node?); run zkml deploy again or pass --registry`,
      { details: { file: deploymentFile(dir, d.chainId), registry: r.address, txHash: r.txHash } },
    );
  }
  return r?.address;
}

/** What to do when nothing is recorded: on the in-process chain, nothing ever is. */
const IN_PROCESS_HINT =
  "the in-process chain starts empty in every command: use --network localhost with `npx hardhat node`, or zkml deploy --register --submit in one run";
const noRecordHint = (conn: CliConnection, hint: string) =>
  conn.ephemeral ? `${hint} (${IN_PROCESS_HINT})` : hint;

/** Fails early, with a hint, when an address from a deployment file has no code on this chain. */
export async function requireCode(conn: CliConnection, address: string, what: string) {
  if ((await conn.client.getCode(address as `0x${string}`)) === "0x") {
    throw new ZkmlError(
      `no ${what} contract at ${address} on ${conn.name}` +
        (conn.ephemeral ? ` (${IN_PROCESS_HINT})` : ""),
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
  const prev = currentDeployment(dir, conn);
  if (registry) await requireCode(conn, registry, "registry");
  const deployer = await conn.client.getAddress();
  const reg = registry ? undefined : await deployRegistry({ client: conn.client });
  const v = await deployVerifier({
    client: conn.client,
    zkey,
    zkeySha256: record.zkeySha256,
    nPublic: manifest.publicSignals.layout.nPublic,
    system,
  });
  const address = (registry ?? reg!.address) as Hex;
  const sameRegistry = prev.registry?.address.toLowerCase() === address.toLowerCase();
  const created = (t: { txHash: Hex; blockNumber: bigint }) => ({
    txHash: t.txHash,
    blockNumber: Number(t.blockNumber),
    deployer,
  });
  const next: Record_ = {
    chainId: conn.chainId,
    network: conn.network,
    registry: reg ? { address, ...created(reg) } : sameRegistry ? prev.registry : { address },
    verifier: {
      address: v.verifier,
      ...created(v.transactions.verifier),
      system,
      zkeySha256: record.zkeySha256,
    },
    adapter: { address: v.adapter, ...created(v.transactions.adapter) },
    registrations: sameRegistry ? prev.registrations : [],
  };
  const file = saveDeployment(dir, conn, next);
  return {
    chainId: conn.chainId,
    system,
    registry: address,
    verifier: v.verifier,
    adapter: v.adapter,
    verifierSize: v.verifierSize,
    gasUsed: reg ? reg.gasUsed + v.gasUsed : v.gasUsed,
    devSetup,
    ...(warning ? { warning } : {}),
    deployment: next,
    file,
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
    /** Register a commitment the model already has as a new version (`--new-version`). */
    newVersion?: boolean;
  },
) {
  const manifest = readManifest(dir);
  const d = currentDeployment(dir, conn);
  const hint = noRecordHint(conn, "run zkml deploy first or pass --registry/--verifier");
  const registry = requireValue(
    o.registry ?? (await recordedRegistry(dir, conn, d)),
    "registry address",
    hint,
  );
  const verifier = requireValue(o.verifier ?? d.adapter?.address, "verifier address", hint);
  await requireCode(conn, registry, "registry");
  const system =
    (await adapterSystem(conn, verifier)) ??
    (verifier === d.adapter?.address ? d.verifier?.system : undefined);
  const { devSetup, warning } = checkSetupFor(dir, conn, system ?? "groth16", o.allowDevSetup);
  const modelId = modelIdOf(manifest, o.modelId) as Hex;
  const weightCommitment = BigInt(manifest.weightCommitment);
  const layout = manifest.publicSignals.layout;
  const existing = await registeredCommitment({
    client: conn.client,
    registry,
    modelId,
    weightCommitment,
    verifier,
    layout,
    newVersion: o.newVersion,
  });
  const base = {
    registry,
    verifier,
    modelId,
    weightCommitment: toHex(weightCommitment, { size: 32 }),
  };
  if (existing) {
    // The same commitment, verifier and layout as the model's active latest version: nothing
    // to send (registering again would only make version n + 1 of the same thing).
    return {
      ...base,
      ...existing,
      txHash: null,
      blockNumber: null,
      gasUsed: 0n,
      alreadyRegistered: true,
      devSetup,
      file: null,
    };
  }
  const metadataURI = o.metadataURI ?? `file://${resolve(dir, "manifest.json")}`;
  const r = await registerModel({
    client: conn.client,
    registry,
    modelId,
    weightCommitment,
    verifier,
    layout,
    metadataURI,
  });
  const registrar = await conn.client.getAddress();
  const sameRegistry = d.registry?.address.toLowerCase() === registry.toLowerCase();
  const file = saveDeployment(dir, conn, {
    ...d,
    network: conn.network,
    registry: sameRegistry ? d.registry : { address: registry as Hex },
    registrations: [
      ...(sameRegistry ? d.registrations : []),
      {
        modelId,
        version: r.version,
        weightCommitment: base.weightCommitment,
        verifier: verifier as Hex,
        metadataURI,
        txHash: r.txHash,
        blockNumber: Number(r.blockNumber),
        registrar,
      },
    ],
  });
  return {
    ...base,
    version: r.version,
    txHash: r.txHash,
    blockNumber: Number(r.blockNumber),
    gasUsed: r.gasUsed,
    alreadyRegistered: false,
    devSetup,
    ...(warning ? { warning } : {}),
    file,
  };
}

/** The registry, model id and proof a submit or estimate uses (flags win over deployments). */
async function resolveSubmission(
  dir: string,
  conn: CliConnection,
  proofFile: string,
  o: { registry?: string; modelId?: string },
) {
  const manifest = readManifest(dir);
  const d = currentDeployment(dir, conn);
  const registry = requireValue(
    o.registry ?? (await recordedRegistry(dir, conn, d)),
    "registry address",
    noRecordHint(conn, "run zkml deploy/register first or pass --registry"),
  );
  await requireCode(conn, registry, "registry");
  const modelId = o.modelId
    ? modelIdOf(manifest, o.modelId)
    : (d.registrations.at(-1)?.modelId ?? modelIdOf(manifest));
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
