import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { submitterSignal } from "@zkml-verify/core/internal/layout/publicSignals";
import { InputError } from "@zkml-verify/core/internal/errors";
import type { Manifest } from "@zkml-verify/core/internal/manifest";
import { readManifest } from "../../manifestFile.ts";
import { runOnnx } from "../../onnx/runOnnx.ts";
import { evaluateLastNode } from "../../onnx/evaluateFloat.ts";
import type { ModelIR } from "../../onnx/ir.ts";
import { readInputFile } from "../../onnx/readInputFile.ts";
import type { QuantizedModel } from "@zkml-verify/core/internal/quantize/types";
import { PROOF_SYSTEMS } from "@zkml-verify/core/internal/prove/proofSystem";
import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";
import { sha256File } from "../../util/sha256File.ts";
import { EXIT } from "../command.ts";
import {
  addressOption,
  choiceOption,
  parseCommandArgs,
  positionalArgs,
  requiredOption,
} from "../args.ts";
import { bytes32, outputsJson, printJson } from "../jsonConvention.ts";
import type { Command } from "../command.ts";
import { modelFiles } from "../../model/modelDir.ts";
import { loadModelDir } from "../../model/loadModelDir.ts";
import type { ProofFile } from "../../model/modelDir.ts";
import { progress } from "../progress.ts";

