import { concat, keccak256, toHex } from "viem";
import type { ChainClientLike, Hex } from "@zkml-verify/core/internal/chain/chainClient";
import { toChainClient } from "@zkml-verify/core/internal/chain/chainClient";
import { readRegistry } from "@zkml-verify/core/internal/chain/readRegistry";
import { readVerifiedPredictions } from "@zkml-verify/core/internal/chain/readRegistryEvents";
import type { VerifiedPrediction } from "@zkml-verify/core/internal/chain/readRegistryEvents";
import type { SignalLayout } from "@zkml-verify/core/internal/layout/publicSignals";
import { INPUT_KIND, OUTPUT_KIND } from "@zkml-verify/core/internal/layout/publicSignals";
import { UntrustedKeyError, ZkmlError } from "@zkml-verify/core/internal/errors";
import { decodeProof } from "@zkml-verify/core/internal/prove/decodeProof";
import { verifyProof } from "@zkml-verify/core/internal/prove/verifyProof";
import { decodeOutputs } from "./decodeOutputs.ts";
import { decodeSubmission } from "./decodeSubmission.ts";
import { AUDITED_SYSTEMS, loadManifestDir } from "./loadManifestDir.ts";
import type { ManifestDir } from "./loadManifestDir.ts";
import { allPass, runCheck } from "./types.ts";
import type { AuditCheck, AuditedPrediction } from "./types.ts";

export interface AuditPredictionParameters {
  /** Read-only is enough: ethers Provider/Signer, viem `{ publicClient }`, or a ChainClient. */
  client: ChainClientLike;
  registry: string;
  /** The PredictionVerified event (from readVerifiedPredictions), or its id to look it up. */
  prediction: VerifiedPrediction | string;
  /** The model's compiled folder (manifest.json + verification_key.json), if available. */
  manifest?: string | ManifestDir;
  /** A block's timestamp (default: the client's; auditRegistry passes a cached one). */
  blockTimestamp?: (blockNumber: bigint) => Promise<number>;
}

const same = (a: readonly bigint[], b: readonly bigint[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** The input commitment the registry derives from the signals (see ModelRegistry._record). */
export function expectedInputCommitment(layout: SignalLayout, signals: readonly bigint[]): Hex {
  const slice = signals.slice(layout.inputOffset, layout.inputOffset + layout.inputCount);
  if (layout.inputKind === INPUT_KIND.hashed) return toHex(slice[0], { size: 32 });
  if (layout.inputKind === INPUT_KIND.public) {
    return keccak256(slice.length ? concat(slice.map((s) => toHex(s, { size: 32 }))) : "0x");
  }
  return toHex(0n, { size: 32 });
}

/**
 * Re-checks one verified prediction from the chain: decodes the proof and public signals from
 * the transaction's calldata, checks the event's outputs and input commitment against them and
 * the weight-commitment signal against the registered model, and re-verifies the proof
 * off-chain with the verification key of the model's manifest folder.
 *
 * @example
 * const r = await auditPrediction({ client: provider, registry, prediction: predictionId, manifest: "build/iris-mlp" });
 * if (!r.ok) console.log(r.checks.filter((c) => c.status === "fail"));
 */
export async function auditPrediction(p: AuditPredictionParameters): Promise<AuditedPrediction> {
  const client = toChainClient(p.client);
  const ev =
    typeof p.prediction === "string"
      ? (await readVerifiedPredictions({ client, registry: p.registry })).find(
          (e) => e.predictionId.toLowerCase() === (p.prediction as string).toLowerCase(),
        )
      : p.prediction;
  if (!ev) {
    throw new ZkmlError(`no PredictionVerified event for ${String(p.prediction)}`, {
      details: { registry: p.registry, prediction: String(p.prediction) },
    });
  }
  const m = typeof p.manifest === "string" ? loadManifestDir(p.manifest) : p.manifest;
  const version = await readRegistry({
    client,
    registry: p.registry,
    functionName: "getVersion",
    args: [ev.modelId, ev.version],
  });
  const layout = version.layout as SignalLayout;
  const checks: AuditCheck[] = [];
  const tx = await client.getTransaction(ev.txHash);
  const call =
    tx && decodeSubmission({ input: tx.input, predictionId: ev.predictionId, version: ev.version });
  await runCheck(checks, "calldata", () =>
    call
      ? [
          "pass",
          `${call.functionName} in tx ${ev.txHash} carries this statement (prediction id recomputed)`,
        ]
      : [
          "fail",
          `tx ${ev.txHash} does not carry a registry submission whose statement hashes to this prediction id`,
        ],
  );
  if (call) {
    const s = call.publicSignals;
    await runCheck(checks, "outputs", () => {
      const fromCalldata = s.slice(layout.outputOffset, layout.outputOffset + layout.outputCount);
      const what =
        Number(layout.outputKind) === OUTPUT_KIND.hashed
          ? "the output commitment (a Poseidon hash of the outputs, not their values)"
          : "the output values";
      return same(fromCalldata, ev.outputs)
        ? [
            "pass",
            `event outputs equal public signals [${layout.outputOffset}..${layout.outputOffset + layout.outputCount}): ${what}`,
          ]
        : [
            "fail",
            `event outputs ${ev.outputs.join(",")} differ from calldata ${fromCalldata.join(",")}`,
          ];
    });
    await runCheck(checks, "input commitment", () => {
      const expected = expectedInputCommitment(layout, s);
      return expected.toLowerCase() === ev.inputCommitment.toLowerCase()
        ? ["pass", `event input commitment matches the signals (input kind ${layout.inputKind})`]
        : ["fail", `event ${ev.inputCommitment} vs recomputed ${expected}`];
    });
    await runCheck(checks, "weight commitment signal", () =>
      s[layout.weightCommitmentIndex] === BigInt(version.weightCommitment)
        ? ["pass", "signal equals the registered weight commitment"]
        : [
            "fail",
            `signal ${s[layout.weightCommitmentIndex]} vs registered ${version.weightCommitment}`,
          ],
    );
    await runCheck(checks, "proof (off-chain)", async () => {
      const system = AUDITED_SYSTEMS[version.proofSystem];
      if (!system) return ["skip", `unknown proof system ${version.proofSystem}`];
      const key = m?.keyFor(system);
      if (!key?.verificationKey)
        return ["skip", `no manifest folder with the ${system} verification key for this model`];
      let valid: boolean;
      try {
        ({ valid } = await verifyProof({
          system,
          verificationKey: key.verificationKey,
          proof: decodeProof({ system, bytes: call.proof }),
          publicSignals: s,
        }));
      } catch (e) {
        // A key anyone can forge with proves nothing, whatever the pairing check says.
        if (e instanceof UntrustedKeyError) return ["fail", `key refused: ${e.message}`];
        throw e;
      }
      return valid
        ? ["pass", `${system} proof verifies against ${key.verificationKeyFile}`]
        : [
            "fail",
            `does NOT verify against ${key.verificationKeyFile} (yet the on-chain verifier accepted it)`,
          ];
    });
  }
  return {
    predictionId: ev.predictionId,
    modelId: ev.modelId,
    version: ev.version,
    submitter: ev.submitter,
    txHash: ev.txHash,
    blockNumber: ev.blockNumber,
    blockTimestamp: await (p.blockTimestamp ?? ((n) => client.getBlockTimestamp(n)))(
      ev.blockNumber,
    ),
    outputs: ev.outputs,
    decoded: m ? decodeOutputs({ manifest: m.manifest, outputs: ev.outputs }) : null,
    verifier: version.verifier,
    manifest: m?.dir ?? null,
    checks,
    ok: allPass(checks),
  };
}
