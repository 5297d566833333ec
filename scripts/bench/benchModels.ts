import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_CNNS, buildBenchModel } from "../lib/benchModels.ts";
import { ROOT } from "../lib/root.ts";

export interface BenchModel {
  name: string;
  /** Path of the ONNX file (built on demand for the CNNs). */
  file: () => string;
  width: number;
  kind: "mlp" | "cnn";
  source: string;
}

const SHARED = join(ROOT, "..", "shared", "models", "zkml-benchmark");

/** Every model the benchmark knows, in report order. */
export const BENCH_MODELS: BenchModel[] = [
  {
    name: "iris-mlp",
    file: () => join(ROOT, "models/iris-mlp.onnx"),
    width: 4,
    kind: "mlp",
    source: "trained here (models/README.md)",
  },
  ...["196_25_10", "196_24_14_10", "784_56_10"].map((name) => ({
    name,
    file: () => join(SHARED, `${name}.onnx`),
    width: Number(name.split("_")[0]),
    kind: "mlp" as const,
    source: "ZKML-Benchmark, trained (../shared/models)",
  })),
  ...BENCH_CNNS.map((spec) => ({
    name: spec.name,
    file: () => {
      const file = join(ROOT, "build/bench/models", `${spec.name}.onnx`);
      if (!existsSync(file)) {
        mkdirSync(join(ROOT, "build/bench/models"), { recursive: true });
        writeFileSync(file, buildBenchModel({ spec, seed: 1 }).bytes);
      }
      return file;
    },
    width: spec.input.reduce((a, b) => a * b, 1),
    kind: "cnn" as const,
    source: "same shapes as ZKML-Benchmark, seeded weights (scripts/lib/benchModels.ts)",
  })),
];

/** Published figures for the same architectures: measured elsewhere, on other hardware. */
export const PUBLISHED: Record<
  string,
  {
    circomlibMlConstraints: number;
    circomlibMlProveS: number;
    ezklAccuracyProveS?: number;
    zkmlHalo2ProveS?: number;
  }
> = {
  "196_25_10": {
    circomlibMlConstraints: 18_075,
    circomlibMlProveS: 1.17,
    ezklAccuracyProveS: 19.1,
    zkmlHalo2ProveS: 21.0,
  },
  "196_24_14_10": {
    circomlibMlConstraints: 24_826,
    circomlibMlProveS: 0.45,
    zkmlHalo2ProveS: 22.2,
  },
  "784_56_10": {
    circomlibMlConstraints: 73_416,
    circomlibMlProveS: 2.35,
    ezklAccuracyProveS: 38.0,
    zkmlHalo2ProveS: 21.7,
  },
  "14_5_11_80_10_3": { circomlibMlConstraints: 523_312, circomlibMlProveS: 7.6 },
  "28_6_16_10_5": { circomlibMlConstraints: 2_558_720, circomlibMlProveS: 43.8 },
  "28_6_16_120_84_10_5": { circomlibMlConstraints: 22_703_268, circomlibMlProveS: 59.8 },
};