export const command: Command = {
  name: "prove",
  usage: `zkml prove <dir> --input <input.json> [--out <proof.json>] [--system groth16|plonk|fflonk] [--weights-from <model.onnx>] [--submitter <0x address>] [--json]

  <dir> is a folder written by zkml compile. The input is JSON in the project's format
  ({"<input name>": nested or flat array}, or a plain array) or {"input_data": [[...]]}.
  The key for the proof system (default groth16) comes from zkml setup: a missing key is an
  error naming it (and the deployed verifier, if any), never a new setup; a key whose sha256
  differs from manifest.json is refused. Writes the proof (default <dir>/proofs/proof.json)
  with the public signals and the outputs dequantized next to the float model's outputs.
  An input file of several rows proves each with the model loaded once: row i's proof goes to
  proof-<i>.json (from 0, beside --out), and --json prints {"valid", "proofs": [...]}.
  From 64 rows a Groth16 key also gets fixed-base tables after the first proof (CPU once,
  less per later proof).
  --weights-from: for a model compiled with --weights private, prove with the weights of
  another ONNX file of the same architecture (e.g. fine-tuned), at the compiled scales: same
  circuit and key, the proof carries that weight set's commitment.
  --submitter: for a model compiled with --submitter bound (required there, refused
  elsewhere): the address that will send the proof; the registry records it only from that
  address, so a copy of the pending transaction cannot be recorded by another account.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      input: { type: "string" },
      out: { type: "string" },
      system: { type: "string" },
      "weights-from": { type: "string" },
      submitter: { type: "string" },
      json: { type: "boolean" },
    });
    const [dirArg] = positionalArgs(this.name, positionals, ["<dir>"]);
    const input = requiredOption(this.name, values.input, "input", "input.json");
    const system = choiceOption(this.name, "system", values.system, PROOF_SYSTEMS) ?? "groth16";
    addressOption(this.name, "submitter", values.submitter);
    // No releaseSnarkjs (200 ms of sleep in ffjavascript): a loaded model leaves the curve's
    // workers idle and unreferenced, and the CLI exits as soon as the output is written.
    return prove(
      resolve(dirArg),
      system,
      input,
      values.out,
      Boolean(values.json),
      values["weights-from"],
      values.submitter,
    );
  },
};

/**
 * From this many input rows, a Groth16 prove loads the key with `precomputeBases`: its
 * fixed-base tables cost CPU once, in the background after the first proof, and save CPU on
 * every later proof. 784_56_10, 40 rows, with the batch-affine MSMs: 107.6 s of CPU with the
 * tables, 105.8 s without (~0.45 s less per proof after ~15 s for the tables: even at ~35-40
 * rows), so from 64.
 */
const TABLES_FROM_ROWS = 64;

async function prove(
  dir: string,
  system: ProofSystem,
  inputFile: string,
  out: string | undefined,
  json: boolean,
  weightsFile: string | undefined,
  submitter: string | undefined,
) {
  const ui = progress();
  const files = modelFiles(dir);
  const manifest = readManifest(dir);
  const ir = JSON.parse(readFileSync(files.ir, "utf8")) as ModelIR;
  const rows = readInputFile({ file: inputFile, ir });
  // Never a setup as a side effect: a missing or changed key is an error (loadModelDir).
  // Many rows: the key's fixed-base tables pay for themselves (TABLES_FROM_ROWS).
  const model = await loadModelDir({
    dir,
    system,
    precomputeBases: rows.length >= TABLES_FROM_ROWS,
  });
  // ONNX import only for --weights-from: a plain proof loads no ONNX parser
  const quantized = weightsFile
    ? (await import("../../model/weightsFrom.ts")).weightsFrom({
        manifest,
        model: model.quantized,
        file: resolve(weightsFile),
      })
    : model.quantized;
  const { output } = manifest.visibility;
  const modelFile = [join(dir, "model.onnx"), resolve(dir, manifest.model.file)].find(
    (f) => existsSync(f) && sha256File(f) === manifest.model.sha256,
  );
  const defaultOut = resolve(out ?? join(dir, "proofs", "proof.json"));
  const summaries = [];
  for (const [i, row] of rows.entries()) {
    const label = rows.length > 1 ? ` (row ${i + 1} of ${rows.length})` : "";
    // The float reference (onnxruntime) runs while the proof is computed, started once the
    // proof's tasks are queued (its load and session, ~40 ms of this thread, would delay them).
    let float: Promise<number[] | undefined> | undefined;
    const startFloat = () =>
      (float ??= modelFile ? floatModelOutputs(modelFile, quantized, row) : undefined);
    const proof = await ui.step(`witness + ${system} proof${label}`, () =>
      model.prove({
        input: row,
        submitter: boundSubmitter(manifest, submitter),
        ...(weightsFile ? { weights: quantized } : {}),
        onProgress: (stage) => {
          if (stage === "proof") setImmediate(startFloat);
        },
      }),
    );
    const valid = await model.verify(proof);
    const floatOutputs = await startFloat();
    const result: ProofFile = {
      system,
      proof: proof.proof,
      proofBytes: proof.proofBytes,
      publicSignals: proof.publicSignals.map(String),
      ...outputsJson(proof.outputs),
      floatOutputs,
      weightCommitment: bytes32(proof.weightCommitment),
    };
    const outFile = rows.length > 1 ? rowFile(defaultOut, i) : defaultOut;
    mkdirSync(join(outFile, ".."), { recursive: true });
    writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");
    const summary = {
      proofFile: outFile,
      valid,
      system,
      proveSeconds: proof.ms / 1000,
      proofSize: proof.proofSize,
      proofBytes: proof.proofBytes,
      ...outputsJson(proof.outputs),
      floatOutputs: floatOutputs ?? null,
      weightCommitment: result.weightCommitment,
      publicSignals: result.publicSignals,
      ...(submitter ? { submitter } : {}),
    };
    summaries.push(summary);
    if (!json) {
      // Hashed outputs are not public: the prover computes them (the proof carries their commitment).
      const outputs = proof.outputs.values;
      console.log(
        `proof      ${outFile} (${proof.proofSize} bytes, ${(proof.ms / 1000).toFixed(2)} s)`,
      );
      const how = output === "hashed" ? "private; the proof carries their commitment" : "circuit";
      console.log(`outputs    ${outputs.map((o) => o.toFixed(4)).join(", ")} (${how})`);
      if (quantized.droppedSoftmax && output !== "hashed") {
        // the circuit proves the logits; the float model's outputs are after its final op
        const last = ir.nodes[ir.nodes.length - 1];
        const after = evaluateLastNode({ ir, input: outputs });
        console.log(
          `${last.op.padEnd(10)} ${Array.from(after, (o) => o.toFixed(4)).join(", ")} (the proven outputs, ${last.op} applied off-circuit)`,
        );
      }
      if (floatOutputs) {
        console.log(`float      ${floatOutputs.map((o) => o.toFixed(4)).join(", ")} (onnxruntime)`);
      }
      console.log(`check      off-chain verification: ${valid ? "valid" : "INVALID"}`);
    }
  }
  const valid = summaries.every((s) => s.valid);
  // One row: its summary, as always; several: every row's, in the input file's order.
  if (json) printJson(summaries.length === 1 ? summaries[0] : { valid, proofs: summaries });
  return valid ? EXIT.ok : EXIT.checkFailed;
}

/** The proof file of row `i` (0-based) of a multi-row input: proof.json -> proof-0.json. */
function rowFile(file: string, i: number): string {
  const ext = extname(file);
  return `${file.slice(0, file.length - ext.length)}-${i}${ext}`;
}

/** The float model's outputs on the row (onnxruntime), concatenated like the proven ones. */
async function floatModelOutputs(file: string, q: QuantizedModel, row: number[]) {
  try {
    let offset = 0;
    const inputs = Object.fromEntries(
      q.inputs.map((i) => {
        const n = i.shape.reduce((a, b) => a * b, 1);
        offset += n;
        return [i.name, { data: row.slice(offset - n, offset), shape: i.shape }];
      }),
    );
    const out = await runOnnx({ model: file, inputs });
    return q.outputs.flatMap((o) => Array.from(out[o.name].data));
  } catch {
    return undefined;
  }
}

/** The --submitter address: required by a model compiled with --submitter bound, refused by others. */
function boundSubmitter(manifest: Manifest, submitter: string | undefined): string | undefined {
  const bound = manifest.visibility.submitter === "bound";
  if (bound && submitter === undefined) {
    throw new InputError(
      "this model binds the submitter (compiled with --submitter bound): pass --submitter <0x address>, the account that will send the proof",
      { details: { input: "--submitter" } },
    );
  }
  if (!bound && submitter !== undefined) {
    throw new InputError(
      "--submitter is for a model compiled with --submitter bound; this one lets anyone submit",
      { details: { input: "--submitter", value: submitter } },
    );
  }
  if (submitter !== undefined) submitterSignal(submitter); // a 20-byte hex address
  return submitter;
}
