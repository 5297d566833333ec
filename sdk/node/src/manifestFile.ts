import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ZkmlError } from "@zkml-verify/core/internal/errors";
import { MANIFEST_FILE } from "@zkml-verify/core/internal/manifest";
import type { Manifest } from "@zkml-verify/core/internal/manifest";

export function writeManifest(dir: string, m: Manifest): void {
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(m, null, 2) + "\n");
}

export function readManifest(dir: string): Manifest {
  const file = join(dir, MANIFEST_FILE);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Manifest;
  } catch (cause) {
    throw new ZkmlError(`cannot read ${file}; compile the model first (zkml compile)`, {
      details: { file },
      cause,
    });
  }
}
