// hardhat-ethers adds `ethers` to Hardhat network connections (an optional peer, with hardhat)
import type {} from "@nomicfoundation/hardhat-ethers";
import { JsonRpcProvider, Wallet } from "ethers";
import type { Signer } from "ethers";
import { ZkmlError } from "@zkml-verify/core/internal/errors";
import type { ChainClient } from "@zkml-verify/core/internal/chain/chainClient";
import { toChainClient } from "@zkml-verify/core/internal/chain/chainClient";

export interface CliConnection {
  /**
   * For messages: the Hardhat network name (`default` is the in-process chain), or for
   * `--rpc-url` the URL's origin only (`redactRpcUrl`: a path or query may carry an API key).
   */
  name: string;
  /** The Hardhat network name; absent for `--rpc-url` (what deployment records store). */
  network?: string;
  client: ChainClient;
  signer?: Signer;
  chainId: number;
  /** True for the in-process chain, whose state is gone when the command exits. */
  ephemeral: boolean;
  close(): Promise<void>;
}

/** Options shared by every command that talks to a chain. */
export const NETWORK_OPTIONS = {
  network: { type: "string" },
  "rpc-url": { type: "string" },
} as const;

export const NETWORK_USAGE = `  --network <name>   a network from hardhat.config.ts: default (in-process, discarded on exit),
                     localhost (npx hardhat node), sepolia, opSepolia, baseSepolia,
                     arbitrumSepolia (RPC URL and key from <NAME>_RPC_URL / <NAME>_PRIVATE_KEY)
  --rpc-url <url>    any JSON-RPC endpoint instead; the key is read from ZKML_PRIVATE_KEY`;

/**
 * An RPC URL as it may be shown: its origin (scheme, host, port), without the user, password,
 * path and query where providers put API keys (`https://eth.example/v3/KEY` ->
 * `https://eth.example`). A string that is not a URL is shown as `rpc`.
 *
 * @example
 * redactRpcUrl("https://user:pw@node.example:8545/key?apikey=k") // "https://node.example:8545"
 */
export function redactRpcUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "rpc";
  }
}

/**
 * Connects to `--rpc-url` (ethers JsonRpcProvider, key from ZKML_PRIVATE_KEY) or to a Hardhat
 * network by name (default: the in-process chain), with the first configured account.
 */
export async function connect(opts: {
  network?: string;
  "rpc-url"?: string;
  readOnly?: boolean;
}): Promise<CliConnection> {
  if (opts["rpc-url"]) {
    const provider = new JsonRpcProvider(opts["rpc-url"]);
    const key = process.env.ZKML_PRIVATE_KEY;
    if (!key && !opts.readOnly) {
      throw new ZkmlError("--rpc-url needs the sender's key in ZKML_PRIVATE_KEY", {
        details: { variable: "ZKML_PRIVATE_KEY" },
      });
    }
    const signer = key ? new Wallet(key, provider) : undefined;
    const client = toChainClient(signer ?? provider);
    return {
      name: redactRpcUrl(opts["rpc-url"]),
      client,
      signer,
      chainId: await client.getChainId(),
      ephemeral: false,
      close: async () => provider.destroy(),
    };
  }
  const name = opts.network ?? "default";
  const conn = await (await hardhatNetwork()).create(name);
  if (!conn.ethers) {
    await conn.close();
    throw new ZkmlError(
      "--network needs the @nomicfoundation/hardhat-ethers plugin in hardhat.config.ts; or pass --rpc-url <url>",
      { details: { missing: "@nomicfoundation/hardhat-ethers" } },
    );
  }
  const signers = await conn.ethers.getSigners();
  const signer = signers[0] as Signer | undefined;
  const client = toChainClient(signer ?? conn.ethers.provider);
  return {
    name,
    network: name,
    client,
    signer,
    chainId: await client.getChainId(),
    ephemeral: conn.networkConfig.type === "edr-simulated",
    close: () => conn.close(),
  };
}

/**
 * Hardhat's network manager, loaded only for `--network` and the in-process chain: hardhat is
 * an optional peer dependency (a user's project with a hardhat.config.ts has it; with
 * `--rpc-url` nothing but the JSON-RPC endpoint is needed).
 */
async function hardhatNetwork() {
  try {
    return (await import("hardhat")).network;
  } catch (cause) {
    throw new ZkmlError(
      "--network and the in-process chain need Hardhat 3 in this project (npm install --save-dev hardhat) and a hardhat.config.ts; or pass --rpc-url <url>",
      { details: { missing: "hardhat" }, cause },
    );
  }
}
