import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkGasSnapshot, gasSnapshot } from "../../sdk/node/src/gas/gasSnapshot.ts";
import type { GasSnapshot } from "../../sdk/node/src/gas/gasSnapshot.ts";
import { measureGas } from "../../sdk/node/src/gas/measureGas.ts";
import type { MeasureGasReturnType } from "../../sdk/node/src/gas/measureGas.ts";
import { renderGasChart } from "../../sdk/node/src/gas/renderGasChart.ts";
import { renderGasMarkdown } from "../../sdk/node/src/gas/renderGasReport.ts";
import { IRIS_TEST_DIR, irisGroth16Proofs } from "../contracts/helpers/irisProofs.ts";

const SNAPSHOT = join(import.meta.dirname, "../../gas/snapshots.json");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];
/** The rendered chart, kept for a human to look at. */
const CHART_PNG = join(import.meta.dirname, "../../build/test/gas-chart.png");

describe("measureGas (gas lab, Groth16 on the Iris model)", function () {
  let report: MeasureGasReturnType;

  before(async function () {
    await irisGroth16Proofs(); // compiles the model folder once per test process
    report = await measureGas({ dir: IRIS_TEST_DIR, systems: ["groth16"], batch: [1, 8, 32] });
  });

  it("reports gasPerProof (bare tx), verifierGasPerProof and txGasPerProof for each batch size", () => {
    for (const figure of [report.gasPerProof, report.verifierGasPerProof, report.txGasPerProof]) {
      expect(Object.keys(figure.groth16)).to.deep.equal(["1", "8", "32"]);
      expect(figure.groth16["8"]).to.be.lessThan(figure.groth16["1"]);
      expect(figure.groth16["32"]).to.be.lessThan(figure.groth16["8"]);
    }
    for (const row of report.rows.filter((r) => r.action === "batch")) {
      const n = String(row.proofs);
      // One bare verifyBatch transaction; its execution is the verifier's share of the registry tx.
      expect(row.bare.txs).to.equal(1);
      expect(row.bare.execution).to.equal(row.split.verifier);
      expect(report.gasPerProof.groth16[n]).to.equal(Math.round(row.bare.gasUsed / row.proofs));
      expect(report.txGasPerProof.groth16[n]).to.equal(Math.round(row.gasUsed / row.proofs));
      // The bare tx pays its own base and calldata: above the execution, below the registry tx.
      expect(report.gasPerProof.groth16[n]).to.be.greaterThan(
        report.verifierGasPerProof.groth16[n],
      );
      expect(report.gasPerProof.groth16[n]).to.be.lessThan(report.txGasPerProof.groth16[n]);
    }
    // Precompile floor of one proof in a batch: one pairing, two ecMul, one ecAdd.
    expect(report.verifierGasPerProof.groth16["32"]).to.be.greaterThan(34_000 + 12_000 + 150);
    expect(report.verifierGasPerProof.groth16["32"]).to.be.lessThanOrEqual(55_000);
  });

  it("breaks every registry transaction down into parts that sum to gasUsed", () => {
    for (const row of report.rows) {
      const b = row.breakdown;
      const sum = b.verification + b.record + b.event + b.otherRegistry + b.calldata + b.base;
      expect(sum, `${row.action} ${row.proofs}`).to.equal(row.gasUsed);
      expect(b.record).to.equal(22_100 * row.proofs);
      expect(b.otherRegistry).to.be.greaterThan(0);
      if (row.proofs > 0) {
        // PredictionVerified: LOG4 (375 + 4 x 375) and at least 6 data words per prediction.
        expect(b.event).to.be.greaterThanOrEqual((1_875 + 8 * 192) * row.proofs);
      }
    }
    const n32 = report.txBreakdownPerProof.groth16["32"];
    const total = Object.values(n32).reduce((a, v) => a + v, 0);
    expect(Math.abs(total - report.txGasPerProof.groth16["32"])).to.be.lessThanOrEqual(6);
  });

  it("splits every transaction into verifier + registry + tx base = gasUsed", () => {
    for (const row of report.rows) {
      const { verifier, registry, txBase } = row.split;
      expect(verifier + registry + txBase, `${row.action} ${row.proofs}`).to.equal(row.gasUsed);
      expect(txBase).to.be.greaterThan(21_000);
      if (row.proofs > 0) {
        expect(verifier).to.be.greaterThan(34_000 * row.proofs);
        // The one-slot record costs at least its 20,000-gas SSTORE per prediction.
        expect(registry).to.be.greaterThan(20_000 * row.proofs);
      }
    }
    const single = report.rows.find((r) => r.action === "submit")!;
    expect(single.gasUsed).to.be.greaterThan(report.groth16Floor.total);
  });

  it("prices the OP stack with the receipts' l1Fee, equal to the Fjord formula", () => {
    for (const row of report.rows) {
      expect(row.op.l1Fee > 0n).to.equal(true);
      expect(row.op.l1Fee).to.equal(row.op.expectedL1Fee);
      expect(row.arbitrum.l1Units).to.equal(16 * row.arbitrum.compressedSize);
    }
  });

  it("keeps every contract under the 24,576-byte limit", () => {
    expect(report.bytecode.map((b) => b.contract)).to.include("Groth16BatchVerifier (generated)");
    for (const b of report.bytecode) expect(b.bytes, b.contract).to.be.lessThanOrEqual(b.limit);
  });

  it("matches the committed gas snapshot (regenerate: see gas/README.md)", () => {
    const all = JSON.parse(readFileSync(SNAPSHOT, "utf8")) as GasSnapshot;
    const current = gasSnapshot(report);
    // This test re-measures Groth16 only: compare the Groth16 labels and the contracts it deploys.
    const committed: GasSnapshot = {
      ...all,
      gas: Object.fromEntries(Object.entries(all.gas).filter(([k]) => k.includes("(groth16"))),
      bytecode: Object.fromEntries(
        Object.entries(all.bytecode).filter(([k]) => !/plonk|fflonk/i.test(k)),
      ),
    };
    // register, setBatchVerifier, submitPrediction, 3 batches; the bare verify and 3 verifyBatch.
    expect(Object.keys(committed.gas)).to.have.length(10);
    // Verifier bytecode embeds the verification key: a new local setup can shift a few bytes.
    for (const [name, bytes] of Object.entries(current.bytecode)) {
      expect(Math.abs(bytes - committed.bytecode[name]), name).to.be.lessThanOrEqual(
        name.includes("Verifier (") || name.includes("(generated)") ? 64 : 0,
      );
      current.bytecode[name] = committed.bytecode[name];
    }
    expect(checkGasSnapshot({ committed, current }).lines).to.deep.equal([]);
  });

  it("derives the Groth16 floor once: precompiles + base + the measured verify tx's calldata", () => {
    const f = report.groth16Floor;
    const single = report.rows.find((r) => r.action === "submit")!;
    expect(f.pairings).to.equal(45_000 + 4 * 34_000);
    expect(f.publicInputs).to.equal(6_150 * report.nPublic);
    // The calldata term is the bare verify transaction's own: its gasUsed - execution - 21,000.
    expect(f.calldata).to.equal(single.bare.gasUsed - single.bare.execution - 21_000);
    expect(f.total).to.equal(f.pairings + f.publicInputs + 21_000 + f.calldata);
    // A real verification costs more than its precompiles, but not wildly more.
    expect(single.bare.gasUsed).to.be.greaterThan(f.total);
    expect(single.bare.gasUsed).to.be.lessThan(f.total + 20_000);
    const md = renderGasMarkdown(report);
    expect(md.match(/Groth16 floor of one bare verification transaction =/g)).to.have.length(1);
    expect(md).to.contain(`= ${f.total.toLocaleString("en-US")} gas`);
    expect(md).not.to.match(/207k|6\.8k/);
  });

  it("renders the markdown tables (prettier-stable) and the chart, drawn by headless Chromium", async function () {
    const md = renderGasMarkdown(report);
    expect(md).to.match(/\| groth16 +\| submitPredictions +\| +32 \|/);
    expect(md).to.contain(`**${report.gasPerProof.groth16["32"].toLocaleString("en-US")}**`);
    for (const name of ["gasPerProof", "verifierGasPerProof", "txGasPerProof"]) {
      expect(md).to.contain(`**${name}**`);
    }
    const prettier = await import("prettier");
    expect(await prettier.check(md, { parser: "markdown" }), "prettier --check").to.equal(true);

    const svg = await renderGasChart(report);
    expect(svg.startsWith("<svg")).to.equal(true);
    // Titles name the model, never a folder; both axes of both panels are titled.
    expect(svg).to.contain("Gas lab: iris-mlp.onnx (8 public signals)");
    expect(svg).not.to.contain(IRIS_TEST_DIR);
    for (const title of [
      "gas per proof (log scale)",
      "USD per proof (log scale)",
      "batch size N (proofs per transaction, log scale)",
      "Cost per proof of a registry submission against batch size N, by chain",
    ]) {
      expect(svg, title).to.contain(title);
    }
    // The rollup costs are drawn: one line per chain in each system's panel.
    for (const chain of ["L1", "OP Mainnet", "Arbitrum One"]) {
      expect(svg, chain).to.match(new RegExp(`aria-label="[^"]*chain: ${chain}[^"]*"`));
    }
    if (!existsSync(CHROMIUM)) {
      console.log(`    (PNG step skipped: no ${CHROMIUM})`);
      return;
    }
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
      const png = await page.locator("svg").first().screenshot({ path: CHART_PNG });
      // PNG header: width and height, big-endian, at bytes 16 and 20.
      expect(png.readUInt32BE(16)).to.be.greaterThan(700);
      expect(png.readUInt32BE(20)).to.be.greaterThan(600);
      const drawn = {
        lines: await page.locator("path[aria-roledescription='line mark']").count(),
        texts: await page.locator("text").count(),
      };
      expect(drawn.lines).to.equal(2 + 3); // 2 figures of groth16; 3 chains of groth16
      expect(drawn.texts).to.be.greaterThan(30);
    } finally {
      await browser.close();
    }
  });
});
