/**
 * V8's limit on one WebAssembly function body (kV8MaxWasmFunctionSize, 7,654,321 bytes):
 * `WebAssembly.compile` refuses a module with a larger function (node, browsers alike).
 */
export const V8_MAX_WASM_FUNCTION_BYTES = 7_654_321;

/** The code section's id in the WebAssembly binary format. */
const CODE_SECTION = 10;

/**
 * The body size in bytes of every function a WebAssembly module defines, in order (its code
 * section). circom's witness generator compiles each template instance into one function, so
 * the largest is what V8's function-size limit applies to. A reader of the binary format's
 * section headers (a few LEB128 integers): no wasm toolkit needed for that.
 *
 * @example
 * const largest = Math.max(...wasmFunctionSizes({ wasm: readFileSync("model.wasm") }));
 */
export function wasmFunctionSizes(p: { wasm: Uint8Array }): number[] {
  const b = p.wasm;
  let at = 8; // magic + version
  const leb = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const byte = b[at++];
      v += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return v;
      shift += 7;
    }
  };
  while (at < b.length) {
    const id = b[at++];
    const size = leb();
    const end = at + size;
    if (id === CODE_SECTION) {
      const sizes: number[] = [];
      for (let n = leb(); n > 0; n--) {
        const body = leb();
        sizes.push(body);
        at += body;
      }
      return sizes;
    }
    at = end;
  }
  return [];
}
