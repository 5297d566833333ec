import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import type { Hex } from "@zkml-verify/core/internal/chain/chainClient";
import { ZkmlError } from "@zkml-verify/core/internal/errors";
import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";
import { toolVersions } from "../util/toolVersions.ts";

const require = createRequire(import.meta.url);

/** The folder of a model directory that holds one record per chain. */
export const DEPLOYMENTS_FOLDER = "deployments";

/** Where a contract was created: what an auditor needs to find and date it. */
export interface ContractRecord {
  address: Hex;
  /** The creation transaction (absent for a contract given by address, e.g. `--registry`). */
  txHash?: Hex;
  /** The creation block. */
  blockNumber?: number;
  /** The account that sent the creation transaction. */
  deployer?: Hex;
}

/** One `registerModel` transaction of this folder's model. */
export interface RegistrationRecord {
  modelId: Hex;
  version: number;
  /** bytes32 hex, as the registry stores it. */
  weightCommitment: Hex;
  /** The IProofVerifier (adapter) registered. */
  verifier: Hex;
  metadataURI: string;
  txHash: Hex;
  blockNumber: number;
  /** The account that sent it (holding REGISTRAR_ROLE). */
  registrar: Hex;
}

/**
 * `<dir>/deployments/<chainId>.json`: what `zkml deploy` / `register` did on one chain. Keyed
 * by chain id, never by an RPC URL: a URL may carry an API key, and none is ever written here
 * (the `network` field is a Hardhat network name or absent).
 */
export interface DeploymentRecord {
  chainId: number;
  /** The Hardhat network name it was deployed through (absent for `--rpc-url`). */
  network?: string;
  registry?: ContractRecord;
  /** The snarkjs verifier contract, its proof system and the zkey it was exported from. */
  verifier?: ContractRecord & { system: ProofSystem; zkeySha256: string };
  /** The IProofVerifier adapter in front of the verifier: what the registry stores. */
  adapter?: ContractRecord;
  /** Every registration of this folder's model, oldest first. */
  registrations: RegistrationRecord[];
  /** Versions of the tools that wrote the record (zkml-verify packages, solc, snarkjs, node). */
  tools: Record<string, string>;
  /** When the record was last written (ISO 8601). */
  updatedAt: string;
}

export function deploymentFile(dir: string, chainId: number): string {
  return join(dir, DEPLOYMENTS_FOLDER, `${chainId}.json`);
}

function parseRecord(file: string): DeploymentRecord {
  try {
    const d = JSON.parse(readFileSync(file, "utf8")) as DeploymentRecord;
    if (typeof d.chainId !== "number" || !Array.isArray(d.registrations)) {
      throw new Error("not a deployment record (chainId, registrations)");
    }
    return d;
  } catch (cause) {
    throw new ZkmlError(`cannot read the deployment record ${file}`, { details: { file }, cause });
  }
}

/** The record of one chain in a model folder, if any. */
export function readDeployment(dir: string, chainId: number): DeploymentRecord | undefined {
  const file = deploymentFile(dir, chainId);
  return existsSync(file) ? parseRecord(file) : undefined;
}

/** The versions a record carries: ours, and the compiler and prover that built the verifier. */
export function deploymentTools(): Record<string, string> {
  const own = (pkg: string) => {
    try {
      return (
        JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as {
          version: string;
        }
      ).version;
    } catch {
      return "unknown";
    }
  };
  return {
    "@zkml-verify/node": own("@zkml-verify/node"),
    "@zkml-verify/contracts": own("@zkml-verify/contracts"),
    ...toolVersions(),
  };
}

/** Writes a record (through a temporary file, so a crash never leaves half a record). */
export function writeDeployment(
  dir: string,
  d: Omit<DeploymentRecord, "tools" | "updatedAt">,
): string {
  const file = deploymentFile(dir, d.chainId);
  mkdirSync(join(dir, DEPLOYMENTS_FOLDER), { recursive: true });
  const record: DeploymentRecord = { ...d, tools: deploymentTools(), updatedAt: now() };
  writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
  return file;
}

const now = () => new Date().toISOString();

/** Every readable deployment record of a model folder, with its file. */
export function listDeployments(dir: string): (DeploymentRecord & { file: string })[] {
  const folder = join(dir, DEPLOYMENTS_FOLDER);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => /^\d+\.json$/.test(f))
    .flatMap((f) => {
      try {
        return [{ ...parseRecord(join(folder, f)), file: join(folder, f) }];
      } catch {
        return [];
      }
    });
}
