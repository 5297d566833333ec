import { parse, View } from "vega";
import { compile } from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { describeGroth16Floor } from "./groth16Floor.ts";
import { LIVE_KIND_NAMES } from "./renderGasReport.ts";
import type { MeasureGasReturnType } from "./measureGas.ts";

/** Panel sizes, px (the whole chart is about 760 x 760). */
const PANEL = { width: 560, height: 250, facetWidth: 180, facetHeight: 220 } as const;
/** The floor rule's colour (no proof system's). */
const FLOOR_COLOR = "#333333";
/** Proof systems in the order the lab reports them, and their colours. */
const SYSTEM_ORDER = ["groth16", "plonk", "fflonk"];
const SYSTEM_COLORS = ["#1b9e77", "#d95f02", "#7570b3"];
/** L1, the OP-stack preset, the Arbitrum preset, the live chain: hues unlike the systems'. */
const CHAIN_COLORS = ["#222222", "#e4202a", "#2d74da", "#b8860b"];

/** The floor's derivation in two subtitle lines (one would widen the chart). */
function floorLines(r: MeasureGasReturnType): string[] {
  const [head, terms] = describeGroth16Floor(r.nPublic, r.groth16Floor).split(" = ", 2);
  return [`dotted line: ${head} =`, `  ${terms}`];
}

/** Powers of ten covering [min, max]: the ticks of a log axis. */
function decades(values: number[]): number[] {
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  return Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
}

/**
 * The gas lab chart as SVG (Vega-Lite, rendered headless in Node without a canvas): gas per
 * proof against batch size N for each proof system (the registry transaction and the bare
 * verification transaction, log scales, with the Groth16 floor), and the cost per proof in USD
 * against N on each chain (L1, the OP-stack and Arbitrum presets, and the live chain when one
 * was priced), one panel per proof system.
 *
 * @example
 * writeFileSync("gas-report.svg", await renderGasChart(report));
 */
