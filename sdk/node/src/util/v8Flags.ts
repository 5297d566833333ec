import { setFlagsFromString } from "node:v8";

/**
 * V8 flags for a process that proves: `--wasm-tiering-budget=300000000`.
 *
 * A fixed-weight model's witness generator is one huge WebAssembly function (the weights are
 * code: 5.8 MB for 784_56_10). V8 tiers a function up to TurboFan once it has run about 13 MB
 * of code (its default budget), and optimizing this one takes minutes of CPU, in the middle of
 * the proof and before the process may exit (784_56_10: 44 s of CPU for a first proof at the
 * default, 6 s with this budget). At 300 MB the generator stays in Liftoff (a witness runs a
 * few MB of code), while snarkjs's curve arithmetic, which runs billions of bytes, still tiers
 * up (`--liftoff-only` would keep it in Liftoff too: ~1.6x the prover's CPU time).
 */
export const PROVER_V8_FLAGS = ["--wasm-tiering-budget=300000000"] as const;

/**
 * Sets `PROVER_V8_FLAGS` in this process; call it before any WebAssembly is compiled (the
 * `zkml` launcher does). A server that proves can do the same, or start Node with the flags.
 *
 * @example
 * useProverV8Flags();
 */
export function useProverV8Flags(): void {
  for (const flag of PROVER_V8_FLAGS) setFlagsFromString(flag);
}
