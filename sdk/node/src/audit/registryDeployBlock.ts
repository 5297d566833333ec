import type { ChainClient, Hex } from "@zkml-verify/core/internal/chain/chainClient";

export interface RegistryDeployBlockReturnType {
  /** The block the registry was created in; null when it could not be found. */
  blockNumber: bigint | null;
  /** How it was found, or why not. */
  source: string;
}

const hasCode = async (client: ChainClient, address: Hex, block: bigint) =>
  (await client.getCode(address, block)) !== "0x";

/**
 * The block a registry was created in, where an audit of its history starts: a recorded
 * creation block (a deployment record's `registry.blockNumber`) if the chain confirms it (no
 * code one block before, code at it), else a binary search for the first block with code
 * (about log2(head) `eth_getCode` calls; needs a node that serves historical state). A node
 * without history gives null and the reason: the caller scans from genesis and says so.
 *
 * @example
 * const { blockNumber, source } = await registryDeployBlock({ client, registry, toBlock, recorded: [123n] });
 */
export async function registryDeployBlock(p: {
  client: ChainClient;
  registry: Hex;
  toBlock: bigint;
  /** Creation blocks from deployment records, with where each came from. */
  recorded?: { blockNumber: bigint; file: string }[];
}): Promise<RegistryDeployBlockReturnType> {
  const { client, registry } = p;
  try {
    for (const r of p.recorded ?? []) {
      const before =
        r.blockNumber === 0n ? false : await hasCode(client, registry, r.blockNumber - 1n);
      if (!before && (await hasCode(client, registry, r.blockNumber))) {
        return {
          blockNumber: r.blockNumber,
          source: `the registry's creation block (${r.file}, confirmed on chain)`,
        };
      }
    }
    if (!(await hasCode(client, registry, p.toBlock))) {
      return { blockNumber: null, source: `no code at ${registry} in block ${p.toBlock}` };
    }
    let lo = 0n;
    let hi = p.toBlock;
    while (lo < hi) {
      const mid = (lo + hi) / 2n;
      if (await hasCode(client, registry, mid)) hi = mid;
      else lo = mid + 1n;
    }
    return { blockNumber: lo, source: "the registry's creation block (first block with its code)" };
  } catch (e) {
    return {
      blockNumber: null,
      source: `creation block not found (the node serves no historical code: ${(e as Error).message.split("\n")[0]})`,
    };
  }
}
