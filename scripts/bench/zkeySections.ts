import { closeSync, openSync, readSync } from "node:fs";

/**
 * Sections of a snarkjs binary file (zkey, wtns, r1cs, ptau: magic, version, then id / u64
 * size / bytes per section), read by id without loading the rest of the file.
 *
 * @example
 * const { 2: witness } = readSections({ file: "bench.wtns", ids: [2] });
 */
export function readSections(p: { file: string; ids: number[] }): Record<number, Uint8Array> {
  const fd = openSync(p.file, "r");
  try {
    const read = (pos: number, n: number) => {
      const b = Buffer.alloc(n);
      if (readSync(fd, b, 0, n, pos) !== n) throw new Error(`${p.file}: truncated at ${pos}`);
      return b;
    };
    const out: Record<number, Uint8Array> = {};
    let pos = 12;
    const nSections = read(8, 4).readUInt32LE(0);
    for (let i = 0; i < nSections; i++) {
      const s = read(pos, 12);
      const [id, size] = [s.readUInt32LE(0), Number(s.readBigUInt64LE(4))];
      if (p.ids.includes(id)) out[id] = new Uint8Array(read(pos + 12, size));
      pos += 12 + size;
    }
    for (const id of p.ids) if (!out[id]) throw new Error(`${p.file} has no section ${id}`);
    return out;
  } finally {
    closeSync(fd);
  }
}
