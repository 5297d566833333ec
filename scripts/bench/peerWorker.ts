// Helper stages of the peer benchmark (`npm run bench -- --peer`), each in its own process.
// Usage: node peerWorker.ts <stage> '<json args>'; prints "@@result <json>".
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";

/** The bench's proving row: seeded pixels in [0, 1) (seed 3, row 0, as the prove stage). */
export const proveRow = (width: number): number[] =>
  Array.from({ length: width }, mulberry32({ seed: 3 }));

const stages: Record<string, (a: Record<string, unknown>) => Promise<unknown>> = {
  /** The peer circuit (circomlib-ml Dense + ReLU) and a witness input for it. */
  async generate(a) {
    const { importOnnx } = await import("../../sdk/node/src/onnx/importOnnx.ts");
    const { writePeerCircuit } = await import("./peerCircuit.ts");
    const ir = importOnnx({ file: a.model as string });
    return writePeerCircuit({ ir, row: proveRow(a.width as number), outDir: a.outDir as string });
  },
  /** A cached local powers of tau (the shared cache), its file for snarkjs. */
  async ptau(a) {
    const { ensurePtau } = await import("../../sdk/node/src/setup/ensurePtau.ts");
    const p = await ensurePtau({ power: a.power as number });
    return { ms: p.ms, power: p.power, cached: p.cached, file: p.file };
  },
  /** Our circuit's input signals (bench-input.json) and the float row for `zkml prove`. */
  async oursInput(a) {
    const { readManifest } = await import("../../sdk/node/src/manifestFile.ts");
    const { readQuantizedModel } =
      await import("../../sdk/node/src/quantize/readQuantizedModel.ts");
    const { quantizeInput } = await import("../../sdk/core/src/quantize/quantizeInput.ts");
    const { circuitInput } = await import("../../sdk/core/src/prove/circuitInput.ts");
    const dir = a.outDir as string;
    const model = readQuantizedModel({ file: join(dir, "quantized.json") });
    const row = proveRow(model.nInputs);
    const weights = readManifest(dir).visibility.weights as "fixed" | "private";
    const signals = circuitInput({ model, input: quantizeInput({ model, input: row }), weights });
    mkdirSync(join(dir, "peer-bench"), { recursive: true });
    writeFileSync(join(dir, "peer-bench", "input.json"), JSON.stringify(signals));
    writeFileSync(join(dir, "peer-bench", "row.json"), JSON.stringify({ input_data: [row] }));
    return { signals: Object.keys(signals) };
  },
};

const [stage, json] = process.argv.slice(2);
if (stage && import.meta.filename === process.argv[1]) {
  const run = stages[stage];
  if (!run) throw new Error(`unknown stage ${stage}`);
  const result = await run(JSON.parse(json ?? "{}")).catch((e: unknown) => {
    console.error((e as Error).stack ?? String(e));
    process.exit(1);
  });
  console.log(`@@result ${JSON.stringify(result)}`);
  const { releaseSnarkjs } = await import("../../sdk/core/src/util/snarkjsLogger.ts");
  await releaseSnarkjs();
  process.exit(0);
}
