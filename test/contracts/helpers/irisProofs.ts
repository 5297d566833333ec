import { join } from "node:path";
import { compileModel } from "../../../sdk/node/src/circuit/compileModel.ts";
import { loadIris } from "../../../scripts/lib/iris.ts";
import { proveSamples } from "../../../sdk/node/src/gas/proveSamples.ts";
import type { ProveSamplesReturnType } from "../../../sdk/node/src/gas/proveSamples.ts";

const ROOT = join(import.meta.dirname, "../../..");
/** Where the Iris model is compiled for the contract and gas tests. */
export const IRIS_TEST_DIR = join(ROOT, "build/test/batch-iris");

let cached: Promise<ProveSamplesReturnType & { weightCommitment: bigint }> | undefined;

/**
 * Real Groth16 proofs of 33 distinct Iris rows (compiled, set up and proved once per test
 * process; the setup is cached on disk by content hash).
 */
export function irisGroth16Proofs(): Promise<
  ProveSamplesReturnType & { weightCommitment: bigint }
> {
  cached ??= (async () => {
    const iris = loadIris();
    const compiled = await compileModel({
      model: join(ROOT, "models/iris-mlp.onnx"),
      outDir: IRIS_TEST_DIR,
      calibration: iris.features,
    });
    const samples = await proveSamples({ dir: IRIS_TEST_DIR, system: "groth16", count: 33 });
    return { ...samples, weightCommitment: compiled.weightCommitment };
  })();
  return cached;
}
