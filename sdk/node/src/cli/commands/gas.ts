import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseUnits } from "ethers";
import { ARBITRUM_FEE_PRESETS } from "../../gas/arbitrumL1Cost.ts";
import { diffGasSnapshots, gasSnapshot, renderSnapshotMarkdown } from "../../gas/gasSnapshot.ts";
import type { GasSnapshot } from "../../gas/gasSnapshot.ts";
import { measureGas } from "../../gas/measureGas.ts";
import { OP_FEE_PRESETS } from "../../gas/opL1Fee.ts";
import type { GasProofSystem } from "../../gas/proveSamples.ts";
import { renderGasMarkdown, renderGasSvg } from "../../gas/renderGasReport.ts";
import { releaseSnarkjs } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { EXIT, printJson } from "../command.ts";
import type { Command } from "../command.ts";

const SYSTEMS = ["groth16", "plonk", "fflonk"];

export const command: Command = {
  name: "gas",
  summary: "gas lab: real submissions per proof system and batch size on L1, OP stack and Arbitrum",
  usage: `zkml gas <dir> [--systems groth16,plonk,fflonk] [--batch 1,8,32] [--json] [--out <dir>]
         [--l1-gwei 1] [--eth-usd 3000] [--op base|op-mainnet] [--snapshot]

  Proves real predictions of the compiled model in <dir>, sends them to a ModelRegistry on
  Hardhat's in-process L1 chain and on its simulated OP chain (L1Block fee values set from the
  --op preset), and prices each transaction on L1, the OP stack (receipt l1Fee) and Arbitrum
  (Nitro: 16 units per Brotli-compressed byte). Groth16 batches use the generated batch verifier.
  Writes gas-report.{md,json,svg} to --out (default <dir>/gas); --json prints the report.
  Per proof system and batch size N it reports three per-proof figures:
    gasPerProof          gasUsed of a BARE verification transaction of the N proofs, sent
                         straight to the verifier (one verifyBatch for a Groth16 batch, else one
                         verify transaction per proof), calldata and 21,000 base included, / N:
                         what compares with one Groth16 verification (~207k + 6.8k per input)
    verifierGasPerProof  the verifier's execution inside the registry transaction / N
    txGasPerProof        the whole registry submitPredictions transaction / N, split in
                         txBreakdownPerProof into verification + record SSTORE (22,100) + event
                         + other registry work + calldata + base (21,000 / N)
  --snapshot also writes gas/snapshots.{json,md} and prints the diff with the committed one.`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        systems: { type: "string", default: "groth16" },
        batch: { type: "string", default: "1,8,32" },
        json: { type: "boolean" },
        out: { type: "string" },
        "l1-gwei": { type: "string", default: "1" },
        "eth-usd": { type: "string", default: "3000" },
        op: { type: "string", default: "op-mainnet" },
        snapshot: { type: "boolean" },
      },
    });
    const systems = values.systems.split(",");
    const batch = values.batch.split(",").map(Number);
    const op = OP_FEE_PRESETS[values.op as keyof typeof OP_FEE_PRESETS];
    if (
      positionals.length !== 1 ||
      systems.some((s) => !SYSTEMS.includes(s)) ||
      batch.some((b) => !Number.isInteger(b) || b < 1) ||
      !op
    ) {
      console.error(command.usage);
      return EXIT.usage;
    }
    const dir = positionals[0];
    const log = values.json ? () => {} : (l: string) => console.error(l);
    try {
      const report = await measureGas({
        dir,
        systems: systems as GasProofSystem[],
        batch,
        presets: {
          l1GasPrice: parseUnits(values["l1-gwei"], 9),
          ethUsd: Number(values["eth-usd"]),
          op,
          arbitrum: ARBITRUM_FEE_PRESETS["arbitrum-one"],
        },
        onProgress: log,
      });
      const out = resolve(values.out ?? join(dir, "gas"));
      mkdirSync(out, { recursive: true });
      const json = JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);
      writeFileSync(join(out, "gas-report.json"), json + "\n");
      writeFileSync(join(out, "gas-report.md"), renderGasMarkdown(report));
      writeFileSync(join(out, "gas-report.svg"), renderGasSvg(report));
      if (values.snapshot) await writeSnapshot(gasSnapshot(report), log);
      if (values.json) printJson(report);
      else console.log(renderGasMarkdown(report) + `\nwritten to ${out}/gas-report.{md,json,svg}`);
      return EXIT.ok;
    } finally {
      await releaseSnarkjs();
    }
  },
};

/**
 * Writes gas/snapshots.{json,md} in the current directory (the user's project; formatted with
 * the project's prettier when it has one) and logs the diff against the previous snapshot.
 */
async function writeSnapshot(snapshot: GasSnapshot, log: (l: string) => void) {
  const dir = join(process.cwd(), "gas");
  const file = join(dir, "snapshots.json");
  const before = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as GasSnapshot)
    : undefined;
  const diff = diffGasSnapshots(before, snapshot);
  mkdirSync(dir, { recursive: true });
  const prettier = await import("prettier").catch(() => undefined);
  const pretty = async (path: string, text: string) =>
    writeFileSync(
      path,
      prettier
        ? await prettier.format(text, {
            ...(await prettier.resolveConfig(path)),
            filepath: path,
          })
        : text + "\n",
    );
  await pretty(file, JSON.stringify(snapshot, null, 2));
  await pretty(join(dir, "snapshots.md"), renderSnapshotMarkdown(snapshot));
  log(diff.length ? `gas snapshot changed:\n${diff.join("\n")}` : "gas snapshot unchanged");
}
