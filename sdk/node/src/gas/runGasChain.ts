import { exportVerifier } from "../chain/exportVerifier.ts";
import { Contract, ContractFactory, Transaction, getBytes, id, toBeHex } from "ethers";
import type { Signer } from "ethers";
import { readManifest } from "../manifestFile.ts";
import { compileBatchVerifier } from "../chain/batchVerifierCompile.ts";
import { registryLayout } from "@zkml-verify/core/internal/chain/registerModel";
import {
  modelRegistryAbi,
  modelRegistryBytecode,
} from "@zkml-verify/core/internal/chain/generated/ModelRegistry";
import {
  snarkjsVerifierAdapterAbi,
  snarkjsVerifierAdapterBytecode,
} from "@zkml-verify/core/internal/chain/generated/SnarkjsVerifierAdapter";
import type { GasProofSystem, ProveSamplesReturnType } from "./proveSamples.ts";
import { GROTH16_GAS } from "./groth16Floor.ts";

const SYSTEM_ID: Record<GasProofSystem, number> = { groth16: 0, plonk: 1, fflonk: 2 };

/** One measured transaction. */
export interface GasTx {
  /** "register", "setBatchVerifier", "submit" or "batch". */
  action: string;
  system: GasProofSystem;
  /** Proofs in the transaction (0 for administration). */
  proofs: number;
  gasUsed: bigint;
  /** 21000 + calldata (4 gas per zero byte, 16 per other byte). */
  txBase: bigint;
  /** Execution of the verifier(s) themselves: `bare` gasUsed minus its tx base. */
  verifier: bigint;
  /** gasUsed - txBase - verifier: the registry's checks, storage, events and calls. */
  registry: bigint;
  /**
   * The same proofs in bare verification transactions sent straight to the verifier (no
   * registry): ONE `verifyBatch(proofs, signals)` transaction when a batch verifier is used,
   * else one `IProofVerifier.verify` transaction per proof (gasUsed and tx base summed).
   * Zero for administration.
   */
  bare: { gasUsed: bigint; txBase: bigint; calldataBytes: number; txs: number };
  /** Of `registry`: 22,100 per prediction, the record's slot: the replay check's cold SLOAD
   * (2,100) and the zero to non-zero SSTORE (20,000). */
  recordGas: bigint;
  /** Of `registry`: the LOG opcodes' static cost (375 + 375 per topic + 8 per data byte). */
  eventGas: bigint;
  calldataBytes: number;
  txHash: string;
  /** The signed transaction (EIP-2718 envelope) as sent: what rollups post to L1. */
  signedTx: Uint8Array;
  /** The raw receipt (on an OP chain it carries l1Fee, l1GasUsed and the fee parameters). */
  receipt: Record<string, string>;
}

/** A contract's runtime bytecode size. */
export interface BytecodeSize {
  contract: string;
  bytes: number;
}

export interface RunGasChainParameters {
  /** A signer on the chain to measure (with a provider that has `send`, e.g. Hardhat's). */
  signer: Signer;
  dir: string;
  samples: ProveSamplesReturnType;
  batch: number[];
  onProgress?: (line: string) => void;
}

/** One prediction record: a cold slot (EIP-2929, 2,100) set from zero to non-zero (EIP-2200, 20,000). */
export const RECORD_SSTORE_GAS = 22_100n;

/** 21,000 + 4 per zero byte + 16 per other byte. */
export function intrinsicGas(data: string): bigint {
  const g = GROTH16_GAS;
  let gas = BigInt(g.txBase);
  for (let i = 2; i < data.length; i += 2)
    gas += BigInt(data.slice(i, i + 2) === "00" ? g.calldataPerZeroByte : g.calldataPerByte);
  return gas;
}

/**
 * Deploys the registry and the verifiers of one proof system on a chain, then sends and
 * measures: registration, a single submission and one batch submission per size (each on a
 * fresh model id, so the same proofs are new statements every time), and for each submission
 * the bare verification transaction(s) of the same proofs sent straight to the verifier.
 *
 * @example
 * const { txs } = await runGasChain({ signer, dir, samples, batch: [1, 8, 32] });
 */
