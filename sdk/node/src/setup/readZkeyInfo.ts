import { closeSync, openSync, readSync, statSync } from "node:fs";
import { SetupError } from "@zkml-verify/core/internal/errors";

/** One phase-2 contribution recorded in a Groth16 zkey (section 10), oldest first. */
export interface ZkeyContribution {
  /** The contributor's name parameter ("" when none was given). */
  name: string;
  /** A random beacon (`zkml ceremony beacon`): public randomness, adds no secret party. */
  beacon: boolean;
}

export interface ZkeyInfo {
  protocol: "groth16" | "plonk" | "fflonk";
  /** Groth16 phase-2 contributions (empty for PLONK / FFLONK: universal setups). */
  contributions: ZkeyContribution[];
}

const PROTOCOLS: Record<number, ZkeyInfo["protocol"]> = { 1: "groth16", 2: "plonk", 10: "fflonk" };

/**
 * Reads a zkey's protocol and its phase-2 contribution list from the section table, without
 * loading the file (zkeys reach gigabytes). The layout is snarkjs's zkey_utils
 * readMPCParams: a 64-byte circuit hash, a u32 count, then per contribution deltaAfter,
 * g1_s, g1_sx (uncompressed G1), g2_spx (G2), a 64-byte transcript, a u32 type (1: beacon)
 * and length-prefixed parameters (1: name).
 *
 * @example
 * const { protocol, contributions } = readZkeyInfo({ zkey: "build/iris/model.zkey" });
 */
export function readZkeyInfo(p: { zkey: string }): ZkeyInfo {
  let fd: number | undefined;
  try {
    fd = openSync(p.zkey, "r");
    const size = statSync(p.zkey).size;
    const read = (pos: number, n: number) => {
      if (pos + n > size) throw new Error("truncated");
      const b = Buffer.alloc(n);
      readSync(fd!, b, 0, n, pos);
      return b;
    };
    const head = read(0, 12);
    if (head.toString("ascii", 0, 4) !== "zkey") throw new Error("no zkey magic");
    const sections = new Map<number, number>();
    let pos = 12;
    for (let i = 0; i < head.readUInt32LE(8); i++) {
      const s = read(pos, 12);
      sections.set(s.readUInt32LE(0), pos + 12);
      pos += 12 + Number(s.readBigUInt64LE(4));
    }
    const h = sections.get(1);
    if (h === undefined) throw new Error("no header section");
    const protocol = PROTOCOLS[read(h, 4).readUInt32LE(0)];
    if (!protocol) throw new Error("unknown protocol");
    if (protocol !== "groth16") return { protocol, contributions: [] };
    const g = sections.get(2);
    const c = sections.get(10);
    if (g === undefined || c === undefined) throw new Error("missing groth16 sections");
    const n8q = read(g, 4).readUInt32LE(0);
    const [g1, g2] = [2 * n8q, 4 * n8q];
    let at = c + 64;
    const count = read(at, 4).readUInt32LE(0);
    at += 4;
    const contributions: ZkeyContribution[] = [];
    for (let i = 0; i < count; i++) {
      at += 3 * g1 + g2 + 64;
      const type = read(at, 4).readUInt32LE(0);
      const len = read(at + 4, 4).readUInt32LE(0);
      const params = read(at + 8, len);
      at += 8 + len;
      let name = "";
      for (let k = 0; k < params.length;) {
        const id = params[k];
        if (id === 1) name = params.toString("utf8", k + 2, k + 2 + params[k + 1]);
        k += id === 2 ? 2 : 2 + params[k + 1];
      }
      contributions.push({ name, beacon: type === 1 });
    }
    return { protocol, contributions };
  } catch (cause) {
    throw new SetupError(`${p.zkey} is not a readable zkey file`, {
      details: { file: p.zkey },
      cause,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
