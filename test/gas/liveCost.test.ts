import { expect } from "chai";
import { network } from "hardhat";
import {
  decodeFunctionData,
  encodeFunctionResult,
  parseAbi,
  parseGwei,
  serializeTransaction,
  toHex,
} from "viem";
import type { Hex } from "viem";
import { fastLzLength } from "../../sdk/node/src/gas/fastLzLength.ts";
import { estimateLiveCost, liveClient } from "../../sdk/node/src/gas/liveCost.ts";
import { OP_FEE_PRESETS, fjordL1Fee } from "../../sdk/node/src/gas/opL1Fee.ts";
import { setL1BlockValues } from "../../sdk/node/src/gas/setL1BlockValues.ts";
import { RpcStubError, arbitrumStub, rpcStub } from "../helpers/rpcStub.ts";

/** Calldata of the size of a Groth16 submission, not compressible to nothing. */
const DATA = toHex(Uint8Array.from({ length: 676 }, (_, i) => (i * 89 + (i >> 3)) % 256));
const TO = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Hex;
const GAS_USED = 312_987n;

describe("gas lab live mode (estimateLiveCost)", () => {
  it("OP stack: reads the fees from a Hardhat OP node over JSON-RPC (GasPriceOracle, L1Block)", async () => {
    const server = await network.createServer(
      { network: "default", chainType: "op" },
      "127.0.0.1",
      0,
    );
    const { address, port } = await server.listen();
    try {
      const client = liveClient({ rpcUrl: `http://${address}:${port}` });
      const preset = OP_FEE_PRESETS.base;
      const operatorFeeScalar = 1_500_000; // 1.5 wei per gas
      const operatorFeeConstant = 7_000_000_000n;
      await setL1BlockValues({
        provider: { send: (method, params) => client.request({ method, params } as never) },
        ...preset,
        operatorFeeScalar,
        operatorFeeConstant,
      });
      const r = await estimateLiveCost({
        client,
        txs: [{ to: TO, data: DATA, gasUsed: GAS_USED }],
      });
      expect(r.kind).to.equal("op");
      expect(r.chainId).to.equal(31337);
      expect(r.prices.l1BaseFee).to.equal(preset.l1BaseFee);
      expect(r.prices.l1BlobBaseFee).to.equal(preset.l1BlobBaseFee);
      expect(r.prices.baseFeeScalar).to.equal(preset.baseFeeScalar);
      expect(r.prices.blobBaseFeeScalar).to.equal(preset.blobBaseFeeScalar);
      expect(r.prices.l2GasPrice).to.equal(await client.getGasPrice());
      const [c] = r.costs;
      // The oracle prices viem's serialization of the request (stub gas and fees, no
      // signature) as FastLZ size + 68 (Fjord): recompute it independently.
      const unsigned = serializeTransaction({
        to: TO,
        data: DATA,
        chainId: 1,
        type: "eip1559",
        gas: 300_000n,
        maxFeePerGas: parseGwei("5"),
        maxPriorityFeePerGas: parseGwei("1"),
        nonce: 1,
      });
      const expected = fjordL1Fee({
        fastLzSize: fastLzLength(Buffer.from(unsigned.slice(2), "hex")) + 68,
        preset,
      });
      expect(c.l1Fee).to.equal(expected.l1Fee);
      expect(c.l1Fee > 0n).to.equal(true);
      // Isthmus operator fee: gasUsed x scalar / 1e6 + constant.
      expect(c.operatorFee).to.equal(
        (GAS_USED * BigInt(operatorFeeScalar)) / 1_000_000n + operatorFeeConstant,
      );
      expect(c.executionFee).to.equal(GAS_USED * r.prices.l2GasPrice);
      expect(c.total).to.equal(c.executionFee + c.l1Fee + c.operatorFee);
    } finally {
      await server.close();
    }
  });

  it("Arbitrum: decodes NodeInterface.gasEstimateL1Component and prices (gasUsed + L1 gas) x base fee", async () => {
    const values = { l1Gas: 41_234n, baseFee: 10_000_000n, l1BaseFee: 3_100_000_000n };
    const stub = await arbitrumStub(values);
    try {
      const client = liveClient({ rpcUrl: stub.url });
      const txs = [
        { to: TO, data: DATA, gasUsed: GAS_USED },
        { to: TO, data: "0x1234" as Hex, gasUsed: 50_000n },
      ];
      const r = await estimateLiveCost({ client, txs });
      expect(r.kind).to.equal("arbitrum");
      expect(r.chainId).to.equal(42161);
      expect(r.blockNumber).to.equal(0x1234n);
      expect(r.prices).to.deep.equal({ l2GasPrice: values.baseFee, l1BaseFee: values.l1BaseFee });
      // What the estimate asked the node: each transaction's target and calldata, not a creation.
      const asked = stub.calls.slice(-2);
      expect(asked.map((c) => c.data)).to.deep.equal([DATA, "0x1234"]);
      expect(
        asked.every((c) => c.to.toLowerCase() === TO.toLowerCase() && !c.contractCreation),
      ).to.equal(true);
      expect(r.costs[0]).to.deep.equal({
        gasUsed: GAS_USED,
        executionFee: 3_129_870_000_000n, // 312,987 x 0.01 gwei
        l1Fee: 412_340_000_000n, // 41,234 L2 gas for the L1 component x 0.01 gwei
        l1Gas: 41_234n,
        operatorFee: 0n,
        total: 3_542_210_000_000n,
      });
      expect(r.costs[1].total).to.equal((50_000n + 41_234n) * 10_000_000n);
    } finally {
      stub.close();
    }
  });

  describe("OP stack before Isthmus (a JSON-RPC stub of the GasPriceOracle)", () => {
    const oracle = parseAbi([
      "function getL1Fee(bytes) view returns (uint256)",
      "function l1BaseFee() view returns (uint256)",
      "function blobBaseFee() view returns (uint256)",
      "function baseFeeScalar() view returns (uint32)",
      "function blobBaseFeeScalar() view returns (uint32)",
      "function getOperatorFee(uint256) view returns (uint256)",
    ]);
    const VALUES = {
      getL1Fee: 123_456_789n,
      l1BaseFee: 2_500_000_000n,
      blobBaseFee: 7n,
      baseFeeScalar: 1368,
      blobBaseFeeScalar: 810949,
    } as const;
    /** An oracle without getOperatorFee; `operatorFee` says how that call fails. */
    const opStub = (operatorFee: "reverts" | "endpoint fails") =>
      rpcStub((method, params) => {
        if (method === "eth_chainId") return "0xa";
        if (method === "eth_blockNumber") return "0x10";
        if (method === "eth_getCode") return "0x6080";
        if (method === "eth_gasPrice") return toHex(1_000_000n);
        if (method !== "eth_call") throw new RpcStubError(`stub: ${method} not supported`);
        const { functionName } = decodeFunctionData({
          abi: oracle,
          data: (params[0] as { data: Hex }).data,
        });
        if (functionName === "getOperatorFee") {
          if (operatorFee === "reverts") throw new RpcStubError("execution reverted", 3, "0x");
          throw new RpcStubError("internal error: backend unavailable", -32603);
        }
        return encodeFunctionResult({
          abi: oracle,
          functionName,
          result: VALUES[functionName] as never,
        });
      });

    it("decodes the oracle's values, prices the operator fee at 0 and sums", async () => {
      const stub = await opStub("reverts");
      try {
        const client = liveClient({ rpcUrl: stub.url });
        const r = await estimateLiveCost({
          client,
          txs: [{ to: TO, data: DATA, gasUsed: GAS_USED }],
        });
        expect(r.kind).to.equal("op");
        expect(r.chainId).to.equal(10);
        expect(r.prices).to.deep.equal({
          l2GasPrice: 1_000_000n,
          l1BaseFee: VALUES.l1BaseFee,
          l1BlobBaseFee: VALUES.blobBaseFee,
          baseFeeScalar: VALUES.baseFeeScalar,
          blobBaseFeeScalar: VALUES.blobBaseFeeScalar,
        });
        expect(r.costs[0]).to.deep.equal({
          gasUsed: GAS_USED,
          executionFee: 312_987_000_000n, // 312,987 x 0.001 gwei
          l1Fee: VALUES.getL1Fee,
          operatorFee: 0n,
          total: 312_987_000_000n + VALUES.getL1Fee,
        });
      } finally {
        stub.close();
      }
    });

    it("does not take a failing endpoint for a zero operator fee", async () => {
      const stub = await opStub("endpoint fails");
      try {
        const client = liveClient({ rpcUrl: stub.url });
        const error = await estimateLiveCost({
          client,
          txs: [{ to: TO, data: DATA, gasUsed: GAS_USED }],
        }).catch((e: unknown) => e);
        expect((error as Error).name).to.equal("ChainError");
        expect((error as Error).message).to.contain("live gas estimate failed");
      } finally {
        stub.close();
      }
    });
  });

  it("fails with a ChainError naming the cause when the endpoint refuses", async () => {
    const client = liveClient({ rpcUrl: "http://127.0.0.1:9", timeoutMs: 2_000 });
    const error = await estimateLiveCost({ client, txs: [] }).catch((e: unknown) => e);
    expect((error as Error).name).to.equal("ChainError");
    expect((error as Error).message).to.match(/^live gas estimate failed: /);
  });
});
