import { expect } from "chai";
import { FIELD_PRIME } from "@zkml-verify/core/internal/quantize/fixedPoint";
import {
  blockNumber,
  bytes32,
  outputsFromField,
  submissionJson,
  toJsonText,
  uint,
} from "../../sdk/node/src/cli/jsonConvention.ts";

// The CLI's one JSON convention (README, "The contract scripts and CI can rely on"); the
// commands' own outputs are checked against it in cli.test.ts, rpcFlow.test.ts and the audit tests.
describe("the CLI's JSON convention", function () {
  it("bytes32 is 0x + 64 lowercase hex digits, and refuses what is not a bytes32", function () {
    expect(bytes32(255n)).to.equal(`0x${"0".repeat(62)}ff`);
    expect(bytes32("0xAB")).to.equal(`0x${"0".repeat(62)}ab`);
    expect(bytes32((1n << 256n) - 1n)).to.equal(`0x${"f".repeat(64)}`);
    expect(() => bytes32(1n << 256n)).to.throw(RangeError);
    expect(() => bytes32(-1n)).to.throw(RangeError);
  });

  it("uint256 quantities are decimal strings, block numbers numbers, other bigints decimal strings", function () {
    expect(uint(2n ** 200n)).to.equal((2n ** 200n).toString());
    expect(uint("0x10")).to.equal("16");
    expect(blockNumber(12n)).to.equal(12);
    expect(blockNumber(null)).to.equal(null);
    expect(JSON.parse(toJsonText({ a: 2n ** 70n, b: [1n] }))).to.deep.equal({
      a: (2n ** 70n).toString(),
      b: ["1"],
    });
  });

  it("outputs stated as field elements decode to signed raw values next to dequantized floats", function () {
    // -1.5 and 2.25 at 2^4 are -24 and 36; the chain states -24 as p - 24.
    const o = outputsFromField({ field: [FIELD_PRIME - 24n, 36n], outputFrac: 4 });
    expect(o).to.deep.equal({
      outputs: [-1.5, 2.25],
      outputsRaw: ["-24", "36"],
      predictedClass: 1,
    });
    const arg = outputsFromField({ field: [2n], outputFrac: 4, argmax: true });
    expect(arg).to.deep.equal({ outputs: [2], outputsRaw: ["2"], predictedClass: 2 });
  });

  it("a submission: outputs decoded (or the commitment for hashed outputs), gas a string, block a number", function () {
    const manifest = (output: string) => ({
      quantization: { outputFrac: 2, outputKind: "logits" as const },
      visibility: { output },
    });
    const r = { outputs: [FIELD_PRIME - 4n, 8n], gasUsed: 312987n, blockNumber: 7n, tx: "0x01" };
    expect(submissionJson(r, manifest("public"))).to.deep.equal({
      tx: "0x01",
      outputs: [-1, 2],
      outputsRaw: ["-4", "8"],
      predictedClass: 1,
      gasUsed: "312987",
      blockNumber: 7,
    });
    expect(submissionJson({ outputs: [5n] }, manifest("hashed"))).to.deep.equal({
      outputCommitment: bytes32(5n),
    });
  });
});
