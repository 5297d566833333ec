import { isDeepStrictEqual } from "node:util";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { decodeFunctionResult, encodeFunctionData } from "viem";
import type { ChainClient, Hex } from "@zkml-verify/core/internal/chain/chainClient";
import { exportVerifier } from "../chain/exportVerifier.ts";
import { snarkjsVerifierAdapterAbi } from "@zkml-verify/core/internal/chain/generated/SnarkjsVerifierAdapter";
import { readRegistry } from "@zkml-verify/core/internal/chain/readRegistry";
import { UntrustedKeyError } from "@zkml-verify/core/internal/errors";
import { checkGroth16KeyTrust } from "../setup/checkGroth16KeyTrust.ts";
import { registryLayout } from "@zkml-verify/core/internal/chain/registerModel";
import type { ModelRegistration } from "@zkml-verify/core/internal/chain/readRegistryEvents";
import { AUDITED_SYSTEMS, verificationKeyRecorded } from "./loadManifestDir.ts";
import type { AuditedSystem } from "./loadManifestDir.ts";
import type { ManifestDir } from "./loadManifestDir.ts";
import { sameRuntimeCode } from "./solcMetadata.ts";
import { allPass, runCheck } from "./types.ts";
import type { AuditCheck, AuditedModel } from "./types.ts";

/**
 * The manifest folder for a registered version: the one its metadataURI (file://.../manifest.json)
 * points at, else the one whose weight commitment equals the registered one.
 */
export function matchManifest(
  r: ModelRegistration,
  manifests: ManifestDir[],
): ManifestDir | undefined {
  if (r.metadataURI.startsWith("file://")) {
    try {
      const dir = dirname(fileURLToPath(r.metadataURI));
      const hit = manifests.find((m) => resolve(m.dir) === resolve(dir));
      if (hit) return hit;
    } catch {
      // not a valid file URL
    }
  }
  return manifests.find((m) => BigInt(m.manifest.weightCommitment) === BigInt(r.weightCommitment));
}

/**
 * Checks one registered model version against its manifest folder: weight commitment (and the
 * commitment recomputed from the quantized weights), public-signal layout, verification key
 * hash, proof system, key trust (a Groth16 key without phase-2 randomness is a finding) and
 * the deployed verifier's code.
 *
 * @example
 * const audited = await auditModel({ client, registry, registration, manifests: [loadManifestDir("build/iris-mlp")] });
 */
export async function auditModel(p: {
  client: ChainClient;
  registry: string;
  registration: ModelRegistration;
  manifests: ManifestDir[];
  /** A block's timestamp (default: the client's; auditRegistry passes a cached one). */
  blockTimestamp?: (blockNumber: bigint) => Promise<number>;
}): Promise<AuditedModel> {
  const r = p.registration;
  const [blockTimestamp, tx] = await Promise.all([
    (p.blockTimestamp ?? ((n) => p.client.getBlockTimestamp(n)))(r.blockNumber),
    p.client.getTransaction(r.txHash),
  ]);
  const m = matchManifest(r, p.manifests);
  const checks: AuditCheck[] = [];
  await runCheck(checks, "manifest", () =>
    m
      ? [
          "pass",
          `${m.dir} (matched by ${r.metadataURI.startsWith("file://") && resolve(dirname(fileURLToPath(r.metadataURI))) === resolve(m.dir) ? "metadataURI" : "weight commitment"})`,
        ]
      : ["skip", `no manifest folder given matches (metadataURI ${r.metadataURI})`],
  );
  if (m) {
    const manifestCommitment = BigInt(m.manifest.weightCommitment);
    await runCheck(checks, "weight commitment", () =>
      manifestCommitment === BigInt(r.weightCommitment)
        ? ["pass", "registered commitment equals the manifest's"]
        : [
            "fail",
            `registered ${BigInt(r.weightCommitment)} but the manifest says ${manifestCommitment}`,
          ],
    );
    await runCheck(checks, "weights file", () => {
      const recomputed = m.recomputedCommitment();
      if (recomputed === null) return ["skip", "no quantized.json to recompute from"];
      return recomputed === manifestCommitment
        ? ["pass", "commitment recomputed from quantized.json equals the manifest's"]
        : [
            "fail",
            `recomputed ${recomputed} from quantized.json, manifest says ${manifestCommitment}`,
          ];
    });
    await runCheck(checks, "signal layout", async () => {
      const v = await readRegistry({
        client: p.client,
        registry: p.registry,
        functionName: "getVersion",
        args: [r.modelId, r.version],
      });
      const onChain = { ...v.layout };
      // Manifests written before `outputKind` / `submitterKind` existed: kind 0 (registryLayout).
      const recorded = registryLayout(m.manifest.publicSignals.layout);
      return isDeepStrictEqual(onChain, recorded)
        ? ["pass", "registered layout equals the manifest's"]
        : [
            "fail",
            `registered ${JSON.stringify(onChain)} vs manifest ${JSON.stringify(m.manifest.publicSignals.layout)}`,
          ];
    });
    const system = AUDITED_SYSTEMS[r.proofSystem];
    await runCheck(checks, "proof system", () => {
      const registered = system ?? String(r.proofSystem);
      const setups = Object.keys(m.manifest.setups ?? {});
      if (setups.length === 0 && !m.manifest.setup)
        return ["skip", "the manifest records no setup"];
      return system && (m.manifest.setups?.[system] || m.manifest.setup?.system === system)
        ? ["pass", registered]
        : [
            "fail",
            `registered ${registered}, manifest setups ${setups.join(", ") || m.manifest.setup?.system}`,
          ];
    });
    await runCheck(checks, "verification key", () => {
      const [ok, detail] = verificationKeyRecorded(m, system ?? "groth16");
      return [ok === null ? "skip" : ok ? "pass" : "fail", detail];
    });
    await runCheck(checks, "key trust", () => keyTrust(m, system ?? "groth16"));
    await runCheck(checks, "verifier contract", () =>
      verifierMatchesZkey({
        client: p.client,
        adapter: r.verifier,
        manifest: m,
        system: system ?? "groth16",
      }),
    );
  }
  return {
    ...r,
    blockTimestamp,
    registrar: tx?.from ?? null,
    manifest: m?.dir ?? null,
    checks,
    ok: allPass(checks),
  };
}