export async function renderGasChart(r: MeasureGasReturnType): Promise<string> {
  const view = new View(parse(compile(gasChartSpec(r)).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** The chart's Vega-Lite specification (data inline). */
export function gasChartSpec(r: MeasureGasReturnType): TopLevelSpec {
  const batches = r.rows.filter((x) => x.action === "batch");
  const sizes = [...new Set(batches.map((x) => x.proofs))].sort((a, b) => a - b);
  const gas = batches.flatMap((x) => [
    {
      system: x.system,
      N: x.proofs,
      figure: "registry submitPredictions tx",
      gas: x.txGasPerProof,
    },
    { system: x.system, N: x.proofs, figure: "bare verification tx", gas: x.gasPerProof },
  ]);
  const liveName = r.live ? `live ${LIVE_KIND_NAMES[r.live.kind]} (chain ${r.live.chainId})` : "";
  const liveByRow = new Map(
    r.rows
      .filter((x) => x.proofs > 0)
      .map((x, i) => [x, r.live?.rows[i]] as const)
      .filter(([, l]) => l !== undefined),
  );
  const cost = batches.flatMap((x) => [
    { system: x.system, N: x.proofs, chain: "L1", usd: x.l1.usd / x.proofs },
    { system: x.system, N: x.proofs, chain: r.presets.op.name, usd: x.op.usd / x.proofs },
    {
      system: x.system,
      N: x.proofs,
      chain: r.presets.arbitrum.name,
      usd: x.arbitrum.usd / x.proofs,
    },
    ...(liveByRow.has(x)
      ? [{ system: x.system, N: x.proofs, chain: liveName, usd: liveByRow.get(x)!.usd / x.proofs }]
      : []),
  ]);
  const xN = (title: string) =>
    ({
      field: "N",
      type: "quantitative",
      scale: {
        type: "log",
        base: 2,
        nice: false,
        ...(sizes.length > 1 ? { domain: [sizes[0], sizes[sizes.length - 1]] } : {}),
      },
      axis: { values: sizes, format: "d", title },
    }) as const;
  const system = { field: "system", type: "nominal", sort: SYSTEM_ORDER } as const;
  const chains = [...new Set(cost.map((c) => c.chain))];
  const systems = SYSTEM_ORDER.filter((x) => batches.some((b) => b.system === x));
  const usdTicks = decades(cost.map((c) => c.usd));
  const floor = r.groth16Floor.total;
  const gwei = (w: bigint) => Number(w) / 1e9;
  const pr = r.presets;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Gas lab: ${r.model} (${r.nPublic} public signals)`,
      subtitle: `Prices: L1 ${gwei(pr.l1GasPrice)} gwei; ${pr.op.name} L2 ${gwei(pr.op.l2GasPrice)} gwei + L1 data fee; ${pr.arbitrum.name} L2 ${gwei(pr.arbitrum.l2GasPrice)} gwei + L1 units; ETH = $${pr.ethUsd}`,
      anchor: "start",
      fontSize: 16,
    },
    config: { font: "sans-serif", axis: { labelFontSize: 11, titleFontSize: 12 } },
    resolve: {
      scale: { color: "independent", strokeDash: "independent" },
      legend: { color: "independent", strokeDash: "independent" },
    },
    vconcat: [
      {
        title: {
          text: "Gas per proof against batch size N",
          subtitle: floorLines(r),
          anchor: "start",
        },
        width: PANEL.width,
        height: PANEL.height,
        layer: [
          {
            data: { values: gas },
            mark: { type: "line", point: { filled: true, size: 30 } },
            encoding: {
              x: xN("batch size N (proofs per transaction, log scale)"),
              y: {
                field: "gas",
                type: "quantitative",
                scale: { type: "log", nice: false, padding: 10 },
                axis: { title: "gas per proof (log scale)", format: "~s" },
              },
              color: {
                ...system,
                title: "proof system",
                scale: {
                  domain: systems,
                  range: systems.map((x) => SYSTEM_COLORS[SYSTEM_ORDER.indexOf(x)]),
                },
              },
              strokeDash: {
                field: "figure",
                type: "nominal",
                title: "gas per proof of",
                legend: {
                  symbolType: "stroke",
                  symbolStrokeWidth: 2,
                  symbolSize: 400,
                  labelLimit: 260,
                  // vega-lite leaves a strokeDash legend's symbols without a stroke colour
                  encode: { symbols: { update: { stroke: { value: "#444444" } } } },
                },
              },
              tooltip: [
                { field: "system" },
                { field: "figure" },
                { field: "N" },
                { field: "gas", format: "," },
              ],
            },
          },
          {
            data: { values: [{ floor }] },
            mark: { type: "rule", color: FLOOR_COLOR, strokeDash: [2, 3], strokeWidth: 1.5 },
            encoding: { y: { field: "floor", type: "quantitative" } },
          },
        ],
      },
      {
        title: {
          text: "Cost per proof of a registry submission against batch size N, by chain",
          anchor: "start",
        },
        data: { values: cost },
        facet: {
          column: {
            ...system,
            title: null,
            header: { labelFontSize: 13, labelFontWeight: "bold" },
          },
        },
        spec: {
          width: PANEL.facetWidth,
          height: PANEL.facetHeight,
          mark: { type: "line", point: true },
          encoding: {
            x: xN("batch size N (log scale)"),
            y: {
              field: "usd",
              type: "quantitative",
              scale: { type: "log", domain: [usdTicks[0], usdTicks[usdTicks.length - 1]] },
              axis: { title: "USD per proof (log scale)", values: usdTicks, format: "$~g" },
            },
            color: {
              field: "chain",
              type: "nominal",
              title: "chain",
              legend: { labelLimit: 260 },
              scale: { domain: chains, range: CHAIN_COLORS.slice(0, chains.length) },
            },
            tooltip: [{ field: "chain" }, { field: "N" }, { field: "usd", format: "$.4~r" }],
          },
        },
      },
    ],
  } as TopLevelSpec;
}
