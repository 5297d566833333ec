import { decodeFunctionResult, encodeFunctionData } from "viem";
import type { ContractFunctionArgs, ContractFunctionName, ContractFunctionReturnType } from "viem";
import type { ChainClient, Hex } from "./chainClient.ts";
import { decodeRevert } from "./decodeRevert.ts";
import { modelRegistryAbi } from "./generated/ModelRegistry.ts";

type View = ContractFunctionName<typeof modelRegistryAbi, "view" | "pure">;

/**
 * Calls a view function of a ModelRegistry through any ChainClient, with viem's types.
 *
 * @example
 * const { latestVersion } = await readRegistry({ client, registry, functionName: "getModel", args: [modelId] });
 */
export async function readRegistry<F extends View>(p: {
  client: ChainClient;
  registry: string;
  functionName: F;
  args: ContractFunctionArgs<typeof modelRegistryAbi, "view" | "pure", F>;
}): Promise<ContractFunctionReturnType<typeof modelRegistryAbi, "view" | "pure", F>> {
  const data = encodeFunctionData({
    abi: modelRegistryAbi,
    functionName: p.functionName,
    args: p.args,
  } as never);
  try {
    const out = await p.client.call({ to: p.registry as Hex, data });
    return decodeFunctionResult({
      abi: modelRegistryAbi,
      functionName: p.functionName,
      data: out,
    } as never) as ContractFunctionReturnType<typeof modelRegistryAbi, "view" | "pure", F>;
  } catch (error) {
    throw decodeRevert({ error, abi: modelRegistryAbi, action: p.functionName });
  }
}
