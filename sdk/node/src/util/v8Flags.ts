import { setFlagsFromString } from "node:v8";
import { setWitnessInstantiation } from "@zkml-verify/core/internal/prove/witness";
import type { WitnessInstantiation } from "@zkml-verify/core/internal/prove/witness";

/**
 * V8's tier-up budget for a witness generator's WebAssembly instance.
 *
 * A fixed-weight model's witness generator is one huge WebAssembly function (the weights are
 * code: 5.8 MB for 784_56_10). V8 tiers a function up to TurboFan once it has run about 13 MB
 * of code (its default budget), and optimizing this one takes minutes of CPU, in the middle of
 * the proof and before the process may exit (784_56_10: 44 s of CPU for a first proof at the
 * default, 6 s with this budget). At 300 MB the generator stays in Liftoff (a witness runs a
 * few MB of code). `--liftoff-only` would keep the prover's arithmetic in Liftoff too (~1.6x its
 * CPU time).
 */
export const WITNESS_TIERING_BUDGET = 300_000_000;

/**
 * V8's tier-up budget for every other instance: Node 22's default (V8 12), set explicitly so
 * that Node 20 (1.8 MB) behaves the same. V8 fixes a function's budget when its instance is
 * created, so the curve's arithmetic, created outside the generator's window, tiers up at the
 * default: 784_56_10's first proof in a fresh process spends 0.49 s in its MSMs and FFTs,
 * 0.77 s when the curve's instances get the generator's budget too.
 */
export const TIERING_BUDGET = 13_000_000;

/** `--wasm-tiering-budget=<budget>` for `v8.setFlagsFromString`. */
export const tieringFlag = (budget: number): string => `--wasm-tiering-budget=${budget}`;

/**
 * Sets V8's tiering for a process that proves, before any WebAssembly is compiled (the `zkml`
 * CLI does, however it is started): `TIERING_BUDGET` for everything, `WITNESS_TIERING_BUDGET`
 * while a witness generator's instance is created (`setWitnessInstantiation` in
 * @zkml-verify/core). A server that proves should call it before loading a model. An
 * instance some other code creates while a generator's is being created gets the
 * generator's budget (correct, slower): `loadModel` creates the curve's after the generator's.
 *
 * @example
 * useProverV8Flags();
 * const model = await loadModelDir({ dir: "build/784_56_10" });
 */
export function useProverV8Flags(): void {
  setFlagsFromString(tieringFlag(TIERING_BUDGET));
  setWitnessInstantiation(budgetWindow((budget) => setFlagsFromString(tieringFlag(budget))));
}

/**
 * A witness instantiation that holds the budget at `WITNESS_TIERING_BUDGET` while any
 * generator's instance is being created (windows may overlap: two models loading at once) and
 * returns it to `TIERING_BUDGET` when the last one ends.
 *
 * @example
 * setWitnessInstantiation(budgetWindow((b) => setFlagsFromString(tieringFlag(b))));
 */
export function budgetWindow(setBudget: (budget: number) => void): WitnessInstantiation {
  let open = 0;
  return async (instantiate) => {
    if (open++ === 0) setBudget(WITNESS_TIERING_BUDGET);
    try {
      return await instantiate();
    } finally {
      if (--open === 0) setBudget(TIERING_BUDGET);
    }
  };
}
