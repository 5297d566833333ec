// One full prove (witness + proof) through the SDK's `prove`, with nothing else loaded: the SDK
// side of the overhead ratio against `snarkjs <system> fullprove` (same input, wasm and zkey).
// Usage: node sdkFullProve.ts <system> <input.json> <wasm> <zkey>
import { readFileSync } from "node:fs";
import { prove } from "../../sdk/core/src/prove/prove.ts";
import type { ProofSystem } from "../../sdk/core/src/prove/proofSystem.ts";
import { releaseSnarkjs } from "../../sdk/core/src/util/snarkjsLogger.ts";

const [system, input, wasm, zkey] = process.argv.slice(2);
const p = await prove({
  system: system as ProofSystem,
  wasm,
  zkey,
  input: JSON.parse(readFileSync(input, "utf8")) as Record<string, unknown>,
});
console.log(`@@result ${JSON.stringify({ proofBytes: p.proofSize, proveMs: p.ms })}`);
await releaseSnarkjs();
process.exit(0);
