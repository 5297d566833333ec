import { readFileSync } from "node:fs";
import { ZkmlError } from "@zkml-verify/core/internal/errors";
import type { QuantizedModel } from "@zkml-verify/core/internal/quantize/types";

/**
 * Reads the `quantized.json` that `compileModel` writes (bigints are stored as decimal
 * strings: a linear op's `weight` and `bias`).
 *
 * @example
 * const model = readQuantizedModel({ file: "build/iris/quantized.json" });
 */
export function readQuantizedModel({ file }: { file: string }): QuantizedModel {
  try {
    return JSON.parse(readFileSync(file, "utf8"), (k, v) =>
      (k === "weight" || k === "bias") && Array.isArray(v) ? v.map(BigInt) : v,
    ) as QuantizedModel;
  } catch (cause) {
    throw new ZkmlError(`cannot read the quantized model ${file}; compile the model first`, {
      details: { file },
      cause,
    });
  }
}
