import { join } from "node:path";
import { id as keccakId } from "ethers";
import { ROOT } from "../../scripts/cli/root.ts";
import { compileModel } from "../../sdk/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/src/circuit/compileModel.ts";
import { loadIris } from "../../sdk/src/data/iris.ts";
import { writeManifest } from "../../sdk/src/manifest.ts";
import { proveGroth16 } from "../../sdk/src/prove/proveGroth16.ts";
import type { ProveGroth16ReturnType } from "../../sdk/src/prove/proveGroth16.ts";
import { quantizeInput } from "../../sdk/src/quantize/quantizeInput.ts";
import { setupGroth16 } from "../../sdk/src/setup/setupGroth16.ts";
import type { SetupGroth16ReturnType } from "../../sdk/src/setup/setupGroth16.ts";
import { sha256File } from "../../sdk/src/util/sha256File.ts";

export const IRIS_MODEL = join(ROOT, "models/iris-mlp.onnx");

export interface IrisArtifacts {
  dir: string;
  compiled: CompileModelReturnType;
  setup: SetupGroth16ReturnType;
  modelId: string;
  /** Proves Iris row `row` (each row is a distinct statement). */
  prove(row: number): Promise<ProveGroth16ReturnType>;
}

const cache = new Map<string, Promise<IrisArtifacts>>();

/**
 * Compiles the Iris model and runs the (cached) Groth16 setup into build/test/<name>, with a
 * manifest that includes the setup section, as `zkml compile` + `zkml prove` would leave it.
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
  const { layout } = compiled.publicSignals;
  const setup = await setupGroth16({
    r1cs: compiled.circuit.r1cs,
    constraints: compiled.circuit.constraints,
    nPublic: layout.nPublic,
    outDir: dir,
  });
  writeManifest(dir, {
    ...compiled.manifest,
    setup: {
      system: "groth16",
      ptau: { sha256: setup.ptau.sha256, power: setup.ptau.power },
      zkeySha256: setup.zkeySha256,
      verificationKeySha256: sha256File(setup.verificationKeyFile),
      singleParty: setup.ptau.singleParty,
    },
  });
  return {
    dir,
    compiled,
    setup,
    modelId: keccakId(`zkml:test:${name}`),
    prove: (row) =>
      proveGroth16({
        wasm: compiled.circuit.wasm,
        zkey: setup.zkey,
        input: quantizeInput({ model: compiled.quantized, input: iris.features[row] }),
      }),
  };
}
