import { expect } from "chai";
import { compileSolidity } from "../../sdk/node/src/chain/compileSolidity.ts";
import type { CompileSolidityParameters } from "../../sdk/node/src/chain/compileSolidity.ts";
import { sameRuntimeCode, splitSolcMetadata } from "../../sdk/node/src/audit/solcMetadata.ts";

/** A contract with a data-free runtime (no INVALID byte unless metadata follows) ... */
const PLAIN = `pragma solidity ^0.8.0;
contract C { function f(uint256 x) external pure returns (uint256) { return x * 3 + 7; } }`;
/** ... and one that differs from it in one constant only. */
const OTHER = PLAIN.replace("x * 3", "x * 5");

const runtime = (source: string, metadata?: CompileSolidityParameters["metadata"]) =>
  compileSolidity({ sources: { "C.sol": source }, contract: "C.sol:C", metadata }).deployedBytecode;

describe("solc metadata: the auditor compares code, not how the compiler described it", function () {
  const settings: CompileSolidityParameters["metadata"][] = [
    undefined,
    { bytecodeHash: "none" },
    { bytecodeHash: "bzzr1" },
    { appendCBOR: false },
  ];
  const builds = settings.map((m) => runtime(PLAIN, m));

  it("splits the CBOR map solc appends and decodes its keys", function () {
    const ipfs = splitSolcMetadata(builds[0]);
    expect(Object.keys(ipfs.metadata!).sort()).to.deep.equal(["ipfs", "solc"]);
    expect(Object.keys(splitSolcMetadata(builds[1]).metadata!)).to.deep.equal(["solc"]);
    expect(Object.keys(splitSolcMetadata(builds[2]).metadata!).sort()).to.deep.equal([
      "bzzr1",
      "solc",
    ]);
    const none = splitSolcMetadata(builds[3]);
    expect(none.metadata).to.equal(null);
    expect(none.code).to.equal(builds[3]);
  });

  it("finds every build of one source the same code, and a one-constant change different", function () {
    expect(new Set(builds).size).to.equal(builds.length); // the bytes all differ
    for (const a of builds) {
      for (const b of builds) expect(sameRuntimeCode(a, b).same).to.equal(true);
    }
    expect(sameRuntimeCode(builds[0], builds[1]).sameMetadata).to.equal(false);
    for (const m of settings) {
      const other = runtime(OTHER, m);
      for (const b of builds) expect(sameRuntimeCode(other, b).same).to.equal(false);
    }
  });

  it("leaves code alone whose last two bytes only look like a length", function () {
    // 0x0002 at the end, preceded by two bytes that are not a CBOR map of solc's keys.
    const code = "0x6001600255a1000002" as const;
    expect(splitSolcMetadata(code)).to.deep.equal({ code, metadata: null });
    expect(sameRuntimeCode(code, "0x6001600255a1").same).to.equal(false);
  });
});
