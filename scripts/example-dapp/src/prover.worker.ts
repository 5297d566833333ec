// The prover, off the main thread: loads the compiled model's artifacts by URL once, then proves
// each input it is sent. The input stays in this worker; it posts back the proof, the public
// signals and the outputs they state.
import { loadModel } from "@zkml-verify/core";
import type { LoadedModel } from "@zkml-verify/core";
import type { FromWorker, Stage, ToWorker } from "./messages.ts";

let model: LoadedModel | undefined;

const send = (m: FromWorker) => postMessage(m);
const stage = (s: Stage) => send({ type: "stage", stage: s });

addEventListener("message", (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((error: unknown) => {
    const err = error instanceof Error ? error : new Error(String(error));
    send({ type: "error", name: err.name, message: err.message });
  });
});

async function handle(m: ToWorker): Promise<void> {
  if (m.type === "load") {
    stage("loading artifacts");
    const base = m.artifacts.endsWith("/") ? m.artifacts : `${m.artifacts}/`;
    const url = (file: string) => new URL(file, base);
    // Fetched once; the wasm, zkey and verification key are checked against the manifest's hashes.
    model = await loadModel({
      system: m.system,
      artifacts: {
        manifest: url("manifest.json"),
        quantized: url("quantized.json"),
        wasm: url("model_js/model.wasm"),
        zkey: url(m.system === "groth16" ? "model.zkey" : `model.${m.system}.zkey`),
        verificationKey: url(
          m.system === "groth16" ? "verification_key.json" : `verification_key.${m.system}.json`,
        ),
      },
    });
    const q = model.quantized;
    send({
      type: "loaded",
      info: {
        nInputs: q.nInputs,
        inputName: q.inputs.map((i) => i.name).join(", "),
        nOutputs: q.nOutputs,
        outputFrac: q.outputFrac,
        outputKind: q.outputKind,
        visibility: model.manifest.visibility,
        constraints: model.manifest.circuit.constraints,
        publicSignalNames: model.manifest.publicSignals.names,
        maxAbsInput: (2 ** (q.inputBits - 1) - 1) / 2 ** q.inputFrac,
      },
    });
    return;
  }
  if (!model) throw new Error("the model is not loaded yet");
  const proof = await model.prove({
    input: m.input,
    // Only used by a model compiled with `submitter: "bound"` (the proof names its submitter).
    submitter: m.submitter,
    onProgress: stage,
  });
  stage("verifying off-chain");
  const verified = await model.verify(proof);
  stage("done");
  send({
    type: "proved",
    result: {
      proofBytes: proof.proofBytes,
      proofSize: proof.proofSize,
      publicSignals: proof.publicSignals,
      outputs: proof.outputs.raw,
      predictedClass: proof.outputs.predictedClass,
      verified,
      ms: proof.ms,
    },
  });
}
