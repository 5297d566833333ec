import { InputError, UsageError } from "@zkml-verify/core/internal/errors";
import { mulberry32 } from "@zkml-verify/core/internal/util/mulberry32";
import { importOnnx } from "../../onnx/importOnnx.ts";
import { numel } from "../../onnx/ir.ts";
import { readInputFile } from "../../onnx/readInputFile.ts";
import { fidelity } from "../../quantize/fidelity.ts";
import { EXIT } from "../command.ts";
import {
  choiceOption,
  integerOption,
  numberOption,
  parseCommandArgs,
  positionalArgs,
} from "../args.ts";
import { printJson } from "../jsonConvention.ts";
import type { Command } from "../command.ts";
import { progress } from "../progress.ts";

export const command: Command = {
  name: "fidelity",
  usage: `zkml fidelity <model.onnx> [--data <file> | --random <n> --seed <s>] [options] [--json]

  Runs the float model in onnxruntime-node and the quantized evaluator (what the circuit
  proves) on the same rows and reports argmax agreement, the max and mean absolute error per
  output, and the chosen scales.

  --data <file>             input rows (JSON: {"input_data": [[...], ...]} or {"<input>": [...]})
  --random <n>              n seeded random rows, uniform in [0, 1] (default 100)
  --seed <s>                seed for --random (default 1)
  --calibration <file>      rows that choose the scales (default: the data itself)
  --mode accuracy|resources quantization mode (default accuracy)
  --input-shape <name=1x4>  static shape for a dynamic input (repeatable)
  --min-agreement <f>       exit 1 when agreement is below this fraction
  --json                    machine-readable result (agreement as a fraction, errors, scales,
                            and per row the dequantized circuit outputs next to the float ones)`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      data: { type: "string" },
      random: { type: "string" },
      seed: { type: "string" },
      calibration: { type: "string" },
      mode: { type: "string" },
      "input-shape": { type: "string", multiple: true },
      "min-agreement": { type: "string" },
      json: { type: "boolean" },
    });
    const [model] = positionalArgs(this.name, positionals, ["<model.onnx>"]);
    const mode = choiceOption(this.name, "mode", values.mode, ["accuracy", "resources"]);
    if (values.data && values.random) {
      throw new UsageError("zkml fidelity: --data and --random exclude each other", {
        details: { command: this.name, option: "--random" },
      });
    }
    const random = integerOption(this.name, "random", values.random, { min: 1 }) ?? 100;
    const seed = integerOption(this.name, "seed", values.seed) ?? 1;
    const minAgreement =
      numberOption(this.name, "min-agreement", values["min-agreement"], { min: 0, max: 1 }) ?? 0;
    const ui = progress();
    const inputShapes = parseInputShapes(values["input-shape"]);
    const ir = importOnnx({ file: model, inputShapes });
    const rows = values.data
      ? readInputFile({ file: values.data, ir })
      : randomRows(random, seed, numel(ir.inputs[0].shape));
    const calibration = values.calibration
      ? readInputFile({ file: values.calibration, ir })
      : undefined;
    const r = await ui.step(`float vs quantized on ${rows.length} rows`, () =>
      fidelity({ model, rows, calibration, mode, inputShapes, includeOutputs: values.json }),
    );
    if (values.json) printJson({ model, ...r });
    else {
      const f = (xs: number[]) => xs.map((x) => x.toExponential(2)).join(", ");
      console.log(
        `agreement   ${(r.agreement * 100).toFixed(2)}% argmax agreement on ${r.rows} rows`,
      );
      console.log(`max error   ${f(r.maxAbsError)} (per output)`);
      console.log(`mean error  ${f(r.meanAbsError)}`);
      console.log(
        `scales      ${r.scales.mode} mode, input 2^-${r.scales.inputFrac} (${r.scales.inputBits} bits), output 2^-${r.scales.outputFrac}`,
      );
    }
    return r.agreement >= minAgreement ? EXIT.ok : EXIT.checkFailed;
  },
};

/** n rows of uniform [0, 1) values from a seeded generator. */
export function randomRows(n: number, seed: number, length: number): number[][] {
  if (!Number.isInteger(n) || n < 1 || !Number.isFinite(seed)) {
    throw new InputError(`--random needs a positive count and --seed a number`, {
      details: { value: `${n}/${seed}` },
    });
  }
  const rand = mulberry32({ seed });
  return Array.from({ length: n }, () => Array.from({ length }, () => rand()));
}

/** Parses repeated `--input-shape name=1x3x28x28` into { name: [1, 3, 28, 28] }. */
export function parseInputShapes(
  specs: string[] | undefined,
): Record<string, number[]> | undefined {
  if (!specs?.length) return undefined;
  const out: Record<string, number[]> = {};
  for (const spec of specs) {
    const m = /^([^=]+)=(\d+(?:[x,]\d+)*)$/.exec(spec);
    if (!m) {
      throw new InputError(`--input-shape must look like name=1x4, not "${spec}"`, {
        details: { value: spec },
      });
    }
    out[m[1]] = m[2].split(/[x,]/).map(Number);
  }
  return out;
}
