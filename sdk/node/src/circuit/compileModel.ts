import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeManifest } from "../manifestFile.ts";
import type { Manifest } from "@zkml-verify/core/internal/manifest";
import { importOnnx } from "../onnx/importOnnx.ts";
import type { ModelIR } from "../onnx/ir.ts";
import { numel } from "../onnx/ir.ts";
import { mulberry32 } from "@zkml-verify/core/internal/util/mulberry32";
import { quantizeModel } from "../quantize/quantizeModel.ts";
import type { QuantizedModel, QuantizeOptions } from "@zkml-verify/core/internal/quantize/types";
import { sha256File } from "../util/sha256File.ts";
import { toolVersions } from "../util/toolVersions.ts";
import { commitStagedBuild, lockBuildFolder, stageBuildFolder } from "./buildFolder.ts";
import { compileCircuit } from "./compileCircuit.ts";
import type { CompileCircuitReturnType } from "./compileCircuit.ts";
import { generateModelCircuit } from "./generateCircuit.ts";
import type { WeightVisibility } from "./generateCircuit.ts";
import type {
  OutputVisibility,
  PublicSignalPlan,
  SubmitterVisibility,
} from "@zkml-verify/core/internal/layout/publicSignals";

export { BUILD_LOCK_FILE, BuildFolderLockedError } from "./buildFolder.ts";

export interface CompileModelParameters extends QuantizeOptions {
  /** The ONNX file. */
  model: string;
  /** Output folder for IR, quantized model, circuit, r1cs, wasm and manifest.json. */
  outDir: string;
  /** Float inputs that choose the scales and size the range checks: each row the graph inputs flattened and concatenated in order (`readInputFile`). Default: 64 seeded random rows in [0, 1]. */
  calibration?: number[][];
  /** Default: `public` up to MAX_DEFAULT_PUBLIC_INPUTS values, `hashed` above. */
  inputVisibility?: "public" | "private" | "hashed";
  /**
   * `fixed` (default): weights are circuit constants, the verifier is specific to them.
   * `private`: the Gemm/MatMul/Conv weights and biases are a private witness bound by a Poseidon
   * commitment (public signal): one verifier serves every weight set of the architecture.
   */
  weightVisibility?: WeightVisibility;
  /** `public` (default): the output values are public signals; `hashed`: one Poseidon commitment. */
  outputVisibility?: OutputVisibility;
  /**
   * `none` (default): anyone may submit a proof. `bound`: the circuit takes the intended
   * submitter's address as its last public signal, and the registry records a proof only from
   * that address (front-running protection; prove with `submitter`).
   */
  submitter?: SubmitterVisibility;
  /** Static shapes for inputs with dynamic dimensions, by input name. */
  inputShapes?: Record<string, number[]>;
  /** The size of a symbolic leading (batch) input dimension. Default 1, with a warning. */
  batchSize?: number;
  /** Also copy the ONNX file into the folder as model.onnx (as `zkml compile` does). */
  copyModel?: boolean;
  onProgress?: (line: string) => void;
  /** Receives each warning as it arises (they are also returned in `warnings`). */
  onWarning?: (message: string) => void;
}

export interface CompileModelReturnType {
  outDir: string;
  ir: ModelIR;
  quantized: QuantizedModel;
  weightCommitment: bigint;
  publicSignals: PublicSignalPlan;
  circuit: CompileCircuitReturnType;
  manifest: Manifest;
  /** What the user should know: a symbolic batch dimension set to 1, no calibration data. */
  warnings: string[];
}

/** How compileModel writes ir.json and quantized.json (bigints as decimal strings). */
export const serializeBuild = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    typeof x === "bigint" ? x.toString() : x instanceof Float64Array ? Array.from(x) : x,
  );

/** The calibration rows given to `compileModel`, saved so the build can be repeated. */
export const CALIBRATION_FILE = "calibration.json";

/** How many rows `defaultCalibration` draws. */
export const DEFAULT_CALIBRATION_ROWS = 64;

/** 64 seeded random rows in [0, 1] (the calibration when none is given), all inputs concatenated. */
export function defaultCalibration(ir: ModelIR): number[][] {
  const rnd = mulberry32({ seed: 1 });
  const n = ir.inputs.reduce((sum, i) => sum + numel(i.shape), 0);
  return Array.from({ length: DEFAULT_CALIBRATION_ROWS }, () => Array.from({ length: n }, rnd));
}

/**
 * What `compileModel` writes into a build folder (replaced as a whole by each compile; a stale
 * calibration.json of an earlier build is removed, so the folder never mixes two builds).
 */
export const BUILD_FILES = [
  "ir.json",
  "quantized.json",
  CALIBRATION_FILE,
  "model.circom",
  "lib",
  "model.r1cs",
  "model.sym",
  "model_js",
  "manifest.json",
] as const;

/**
 * Above this many input values, inputs default to `hashed` (one Poseidon commitment): each
 * public signal costs a Groth16 verifier about 6.8k gas and 95 bytes of bytecode, so a 784-pixel
 * public input would not even fit the 24,576-byte contract limit.
 */
export const MAX_DEFAULT_PUBLIC_INPUTS = 32;

export const defaultInputVisibility = (nInputs: number): "public" | "hashed" =>
  nInputs > MAX_DEFAULT_PUBLIC_INPUTS ? "hashed" : "public";

/**
 * ONNX -> IR -> quantized model -> circom circuit -> r1cs + wasm, with a manifest.
 *
 * The build is written to a temporary sibling folder and moved into `outDir` only when it is
 * complete (manifest last), under a lock file holding the pid: a second compile into the same
 * folder while one runs fails with a `BuildFolderLockedError`, and a failed compile leaves the
 * previous build as it was. Other files in `outDir` (keys, proofs, deployments) are kept.
 *
 * @example
 * const { circuit } = await compileModel({ model: "models/iris-mlp.onnx", outDir: "build/iris", calibration });
 * console.log(circuit.constraints);
 */
