import { join } from "node:path";
import { compileCircuit } from "../../sdk/node/src/circuit/compileCircuit.ts";
import type { CompileCircuitReturnType } from "../../sdk/node/src/circuit/compileCircuit.ts";
import { loadR1cs, readSymbols } from "./witnessTools.ts";
import type { R1csConstraints } from "./witnessTools.ts";

export const BUILD = join(import.meta.dirname, "../../build/test");

export interface Harness {
  compiled: CompileCircuitReturnType;
  r1cs: R1csConstraints;
  symbols: Map<string, number>;
}

/**
 * Compiles `component main = <instance>;` over a circuits/ library file, for template tests.
 * At --O1 every signal stays a wire, so a forged witness can set any of them; --O2 only
 * substitutes linear relations (the same constraints with fewer variables).
 */
export async function compileTemplate(p: {
  name: string;
  library: string;
  main: string;
  optimization?: 0 | 1 | 2;
  /** Library files the main file's library includes (copied next to it). */
  dependencies?: string[];
}): Promise<Harness> {
  const source = `pragma circom 2.1.6;\ninclude "lib/${p.library}";\ncomponent main = ${p.main};\n`;
  const compiled = await compileCircuit({
    source,
    outDir: join(BUILD, p.name),
    library: [p.library, ...(p.dependencies ?? [])],
    optimization: p.optimization ?? 1,
  });
  return { compiled, r1cs: await loadR1cs(compiled.r1cs), symbols: readSymbols(compiled.sym) };
}
