import { markdownTable } from "./markdownTable.ts";
import type { MeasureGasReturnType } from "./measureGas.ts";

/** One labelled measurement. Execution gas is deterministic; the calldata cost varies with the
 * proof bytes (zero bytes are cheaper), so totals are kept for reading, not for diffing. */
export interface GasSnapshotEntry {
  /** gasUsed - (21000 + calldata cost): deterministic for a given circuit and code. */
  executionGas: number;
  calldataBytes: number;
  /** gasUsed of the measured transaction (varies by a few hundred gas between proofs). */
  gasUsed: number;
  /** executionGas / proofs (0 proofs: = executionGas). */
  executionGasPerProof: number;
  /** gasUsed / proofs (0 proofs: = gasUsed). For a bare verification tx: `gasPerProof`. */
  gasUsedPerProof: number;
}

export interface GasSnapshot {
  /** What was measured (model folder and public signal count). */
  circuit: { nPublic: number };
  gas: Record<string, GasSnapshotEntry>;
  /** Runtime bytecode size of every deployed contract, bytes (limit 24,576). */
  bytecode: Record<string, number>;
}

/**
 * Labelled gas snapshot of a gas lab report (Uniswap-style): "register", "submitPrediction
 * (groth16)", "submitPredictions N=32 (groth16)", ... and bytecode sizes.
 *
 * @example
 * writeFileSync("gas/snapshots.json", JSON.stringify(gasSnapshot(report), null, 2));
 */
export function gasSnapshot(r: MeasureGasReturnType): GasSnapshot {
  const gas: Record<string, GasSnapshotEntry> = {};
  for (const row of r.rows) {
    const label =
      row.action === "batch"
        ? `submitPredictions N=${row.proofs} (${row.system}${row.system === "groth16" ? ", batch verifier" : ""})`
        : row.action === "submit"
          ? `submitPrediction (${row.system})`
          : `${row.action} (${row.system})`;
    const entry = (executionGas: number, calldataBytes: number, gasUsed: number) => ({
      executionGas,
      calldataBytes,
      gasUsed,
      executionGasPerProof: Math.round(executionGas / Math.max(1, row.proofs)),
      gasUsedPerProof: Math.round(gasUsed / Math.max(1, row.proofs)),
    });
    gas[label] = entry(row.gasUsed - row.split.txBase, row.calldataBytes, row.gasUsed);
    // The bare verification transaction of the same proofs: a single proof, or a Groth16 batch
    // (other systems' batches are N single verify transactions, as in `verify (<system>, ...)`).
    if (row.action === "submit" || (row.action === "batch" && row.system === "groth16")) {
      const bareLabel =
        row.action === "batch"
          ? `verifyBatch N=${row.proofs} (${row.system}, bare tx)`
          : `verify (${row.system}, bare tx)`;
      gas[bareLabel] = entry(row.bare.execution, row.bare.calldataBytes, row.bare.gasUsed);
    }
  }
  const bytecode: Record<string, number> = {};
  for (const b of r.bytecode) bytecode[b.contract] = b.bytes;
  return { circuit: { nPublic: r.nPublic }, gas, bytecode };
}

/** One measurement that moved beyond the tolerance, appeared or disappeared. */
export interface GasSnapshotChange {
  label: string;
  /** "executionGas", "calldataBytes" or "bytecode". */
  field: string;
  before?: number;
  after?: number;
  /** (after - before) / before x 100; undefined when a side is missing. */
  percent?: number;
}

export interface CheckGasSnapshotParameters {
  committed: GasSnapshot;
  current: GasSnapshot;
  /** Allowed change in percent, either way (default 0: any change fails). */
  tolerancePercent?: number;
}

export interface CheckGasSnapshotReturnType {
  ok: boolean;
  changes: GasSnapshotChange[];
  /** One line per change: "label executionGas: 1000 -> 1100 (+10.00%)". */
  lines: string[];
}