export async function compileModel(p: CompileModelParameters): Promise<CompileModelReturnType> {
  const outDir = resolve(p.outDir);
  mkdirSync(outDir, { recursive: true });
  const lock = lockBuildFolder(outDir);
  let stage: ReturnType<typeof stageBuildFolder> | undefined;
  try {
    stage = stageBuildFolder(outDir);
    return await compileInto(p, outDir, stage.dir);
  } finally {
    stage?.remove();
    lock.release();
  }
}

async function compileInto(
  p: CompileModelParameters,
  outDir: string,
  staged: string,
): Promise<CompileModelReturnType> {
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    p.onWarning?.(message);
  };
  let batchDefaulted = false;
  const ir = importOnnx({
    file: p.model,
    inputShapes: p.inputShapes,
    batchSize: p.batchSize,
    onWarning: (message) => {
      batchDefaulted = true;
      warn(message);
    },
  });
  const { activationFrac, weightFrac, headroomBits, mode, output } = p;
  if (!p.calibration)
    warn(
      `no calibration data: the fixed-point scales are calibrated on ${DEFAULT_CALIBRATION_ROWS} random rows in [0, 1], so real inputs outside that range may fail at prove time (QuantizationRangeError); pass --calibration <file> with representative inputs (SDK: calibration)`,
    );
  const calibration = p.calibration ?? defaultCalibration(ir);
  const quantized = quantizeModel({
    ir,
    calibration,
    activationFrac,
    weightFrac,
    headroomBits,
    mode,
    output,
  });
  const weightVisibility = p.weightVisibility ?? "fixed";
  const outputVisibility = p.outputVisibility ?? "public";
  const inputVisibility = p.inputVisibility ?? defaultInputVisibility(quantized.nInputs);
  const { weightCommitment, circuit: gen } = generateModelCircuit({
    model: quantized,
    weights: weightVisibility,
    input: inputVisibility,
    output: outputVisibility,
    submitter: p.submitter ?? "none",
  });
  writeFileSync(join(staged, "ir.json"), serializeBuild(ir));
  writeFileSync(join(staged, "quantized.json"), serializeBuild(quantized));
  const calibrationJson = JSON.stringify(calibration);
  if (p.calibration) writeFileSync(join(staged, CALIBRATION_FILE), calibrationJson);
  if (p.copyModel) copyFileSync(p.model, join(staged, "model.onnx"));
  p.onProgress?.(`compiling circuit (${quantized.layers.length} layers) with circom2`);
  const built = await compileCircuit({
    source: gen.source,
    outDir: staged,
    library: gen.library,
    onProgress: p.onProgress,
  });
  const manifest: Manifest = {
    schema: 1,
    model: {
      file: ir.source.file,
      sha256: ir.source.sha256,
      opset: ir.source.opset,
      producer: ir.source.producer,
    },
    quantization: {
      mode: quantized.mode,
      inputs: quantized.inputs,
      outputs: quantized.outputs,
      inputFrac: quantized.inputFrac,
      inputBits: quantized.inputBits,
      outputFrac: quantized.outputFrac,
      outputKind: quantized.outputKind,
      layers: quantized.layers.map((l) => ({
        name: l.name,
        kind: l.kind,
        weightFrac: l.kind === "linear" ? l.weightFrac : null,
        shift: "shift" in l && l.quotientBits ? l.shift : null,
        quotientBits: "quotientBits" in l && l.quotientBits ? l.quotientBits : null,
        relu: l.kind === "linear" && l.relu,
      })),
      droppedSoftmax: quantized.droppedSoftmax,
      build: {
        options: {
          mode,
          activationFrac,
          weightFrac,
          headroomBits,
          output,
          // The shapes the build used, whenever one was not the declared one (rebuilds repeat it).
          inputShapes:
            p.inputShapes || p.batchSize !== undefined || batchDefaulted
              ? Object.fromEntries(ir.inputs.map((i) => [i.name, i.shape]))
              : undefined,
        },
        calibration: {
          source: p.calibration ? "file" : "default",
          rows: calibration.length,
          sha256: createHash("sha256").update(calibrationJson).digest("hex"),
          ...(p.calibration ? { file: CALIBRATION_FILE } : {}),
        },
      },
    },
    visibility: {
      weights: weightVisibility,
      input: inputVisibility,
      output: outputVisibility,
      submitter: p.submitter ?? "none",
    },
    weightCommitment: weightCommitment.toString(),
    publicSignals: gen.publicSignals,
    circuit: {
      circomSha256: sha256File(built.circuit),
      configSha256: gen.configSha256,
      r1csSha256: sha256File(built.r1cs),
      wasmSha256: sha256File(built.wasm),
      constraints: built.constraints,
      wires: built.wires,
    },
    tools: toolVersions(),
  };
  writeManifest(staged, manifest);
  commitStagedBuild({
    staged,
    outDir,
    owned: [...BUILD_FILES, ...(p.copyModel ? ["model.onnx"] : [])],
  });
  const moved = (f: string) => join(outDir, f.slice(staged.length + 1));
  const circuit = {
    ...built,
    r1cs: moved(built.r1cs),
    wasm: moved(built.wasm),
    sym: moved(built.sym),
    circuit: moved(built.circuit),
  };
  return {
    outDir,
    ir,
    quantized,
    weightCommitment,
    publicSignals: gen.publicSignals,
    circuit,
    manifest,
    warnings,
  };
}
