import { readFileSync, statSync } from "node:fs";

export interface R1csCounts {
  constraints: number;
  wires: number;
  /** Public outputs + public inputs. */
  nPublic: number;
  /** Nonzero coefficients of the A, B and C matrices (what snarkjs's setup and prover pay per). */
  nonzeros: { a: number; b: number; c: number; total: number };
  bytes: number;
}

/**
 * Counts that do not depend on the machine, read from an r1cs file's header and constraint
 * section (format: iden3 r1csfile): constraints, wires, public signals, A/B/C nonzeros.
 *
 * @example
 * const { nonzeros } = r1csCounts("build/bench/784_56_10/model.r1cs");
 */
export function r1csCounts(file: string): R1csCounts {
  const buf = readFileSync(file);
  if (buf.toString("ascii", 0, 4) !== "r1cs") throw new Error(`${file} is not an r1cs file`);
  const sections = new Map<number, number>();
  let pos = 12;
  for (let i = 0; i < buf.readUInt32LE(8); i++) {
    sections.set(buf.readUInt32LE(pos), pos + 12);
    pos += 12 + Number(buf.readBigUInt64LE(pos + 4));
  }
  const h = sections.get(1)!;
  const n8 = buf.readUInt32LE(h);
  const at = h + 4 + n8;
  const wires = buf.readUInt32LE(at);
  const nPublic = buf.readUInt32LE(at + 4) + buf.readUInt32LE(at + 8);
  const constraints = buf.readUInt32LE(at + 24);
  const nz = [0, 0, 0];
  let c = sections.get(2)!;
  for (let i = 0; i < constraints; i++)
    for (let m = 0; m < 3; m++) {
      const n = buf.readUInt32LE(c);
      nz[m] += n;
      c += 4 + n * (4 + n8);
    }
  return {
    constraints,
    wires,
    nPublic,
    nonzeros: { a: nz[0], b: nz[1], c: nz[2], total: nz[0] + nz[1] + nz[2] },
    bytes: statSync(file).size,
  };
}
