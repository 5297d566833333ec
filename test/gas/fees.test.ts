import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Transaction, getBytes, hexlify } from "ethers";
import { network } from "hardhat";
import { arbitrumL1Cost } from "../../sdk/node/src/gas/arbitrumL1Cost.ts";
import { fastLzLength } from "../../sdk/node/src/gas/fastLzLength.ts";
import { OP_FEE_PRESETS, opL1Fee } from "../../sdk/node/src/gas/opL1Fee.ts";
import { setL1BlockValues } from "../../sdk/node/src/gas/setL1BlockValues.ts";

describe("gas lab fee models", () => {
  describe("fastLzLength", () => {
    it("matches hand-computed FastLZ lengths", () => {
      expect(fastLzLength(new Uint8Array(0))).to.equal(0);
      // Under 13 bytes nothing is matched: one literal run = 1 + 12 bytes.
      expect(fastLzLength(new Uint8Array(12).fill(7))).to.equal(13);
      // 40 bytes with no repeated 3-byte sequence: runs of 32 (1 + 32) and 8 (1 + 8).
      expect(fastLzLength(Uint8Array.from({ length: 40 }, (_, i) => i))).to.equal(42);
      // 1000 zeros: literals(2) = 3, one match of 991 bytes = 3 * 3 + 3 = 12,
      // then the 5 bytes after the match limit as literals = 6: 21.
      expect(fastLzLength(new Uint8Array(1000))).to.equal(21);
    });
  });

  describe("opL1Fee on Hardhat's simulated OP chain", () => {
    for (const [key, preset] of Object.entries(OP_FEE_PRESETS)) {
      it(`equals each receipt's l1Fee and l1GasUsed (Fjord formula, ${key} values)`, async () => {
        const { ethers } = await network.create({ chainType: "op" });
        await setL1BlockValues({ provider: ethers.provider, ...preset });
        const [signer, to] = await ethers.getSigners();
        const payloads = [
          "0x",
          hexlify(new Uint8Array(2000)),
          hexlify(randomBytes(3000)),
          hexlify(new Uint8Array(6000).map((_, i) => (i * 7) % 13)),
        ];
        for (const data of payloads) {
          const tx = await signer.sendTransaction({ to: to.address, data });
          await tx.wait();
          const receipt = (await ethers.provider.send("eth_getTransactionReceipt", [
            tx.hash,
          ])) as Record<string, string>;
          const signedTx = getBytes(
            Transaction.from((await ethers.provider.getTransaction(tx.hash))!).serialized,
          );
          const expected = opL1Fee({ signedTx, preset });
          expect(BigInt(receipt.l1BaseFeeScalar)).to.equal(BigInt(preset.baseFeeScalar));
          expect(BigInt(receipt.l1BlobBaseFeeScalar)).to.equal(BigInt(preset.blobBaseFeeScalar));
          expect(BigInt(receipt.l1GasUsed), `l1GasUsed, ${data.length} hex`).to.equal(
            expected.l1GasUsed,
          );
          expect(BigInt(receipt.l1Fee), `l1Fee, ${data.length} hex`).to.equal(expected.l1Fee);
          expect(expected.l1Fee > 0n).to.equal(true);
        }
      });
    }

    it("applies the 100-byte minimum size and the linear regression", () => {
      const preset = OP_FEE_PRESETS.base;
      const tiny = opL1Fee({ signedTx: new Uint8Array(20), preset });
      expect(tiny.estimatedSizeScaled).to.equal(100_000_000n);
      // 1000 distinct-ish bytes: fastLz size s, size = -42.5856 + 0.8365 s (scaled by 1e6).
      const big = opL1Fee({
        signedTx: Uint8Array.from({ length: 1000 }, (_, i) => (i * 97) % 251),
        preset,
      });
      expect(big.estimatedSizeScaled).to.equal(-42_585_600n + 836_500n * BigInt(big.fastLzSize));
      const perByte = 16n * 2269n * preset.l1BaseFee + 1055762n * preset.l1BlobBaseFee;
      expect(big.l1Fee).to.equal((big.estimatedSizeScaled * perByte) / 10n ** 12n);
    });
  });

  describe("arbitrumL1Cost", () => {
    it("matches a hand-computed case: 256 incompressible bytes", () => {
      // Brotli stores incompressible data as an uncompressed meta-block: 256 + 4 header bytes.
      const signedTx = Uint8Array.from({ length: 256 }, (_, i) => i);
      const preset = {
        name: "test",
        l1PricePerUnit: 100_000_000n,
        l2GasPrice: 10_000_000n,
        brotliLevel: 1,
      };
      const r = arbitrumL1Cost({ signedTx, preset });
      expect(r.compressedSize).to.equal(260);
      expect(r.l1Units).to.equal(4160n); // 16 * 260
      expect(r.l1Cost).to.equal(416_000_000_000n); // 4160 units * 0.1 gwei
      // With 100,000 L2 gas at 0.01 gwei the transaction costs 1e12 + 4.16e11 wei.
      expect(100_000n * preset.l2GasPrice + r.l1Cost).to.equal(1_416_000_000_000n);
    });

    it("charges far less for compressible data (1000 zero bytes -> 20 bytes)", () => {
      const preset = { name: "test", l1PricePerUnit: 1n, l2GasPrice: 0n, brotliLevel: 1 };
      const r = arbitrumL1Cost({ signedTx: new Uint8Array(1000), preset });
      expect(r.compressedSize).to.equal(20);
      expect(r.l1Units).to.equal(320n);
    });
  });
});
