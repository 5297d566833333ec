/**
 * Every `zkml` subcommand: its one-line summary and how to load it. `zkml --help` reads only
 * this table (no command module is imported, so help costs no snarkjs, hardhat or onnx load);
 * `zkml <name>` imports just that command's module. A command lives in
 * sdk/node/src/cli/commands/<name>.ts and exports `command` (cli/command.ts); adding one adds
 * a row here (test/cli/cliContract.test.ts checks the table and the folder agree).
 * In pipeline order, which is the order of `zkml --help`.
 */
import type { Command } from "./command.ts";

export interface CommandEntry {
  /** One line for `zkml --help`. */
  summary: string;
  load: () => Promise<{ command: Command }>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  compile: {
    summary: "ONNX model -> quantized model -> circom circuit (r1cs, wasm) + manifest in a folder",
    load: () => import("./commands/compile.ts"),
  },
  fidelity: {
    summary: "how closely the quantized model follows the float model (onnxruntime) on a data set",
    load: () => import("./commands/fidelity.ts"),
  },
  setup: {
    summary: "trusted setup for a compiled model: groth16, plonk or fflonk (zkey, vk, verifier)",
    load: () => import("./commands/setup.ts"),
  },
  ptau: {
    summary: "local powers of tau: new (fast single-party dev ceremony), verify, info",
    load: () => import("./commands/ptau.ts"),
  },
  ceremony: {
    summary: "Groth16 multi-party phase 2: contribute, beacon, verify (wraps snarkjs)",
    load: () => import("./commands/ceremony.ts"),
  },
  prove: {
    summary: "prove the model's output on one input (needs the key from zkml setup)",
    load: () => import("./commands/prove.ts"),
  },
  verify: {
    summary: "verify a proof off-chain against the model's verification key (exit 0 only if valid)",
    load: () => import("./commands/verify.ts"),
  },
  deploy: {
    summary:
      "deploy the model's verifier (and a registry); optionally register and submit in one run",
    load: () => import("./commands/deploy.ts"),
  },
  register: {
    summary: "register the model (weight commitment + verifier + signal layout) in a registry",
    load: () => import("./commands/register.ts"),
  },
  submit: {
    summary: "submit proofs to the registry (saved first in <dir>/pending/; --resume resends them)",
    load: () => import("./commands/submit.ts"),
  },
  audit: {
    summary:
      "re-check a registry's history: events vs calldata, proofs vs manifests (exit 1 on a finding)",
    load: () => import("./commands/audit.ts"),
  },
  gas: {
    summary:
      "gas lab: real submissions per proof system and batch size on L1, OP stack and Arbitrum",
    load: () => import("./commands/gas.ts"),
  },
  manifest: {
    summary: "manifest verify: recompute every hash and check the setup artifacts (audit)",
    load: () => import("./commands/manifest.ts"),
  },
};
