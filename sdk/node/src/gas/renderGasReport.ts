import { formatUnits } from "ethers";
import type { GasRow, MeasureGasReturnType } from "./measureGas.ts";

const n = (v: number) => Math.round(v).toLocaleString("en-US");
const usd = (v: number) => (v < 0.01 ? `$${v.toPrecision(2)}` : `$${v.toFixed(2)}`);
const gwei = (v: bigint) => `${formatUnits(v, 9)} gwei`;

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
    `# Gas lab: ${r.dir}`,
    "",
    `${r.nPublic} public signals. Prices: L1 ${gwei(pr.l1GasPrice)}; ${pr.op.name}: L2 ${gwei(pr.op.l2GasPrice)}, L1 base fee ${gwei(pr.op.l1BaseFee)}, blob base fee ${gwei(pr.op.l1BlobBaseFee)}, scalars ${pr.op.baseFeeScalar} / ${pr.op.blobBaseFeeScalar}; ${pr.arbitrum.name}: L2 ${gwei(pr.arbitrum.l2GasPrice)}, L1 ${gwei(pr.arbitrum.l1PricePerUnit)} per unit (Brotli ${pr.arbitrum.brotliLevel}); ETH = $${pr.ethUsd}.`,
    "",
    `Theoretical Groth16 floor of one verification: 181,000 + 6,150 x ${r.nPublic} + 21,000 + calldata = **${n(r.groth16Floor)} gas**.`,
    "",
    "## Gas per proof",
    "",
    PER_PROOF_LEGEND,
    "",
    "| system | transaction | N | gasPerProof (bare verify tx) | verifierGasPerProof | txGasPerProof | = verification | + record SSTORE | + event | + other registry | + calldata | + base |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...r.rows
      .filter((x) => x.proofs > 0)
      .map((x) => {
        const b = x.breakdown;
        const per = (v: number) => n(v / x.proofs);
        return `| ${x.system} | ${label(x)}${x.bare.txs > 1 ? ` (bare: ${x.bare.txs} verify txs)` : ""} | ${x.proofs} | **${n(x.gasPerProof)}** | ${n(x.verifierGasPerProof)} | ${n(x.txGasPerProof)} | ${per(b.verification)} | ${per(b.record)} | ${per(b.event)} | ${per(b.otherRegistry)} | ${per(b.calldata)} | ${per(b.base)} |`;
      }),
    "",
    "## Transactions",
    "",
    "| system | transaction | proofs | L1 gas | tx gas / proof | verifier | registry | tx base | calldata B | L1 cost / proof | OP l1Fee (receipt) | OP cost / proof | Arbitrum L1 units | Arbitrum cost / proof |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...r.rows.map((x) => {
      const per = Math.max(1, x.proofs);
      return `| ${x.system} | ${label(x)} | ${x.proofs} | ${n(x.gasUsed)} | ${n(x.txGasPerProof)} | ${n(x.split.verifier)} | ${n(x.split.registry)} | ${n(x.split.txBase)} | ${n(x.calldataBytes)} | ${usd(x.l1.usd / per)} | ${formatUnits(x.op.l1Fee, 18)} ETH | ${usd(x.op.usd / per)} | ${n(x.arbitrum.l1Units)} | ${usd(x.arbitrum.usd / per)} |`;
    }),
    "",
    "Verifier gas is measured by calling the verifier directly (its own execution); registry = L1 gas - verifier - tx base (21,000 + 4/16 gas per zero/other calldata byte): checks, the one-slot record, events and call overheads.",
    "",
    "| contract | runtime bytes | limit 24,576 |",
    "| --- | ---: | --- |",
    ...r.bytecode.map(
      (b) =>
        `| ${b.contract} | ${n(b.bytes)} | ${b.bytes <= b.limit ? "ok" : "**too large**"} (${((100 * b.bytes) / b.limit).toFixed(1)}%) |`,
    ),
    "",
  ];
  return lines.join("\n");
}

/** What the three per-proof figures are (the report, `zkml gas --help` and contracts/README.md say the same). */
export const PER_PROOF_LEGEND = [
  "- **gasPerProof**: gasUsed of a bare verification transaction of the N proofs sent straight to the verifier (one `verifyBatch` for a Groth16 batch, else one `verify` transaction per proof), its calldata and 21,000 base included, / N. This is what compares with one Groth16 verification (about 207k + 6.8k per public input) and with the 60k target at N = 32.",
  "- **verifierGasPerProof**: the verifier's execution inside the registry transaction / N (measured by the bare transaction's gasUsed minus its own base and calldata).",
  "- **txGasPerProof**: the whole registry `submitPrediction(s)` transaction / N = verification + record SSTORE (22,100 per prediction: the replay guard and lookup by id) + event (`PredictionVerified` LOG cost) + other registry work (checks, prediction ids, calls, memory) + calldata (4/16 gas per zero/other byte) + base (21,000).",
].join("\n");

