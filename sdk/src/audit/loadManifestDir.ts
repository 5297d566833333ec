import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { VerificationKey } from "snarkjs";
import { readManifest } from "../manifest.ts";
import type { Manifest } from "../manifest.ts";
import type { QuantizedModel } from "../quantize/types.ts";
import { modelWeightCommitment } from "../quantize/weightCommitment.ts";
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
}

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

/** sha256 of the folder's verification key equals the manifest's record (or why not). */
export function verificationKeyRecorded(m: ManifestDir): [boolean | null, string] {
  if (!m.verificationKey) return [null, `${m.verificationKeyFile} not found`];
  const recorded = m.manifest.setup?.verificationKeySha256;
  if (!recorded) return [null, "the manifest records no setup"];
  const actual = sha256File(m.verificationKeyFile);
  return [
    actual === recorded,
    `sha256 ${actual.slice(0, 16)}… vs manifest ${recorded.slice(0, 16)}…`,
  ];
}
