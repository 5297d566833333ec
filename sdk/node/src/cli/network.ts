// hardhat-ethers adds `ethers` to Hardhat network connections (an optional peer, with hardhat)
import type {} from "@nomicfoundation/hardhat-ethers";
import { FetchRequest, JsonRpcProvider, Network, Wallet } from "ethers";
import type { Signer } from "ethers";
import { ConnectionError, ZkmlError } from "@zkml-verify/core/internal/errors";
import type { ChainClient } from "@zkml-verify/core/internal/chain/chainClient";
import { toChainClient } from "@zkml-verify/core/internal/chain/chainClient";
import { nearest, numberOption } from "./args.ts";

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

/** How long a JSON-RPC request may take before the command fails (`--rpc-timeout <seconds>`). */
export const DEFAULT_RPC_TIMEOUT_SECONDS = 30;

/** Options shared by every command that talks to a chain. */
export const NETWORK_OPTIONS = {
  network: { type: "string" },
  "rpc-url": { type: "string" },
  "rpc-timeout": { type: "string" },
} as const;

export const NETWORK_USAGE = `  --network <name>   a network from hardhat.config.ts: default (in-process, discarded on exit),
                     localhost (npx hardhat node), sepolia, opSepolia, baseSepolia,
                     arbitrumSepolia (RPC URL and key from <NAME>_RPC_URL / <NAME>_PRIVATE_KEY)
  --rpc-url <url>    any JSON-RPC endpoint instead; the key is read from ZKML_PRIVATE_KEY
  --rpc-timeout <s>  fail when the node does not answer a request within s seconds
                     (default ${DEFAULT_RPC_TIMEOUT_SECONDS}); an unreachable node fails at once`;

/**
 * Connects to `--rpc-url` (ethers JsonRpcProvider, key from ZKML_PRIVATE_KEY) or to a Hardhat
 * network by name (default: the in-process chain), with the first configured account. The node
 * is asked for its chain id first, so an unknown network, a refused connection or a node that
 * does not answer is a `ConnectionError` naming it before any work starts; every later request
 * times out after `--rpc-timeout`.
 */
export async function connect(opts: {
  /** The command, for usage errors. */
  command: string;
  network?: string;
  "rpc-url"?: string;
  "rpc-timeout"?: string;
  readOnly?: boolean;
}): Promise<CliConnection> {
  const seconds =
    numberOption(opts.command, "rpc-timeout", opts["rpc-timeout"], { min: 0.001 }) ??
    DEFAULT_RPC_TIMEOUT_SECONDS;
  const timeoutMs = Math.round(seconds * 1000);
  if (opts["rpc-url"]) return connectUrl(opts["rpc-url"], timeoutMs, opts.readOnly);
  return connectHardhat(opts.network ?? "default", timeoutMs);
}

async function connectUrl(url: string, timeoutMs: number, readOnly?: boolean) {
  const endpoint = redactRpcUrl(url);
  if (endpoint === NOT_A_URL) {
    throw new ConnectionError("--rpc-url is not a URL (http://host:port/...)", {
      details: { network: "--rpc-url", reason: "unreachable" },
    });
  }
  const key = process.env.ZKML_PRIVATE_KEY;
  if (!key && !readOnly) {
    throw new ZkmlError("--rpc-url needs the sender's key in ZKML_PRIVATE_KEY", {
      details: { variable: "ZKML_PRIVATE_KEY" },
    });
  }
  const chainId = await probeChainId(url, endpoint, timeoutMs);
  const request = new FetchRequest(url);
  request.timeout = timeoutMs;
  // staticNetwork: the chain id is known, so ethers never polls (nor retries forever).
  const provider = new JsonRpcProvider(request, Network.from(chainId), { staticNetwork: true });
  const signer = key ? new Wallet(key, provider) : undefined;
  return {
    name: endpoint,
    client: toChainClient(signer ?? provider),
    signer,
    chainId,
    ephemeral: false,
    close: async () => provider.destroy(),
  };
}

const NOT_A_URL = "rpc";

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
    return NOT_A_URL;
  }
}

