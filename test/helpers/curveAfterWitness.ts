/**
 * Child process of test/prove/witnessTiering.test.ts: loads a compiled model folder (argv[2])
 * with a witness instantiation that holds the generator's instance back behind a gate, starts
 * a proof of the row in argv[3] (JSON), and prints, as JSON lines of events, whether the
 * shared curve existed while the gate was closed and once the proof was done. A fresh process:
 * in the test runner another test may already have built the curve.
 */
import { setWitnessInstantiation } from "../../sdk/core/src/prove/witness.ts";
import { loadModelDir } from "../../sdk/node/src/model/loadModelDir.ts";

/** How long the gate stays closed: several times a curve build (~0.2 s of CPU). */
const GATE_MS = 1500;

const [dir, rowJson] = process.argv.slice(2);
const events: string[] = [];
const curveBuilt = () => Boolean((globalThis as { curve_bn128?: unknown }).curve_bn128);
let open = () => {};
const gate = new Promise<void>((resolve) => (open = resolve));
setWitnessInstantiation(async (instantiate) => {
  events.push(`window opens; curve built: ${curveBuilt()}`);
  await gate;
  const generator = await instantiate();
  events.push(`window closes; curve built: ${curveBuilt()}`);
  return generator;
});
const model = await loadModelDir({ dir });
const proving = model.prove({ input: JSON.parse(rowJson) as number[] });
await new Promise((resolve) => setTimeout(resolve, GATE_MS));
events.push(`gate closed ${GATE_MS} ms; curve built: ${curveBuilt()}`);
open();
const proof = await proving;
events.push(`proof valid: ${await model.verify(proof)}; curve built: ${curveBuilt()}`);
process.stdout.write(JSON.stringify(events) + "\n");
process.exit(0);
