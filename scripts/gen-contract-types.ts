// Writes sdk/core/src/chain/generated/*.ts: each contract's ABI `as const` (so viem and ethers get
// exact types) and its creation bytecode, from the Hardhat build in artifacts/.
// Run: npm run gen:contracts (after `hardhat build`). `npm test` checks the files are current.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "prettier";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const GENERATED_CONTRACTS = [
  ["contracts/ModelRegistry.sol", "ModelRegistry"],
  ["contracts/adapters/SnarkjsVerifierAdapter.sol", "SnarkjsVerifierAdapter"],
] as const;

export async function renderContractTypes(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const [source, name] of GENERATED_CONTRACTS) {
    const artifact = JSON.parse(
      readFileSync(join(root, "artifacts", source, `${name}.json`), "utf8"),
    ) as {
      abi: unknown[];
      bytecode: string;
    };
    const text = [
      `// generated from ${source} (Hardhat artifact) by scripts/gen-contract-types.ts. Do not edit.`,
      `export const ${name[0].toLowerCase()}${name.slice(1)}Abi = ${JSON.stringify(artifact.abi)} as const;`,
      `export const ${name[0].toLowerCase()}${name.slice(1)}Bytecode = "${artifact.bytecode}" as const;`,
      "",
    ].join("\n");
    files[`${name}.ts`] = await format(text, { parser: "typescript", printWidth: 100 });
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = join(root, "sdk/core/src/chain/generated");
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(await renderContractTypes()))
    writeFileSync(join(dir, file), text);
  console.log(`wrote ${GENERATED_CONTRACTS.length} contract modules to ${dir}`);
}
