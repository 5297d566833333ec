import { readFileSync } from "node:fs";
import { ZkmlError } from "@zkml-verify/core/internal/errors";
import { reviveQuantized } from "@zkml-verify/core/internal/model/loadModel";
import type { QuantizedModel } from "@zkml-verify/core/internal/quantize/types";

/**
 * Reads the `quantized.json` that `compileModel` writes (bigints are stored as decimal
 * strings; `reviveQuantized` restores them).
 *
 * @example
 * const model = readQuantizedModel({ file: "build/iris/quantized.json" });
 */
export function readQuantizedModel({ file }: { file: string }): QuantizedModel {
  try {
    return reviveQuantized(JSON.parse(readFileSync(file, "utf8")));
  } catch (cause) {
    throw new ZkmlError(`cannot read the quantized model ${file}; compile the model first`, {
      details: { file },
      cause,
    });
  }
}
