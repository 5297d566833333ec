/**
 * The parts, one after another, in a new array (always a copy: a worker message holding it
 * clones just these bytes, not a larger buffer a part is a view of).
 *
 * @example
 * concatBytes([Uint8Array.of(1), Uint8Array.of(2, 3)]); // Uint8Array [1, 2, 3]
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
  let pos = 0;
  for (const b of parts) {
    out.set(b, pos);
    pos += b.byteLength;
  }
  return out;
}
