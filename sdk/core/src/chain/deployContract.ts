import { encodeDeployData } from "viem";
import type { Abi } from "viem";
import { ChainError } from "../errors.ts";
import type { ChainClient, Hex } from "./chainClient.ts";
import { sendTransaction } from "./sendTransaction.ts";

export interface DeployContractParameters {
  client: ChainClient;
  abi: Abi;
  bytecode: Hex;
  args?: readonly unknown[];
  /** Contract name for messages. */
  name: string;
  timeoutMs?: number;
}

export interface DeployContractReturnType {
  address: Hex;
  txHash: Hex;
  /** The block the contract was created in. */
  blockNumber: bigint;
  gasUsed: bigint;
}

/**
 * Deploys a contract from its ABI and creation bytecode through any ChainClient.
 *
 * @example
 * const { address } = await deployContract({ client, abi, bytecode, args: [a, b], name: "ModelRegistry" });
 */
export async function deployContract(
  p: DeployContractParameters,
): Promise<DeployContractReturnType> {
  const data = encodeDeployData({ abi: p.abi, bytecode: p.bytecode, args: p.args ?? [] });
  const receipt = await sendTransaction({
    client: p.client,
    request: { data },
    abi: p.abi,
    action: `deploy ${p.name}`,
    timeoutMs: p.timeoutMs,
  });
  if (!receipt.contractAddress) {
    throw new ChainError(`deploy ${p.name}: the receipt has no contract address`, {
      details: { action: `deploy ${p.name}`, txHash: receipt.transactionHash },
    });
  }
  return {
    address: receipt.contractAddress,
    txHash: receipt.transactionHash,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
  };
}
