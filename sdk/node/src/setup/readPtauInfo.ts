import { closeSync, openSync, readSync, statSync } from "node:fs";
import { SetupError } from "@zkml-verify/core/internal/errors";

export interface PtauInfo {
  /** log2 of the points the file holds. */
  power: number;
  /** Power of the ceremony it came from (larger when the file was truncated). */
  ceremonyPower: number;
  /** Has the Lagrange sections (12-15) of `snarkjs powersoftau prepare phase2`. */
  prepared: boolean;
  contributions: number;
  /** Name of the last contribution, when it has one. */
  lastContribution?: string;
}

/**
 * Reads a ptau file's header, section table and contribution count without loading it.
 *
 * @example
 * const { power, prepared } = readPtauInfo({ file: "pot12.ptau" });
 */
export function readPtauInfo(p: { file: string }): PtauInfo {
  let fd: number | undefined;
  try {
    fd = openSync(p.file, "r");
    const size = statSync(p.file).size;
    const read = (pos: number, n: number) => {
      const b = Buffer.alloc(n);
      readSync(fd!, b, 0, n, pos);
      return b;
    };
    const head = read(0, 12);
    if (head.toString("ascii", 0, 4) !== "ptau") throw new Error("no ptau magic");
    const sections = new Map<number, number>();
    let pos = 12;
    for (let i = 0; i < head.readUInt32LE(8); i++) {
      const s = read(pos, 12);
      const len = Number(s.readBigUInt64LE(4));
      sections.set(s.readUInt32LE(0), pos + 12);
      pos += 12 + len;
    }
    if (pos > size) throw new Error("truncated");
    const h = sections.get(1);
    const c = sections.get(7);
    if (h === undefined || c === undefined) throw new Error("missing header or contributions");
    const n8 = read(h, 4).readUInt32LE(0);
    const pw = read(h + 4 + n8, 8);
    const contributions = read(c, 4).readUInt32LE(0);
    return {
      power: pw.readUInt32LE(0),
      ceremonyPower: pw.readUInt32LE(4),
      prepared: [12, 13, 14, 15].every((id) => sections.has(id)),
      contributions,
      lastContribution: contributions > 0 ? lastName(read, c + 4, contributions) : undefined,
    };
  } catch (cause) {
    throw new SetupError(`${p.file} is not a readable ptau file`, {
      details: { file: p.file },
      cause,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Skips to the last contribution record and returns its name parameter, if any. */
function lastName(read: (pos: number, n: number) => Buffer, pos: number, count: number) {
  // Fixed part: 5 points (64+128+64+64+128), public key (6·64 + 3·128), partial hash 216,
  // next challenge 64, type u32; then the parameters' byte length and the parameters.
  const fixed = 448 + 768 + 216 + 64 + 4;
  let name: string | undefined;
  for (let i = 0; i < count; i++) {
    const len = read(pos + fixed, 4).readUInt32LE(0);
    const params = read(pos + fixed + 4, len);
    name = params[0] === 1 ? params.toString("utf8", 2, 2 + params[1]) : undefined;
    pos += fixed + 4 + len;
  }
  return name;
}