/**
 * A Groth16 key with which anyone can forge proofs (no phase-2 contribution, delta = gamma) is
 * a finding: every proof "verified" with it proves nothing (`checkGroth16KeyTrust`).
 */
function keyTrust(m: ManifestDir, system: AuditedSystem): ["pass" | "fail" | "skip", string] {
  if (system !== "groth16") return ["pass", `${system}: universal setup, no phase 2`];
  const { verificationKey, verificationKeyFile, zkey } = m.keyFor(system);
  const hasZkey = existsSync(zkey);
  if (!verificationKey && !hasZkey) return ["skip", `no ${system} key in ${m.dir}`];
  try {
    const { contributions } = checkGroth16KeyTrust({
      verificationKey: verificationKey ?? undefined,
      zkey: hasZkey ? zkey : undefined,
      file: hasZkey ? zkey : verificationKeyFile,
    });
    return [
      "pass",
      contributions
        ? `${contributions.length} phase-2 contribution(s) in ${zkey}; delta is not gamma`
        : `delta is not gamma or the generator (${verificationKeyFile}; no zkey to count contributions)`,
    ];
  } catch (e) {
    if (e instanceof UntrustedKeyError) return ["fail", e.message];
    throw e;
  }
}

/** Exported verifiers by zkey hash: one solc compile per key, however many versions use it. */
const exported = new Map<string, ReturnType<typeof exportVerifier>>();
function exportedVerifier(zkey: string, zkeySha256: string, system: AuditedSystem) {
  const key = `${system}:${zkeySha256}`;
  if (!exported.has(key)) exported.set(key, exportVerifier({ zkey, zkeySha256, system }));
  return exported.get(key)!;
}

/**
 * The deployed snarkjs verifier behind the adapter runs the code of the verifier exported from
 * the folder's zkey (so its verification key is the manifest's), compared with solc's metadata
 * split off: a verifier built with other metadata settings (no IPFS hash, no CBOR, another
 * source path or comment) is the same verifier (`sameRuntimeCode`).
 */
async function verifierMatchesZkey(p: {
  client: ChainClient;
  adapter: Hex;
  manifest: ManifestDir;
  system: AuditedSystem;
}): Promise<["pass" | "fail" | "skip", string]> {
  const { zkey, zkeySha256 } = p.manifest.keyFor(p.system);
  if (!existsSync(zkey) || !zkeySha256) return ["skip", `no ${p.system} zkey in the folder`];
  let inner: Hex;
  try {
    const out = await p.client.call({
      to: p.adapter,
      data: encodeFunctionData({ abi: snarkjsVerifierAdapterAbi, functionName: "verifier" }),
    });
    inner = decodeFunctionResult({
      abi: snarkjsVerifierAdapterAbi,
      functionName: "verifier",
      data: out,
    }) as Hex;
  } catch {
    return ["skip", `${p.adapter} is not a SnarkjsVerifierAdapter`];
  }
  const [code, expected] = await Promise.all([
    p.client.getCode(inner),
    exportedVerifier(zkey, zkeySha256, p.system),
  ]);
  const { same, sameMetadata } = sameRuntimeCode(code, expected.deployedBytecode);
  if (!same) {
    return [
      "fail",
      `${inner} does not run the verifier exported from ${zkey} (other key or code; solc metadata ignored)`,
    ];
  }
  return [
    "pass",
    `${inner} runs the verifier exported from ${zkey}` +
      (sameMetadata ? "" : " (its solc metadata differs: built with other settings)"),
  ];
}
