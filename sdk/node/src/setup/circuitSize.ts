import { closeSync, openSync, readSync, statSync } from "node:fs";
import { SetupError } from "@zkml-verify/core/internal/errors";

import type { ProofSystem } from "@zkml-verify/core/internal/prove/proofSystem";

export interface CircuitSize {
  constraints: number;
  /** Public outputs + public inputs (the verifier's public signals). */
  nPublic: number;
  wires: number;
  /** PLONK/FFLONK gates snarkjs makes from the r1cs (public-input gates + one or more per constraint). */
  plonkGates: number;
  /**
   * Nonzero coefficients of the A, B and C matrices: what snarkjs's Groth16 setup, the zkey's
   * coefficient section and the prover's matrix evaluation pay per (bench/README.md).
   */
  nonzeros: { a: number; b: number; c: number; total: number };
  /** Size of the r1cs file in bytes. */
  bytes: number;
}

/**
 * Reads an r1cs file's header and counts the PLONK gates with snarkjs's rules
 * (plonk_setup.js processConstraints, r1cs_constraint_processor.js): one gate per public
 * signal; per constraint A·B = C, a sum gate when A or B is empty or constant (plus one
 * addition gate per term past 3), else a multiplication gate (plus one per term past 1 in
 * each of A, B and C). Also counts the nonzeros of A, B and C.
 *
 * @example
 * const { constraints, plonkGates } = readCircuitSize({ r1cs: "build/iris/model.r1cs" });
 */
export function readCircuitSize(p: { r1cs: string }): CircuitSize {
  let buf: Buffer;
  try {
    const fd = openSync(p.r1cs, "r");
    buf = Buffer.alloc(statSync(p.r1cs).size);
    readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    if (buf.toString("ascii", 0, 4) !== "r1cs") throw new Error("no r1cs magic");
  } catch (cause) {
    throw new SetupError(`${p.r1cs} is not a readable r1cs file`, {
      details: { file: p.r1cs },
      cause,
    });
  }
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
  let gates = nPublic;
  let c = sections.get(2)!;
  const nonzeros = { a: 0, b: 0, c: 0, total: 0 };
  const readLc = () => {
    const n = buf.readUInt32LE(c);
    nonzeros.total += n;
    const keys = new Set<number>();
    for (let i = 0; i < n; i++) keys.add(buf.readUInt32LE(c + 4 + i * (4 + n8)));
    c += 4 + n * (4 + n8);
    return keys;
  };
  const terms = (k: Set<number>) => k.size - (k.has(0) ? 1 : 0);
  const union = (a: Set<number>, b: Set<number>) => terms(new Set([...a, ...b]));
  for (let i = 0; i < constraints; i++) {
    const [a, b, cc] = [readLc(), readLc(), readLc()];
    nonzeros.a += a.size;
    nonzeros.b += b.size;
    nonzeros.c += cc.size;
    if (a.size === 0 || b.size === 0) gates += 1 + Math.max(0, terms(cc) - 3);
    else if (terms(a) === 0) gates += 1 + Math.max(0, union(b, cc) - 3);
    else if (terms(b) === 0) gates += 1 + Math.max(0, union(a, cc) - 3);
    else gates += 1 + [a, b, cc].reduce((s, k) => s + Math.max(0, terms(k) - 1), 0);
  }
  return { constraints, nPublic, wires, plonkGates: gates, nonzeros, bytes: buf.length };
}

/** floor(log2(v)) + 1 for v >= 1 (snarkjs's `log2(v) + 1`). */
const bits = (v: number) => Math.floor(Math.log2(Math.max(1, v))) + 1;

/**
 * The smallest ptau power each snarkjs setup accepts for a circuit: Groth16 needs a domain of
 * at least constraints + public signals + 1; PLONK a domain of at least the gate count (and
 * 2^3); FFLONK a domain of at least gates + 2, and 9·domain + 18 tauG1 points (2·2^power - 1
 * of them in a ptau of that power).
 *
 * @example
 * const { power, domainPower } = ptauPowerFor({ system: "plonk", size: readCircuitSize({ r1cs }) });
 */
export function ptauPowerFor(p: { system: ProofSystem; size: CircuitSize }): {
  power: number;
  domainPower: number;
} {
  const { constraints, nPublic, plonkGates } = p.size;
  if (p.system === "groth16") {
    const domainPower = bits(constraints + nPublic);
    return { power: domainPower, domainPower };
  }
  if (p.system === "plonk") {
    const domainPower = Math.max(3, bits(plonkGates - 1));
    return { power: domainPower, domainPower };
  }
  const domainPower = Math.max(3, bits(plonkGates + 1));
  const points = 9 * 2 ** domainPower + 18;
  return { power: Math.ceil(Math.log2(points + 1)) - 1, domainPower };
}