const label = (x: GasRow) =>
  x.action === "batch"
    ? `submitPredictions`
    : x.action === "submit"
      ? "submitPrediction"
      : x.action;

/**
 * An SVG chart: L1 gas per proof split into verifier / registry / tx base for each system and
 * transaction, with the theoretical Groth16 floor as a dashed line, and beside each bar the
 * cost per proof on L1, OP and Arbitrum.
 *
 * @example
 * writeFileSync("gas.svg", renderGasSvg(report));
 */
export function renderGasSvg(r: MeasureGasReturnType): string {
  const rows = r.rows.filter((x) => x.proofs > 0);
  const W = 120 + rows.length * 150;
  const H = 420;
  const top = 50;
  const base = 330;
  const max = Math.max(r.groth16Floor, ...rows.map((x) => x.txGasPerProof)) * 1.1;
  const y = (g: number) => Math.round(10 * (base - ((base - top) * g) / max)) / 10;
  const colors = { verifier: "#4c72b0", registry: "#dd8452", txBase: "#8c8c8c" };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Gas per proof (L1 execution) and cost per proof by chain: ${escape(r.dir)}</text>`,
    `<line x1="70" y1="${base}" x2="${W - 10}" y2="${base}" stroke="black"/>`,
    `<line x1="70" y1="${top}" x2="70" y2="${base}" stroke="black"/>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const g = (max * k) / 4;
    parts.push(`<text x="65" y="${y(g) + 4}" text-anchor="end">${n(g / 1000)}k</text>`);
  }
  rows.forEach((x, i) => {
    const x0 = 90 + i * 150;
    let acc = 0;
    for (const key of ["verifier", "registry", "txBase"] as const) {
      const g = x.split[key] / x.proofs;
      parts.push(
        `<rect x="${x0}" y="${y(acc + g)}" width="50" height="${y(acc) - y(acc + g)}" fill="${colors[key]}"><title>${key}: ${n(g)} gas</title></rect>`,
      );
      acc += g;
    }
    parts.push(
      `<text x="${x0 + 25}" y="${y(acc) - 4}" text-anchor="middle">${n(acc / 1000)}k</text>`,
    );
    parts.push(`<text x="${x0 + 25}" y="${base + 14}" text-anchor="middle">${x.system}</text>`);
    parts.push(
      `<text x="${x0 + 25}" y="${base + 27}" text-anchor="middle">${x.action === "submit" ? "single" : `batch ${x.proofs}`}</text>`,
    );
    const costs = [
      ["L1", x.l1.usd],
      ["OP", x.op.usd],
      ["Arb", x.arbitrum.usd],
    ] as const;
    costs.forEach(([chain, v], k) => {
      parts.push(
        `<text x="${x0 + 56}" y="${y(acc) + 12 + k * 13}">${chain} ${usd(v / x.proofs)}</text>`,
      );
    });
  });
  parts.push(
    `<line x1="70" y1="${y(r.groth16Floor)}" x2="${W - 10}" y2="${y(r.groth16Floor)}" stroke="#c44e52" stroke-dasharray="6 4"/>`,
    `<text x="${W - 12}" y="${y(r.groth16Floor) - 4}" text-anchor="end" fill="#c44e52">Groth16 floor, one proof: ${n(r.groth16Floor)} gas</text>`,
  );
  const legend = Object.entries(colors);
  legend.forEach(([key, color], k) => {
    parts.push(`<rect x="${90 + k * 110}" y="${H - 40}" width="12" height="12" fill="${color}"/>`);
    parts.push(
      `<text x="${106 + k * 110}" y="${H - 30}">${key === "txBase" ? "tx base + calldata" : key}</text>`,
    );
  });
  parts.push(
    `<text x="10" y="${H - 10}">Costs per proof at the report's prices: L1, ${escape(r.presets.op.name)} (execution + receipt l1Fee), ${escape(r.presets.arbitrum.name)} (execution + Brotli L1 units).</text>`,
  );
  parts.push("</svg>", "");
  return parts.join("\n");
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
