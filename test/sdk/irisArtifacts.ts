import { join } from "node:path";
import { id as keccakId } from "ethers";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/node/src/circuit/compileModel.ts";
import type { ModelProof } from "../../sdk/core/src/model/loadModel.ts";
import { loadModelDir } from "../../sdk/node/src/model/loadModelDir.ts";
import { setupModelDir } from "../../sdk/node/src/model/setupModelDir.ts";
import type { SetupCircuitReturnType } from "../../sdk/node/src/setup/setupCircuit.ts";
import { loadIris } from "../../scripts/lib/iris.ts";

/** The repository root. */
const ROOT = join(import.meta.dirname, "../..");

export const IRIS_MODEL = join(ROOT, "models/iris-mlp.onnx");

export interface IrisArtifacts {
  dir: string;
  compiled: CompileModelReturnType;
  setup: SetupCircuitReturnType;
  modelId: string;
  /** Proves Iris row `row` (each row is a distinct statement). */
  prove(row: number): Promise<ModelProof>;
}

const cache = new Map<string, Promise<IrisArtifacts>>();

/**
 * Compiles the Iris model and runs the (cached) Groth16 setup into build/test/<name>, as
 * `zkml compile` + `zkml setup` leave it; proofs go through the one proving path (`loadModelDir`).
 */
export function irisArtifacts(name = "sdk-iris"): Promise<IrisArtifacts> {
  if (!cache.has(name)) cache.set(name, build(name));
  return cache.get(name)!;
}

async function build(name: string): Promise<IrisArtifacts> {
  const dir = join(ROOT, "build/test", name);
  const iris = loadIris();
  const compiled = await compileModel({
    model: IRIS_MODEL,
    outDir: dir,
    calibration: iris.features,
  });
  const setup = await setupModelDir({ dir, system: "groth16" });
  const model = await loadModelDir({ dir, system: "groth16" });
  return {
    dir,
    compiled,
    setup,
    modelId: keccakId(`zkml:test:${name}`),
    prove: (row) => model.prove({ input: iris.features[row] }),
  };
}