/** eth_chainId with a deadline: a refused, unknown or silent endpoint fails here, named. */
async function probeChainId(url: string, endpoint: string, timeoutMs: number): Promise<number> {
  const details = { network: "--rpc-url", endpoint, timeoutMs };
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    const code = ((cause as { cause?: { code?: string } }).cause?.code ?? "") as string;
    const name = (cause as Error).name;
    if (name === "TimeoutError" || name === "AbortError") {
      throw new ConnectionError(
        `${endpoint} did not answer eth_chainId within ${timeoutMs / 1000} s (--rpc-timeout)`,
        { details: { ...details, reason: "timeout" }, cause },
      );
    }
    const refused = code === "ECONNREFUSED";
    throw new ConnectionError(
      refused
        ? `${endpoint} refused the connection: is the node running?`
        : `cannot reach ${endpoint}${code ? ` (${code})` : ""}`,
      { details: { ...details, reason: refused ? "refused" : "unreachable" }, cause },
    );
  }
  const body = (await response.json().catch(() => undefined)) as { result?: unknown } | undefined;
  const id = typeof body?.result === "string" ? Number(body.result) : NaN;
  if (!response.ok || !Number.isSafeInteger(id)) {
    throw new ConnectionError(
      `${endpoint} is not a JSON-RPC node (eth_chainId answered HTTP ${response.status}${body ? `, ${JSON.stringify(body).slice(0, 120)}` : ""})`,
      { details: { ...details, reason: "bad-response" } },
    );
  }
  return id;
}

async function connectHardhat(name: string, timeoutMs: number): Promise<CliConnection> {
  const hh = await hardhat();
  const known = Object.keys(hh.config.networks);
  const config = hh.config.networks[name];
  if (!config) {
    const suggestion = nearest(name, known);
    throw new ConnectionError(
      `no network "${name}" in hardhat.config.ts${suggestion ? ` (did you mean ${suggestion}?)` : ""}; known: ${known.join(", ")}; or pass --rpc-url <url>`,
      { details: { network: name, reason: "unknown-network", known } },
    );
  }
  const http = config.type === "http";
  const conn = await withDeadline(
    hh.network.create(http ? { network: name, override: { timeout: timeoutMs } } : name),
    name,
    timeoutMs,
  );
  try {
    if (!conn.ethers) {
      throw new ZkmlError(
        "--network needs the @nomicfoundation/hardhat-ethers plugin in hardhat.config.ts; or pass --rpc-url <url>",
        { details: { missing: "@nomicfoundation/hardhat-ethers" } },
      );
    }
    const signers = await withDeadline(conn.ethers.getSigners(), name, timeoutMs);
    const signer = signers[0] as Signer | undefined;
    const client = toChainClient(signer ?? conn.ethers.provider);
    return {
      name,
      network: name,
      client,
      signer,
      chainId: await withDeadline(client.getChainId(), name, timeoutMs),
      ephemeral: conn.networkConfig.type === "edr-simulated",
      close: () => conn.close(),
    };
  } catch (error) {
    await conn.close().catch(() => {});
    throw error;
  }
}

/** Hardhat's connection errors (refused, timed out) as ConnectionErrors naming the network. */
async function withDeadline<T>(work: Promise<T>, network: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ConnectionError(
            `network "${network}" did not answer within ${timeoutMs / 1000} s (--rpc-timeout)`,
            { details: { network, timeoutMs, reason: "timeout" } },
          ),
        ),
      timeoutMs,
    );
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } catch (error) {
    throw hardhatConnectionError(error, network, timeoutMs) ?? error;
  } finally {
    clearTimeout(timer);
  }
}

/** Hardhat's HHE703 (connection refused) / HHE704 (timeout) as a ConnectionError. */
function hardhatConnectionError(error: unknown, network: string, timeoutMs: number) {
  const code = (error as { errorCode?: unknown })?.errorCode;
  if (code === "HHE703") {
    return new ConnectionError(
      `cannot connect to network "${network}": is the node running (npx hardhat node for localhost)?`,
      { details: { network, reason: "refused" }, cause: error },
    );
  }
  if (code === "HHE704") {
    return new ConnectionError(
      `network "${network}" did not answer within ${timeoutMs / 1000} s (--rpc-timeout)`,
      { details: { network, timeoutMs, reason: "timeout" }, cause: error },
    );
  }
  return undefined;
}

/**
 * Hardhat, loaded only for `--network` and the in-process chain: hardhat is an optional peer
 * dependency (a user's project with a hardhat.config.ts has it; with `--rpc-url` nothing but
 * the JSON-RPC endpoint is needed).
 */
async function hardhat() {
  try {
    return await import("hardhat");
  } catch (cause) {
    throw new ZkmlError(
      "--network and the in-process chain need Hardhat 3 in this project (npm install --save-dev hardhat) and a hardhat.config.ts; or pass --rpc-url <url>",
      { details: { missing: "hardhat" }, cause },
    );
  }
}
