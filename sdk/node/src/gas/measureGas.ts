// hardhat-ethers adds `ethers` to Hardhat network connections (an optional peer, with hardhat)
import type {} from "@nomicfoundation/hardhat-ethers";
import { ARBITRUM_FEE_PRESETS, arbitrumL1Cost } from "./arbitrumL1Cost.ts";
import type { ArbitrumFeePreset } from "./arbitrumL1Cost.ts";
import { OP_FEE_PRESETS, opL1Fee } from "./opL1Fee.ts";
import type { OpFeePreset } from "./opL1Fee.ts";
import { proveSamples } from "./proveSamples.ts";
import type { GasProofSystem } from "./proveSamples.ts";
import { runGasChain } from "./runGasChain.ts";
import type { BytecodeSize, GasTx } from "./runGasChain.ts";
import { setL1BlockValues } from "./setL1BlockValues.ts";
import { readManifest } from "../manifestFile.ts";
import { GROTH16_GAS, groth16Floor } from "./groth16Floor.ts";
import type { Groth16FloorReturnType } from "./groth16Floor.ts";
import { estimateLiveCost } from "./liveCost.ts";
import type { EstimateLiveCostReturnType, LiveChainKind, LiveTxCost } from "./liveCost.ts";
import { Transaction, hexlify } from "ethers";
import type { Hex, PublicClient } from "viem";

/** Prices used to turn gas into ETH and USD. */
export interface GasPresets {
  /** L1 gas price, wei (default 1 gwei). */
  l1GasPrice?: bigint;
  /** USD per ETH (default 3000). */
  ethUsd?: number;
  op?: OpFeePreset;
  arbitrum?: ArbitrumFeePreset;
}

export interface MeasureGasParameters {
  /** A compiled model folder (see `compileModel`). */
  dir: string;
  systems?: GasProofSystem[];
  /** Batch sizes (default 1, 8, 32). */
  batch?: number[];
  presets?: GasPresets;
  /** Float input rows to prove, at least max(batch) distinct ones (default: the rows the model
   * was calibrated on, recorded at compile). */
  inputs?: number[][];
  /**
   * A live chain to price the same submissions on, with its current fees (`liveClient`):
   * OP stack (L1 data fee, operator fee), Arbitrum (NodeInterface's L1 component) or an L1;
   * `kind` overrides the detection.
   */
  live?: { client: PublicClient; kind?: LiveChainKind };
  onProgress?: (line: string) => void;
}

/** The submissions priced on a live chain, next to the simulated rows. */
export interface LiveGasReport extends Omit<EstimateLiveCostReturnType, "costs" | "blockNumber"> {
  /** The block the prices were read at (a number, as in every --json output). */
  blockNumber: number;
  /** One per submission row (`rows` with proofs > 0), in order, with ETH and USD. */
  rows: (LiveTxCost & {
    system: GasProofSystem;
    action: string;
    proofs: number;
    eth: number;
    usd: number;
  })[];
}

/** Cost of one transaction on one chain. */
export interface ChainCost {
  gas: number;
  wei: bigint;
  eth: number;
  usd: number;
}

/**
 * Where a registry transaction's gas goes (totals for the transaction; they sum to gasUsed):
 * the verifier's execution, the prediction records' SSTOREs (22,100 each), the events' LOG
 * cost, the rest of the registry's work (checks, prediction ids, calls, memory), calldata
 * (4 gas per zero byte, 16 per other) and the 21,000 base.
 */
export interface TxBreakdown {
  verification: number;
  record: number;
  event: number;
  otherRegistry: number;
  calldata: number;
  base: number;
}

/** One measured submission (or administration) transaction. */
export interface GasRow {
  system: GasProofSystem;
  action: string;
  proofs: number;
  /** gasUsed of the registry transaction. */
  gasUsed: number;
  /**
   * gasUsed of the bare verification transaction(s) of the same proofs / proofs: ONE
   * `verifyBatch` transaction for a Groth16 batch, else one `verify` transaction per proof,
   * straight to the verifier (its calldata and 21,000 base included). 0 for administration.
   */
  gasPerProof: number;
  /** Verifier execution inside the registry transaction / proofs (0 for administration). */
  verifierGasPerProof: number;
  /** gasUsed of the registry transaction / proofs (administration: gasUsed). */
  txGasPerProof: number;
  split: { verifier: number; registry: number; txBase: number };
  breakdown: TxBreakdown;
  /** The bare verification transaction(s): summed gasUsed, calldata, how many. */
  bare: { gasUsed: number; execution: number; calldataBytes: number; txs: number };
  calldataBytes: number;
  l1: ChainCost;
  op: ChainCost & { l1Fee: bigint; l1GasUsed: number; expectedL1Fee: bigint; fastLzSize: number };
  arbitrum: ChainCost & { l1Units: number; compressedSize: number; l1Cost: bigint };
}

