import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Versions of the tools that produced an artifact, for the manifest. */
export function toolVersions(): Record<string, string> {
  const version = (pkg: string) => {
    try {
      const file = require.resolve(`${pkg}/package.json`);
      return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
    } catch {
      return "unknown";
    }
  };
  return {
    node: process.version,
    circom2: version("circom2"),
    snarkjs: version("snarkjs"),
    solc: version("solc"),
  };
}
