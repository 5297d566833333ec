import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseUnits } from "ethers";
import { InputError, UsageError } from "@zkml-verify/core/internal/errors";
import { ARBITRUM_FEE_PRESETS } from "../../gas/arbitrumL1Cost.ts";
import type { GasSnapshot } from "../../gas/gasSnapshot.ts";
import { liveClient } from "../../gas/liveCost.ts";
import { OP_FEE_PRESETS } from "../../gas/opL1Fee.ts";
import type { ModelIR } from "../../onnx/ir.ts";
import {
  choiceListOption,
  choiceOption,
  integerOption,
  numberOption,
  parseCommandArgs,
  positionalArgs,
} from "../args.ts";
import { EXIT } from "../command.ts";
import { printJson, toJsonText } from "../jsonConvention.ts";
import type { Command } from "../command.ts";
import { DEFAULT_RPC_TIMEOUT_SECONDS, NETWORK_OPTIONS } from "../network.ts";

const SYSTEMS = ["groth16", "plonk", "fflonk"] as const;
const CHAIN_KINDS = ["op", "arbitrum", "l1"] as const;
const LIVE_OPTIONS_USAGE = `  --network <name>   a network from hardhat.config.ts (its URL is used, never its key)
  --rpc-url <url>    any JSON-RPC endpoint`;
/** Where --snapshot writes and --check reads, relative to the current directory. */
const DEFAULT_SNAPSHOT_FILE = "gas-snapshot.json";