export async function runGasChain(
  p: RunGasChainParameters,
): Promise<{ txs: GasTx[]; bytecode: BytecodeSize[] }> {
  const { signer, samples } = p;
  const provider = signer.provider as unknown as {
    send(m: string, a: unknown[]): Promise<unknown>;
    getCode(a: string): Promise<string>;
    getTransaction(h: string): Promise<Transaction | null>;
  };
  const me = await signer.getAddress();
  const manifest = readManifest(p.dir);
  const layout = registryLayout(manifest.publicSignals.layout);
  const deploy = async (abi: unknown, bytecode: string, args: unknown[] = []) => {
    const c = await new ContractFactory(abi as never, bytecode, signer).deploy(...args);
    await c.waitForDeployment();
    return c as Contract;
  };
  const raw = await exportVerifier({
    zkey: samples.zkey,
    zkeySha256: samples.zkeySha256,
    system: samples.system,
  });
  const snarkjsVerifier = await deploy(raw.abi, raw.bytecode);
  const adapter = await deploy(snarkjsVerifierAdapterAbi, snarkjsVerifierAdapterBytecode, [
    await snarkjsVerifier.getAddress(),
    SYSTEM_ID[samples.system],
    samples.nPublic,
  ]);
  const registry = await deploy(modelRegistryAbi, modelRegistryBytecode, [me, me, me]);
  let batchVerifier: Contract | undefined;
  if (samples.system === "groth16") {
    const c = compileBatchVerifier({
      verificationKey: samples.verificationKey,
      verificationKeySha256: samples.verificationKeySha256 || undefined,
    });
    batchVerifier = await deploy(c.abi, c.bytecode);
  }
  const size = async (contract: string, c: Contract) => ({
    contract,
    bytes: getBytes(await provider.getCode(await c.getAddress())).length,
  });
  const bytecode = [
    await size("ModelRegistry", registry),
    await size("SnarkjsVerifierAdapter", adapter),
    await size(`${raw.contractName} (snarkjs, ${samples.system})`, snarkjsVerifier),
    ...(batchVerifier ? [await size("Groth16BatchVerifier (generated)", batchVerifier)] : []),
  ];

  const send = async (to: Contract, fn: string, args: unknown[]) => {
    const data = to.interface.encodeFunctionData(fn, args);
    const tx = await signer.sendTransaction({ to: await to.getAddress(), data });
    const receipt = await tx.wait();
    if (receipt?.status !== 1) throw new Error(`${fn} failed`);
    const sent = await provider.getTransaction(tx.hash);
    const rawReceipt = (await provider.send("eth_getTransactionReceipt", [tx.hash])) as Record<
      string,
      string
    >;
    let eventGas = 0n;
    for (const log of receipt.logs) {
      eventGas += 375n + 375n * BigInt(log.topics.length) + 8n * BigInt(getBytes(log.data).length);
    }
    return {
      gasUsed: receipt.gasUsed,
      eventGas,
      txBase: intrinsicGas(data),
      calldataBytes: (data.length - 2) / 2,
      txHash: tx.hash,
      signedTx: getBytes(Transaction.from(sent!).serialized),
      receipt: rawReceipt,
    };
  };
  type Bare = GasTx["bare"];
  const noBare: Bare = { gasUsed: 0n, txBase: 0n, calldataBytes: 0, txs: 0 };
  /** Bare verification transactions (straight to the verifier), summed. */
  const bareVerify = async (calls: [Contract, string, unknown[]][]): Promise<Bare> => {
    const sum = { ...noBare };
    for (const [to, fn, args] of calls) {
      const r = await send(to, fn, args);
      sum.gasUsed += r.gasUsed;
      sum.txBase += r.txBase;
      sum.calldataBytes += r.calldataBytes;
      sum.txs += 1;
    }
    return sum;
  };

  const txs: GasTx[] = [];
  const record = (
    action: string,
    proofs: number,
    r: Awaited<ReturnType<typeof send>>,
    bare: Bare,
  ) => {
    const verifier = bare.gasUsed - bare.txBase;
    txs.push({
      action,
      system: samples.system,
      proofs,
      verifier,
      registry: r.gasUsed - r.txBase - verifier,
      bare,
      recordGas: RECORD_SSTORE_GAS * BigInt(proofs),
      ...r,
    });
  };
  let round = 0;
  const registerFresh = async () => {
    const modelId = id(`gas lab ${samples.system} ${round++}`);
    const r = await send(registry, "registerModel", [
      modelId,
      toBeHex(BigInt(manifest.weightCommitment), 32),
      await adapter.getAddress(),
      layout,
      "file://manifest.json",
    ]);
    if (round === 1) record("register", 0, r, noBare);
    if (batchVerifier) {
      const b = await send(registry, "setBatchVerifier", [
        modelId,
        1,
        await batchVerifier.getAddress(),
      ]);
      if (round === 1) record("setBatchVerifier", 0, b, noBare);
    }
    return modelId;
  };

  const first = samples.proofs[0];
  const single = await send(registry, "submitPrediction", [
    await registerFresh(),
    first.proofBytes,
    first.publicSignals,
  ]);
  record(
    "submit",
    1,
    single,
    await bareVerify([[adapter, "verify", [first.proofBytes, first.publicSignals]]]),
  );
  for (const n of p.batch) {
    p.onProgress?.(`${samples.system}: batch of ${n}`);
    const items = samples.proofs.slice(0, n);
    const proofs = items.map((x) => x.proofBytes);
    const signals = items.map((x) => x.publicSignals);
    const r = await send(registry, "submitPredictions", [await registerFresh(), proofs, signals]);
    const bare = await bareVerify(
      batchVerifier
        ? [[batchVerifier, "verifyBatch", [proofs, signals]]]
        : items.map((x) => [adapter, "verify", [x.proofBytes, x.publicSignals]]),
    );
    record("batch", n, r, bare);
  }
  return { txs, bytecode };
}
