/**
 * The parts of wasmbuilder's ModuleBuilder / FunctionBuilder / CodeBuilder that our plugins for
 * ffjavascript's bn128 module use (ffjavascript's `buildBn128(singleThread, plugins)` hands the
 * plugin its ModuleBuilder; wasmbuilder ships no typings). Shared by the prover's batch-affine
 * MSM (`batchAffineWasm.ts`) and the setup's plugins in sdk/node (the ceremony's fixed-base
 * functions, the contribution's same-scalar scaling, zkey new's GLV multiexp).
 */

/** Wasm instruction bytes, as the code builder returns them. */
export interface Code extends Array<number> {}

export interface FunctionBuilder {
  addParam(name: string, type: "i32"): void;
  addLocal(name: string, type: "i32"): void;
  setReturnType(type: "i32"): void;
  addCode(...code: Code[]): void;
  getCodeBuilder(): unknown;
}

export interface ModuleBuilder {
  addFunction(name: string): FunctionBuilder;
  exportFunction(name: string): void;
  /** Bytes in the module's static data (per instance: each worker has its own). */
  alloc(size: number): number;
}

/** The code builder's methods are untyped; this keeps call sites readable. */
export type CodeBuilder = Record<string, (...args: unknown[]) => Code>;

export const codeBuilder = (f: FunctionBuilder): CodeBuilder => f.getCodeBuilder() as CodeBuilder;
