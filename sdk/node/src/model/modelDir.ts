import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, MissingKeyError } from "@zkml-verify/core/internal/errors";
import type { Manifest, SetupRecord } from "@zkml-verify/core/internal/manifest";
import { checkKeyFiles } from "../setup/checkKeyFiles.ts";
import { listDeployments } from "./deploymentRecord.ts";
import { PROOF_SYSTEMS } from "@zkml-verify/core/internal/prove/proofSystem";
import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";
import { artifactNames } from "../setup/artifactNames.ts";

/** The files of a compiled model folder, by the names compileModel and the setup write. */
export function modelFiles(dir: string) {
  return {
    manifest: join(dir, "manifest.json"),
    quantized: join(dir, "quantized.json"),
    ir: join(dir, "ir.json"),
    r1cs: join(dir, "model.r1cs"),
    wasm: join(dir, "model_js", "model.wasm"),
    zkey: join(dir, "model.zkey"),
    verificationKey: join(dir, "verification_key.json"),
  };
}

/** The proof file `zkml prove` writes and `zkml verify` / `zkml submit` read. */
export interface ProofFile {
  system: import("@zkml-verify/core/internal/prove/proofSystem").ProofSystem;
  /** snarkjs proof object. */
  proof: import("@zkml-verify/core/internal/prove/prove").AnyProof;
  /** ABI-encoded proof for the registry. */
  proofBytes: string;
  publicSignals: string[];
  /** Circuit outputs dequantized to floats (logits at 2^outputFrac), when known. */
  outputs?: number[];
  /** The same outputs as the circuit's signed fixed-point integers (decimal strings). */
  outputsRaw?: string[];
  predictedClass?: number;
  /** The float model's outputs on the same input (onnxruntime), when the model file was found. */
  floatOutputs?: number[];
  /** bytes32 hex (cli/jsonConvention.ts). */
  weightCommitment?: string;
}

/**
 * A proof file written by `zkml prove`, checked field by field: a file that is not one (`{}`,
 * another JSON document) is an `InputError` naming the field, never a TypeError later.
 */
export function readProofFile(file: string): ProofFile {
  let p: ProofFile;
  try {
    p = JSON.parse(readFileSync(file, "utf8")) as ProofFile;
  } catch (cause) {
    throw new InputError(`cannot read the proof file ${file}`, { details: { input: file }, cause });
  }
  const bad = (field: string, expected: string) =>
    new InputError(`${file} is not a proof file from zkml prove: ${field} ${expected}`, {
      details: { input: file, value: field },
    });
  if (typeof p !== "object" || p === null || Array.isArray(p))
    throw bad("the file", "is not a JSON object");
  if (p.system !== undefined && !PROOF_SYSTEMS.includes(p.system)) {
    throw bad("system", `must be one of ${PROOF_SYSTEMS.join(", ")}`);
  }
  if (typeof p.proof !== "object" || p.proof === null)
    throw bad("proof", "is missing (the snarkjs proof object)");
  if (typeof p.proofBytes !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(p.proofBytes)) {
    throw bad("proofBytes", "must be the ABI-encoded proof as 0x hex");
  }
  if (
    !Array.isArray(p.publicSignals) ||
    p.publicSignals.length === 0 ||
    !p.publicSignals.every((x) => typeof x === "string" && /^\d+$/.test(x))
  ) {
    throw bad("publicSignals", "must be a non-empty array of decimal strings");
  }
  return p;
}

/** Every deployment record in <dir>/deployments/ with a verifier of `system`. */
export function deployedVerifiers(
  dir: string,
  system: ProofSystem,
): { chainId: number; network?: string; verifier: string; file: string }[] {
  return listDeployments(dir).flatMap((d) =>
    d.verifier && d.verifier.system === system
      ? [
          {
            chainId: d.chainId,
            network: d.network,
            verifier: d.adapter?.address ?? d.verifier.address,
            file: d.file,
          },
        ]
      : [],
  );
}

export interface ModelKeys {
  zkey: string;
  verificationKeyFile: string;
  record: SetupRecord;
  /** The zkey's contents (read once: hashed for the check, then proven with). */
  zkeyBytes: Uint8Array;
}

/**
 * The zkey (its bytes, read once) and verification key of a proof system in a model folder, checked against the
 * manifest (sha256, and a Groth16 key's phase-2 randomness). A missing key is a
 * `MissingKeyError` naming the file and any deployed verifier: proving never runs a setup,
 * which would replace the key a deployed verifier checks against.
 */
export function modelKeys(dir: string, manifest: Manifest, system: ProofSystem): ModelKeys {
  const names = artifactNames(system);
  const zkey = join(dir, names.zkey);
  const verificationKeyFile = join(dir, names.verificationKey);
  const record = manifest.setups?.[system] ?? (system === "groth16" ? manifest.setup : undefined);
  const missing = [zkey, verificationKeyFile].find((f) => !existsSync(f));
  if (!record || missing) {
    const file = missing ?? join(dir, "manifest.json");
    const what = missing ? `${missing} is missing` : `${file} records no ${system} setup`;
    const [d] = deployedVerifiers(dir, system);
    throw new MissingKeyError(
      `${what}; zkml prove never runs a setup` +
        (d
          ? `: a new key would not match the ${system} verifier deployed on chain ${d.chainId} at ${d.verifier} (${d.file}); restore the key from a backup`
          : `: run zkml setup ${dir} --system ${system} first`),
      {
        details: {
          file,
          system,
          ...(d ? { deployment: d.file, verifier: d.verifier } : {}),
        },
      },
    );
  }
  // read once, hashed and returned for the proof (12 MB for 784_56_10: ~35 ms a read)
  const zkeyBytes = readFileSync(zkey);
  checkKeyFiles({ dir, record, zkeyBytes });
  return { zkey, verificationKeyFile, record, zkeyBytes };
}