export const command: Command = {
  name: "gas",
  usage: `zkml gas <dir> [--systems groth16,plonk,fflonk] [--batch 1,8,32] [--input <rows.json>]
         [--json] [--out <dir>] [--l1-gwei 1] [--eth-usd 3000] [--op base|op-mainnet]
         [--network <name> | --rpc-url <url>] [--chain-type op|arbitrum|l1] [--rpc-timeout <s>]
         [--snapshot | --check [--tolerance <percent>]] [--snapshot-file <file.json>]

  Proves real predictions of the compiled model in <dir> (the rows of --input, default the
  rows it was calibrated on; as many distinct rows as the largest --batch), sends them to a
  ModelRegistry on Hardhat's in-process L1 chain and on its simulated OP chain (L1Block fee
  values set from the --op preset), and prices each transaction on L1, the OP stack (receipt
  l1Fee) and Arbitrum (Nitro: 16 units per Brotli-compressed byte). Groth16 batches use the
  generated batch verifier. Writes gas-report.{md,json,svg} to --out (default <dir>/gas);
  --json prints the report (progress stays on stderr).
  Per proof system and batch size N it reports three per-proof figures:
    gasPerProof          gasUsed of a BARE verification transaction of the N proofs, sent
                         straight to the verifier (one verifyBatch for a Groth16 batch, else one
                         verify transaction per proof), calldata and 21,000 base included, / N:
                         what compares with the Groth16 floor the report derives
    verifierGasPerProof  the verifier's execution inside the registry transaction / N
    txGasPerProof        the whole registry submitPredictions transaction / N, split into
                         verification + record SSTORE (22,100) + event + other registry work
                         + calldata + base (21,000 / N)

  Live mode: with --network or --rpc-url the same submissions are also priced on that chain
  at its current fees, printed next to the simulated figures: OP stack (detected by the
  GasPriceOracle predeploy) = gasUsed x eth_gasPrice + L1 data fee (GasPriceOracle.getL1Fee)
  + operator fee; Arbitrum (NodeInterface answers) = (gasUsed + gasEstimateL1Component) x
  base fee; else gasUsed x eth_gasPrice. Nothing is sent and no key is needed; the URL is
  never written. --chain-type overrides the detection; each --rpc-url request times out
  after --rpc-timeout seconds (default ${DEFAULT_RPC_TIMEOUT_SECONDS}).
${LIVE_OPTIONS_USAGE}

  Snapshots (for your CI; paths relative to the current directory):
    --snapshot         writes the labelled gas snapshot to --snapshot-file (default
                       ${DEFAULT_SNAPSHOT_FILE}) and a .md beside it, and prints what changed
    --check            compares with --snapshot-file: exits 1 when any execution gas,
                       calldata size or bytecode size moved by more than --tolerance percent
                       (default 0), up or down, or a label appeared or disappeared`,
  async run(argv) {
    const name = command.name;
    const { values, positionals } = parseCommandArgs(name, argv, {
      systems: { type: "string", default: "groth16" },
      batch: { type: "string", default: "1,8,32" },
      input: { type: "string" },
      json: { type: "boolean" },
      out: { type: "string" },
      "l1-gwei": { type: "string", default: "1" },
      "eth-usd": { type: "string", default: "3000" },
      op: { type: "string", default: "op-mainnet" },
      ...NETWORK_OPTIONS,
      "chain-type": { type: "string" },
      snapshot: { type: "boolean" },
      check: { type: "boolean" },
      "snapshot-file": { type: "string", default: DEFAULT_SNAPSHOT_FILE },
      tolerance: { type: "string", default: "0" },
    });
    const [dir] = positionalArgs(name, positionals, ["<dir>"]);
    const systems = choiceListOption(name, "systems", values.systems, SYSTEMS);
    const batch = values.batch.split(",").map((b) => integerOption(name, "batch", b, { min: 1 })!);
    const presets = Object.keys(OP_FEE_PRESETS) as (keyof typeof OP_FEE_PRESETS)[];
    const op = OP_FEE_PRESETS[choiceOption(name, "op", values.op, presets)!];
    numberOption(name, "l1-gwei", values["l1-gwei"], { min: 0 });
    const ethUsd = numberOption(name, "eth-usd", values["eth-usd"], { min: 0 })!;
    const tolerance = numberOption(name, "tolerance", values.tolerance, { min: 0 })!;
    const kind = choiceOption(name, "chain-type", values["chain-type"], CHAIN_KINDS);
    const timeout =
      numberOption(name, "rpc-timeout", values["rpc-timeout"], { min: 0.001 }) ??
      DEFAULT_RPC_TIMEOUT_SECONDS;
    const exclusive = (a: string, b: string) => {
      throw new UsageError(`zkml ${name}: --${a} and --${b} exclude each other`, {
        details: { command: name, option: `--${b}` },
      });
    };
    if (values.snapshot && values.check) exclusive("snapshot", "check");
    if (values.network && values["rpc-url"]) exclusive("network", "rpc-url");

    // The lab's modules load after the arguments are checked (usage errors stay instant).
    const [
      { measureGas },
      { renderGasChart },
      { renderGasMarkdown },
      snapshots,
      { readInputFile },
    ] = await Promise.all([
      import("../../gas/measureGas.ts"),
      import("../../gas/renderGasChart.ts"),
      import("../../gas/renderGasReport.ts"),
      import("../../gas/gasSnapshot.ts"),
      import("../../onnx/readInputFile.ts"),
    ]);
    const { checkGasSnapshot, gasSnapshot } = snapshots;
    const { releaseSnarkjs } = await import("@zkml-verify/core/internal/util/snarkjsLogger");
    const snapshotFile = resolve(values["snapshot-file"]);
    const committed = values.check ? readSnapshot(snapshotFile) : undefined;
    const log = (l: string) => console.error(l);
    const live = await openLive({
      network: values.network,
      rpcUrl: values["rpc-url"],
      timeoutMs: timeout * 1000,
    });
    try {
      const report = await measureGas({
        dir,
        systems,
        batch,
        inputs: values.input ? readInputFile({ file: values.input, ir: readIr(dir) }) : undefined,
        presets: {
          l1GasPrice: parseUnits(values["l1-gwei"], 9),
          ethUsd,
          op,
          arbitrum: ARBITRUM_FEE_PRESETS["arbitrum-one"],
        },
        live: live && { client: live.client, kind },
        onProgress: log,
      });
      const out = resolve(values.out ?? join(dir, "gas"));
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "gas-report.json"), toJsonText(report) + "\n");
      writeFileSync(join(out, "gas-report.md"), renderGasMarkdown(report));
      writeFileSync(join(out, "gas-report.svg"), await renderGasChart(report));
      const snapshot = gasSnapshot(report);
      let code: number = EXIT.ok;
      let check:
        { ok: boolean; file: string; tolerancePercent: number; changes: unknown[] } | undefined;
      if (values.snapshot) writeSnapshot(snapshotFile, snapshot, snapshots, log);
      if (committed) {
        const r = checkGasSnapshot({ committed, current: snapshot, tolerancePercent: tolerance });
        check = { ok: r.ok, file: snapshotFile, tolerancePercent: tolerance, changes: r.changes };
        log(
          r.ok
            ? `gas check: every figure within ${tolerance}% of ${snapshotFile}`
            : `gas check failed: ${r.changes.length} figure(s) moved beyond ${tolerance}% of ${snapshotFile}\n${r.lines.join("\n")}\n(if intended, regenerate with --snapshot and commit it)`,
        );
        if (!r.ok) code = EXIT.checkFailed;
      }
      if (values.json) printJson(check ? { ...report, check } : report);
      else console.log(renderGasMarkdown(report) + `\nwritten to ${out}/gas-report.{md,json,svg}`);
      return code;
    } finally {
      await live?.close();
      await releaseSnarkjs();
    }
  },
};

