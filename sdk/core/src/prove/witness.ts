import { WitnessCalculatorBuilder } from "circom_runtime";
import { snarkjs } from "../util/snarkjs.ts";

/**
 * A circuit's witness generator (model.wasm), compiled and instantiated once: `calculate` runs
 * it on one input and returns the witness as .wtns bytes. Compiling a fixed-weight model's wasm
 * (the weights are code: 5.8 MB for 784_56_10) is the largest fixed cost of a fresh proof, so a
 * loaded model (`loadModel`) keeps one generator and proves many inputs. Calls may overlap:
 * each runs synchronously inside the instance.
 */
export interface WitnessGenerator {
  readonly kind: "witnessGenerator";
  /** Size of the wasm it was built from, in bytes (for messages). */
  readonly wasmBytes: number;
  calculate(signals: Record<string, unknown>): Promise<Uint8Array>;
}

/**
 * Runs `instantiate`, which compiles and instantiates a witness generator's WebAssembly (and,
 * for a generator read from a path, computes one witness with it), and returns its result.
 */
export type WitnessInstantiation = <T>(instantiate: () => Promise<T>) => Promise<T>;

const plainInstantiation: WitnessInstantiation = (instantiate) => instantiate();
let instantiation: WitnessInstantiation = plainInstantiation;

/**
 * Wraps the creation of every witness generator's instance in this process: a host sets how
 * the engine compiles it. Node's `useProverV8Flags()` (@zkml-verify/node) gives these instances
 * alone a high V8 tier-up budget (V8 fixes a wasm function's budget when its instance is
 * created): a fixed-weight model's generator is one huge function that must stay in baseline
 * code, while the curve's arithmetic must tier up. Without a wrapper (undefined) the instance
 * is created as it is.
 *
 * @example
 * setWitnessInstantiation(async (instantiate) => {
 *   setFlagsFromString("--wasm-tiering-budget=300000000"); // node:v8
 *   try {
 *     return await instantiate();
 *   } finally {
 *     setFlagsFromString("--wasm-tiering-budget=13000000");
 *   }
 * });
 */
export function setWitnessInstantiation(wrap: WitnessInstantiation | undefined): void {
  instantiation = wrap ?? plainInstantiation;
}

/**
 * Compiles a circuit's witness wasm once (what snarkjs's `wtns.calculate` does on every call).
 *
 * @example
 * const witness = await loadWitnessGenerator({ wasm: wasmBytes });
 * const wtns = await witness.calculate({ in: ["1", "2"] });
 */
export async function loadWitnessGenerator(p: { wasm: Uint8Array }): Promise<WitnessGenerator> {
  const calculator = await instantiation(() => WitnessCalculatorBuilder(p.wasm));
  return {
    kind: "witnessGenerator",
    wasmBytes: p.wasm.length,
    // no sanity check, as snarkjs's wtns.calculate
    calculate: (signals) => calculator.calculateWTNSBin(signals),
  };
}

export const isWitnessGenerator = (v: unknown): v is WitnessGenerator =>
  typeof v === "object" && v !== null && (v as WitnessGenerator).kind === "witnessGenerator";

/**
 * The witness (.wtns bytes) of `signals`: with a loaded generator, or from model.wasm's bytes,
 * or from its path (Node) or URL, which snarkjs reads (as its own `wtns.calculate`).
 *
 * @example
 * const wtns = await computeWitness({ wasm: "build/iris/model_js/model.wasm", signals });
 */
export async function computeWitness(p: {
  wasm: string | Uint8Array | WitnessGenerator;
  signals: Record<string, unknown>;
}): Promise<Uint8Array> {
  if (isWitnessGenerator(p.wasm)) return p.wasm.calculate(p.signals);
  if (p.wasm instanceof Uint8Array)
    return (await loadWitnessGenerator({ wasm: p.wasm })).calculate(p.signals);
  const file = { type: "mem" } as { type: "mem"; data?: Uint8Array };
  const path = p.wasm;
  const { wtns } = await snarkjs();
  await instantiation(() => wtns.calculate(p.signals, path, file as unknown as string));
  return file.data!;
}
