import { formatUnits } from "ethers";
import { describeGroth16Floor } from "./groth16Floor.ts";
import { markdownTable } from "./markdownTable.ts";
import type { GasRow, MeasureGasReturnType } from "./measureGas.ts";

const n = (v: number) => Math.round(v).toLocaleString("en-US");
const usd = (v: number) => (v < 0.01 ? `$${v.toPrecision(2)}` : `$${v.toFixed(2)}`);
const gwei = (v: bigint) => `${formatUnits(v, 9)} gwei`;
const eth = (wei: bigint) => `${formatUnits(wei, 18)} ETH`;

/**
 * The gas lab report as markdown: one row per transaction (gas split, calldata, cost on L1,
 * the OP stack and Arbitrum), then the bytecode sizes.
 *
 * @example
 * writeFileSync("gas.md", renderGasMarkdown(await measureGas({ dir })));
 */
export function renderGasMarkdown(r: MeasureGasReturnType): string {
  const { presets: pr } = r;
  const lines = [
    `# Gas lab: ${r.model}`,
    "",
    `Model folder \`${r.dir}\`, ${r.nPublic} public signals. Prices: L1 ${gwei(pr.l1GasPrice)}; ${pr.op.name}: L2 ${gwei(pr.op.l2GasPrice)}, L1 base fee ${gwei(pr.op.l1BaseFee)}, blob base fee ${gwei(pr.op.l1BlobBaseFee)}, scalars ${pr.op.baseFeeScalar} / ${pr.op.blobBaseFeeScalar}; ${pr.arbitrum.name}: L2 ${gwei(pr.arbitrum.l2GasPrice)}, L1 ${gwei(pr.arbitrum.l1PricePerUnit)} per unit (Brotli ${pr.arbitrum.brotliLevel}); ETH = $${pr.ethUsd}.`,
    "",
    `${describeGroth16Floor(r.nPublic, r.groth16Floor)}. Each public input adds 6,150 gas of precompiles and up to 512 of calldata (32 bytes at 16 gas); the measured bare Groth16 verify transaction: **${n(groth16Bare(r))} gas** (the rest: the verifier's field and range checks, memory, the adapter's call).`,
    "",
    "## Gas per proof",
    "",
    PER_PROOF_LEGEND,
    "",
    ...markdownTable(
      [
        "system",
        "transaction",
        "N",
        "gasPerProof (bare verify tx)",
        "verifierGasPerProof",
        "txGasPerProof",
        "= verification",
        "+ record SSTORE",
        "+ event",
        "+ other registry",
        "+ calldata",
        "+ base",
      ],
      ["l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
      r.rows
        .filter((x) => x.proofs > 0)
        .map((x) => {
          const b = x.breakdown;
          const per = (v: number) => n(v / x.proofs);
          return [
            x.system,
            `${label(x)}${x.bare.txs > 1 ? ` (bare: ${x.bare.txs} verify txs)` : ""}`,
            String(x.proofs),
            `**${n(x.gasPerProof)}**`,
            n(x.verifierGasPerProof),
            n(x.txGasPerProof),
            per(b.verification),
            per(b.record),
            per(b.event),
            per(b.otherRegistry),
            per(b.calldata),
            per(b.base),
          ];
        }),
    ),
    "",
    "## Transactions",
    "",
    ...markdownTable(
      [
        "system",
        "transaction",
        "proofs",
        "L1 gas",
        "tx gas / proof",
        "verifier",
        "registry",
        "tx base",
        "calldata B",
        "L1 cost / proof",
        "OP l1Fee (receipt)",
        "OP cost / proof",
        "Arbitrum L1 units",
        "Arbitrum cost / proof",
      ],
      ["l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
      r.rows.map((x) => {
        const per = Math.max(1, x.proofs);
        return [
          x.system,
          label(x),
          String(x.proofs),
          n(x.gasUsed),
          n(x.txGasPerProof),
          n(x.split.verifier),
          n(x.split.registry),
          n(x.split.txBase),
          n(x.calldataBytes),
          usd(x.l1.usd / per),
          eth(x.op.l1Fee),
          usd(x.op.usd / per),
          n(x.arbitrum.l1Units),
          usd(x.arbitrum.usd / per),
        ];
      }),
    ),
    "",
    "Verifier gas is measured by calling the verifier directly (its own execution); registry = L1 gas - verifier - tx base (21,000 + 4/16 gas per zero/other calldata byte): checks, the one-slot record, events and call overheads.",
    "",
    ...renderLiveMarkdown(r),
    ...markdownTable(
      ["contract", "runtime bytes", "limit 24,576"],
      ["l", "r", "l"],
      r.bytecode.map((b) => [
        b.contract,
        n(b.bytes),
        `${b.bytes <= b.limit ? "ok" : "**too large**"} (${((100 * b.bytes) / b.limit).toFixed(1)}%)`,
      ]),
    ),
    "",
  ];
  return lines.join("\n");
}

/** gasUsed of the measured single bare Groth16 verify transaction (0 if none). */
const groth16Bare = (r: MeasureGasReturnType) =>
  r.rows.find((x) => x.system === "groth16" && x.action === "submit")?.bare.gasUsed ?? 0;

/** The live chain's section: its prices and each submission's cost beside the simulated one. */
function renderLiveMarkdown(r: MeasureGasReturnType): string[] {
  const live = r.live;
  if (!live) return [];
  const pr = live.prices;
  const prices = [
    `L2 gas price ${gwei(pr.l2GasPrice)}`,
    ...(pr.l1BaseFee !== undefined ? [`L1 base fee ${gwei(pr.l1BaseFee)}`] : []),
    ...(pr.l1BlobBaseFee !== undefined ? [`blob base fee ${gwei(pr.l1BlobBaseFee)}`] : []),
    ...(pr.baseFeeScalar !== undefined
      ? [`scalars ${pr.baseFeeScalar} / ${pr.blobBaseFeeScalar}`]
      : []),
  ].join(", ");
  const sim = (x: GasRow) =>
    live.kind === "op" ? x.op.usd : live.kind === "arbitrum" ? x.arbitrum.usd : x.l1.usd;
  const simName =
    live.kind === "op"
      ? r.presets.op.name
      : live.kind === "arbitrum"
        ? r.presets.arbitrum.name
        : "L1";
  const submissions = r.rows.filter((x) => x.proofs > 0);
  return [
    `## Live chain: ${LIVE_KIND_NAMES[live.kind]}, chain id ${live.chainId}, block ${live.blockNumber}`,
    "",
    `Prices read from the chain: ${prices}; ETH = $${r.presets.ethUsd}. Execution gas is the simulated gasUsed (the contracts are not deployed there); ${LIVE_FEE_SOURCES[live.kind]}`,
    "",
    ...markdownTable(
      [
        "system",
        "transaction",
        "N",
        "gasUsed",
        "execution fee",
        "L1 fee",
        "operator fee",
        "total",
        "live cost / proof",
        `simulated cost / proof (${simName} preset)`,
      ],
      ["l", "l", "r", "r", "r", "r", "r", "r", "r", "r"],
      live.rows.map((x, i) => {
        const per = Math.max(1, x.proofs);
        return [
          x.system,
          label(x),
          String(x.proofs),
          n(Number(x.gasUsed)),
          eth(x.executionFee),
          `${eth(x.l1Fee)}${x.l1Gas !== undefined ? ` (${n(Number(x.l1Gas))} L2 gas)` : ""}`,
          eth(x.operatorFee),
          eth(x.total),
          `**${usd(x.usd / per)}**`,
          usd(sim(submissions[i]) / per),
        ];
      }),
    ),
    "",
  ];
}

/** How each kind of chain is named in the report. */
export const LIVE_KIND_NAMES = { op: "OP stack", arbitrum: "Arbitrum (Nitro)", l1: "L1" } as const;

const LIVE_FEE_SOURCES = {
  op: "the L1 fee is GasPriceOracle.getL1Fee of the transaction (viem estimateL1Fee), the operator fee GasPriceOracle.getOperatorFee(gasUsed) (Isthmus; 0 before).",
  arbitrum:
    "the L1 fee is NodeInterface.gasEstimateL1Component's L1 gas x the L2 base fee it reports.",
  l1: "no data fee: total = gasUsed x eth_gasPrice.",
} as const;

/** What the three per-proof figures are (the report, `zkml gas --help` and contracts/README.md say the same). */
export const PER_PROOF_LEGEND = [
  "- **gasPerProof**: gasUsed of a bare verification transaction of the N proofs sent straight to the verifier (one `verifyBatch` for a Groth16 batch, else one `verify` transaction per proof), its calldata and 21,000 base included, / N. This is what compares with the Groth16 floor above and with the 60k target at N = 32.",
  "- **verifierGasPerProof**: the verifier's execution inside the registry transaction / N (measured by the bare transaction's gasUsed minus its own base and calldata).",
  "- **txGasPerProof**: the whole registry `submitPrediction(s)` transaction / N = verification + record SSTORE (22,100 per prediction: the replay guard and lookup by id) + event (`PredictionVerified` LOG cost) + other registry work (checks, prediction ids, calls, memory) + calldata (4/16 gas per zero/other byte) + base (21,000).",
].join("\n");

const label = (x: { action: string }) =>
  x.action === "batch"
    ? `submitPredictions`
    : x.action === "submit"
      ? "submitPrediction"
      : x.action;