/**
 * Checks a measured snapshot against a committed one for CI: every deterministic figure
 * (execution gas, calldata bytes, bytecode sizes) must be within `tolerancePercent` of the
 * committed value, up or down (gas that fell means the snapshot is stale), and both must
 * have the same labels.
 *
 * @example
 * const { ok, lines } = checkGasSnapshot({ committed, current, tolerancePercent: 1 });
 */
export function checkGasSnapshot(p: CheckGasSnapshotParameters): CheckGasSnapshotReturnType {
  const tolerance = p.tolerancePercent ?? 0;
  const changes: GasSnapshotChange[] = [];
  const cmp = (label: string, field: string, before?: number, after?: number) => {
    if (before === undefined || after === undefined) {
      if (before !== after) changes.push({ label, field, before, after });
      return;
    }
    const percent = before === 0 ? (after === 0 ? 0 : Infinity) : ((after - before) / before) * 100;
    if (Math.abs(percent) > tolerance) changes.push({ label, field, before, after, percent });
  };
  const keys = (a?: Record<string, unknown>, b?: Record<string, unknown>) => [
    ...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]),
  ];
  const { committed: c, current: n } = p;
  for (const k of keys(c.gas, n.gas)) {
    cmp(k, "executionGas", c.gas[k]?.executionGas, n.gas[k]?.executionGas);
    if (c.gas[k] && n.gas[k])
      cmp(k, "calldataBytes", c.gas[k].calldataBytes, n.gas[k].calldataBytes);
  }
  for (const k of keys(c.bytecode, n.bytecode)) cmp(k, "bytecode", c.bytecode[k], n.bytecode[k]);
  const lines = changes.map((x) =>
    x.before === undefined
      ? `+ ${x.label}: new (${x.after}), not in the committed snapshot`
      : x.after === undefined
        ? `- ${x.label}: in the committed snapshot (${x.before}), not measured now`
        : `~ ${x.label} ${x.field}: ${x.before} -> ${x.after} (${x.percent! > 0 ? "+" : ""}${x.percent!.toFixed(2)}%)`,
  );
  return { ok: changes.length === 0, changes, lines };
}

/**
 * The snapshot as a markdown page (beside the JSON), formatted as prettier would.
 *
 * @example
 * writeFileSync("gas-snapshot.md", renderSnapshotMarkdown(snapshot));
 */
export function renderSnapshotMarkdown(s: GasSnapshot): string {
  const n = (v: number) => v.toLocaleString("en-US");
  return [
    "# Gas snapshots",
    "",
    `Written by \`zkml gas <dir> --snapshot\` (${s.circuit.nPublic} public signals, Hardhat in-process L1 chain); \`zkml gas <dir> --check\` re-measures and fails when a figure moved. Do not edit: regenerate, and review the diff it prints. Execution gas = gasUsed - 21,000 - calldata cost (deterministic); gasUsed varies by a few hundred gas with the proof bytes.`,
    "",
    "Labels: `submitPrediction(s) ...` are whole registry transactions (gasUsed / proof = `txGasPerProof`); `verify ... (bare tx)` and `verifyBatch N=... (bare tx)` send the same proofs straight to the verifier, without the registry (gasUsed / proof = `gasPerProof`, the figure that compares with the Groth16 floor of the gas lab report and with the 60k target at N = 32); their execution / proof is `verifierGasPerProof`.",
    "",
    ...markdownTable(
      [
        "label",
        "execution gas",
        "execution / proof",
        "calldata bytes",
        "gasUsed (sample)",
        "gasUsed / proof",
      ],
      ["l", "r", "r", "r", "r", "r"],
      Object.entries(s.gas).map(([k, e]) => [
        k,
        n(e.executionGas),
        n(e.executionGasPerProof),
        n(e.calldataBytes),
        n(e.gasUsed),
        n(e.gasUsedPerProof),
      ]),
    ),
    "",
    ...markdownTable(
      ["contract", "runtime bytes", "of 24,576"],
      ["l", "r", "r"],
      Object.entries(s.bytecode).map(([k, b]) => [k, n(b), `${((100 * b) / 24_576).toFixed(1)}%`]),
    ),
    "",
  ].join("\n");
}
