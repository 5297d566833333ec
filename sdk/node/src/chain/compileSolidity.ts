import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { ZkmlError } from "@zkml-verify/core/internal/errors";

const require = createRequire(import.meta.url);

export interface CompileSolidityParameters {
  /** Source files by path. */
  sources: Record<string, string>;
  /** The contract to return, as `path:Name`. */
  contract: string;
  optimizerRuns?: number;
  /**
   * solc's metadata settings (default: an IPFS hash and the compiler version appended as CBOR).
   * They change only the trailing metadata, which the auditor ignores (`splitSolcMetadata`).
   */
  metadata?: { bytecodeHash?: "ipfs" | "bzzr1" | "none"; appendCBOR?: boolean };
}

export interface CompileSolidityReturnType {
  abi: unknown[];
  bytecode: `0x${string}`;
  deployedSize: number;
  /** Runtime bytecode (what `eth_getCode` returns once deployed). */
  deployedBytecode: `0x${string}`;
}

/**
 * Compiles Solidity in-process with solc-js (the same compiler version Hardhat uses here).
 * Used for the generated per-model verifiers, which are never part of the Hardhat build.
 *
 * @example
 * const { abi, bytecode } = compileSolidity({ sources: { "V.sol": src }, contract: "V.sol:Groth16Verifier" });
 */
export function compileSolidity(p: CompileSolidityParameters): CompileSolidityReturnType {
  const solc = require("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(p.sources).map(([k, content]) => [k, { content }])),
    settings: {
      optimizer: { enabled: true, runs: p.optimizerRuns ?? 200 },
      evmVersion: "cancun",
      ...(p.metadata ? { metadata: p.metadata } : {}),
      outputSelection: {
        "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] },
      },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<
      string,
      Record<
        string,
        {
          abi: unknown[];
          evm: { bytecode: { object: string }; deployedBytecode: { object: string } };
        }
      >
    >;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  const [file, name] = p.contract.split(":");
  const c = out.contracts?.[file]?.[name];
  if (errors.length > 0 || !c) {
    throw new ZkmlError(`solc could not compile ${p.contract}`, {
      details: { contract: p.contract, errors: errors.map((e) => e.formattedMessage).join("\n") },
    });
  }
  return {
    abi: c.abi,
    bytecode: `0x${c.evm.bytecode.object}`,
    deployedSize: c.evm.deployedBytecode.object.length / 2,
    deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
  };
}

/** Reads a snarkjs Solidity template (verifier_groth16.sol.ejs, ...). */
export function snarkjsTemplate(name: string): string {
  // snarkjs does not export its templates folder; it sits beside build/.
  return readFileSync(join(dirname(require.resolve("snarkjs")), "..", "templates", name), "utf8");
}
