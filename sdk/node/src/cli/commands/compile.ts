import { join, resolve } from "node:path";
import { compileModel, MAX_DEFAULT_PUBLIC_INPUTS } from "../../circuit/compileModel.ts";
import { EXIT } from "../command.ts";
import {
  choiceOption,
  integerOption,
  parseCommandArgs,
  positionalArgs,
  requiredOption,
} from "../args.ts";
import { bytes32, printJson } from "../jsonConvention.ts";
import type { Command } from "../command.ts";
import { progress } from "../progress.ts";
import { importOnnx } from "../../onnx/importOnnx.ts";
import { readInputFile } from "../../onnx/readInputFile.ts";
import { parseInputShapes } from "./fidelity.ts";

export const command: Command = {
  name: "compile",
  usage: `zkml compile <model.onnx> --out <dir> [options] [--json]

  Imports the ONNX model, quantizes it to fixed point (scales chosen on the calibration data),
  generates and compiles the circuit, and writes ir.json, quantized.json, model.circom,
  model.r1cs, model_js/model.wasm and manifest.json into <dir>.

  --calibration <file>         input rows (JSON: {"input_data": [[...], ...]} or [{"<input>": [...]}, ...])
  --mode accuracy|resources    favour accuracy (default) or fewer constraints
  --weights fixed|private      weights as circuit constants (default) or private inputs
  --input public|private|hashed   model input visibility (default public up to
                               ${MAX_DEFAULT_PUBLIC_INPUTS} input values, hashed above)
  --output public|hashed       output visibility (default public)
  --submitter none|bound       bound: the last public signal is the address that must send the
                               proof (zkml prove --submitter), against front-running (default none)
  --prove-output logits|argmax for a classifier: prove the logits (default) or the argmax
  --input-shape <name=1x4>     static shape for a dynamic input (repeatable)
  --batch-size <n>             size of a symbolic leading (batch) dimension (default 1)
  --json                       machine-readable result (constraints, wires, nPublic, ...)`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      out: { type: "string" },
      calibration: { type: "string" },
      mode: { type: "string" },
      weights: { type: "string" },
      input: { type: "string" },
      output: { type: "string" },
      submitter: { type: "string" },
      "prove-output": { type: "string" },
      "input-shape": { type: "string", multiple: true },
      "batch-size": { type: "string" },
      json: { type: "boolean" },
    });
    const [model] = positionalArgs(this.name, positionals, ["<model.onnx>"]);
    const out = requiredOption(this.name, values.out, "out", "dir");
    const choice = <C extends string>(option: keyof typeof values, choices: readonly C[]) =>
      choiceOption(this.name, option, values[option] as string | undefined, choices);
    const mode = choice("mode", ["accuracy", "resources"]);
    const weightVisibility = choice("weights", ["fixed", "private"]);
    const inputVisibility = choice("input", ["public", "private", "hashed"]);
    const outputVisibility = choice("output", ["public", "hashed"]);
    const submitter = choice("submitter", ["none", "bound"]);
    const proveOutput = choice("prove-output", ["logits", "argmax"]);
    const batchSize = integerOption(this.name, "batch-size", values["batch-size"], { min: 1 });
    const ui = progress();
    const inputShapes = parseInputShapes(values["input-shape"]);
    const calibration = values.calibration
      ? readInputFile({
          file: values.calibration,
          ir: importOnnx({ file: model, inputShapes, batchSize }),
        })
      : undefined;
    const compiled = await ui.step(`compile ${model}`, () =>
      compileModel({
        model,
        outDir: out,
        calibration,
        mode,
        output: proveOutput,
        inputVisibility,
        weightVisibility,
        outputVisibility,
        submitter,
        inputShapes,
        batchSize,
        // A copy of the source model makes the folder self-contained (prove shows float
        // outputs, audit can re-hash it); manifest.model.sha256 identifies it.
        copyModel: true,
        onProgress: ui.log,
        // On stderr in every mode (stdout stays JSON with --json, which lists them too).
        onWarning: (m) => console.error(`warning: ${m}`),
      }),
    );
    const outDir = resolve(out);
    const result = {
      model: resolve(model),
      outDir,
      constraints: compiled.circuit.constraints,
      wires: compiled.circuit.wires,
      nPublic: compiled.publicSignals.layout.nPublic,
      publicSignals: compiled.publicSignals.names,
      visibility: compiled.manifest.visibility,
      weightCommitment: bytes32(compiled.weightCommitment),
      manifest: join(outDir, "manifest.json"),
      r1cs: compiled.circuit.r1cs,
      wasm: compiled.circuit.wasm,
      warnings: compiled.warnings,
    };
    if (values.json) printJson(result);
    else {
      console.log(`circuit      ${result.constraints} constraints, ${result.wires} wires`);
      const v = result.visibility;
      console.log(
        `public       ${result.nPublic} signals (weights ${v.weights}, input ${v.input}, output ${v.output}, submitter ${v.submitter ?? "none"})`,
      );
      console.log(`commitment   ${result.weightCommitment}`);
      console.log(`written to   ${outDir} (manifest.json, model.r1cs, model_js/model.wasm)`);
      console.log(
        `next         zkml setup ${out} --system groth16, then zkml prove ${out} --input <input.json>`,
      );
    }
    return EXIT.ok;
  },
};
