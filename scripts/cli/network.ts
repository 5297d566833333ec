import { JsonRpcProvider, Wallet } from "ethers";
import type { Signer } from "ethers";
import { network } from "hardhat";
import { ZkmlError } from "../../sdk/src/errors.ts";
import type { ChainClient } from "../../sdk/src/chain/chainClient.ts";
import { toChainClient } from "../../sdk/src/chain/chainClient.ts";

export interface CliConnection {
  /** Network name as given (`default` is Hardhat's in-process chain). */
  name: string;
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
      name: opts["rpc-url"],
      client,
      signer,
      chainId: await client.getChainId(),
      ephemeral: false,
      close: async () => provider.destroy(),
    };
  }
  const name = opts.network ?? "default";
  const conn = await network.create(name);
  const signers = await conn.ethers.getSigners();
  const signer = signers[0] as Signer | undefined;
  const client = toChainClient(signer ?? conn.ethers.provider);
  return {
    name,
    client,
    signer,
    chainId: await client.getChainId(),
    ephemeral: conn.networkConfig.type === "edr-simulated",
    close: () => conn.close(),
  };
}