export interface MeasureGasReturnType {
  dir: string;
  /** The model's ONNX file name (manifest.model.file), for titles. */
  model: string;
  nPublic: number;
  presets: Required<GasPresets>;
  rows: GasRow[];
  /**
   * Per system and batch size N: gasUsed of a bare verification transaction of the N proofs
   * (`verifyBatch` for Groth16, else N `verify` transactions) / N. The quantity to compare with
   * `groth16Floor`.
   */
  gasPerProof: Record<string, Record<string, number>>;
  /** Per system and N: the verifier's execution inside `submitPredictions` / N. */
  verifierGasPerProof: Record<string, Record<string, number>>;
  /** Per system and N: gasUsed of the whole registry `submitPredictions` transaction / N. */
  txGasPerProof: Record<string, Record<string, number>>;
  /** Per system and N: the registry transaction's breakdown (`TxBreakdown`) / N. */
  txBreakdownPerProof: Record<string, Record<string, TxBreakdown>>;
  /** The least gas of one bare Groth16 verification transaction (`groth16Floor`), with the
   * calldata of the measured Groth16 verify transaction. */
  groth16Floor: Groth16FloorReturnType;
  bytecode: (BytecodeSize & { limit: number; system: GasProofSystem })[];
  /** The same submissions priced on a live chain (`live` parameter). */
  live?: LiveGasReport;
}

/**
 * The gas lab: proves real predictions for each proof system, sends them on Hardhat's
 * in-process L1 chain and on its simulated OP chain (L1Block values set from the preset), and
 * prices every transaction on L1, the OP stack (receipt l1Fee) and Arbitrum (Nitro's Brotli rule).
 * Per system and batch size it reports three per-proof figures: `gasPerProof` (a bare
 * verification transaction), `verifierGasPerProof` (the verifier's execution inside the registry
 * transaction) and `txGasPerProof` (the whole registry transaction), with its breakdown.
 *
 * @example
 * const report = await measureGas({ dir: "build/iris-mlp", systems: ["groth16"], batch: [1, 8, 32] });
 * console.log(report.gasPerProof.groth16["32"]);
 */
export async function measureGas(p: MeasureGasParameters): Promise<MeasureGasReturnType> {
  const { network } = await import("hardhat");
  const presets: Required<GasPresets> = {
    l1GasPrice: p.presets?.l1GasPrice ?? 1_000_000_000n,
    ethUsd: p.presets?.ethUsd ?? 3000,
    op: p.presets?.op ?? OP_FEE_PRESETS["op-mainnet"],
    arbitrum: p.presets?.arbitrum ?? ARBITRUM_FEE_PRESETS["arbitrum-one"],
  };
  const batch = p.batch ?? [1, 8, 32];
  // Reach the live chain (and learn its kind) before minutes of proving, not after.
  const liveKind =
    p.live && (await estimateLiveCost({ client: p.live.client, kind: p.live.kind, txs: [] })).kind;
  const rows: GasRow[] = [];
  const bytecode: MeasureGasReturnType["bytecode"] = [];
  let nPublic = 0;
  const submissions: GasTx[] = [];
  for (const system of p.systems ?? ["groth16"]) {
    p.onProgress?.(`${system}: setup and ${Math.max(1, ...batch)} proofs`);
    const samples = await proveSamples({
      dir: p.dir,
      system,
      count: Math.max(1, ...batch),
      inputs: p.inputs,
      onProgress: p.onProgress,
    });
    nPublic = samples.nPublic;
    const l1Chain = await network.create({ chainType: "l1" });
    const [l1Signer] = await l1Chain.ethers.getSigners();
    const l1 = await runGasChain({
      signer: l1Signer,
      dir: p.dir,
      samples,
      batch,
      onProgress: p.onProgress,
    });
    await l1Chain.close();
    const opChain = await network.create({ chainType: "op" });
    await setL1BlockValues({ provider: opChain.ethers.provider, ...presets.op });
    const [opSigner] = await opChain.ethers.getSigners();
    const op = await runGasChain({ signer: opSigner, dir: p.dir, samples, batch });
    await opChain.close();
    for (const b of l1.bytecode) {
      if (!bytecode.some((x) => x.contract === b.contract))
        bytecode.push({ ...b, limit: 24_576, system });
    }
    l1.txs.forEach((tx, i) => rows.push(row(tx, op.txs[i], presets)));
    submissions.push(...l1.txs.filter((tx) => tx.proofs > 0));
  }
  let live: LiveGasReport | undefined;
  if (p.live) {
    p.onProgress?.(`live: pricing ${submissions.length} submissions`);
    const { costs, ...chain } = await estimateLiveCost({
      client: p.live.client,
      kind: liveKind,
      txs: submissions.map((tx) => {
        const sent = Transaction.from(hexlify(tx.signedTx));
        return { to: sent.to as Hex, data: sent.data as Hex, gasUsed: tx.gasUsed };
      }),
      onProgress: p.onProgress,
    });
    live = {
      ...chain,
      blockNumber: Number(chain.blockNumber),
      rows: costs.map((c, i) => {
        const { system, action, proofs } = submissions[i];
        const { eth, usd } = cost(0, c.total, presets.ethUsd);
        return { ...c, system, action, proofs, eth, usd };
      }),
    };
  }
  const perProof = <T>(f: (r: GasRow) => T) => {
    const out: Record<string, Record<string, T>> = {};
    for (const r of rows.filter((x) => x.action === "batch")) {
      (out[r.system] ??= {})[String(r.proofs)] = f(r);
    }
    return out;
  };
  const single = rows.find((r) => r.action === "submit" && r.system === "groth16");
  return {
    dir: p.dir,
    model: readManifest(p.dir).model.file,
    nPublic,
    presets,
    rows,
    gasPerProof: perProof((r) => r.gasPerProof),
    verifierGasPerProof: perProof((r) => r.verifierGasPerProof),
    txGasPerProof: perProof((r) => r.txGasPerProof),
    txBreakdownPerProof: perProof(
      (r) =>
        Object.fromEntries(
          Object.entries(r.breakdown).map(([k, v]) => [k, Math.round(v / r.proofs)]),
        ) as unknown as TxBreakdown,
    ),
    groth16Floor: groth16Floor({
      nPublic,
      calldataGas: single
        ? single.bare.gasUsed - single.bare.execution - GROTH16_GAS.txBase
        : verifyCalldataGasBound(nPublic),
    }),
    bytecode,
    live,
  };
}