/** The model's IR (input names and shapes, for reading --input rows). */
const readIr = (dir: string) => JSON.parse(readFileSync(join(dir, "ir.json"), "utf8")) as ModelIR;

function readSnapshot(file: string): GasSnapshot {
  if (!existsSync(file)) {
    throw new InputError(`--check: no snapshot at ${file} (write one with --snapshot first)`, {
      details: { input: "--snapshot-file", value: file },
    });
  }
  try {
    return JSON.parse(readFileSync(file, "utf8")) as GasSnapshot;
  } catch (cause) {
    throw new InputError(`--check: ${file} is not JSON`, {
      details: { input: "--snapshot-file", value: file },
      cause,
    });
  }
}

/** Writes the snapshot JSON and its markdown beside it, and logs what changed. */
function writeSnapshot(
  file: string,
  snapshot: GasSnapshot,
  { checkGasSnapshot, renderSnapshotMarkdown }: typeof import("../../gas/gasSnapshot.ts"),
  log: (l: string) => void,
) {
  const before = existsSync(file) ? readSnapshot(file) : undefined;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(snapshot, null, 2) + "\n");
  writeFileSync(file.replace(/(\.json)?$/, ".md"), renderSnapshotMarkdown(snapshot));
  if (!before) return log(`gas snapshot written to ${file}`);
  const { lines } = checkGasSnapshot({ committed: before, current: snapshot });
  log(
    lines.length
      ? `gas snapshot changed (${file}):\n${lines.join("\n")}`
      : `gas snapshot unchanged (${file})`,
  );
}

/**
 * The live chain's client: --rpc-url over HTTP, or a Hardhat network's provider by name (the
 * configured URL; the in-process `default` network has no live fees to read).
 */
async function openLive(p: { network?: string; rpcUrl?: string; timeoutMs: number }) {
  if (p.rpcUrl)
    return {
      client: liveClient({ rpcUrl: p.rpcUrl, timeoutMs: p.timeoutMs }),
      close: async () => {},
    };
  if (!p.network) return undefined;
  const { network } = await import("hardhat");
  const conn = await network.create(p.network).catch((cause: unknown) => {
    throw new InputError(`--network ${p.network}: ${(cause as Error).message.split("\n")[0]}`, {
      details: { input: "--network", value: p.network },
      cause,
    });
  });
  return {
    client: liveClient({ provider: conn.provider, timeoutMs: p.timeoutMs }),
    close: () => conn.close(),
  };
}
