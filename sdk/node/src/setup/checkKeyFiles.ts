import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { KeyMismatchError, MissingKeyError } from "@zkml-verify/core/internal/errors";
import { MANIFEST_FILE } from "@zkml-verify/core/internal/manifest";
import type { SetupRecord } from "@zkml-verify/core/internal/manifest";
import { artifactNames } from "./artifactNames.ts";
import { checkGroth16KeyTrust } from "./checkGroth16KeyTrust.ts";
import { sha256Hex } from "../util/sha256File.ts";
import { hashFile } from "./hashFile.ts";

export interface CheckKeyFilesParameters {
  /** The compiled model folder. */
  dir: string;
  record: SetupRecord;
  /** The zkey's bytes when the caller has read them to prove: hashed instead of reading it again. */
  zkeyBytes?: Uint8Array;
}

export interface CheckKeyFilesReturnType {
  zkey: string;
  verificationKeyFile: string;
  /** The files whose sha256 equals the manifest's (the verifier only when present and recorded). */
  checked: { file: string; sha256: string }[];
}

/**
 * Checks a model folder's keys against its manifest's setup record: the zkey and the
 * verification key must be there with the recorded sha256, the Solidity verifier (when
 * present and recorded) too, and a Groth16 key must not be forgeable (`checkGroth16KeyTrust`).
 * Throws `MissingKeyError` or `KeyMismatchError` naming the file, the expected and the actual
 * hash.
 *
 * @example
 * checkKeyFiles({ dir: "build/iris", record: manifest.setups.groth16 });
 */
export function checkKeyFiles(p: CheckKeyFilesParameters): CheckKeyFilesReturnType {
  const names = artifactNames(p.record.system);
  const zkey = join(p.dir, names.zkey);
  const verificationKeyFile = join(p.dir, names.verificationKey);
  const verifier = join(p.dir, names.verifier);
  const checked: CheckKeyFilesReturnType["checked"] = [];
  const files: [string, string | undefined, boolean][] = [
    [zkey, p.record.zkeySha256, true],
    [verificationKeyFile, p.record.verificationKeySha256, true],
    [verifier, p.record.verifierSha256, false],
  ];
  for (const [file, expected, required] of files) {
    if (!expected) continue;
    if (!existsSync(file)) {
      if (!required) continue;
      throw new MissingKeyError(
        `${file} is missing; the manifest records a ${p.record.system} setup (run zkml setup ${p.dir} --system ${p.record.system})`,
        { details: { file, system: p.record.system } },
      );
    }
    const actual = file === zkey && p.zkeyBytes ? sha256Hex(p.zkeyBytes) : hashFile({ file });
    if (actual !== expected) {
      throw new KeyMismatchError(
        `${file} is not the key the manifest records: sha256 ${actual}, expected ${expected} (re-run zkml setup, or restore the file)`,
        { details: { file, expected, actual, manifest: join(p.dir, MANIFEST_FILE) } },
      );
    }
    checked.push({ file, sha256: actual });
  }
  if (p.record.system === "groth16") {
    checkGroth16KeyTrust({
      zkey,
      verificationKey: JSON.parse(readFileSync(verificationKeyFile, "utf8")),
    });
  }
  return { zkey, verificationKeyFile, checked };
}