function row(tx: GasTx, opTx: GasTx, presets: Required<GasPresets>): GasRow {
  const l1Wei = tx.gasUsed * presets.l1GasPrice;
  const expected = opL1Fee({ signedTx: opTx.signedTx, preset: presets.op });
  const opL1 = BigInt(opTx.receipt.l1Fee ?? "0x0");
  const opWei = opTx.gasUsed * presets.op.l2GasPrice + opL1;
  const arb = arbitrumL1Cost({ signedTx: tx.signedTx, preset: presets.arbitrum });
  const arbWei = tx.gasUsed * presets.arbitrum.l2GasPrice + arb.l1Cost;
  return {
    system: tx.system,
    action: tx.action,
    proofs: tx.proofs,
    gasUsed: Number(tx.gasUsed),
    gasPerProof: per(tx.bare.gasUsed, tx.proofs),
    verifierGasPerProof: per(tx.verifier, tx.proofs),
    txGasPerProof: tx.proofs ? per(tx.gasUsed, tx.proofs) : Number(tx.gasUsed),
    split: {
      verifier: Number(tx.verifier),
      registry: Number(tx.registry),
      txBase: Number(tx.txBase),
    },
    breakdown: {
      verification: Number(tx.verifier),
      record: Number(tx.recordGas),
      event: Number(tx.eventGas),
      otherRegistry: Number(tx.registry - tx.recordGas - tx.eventGas),
      calldata: Number(tx.txBase) - GROTH16_GAS.txBase,
      base: GROTH16_GAS.txBase,
    },
    bare: {
      gasUsed: Number(tx.bare.gasUsed),
      execution: Number(tx.bare.gasUsed - tx.bare.txBase),
      calldataBytes: tx.bare.calldataBytes,
      txs: tx.bare.txs,
    },
    calldataBytes: tx.calldataBytes,
    l1: cost(Number(tx.gasUsed), l1Wei, presets.ethUsd),
    op: {
      ...cost(Number(opTx.gasUsed), opWei, presets.ethUsd),
      l1Fee: opL1,
      l1GasUsed: Number(BigInt(opTx.receipt.l1GasUsed ?? "0x0")),
      expectedL1Fee: expected.l1Fee,
      fastLzSize: expected.fastLzSize,
    },
    arbitrum: {
      ...cost(Number(tx.gasUsed), arbWei, presets.ethUsd),
      l1Units: Number(arb.l1Units),
      compressedSize: arb.compressedSize,
      l1Cost: arb.l1Cost,
    },
  };
}

const per = (gas: bigint, proofs: number) => (proofs ? Math.round(Number(gas) / proofs) : 0);

function cost(gas: number, wei: bigint, ethUsd: number): ChainCost {
  const eth = Number(wei) / 1e18;
  return { gas, wei, eth, usd: eth * ethUsd };
}

/**
 * Calldata gas of `verify(bytes proof, uint256[] signals)` with a 256-byte Groth16 proof, every
 * byte counted non-zero (an upper bound, used when no Groth16 transaction was measured).
 */
function verifyCalldataGasBound(nPublic: number): number {
  const w = GROTH16_GAS.wordBytes;
  const bytes = 4 + 2 * w + w + 8 * w + w + w * nPublic;
  return bytes * GROTH16_GAS.calldataPerByte;
}
