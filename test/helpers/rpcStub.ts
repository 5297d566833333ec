import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeFunctionData, encodeFunctionResult, toHex } from "viem";
import type { Hex } from "viem";
import { NODE_INTERFACE_ADDRESS, nodeInterfaceAbi } from "../../sdk/node/src/gas/liveCost.ts";

/** A JSON-RPC error the stub answers with (thrown by an `answer`). */
export class RpcStubError extends Error {
  readonly code: number;
  readonly data?: Hex;
  constructor(message: string, code = -32000, data?: Hex) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

/**
 * A JSON-RPC server on 127.0.0.1 that answers each request with `answer(method, params)`; a
 * thrown `RpcStubError` (or any error) becomes a JSON-RPC error reply.
 *
 * @example
 * const stub = await rpcStub((m) => (m === "eth_chainId" ? "0x1" : undefined));
 */
export async function rpcStub(answer: (method: string, params: unknown[]) => unknown) {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const { id, method, params } = JSON.parse(body);
      let reply;
      try {
        reply = { jsonrpc: "2.0", id, result: answer(method, params) };
      } catch (e) {
        const { code = -32000, message, data } = e as RpcStubError;
        reply = { jsonrpc: "2.0", id, error: { code, message, ...(data ? { data } : {}) } };
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/**
 * A JSON-RPC stub of an Arbitrum node: answers eth_call to NodeInterface with fixed values and
 * records the calls, so the test checks what the estimate sends, decodes and computes.
 */
export async function arbitrumStub(values: { l1Gas: bigint; baseFee: bigint; l1BaseFee: bigint }) {
  const calls: { to: string; contractCreation: boolean; data: Hex }[] = [];
  const stub = await rpcStub((method, params) => {
    if (method === "eth_chainId") return "0xa4b1";
    if (method === "eth_blockNumber") return "0x1234";
    if (method === "eth_getCode") return "0x";
    if (method === "eth_gasPrice") return toHex(values.baseFee);
    if (method === "eth_call") {
      const call = params[0] as { to: string; data: Hex };
      if (call.to.toLowerCase() !== NODE_INTERFACE_ADDRESS.toLowerCase())
        throw new RpcStubError("no such contract");
      const { args } = decodeFunctionData({ abi: nodeInterfaceAbi, data: call.data });
      calls.push({ to: args[0], contractCreation: args[1], data: args[2] });
      return encodeFunctionResult({
        abi: nodeInterfaceAbi,
        functionName: "gasEstimateL1Component",
        result: [values.l1Gas, values.baseFee, values.l1BaseFee],
      });
    }
    throw new RpcStubError(`stub: ${method} not supported`);
  });
  return { ...stub, calls };
}
