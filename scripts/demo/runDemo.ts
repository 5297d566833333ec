import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { id as keccakId } from "ethers";
import type { Signer } from "ethers";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import { deployRegistry } from "../../sdk/core/src/chain/deployRegistry.ts";
import { deployVerifier } from "../../sdk/node/src/chain/deployVerifier.ts";
import { registerModel } from "../../sdk/core/src/chain/registerModel.ts";
import { submitPrediction } from "../../sdk/core/src/chain/submitPrediction.ts";
import { loadIris } from "../lib/iris.ts";
import { fromField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { measureAgreement } from "../../sdk/node/src/quantize/measureAgreement.ts";
import { loadModelDir } from "../../sdk/node/src/model/loadModelDir.ts";
import { setupModelDir } from "../../sdk/node/src/model/setupModelDir.ts";

/** The repository root (the demo uses the shipped Iris model and writes to build/). */
const ROOT = join(import.meta.dirname, "../..");

export interface RunDemoParameters {
  signer: Signer;
  /** Iris row to prove (default 100, a virginica). */
  sample?: number;
  outDir?: string;
  log?: (line: string) => void;
}

/**
 * The whole pipeline on the bundled Iris model: ONNX -> IR -> quantized -> circuit -> Groth16
 * setup -> proof -> registry on chain -> PredictionVerified. Shared by `zkml demo` and the
 * end-to-end test, so the test checks exactly what the demo shows.
 */
export async function runDemo(p: RunDemoParameters) {
  const log = p.log ?? (() => {});
  const step = async <T>(label: string, f: () => Promise<T>): Promise<T & { ms: number }> => {
    log(`» ${label}`);
    const start = performance.now();
    const r = await f();
    const ms = performance.now() - start;
    log(`  done in ${(ms / 1000).toFixed(2)} s`);
    return Object.assign(r as object, { ms }) as T & { ms: number };
  };
  const onnx = join(ROOT, "models/iris-mlp.onnx");
  const outDir = resolve(p.outDir ?? join(ROOT, "build/iris-mlp"));
  const iris = loadIris();
  const sample = p.sample ?? 100;

  const compiled = await step("import, quantize and compile the circuit", () =>
    compileModel({
      model: onnx,
      outDir,
      calibration: iris.features,
      onProgress: (l) => log(`  ${l}`),
    }),
  );
  const fidelity = await step("compare with onnxruntime-node on the 150 Iris rows", () =>
    measureAgreement({
      model: onnx,
      ir: compiled.ir,
      quantized: compiled.quantized,
      rows: iris.features,
    }),
  );
  const { layout } = compiled.publicSignals;
  const setup = await step("Groth16 setup (local powers of tau + phase 2, cached)", () =>
    setupModelDir({ dir: outDir, system: "groth16", onProgress: (l) => log(`  ${l}`) }),
  );
  const model = await loadModelDir({ dir: outDir, system: "groth16" });
  const expected = model.evaluate({ input: iris.features[sample] });
  const proof = await step(`prove the prediction for Iris row ${sample}`, () =>
    model.prove({ input: iris.features[sample] }),
  );
  const offchain = { valid: await model.verify(proof) };
  mkdirSync(join(outDir, "proofs"), { recursive: true });
  const proofFile = join(outDir, "proofs", `iris-row-${sample}.json`);
  writeFileSync(
    proofFile,
    JSON.stringify(
      {
        proof: proof.proof,
        proofBytes: proof.proofBytes,
        publicSignals: proof.publicSignals.map(String),
      },
      null,
      2,
    ),
  );

  const modelId = keccakId(`zkml:iris-mlp:${compiled.manifest.model.sha256}`);
  const chain = await step("deploy registry and verifier, register, submit", async () => {
    const registry = await deployRegistry({ signer: p.signer });
    const verifier = await deployVerifier({
      signer: p.signer,
      zkey: setup.zkey,
      zkeySha256: setup.zkeySha256,
      nPublic: layout.nPublic,
    });
    const registered = await registerModel({
      signer: p.signer,
      registry: registry.address,
      modelId,
      weightCommitment: compiled.weightCommitment,
      verifier: verifier.adapter,
      layout,
      metadataURI: `file://${join(outDir, "manifest.json")}`,
    });
    const submitted = await submitPrediction({
      signer: p.signer,
      registry: registry.address,
      modelId,
      proof: proof.proofBytes,
      publicSignals: proof.publicSignals,
    });
    return { registry: registry.address, verifier, registered, submitted };
  });
  const onchainOutputs = chain.submitted.outputs.map(fromField);
  const onchainClass = onchainOutputs.indexOf(onchainOutputs.reduce((a, b) => (b > a ? b : a)));
  return {
    modelId,
    outDir,
    proofFile,
    sample,
    sampleInput: iris.features[sample],
    sampleLabel: iris.classNames[iris.labels[sample]],
    classNames: iris.classNames,
    compiled,
    fidelity,
    setup,
    proof,
    offchainValid: offchain.valid,
    expected,
    chain,
    onchainOutputs,
    onchainClass,
  };
}

export type DemoResult = Awaited<ReturnType<typeof runDemo>>;
