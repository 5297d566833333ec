import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { VerificationKey } from "snarkjs";
import { readManifest } from "../manifestFile.ts";
import type { Manifest } from "@zkml-verify/core/internal/manifest";
import type { QuantizedModel } from "@zkml-verify/core/internal/quantize/types";
import { modelWeightCommitment } from "@zkml-verify/core/internal/quantize/weightCommitment";
import { artifactNames } from "../setup/artifactNames.ts";
import { sha256File } from "../util/sha256File.ts";

/** What the auditor needs from a compiled model folder. */
export interface ManifestDir {
  dir: string;
  manifest: Manifest;
  /** verification_key.json next to manifest.json (Groth16), when present. */
  verificationKey: VerificationKey | null;
  verificationKeyFile: string;
  /** The commitment recomputed from quantized.json, when present (null: no weights file). */
  recomputedCommitment: () => bigint | null;
  /** A proof system's verification key and zkey files in the folder (key null when absent). */
  keyFor: (system: AuditedSystem) => {
    verificationKey: VerificationKey | null;
    verificationKeyFile: string;
    zkey: string;
    zkeySha256: string | undefined;
  };
}

/** The registry's proof-system ids (IProofVerifier.proofSystem()) and their names. */
export const AUDITED_SYSTEMS = ["groth16", "plonk", "fflonk"] as const;
export type AuditedSystem = (typeof AUDITED_SYSTEMS)[number];

/** quantized.json stores bigints (weights, biases) as decimal strings; revive those arrays. */
function reviveWeights(key: string, v: unknown): unknown {
  if ((key === "weight" || key === "bias") && Array.isArray(v)) {
    return v.map((x) => (typeof x === "string" && /^-?\d+$/.test(x) ? BigInt(x) : x));
  }
  return v;
}

/**
 * Reads a compiled model folder for the auditor: the manifest, the Groth16 verification key and
 * (lazily) the weight commitment recomputed from the quantized weights.
 *
 * @example
 * const m = loadManifestDir("build/iris-mlp");
 * console.log(m.manifest.weightCommitment, m.recomputedCommitment());
 */
export function loadManifestDir(dirArg: string): ManifestDir {
  const dir = resolve(dirArg);
  const manifest = readManifest(dir);
  const verificationKeyFile = join(dir, "verification_key.json");
  const verificationKey = existsSync(verificationKeyFile)
    ? (JSON.parse(readFileSync(verificationKeyFile, "utf8")) as VerificationKey)
    : null;
  const quantizedFile = join(dir, "quantized.json");
  return {
    dir,
    manifest,
    verificationKey,
    verificationKeyFile,
    keyFor: (system) => {
      const names = artifactNames(system);
      const file = join(dir, names.verificationKey);
      return {
        verificationKey: existsSync(file)
          ? (JSON.parse(readFileSync(file, "utf8")) as VerificationKey)
          : null,
        verificationKeyFile: file,
        zkey: join(dir, names.zkey),
        zkeySha256:
          manifest.setups?.[system]?.zkeySha256 ??
          (system === "groth16" ? manifest.setup?.zkeySha256 : undefined),
      };
    },
    recomputedCommitment: () => {
      if (!existsSync(quantizedFile)) return null;
      const model = JSON.parse(
        readFileSync(quantizedFile, "utf8"),
        reviveWeights,
      ) as QuantizedModel;
      return modelWeightCommitment({ model, weights: manifest.visibility.weights });
    },
  };
}

/** sha256 of the folder's verification key for a system equals the manifest's record (or why not). */
export function verificationKeyRecorded(
  m: ManifestDir,
  system: AuditedSystem = "groth16",
): [boolean | null, string] {
  const { verificationKey, verificationKeyFile } = m.keyFor(system);
  if (!verificationKey) return [null, `${verificationKeyFile} not found`];
  const recorded =
    m.manifest.setups?.[system]?.verificationKeySha256 ??
    (system === "groth16" ? m.manifest.setup?.verificationKeySha256 : undefined);
  if (!recorded) return [null, `the manifest records no ${system} setup`];
  const actual = sha256File(verificationKeyFile);
  return [
    actual === recorded,
    `sha256 ${actual.slice(0, 16)}… vs manifest ${recorded.slice(0, 16)}…`,
  ];
}
