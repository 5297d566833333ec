import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readR1cs } from "r1csfile";
import * as snarkjs from "snarkjs";
import { FIELD_PRIME } from "../../sdk/core/src/quantize/fixedPoint.ts";

/**
 * Witness tools for soundness tests and debugging: compute a witness, look signals up by
 * name, change chosen signals ("forge"), and check every R1CS constraint directly.
 */

/** Computes the full witness (wire values, wire 0 = 1) with the circuit's wasm. */
export async function calculateWitness(p: {
  wasm: string;
  input: Record<string, unknown>;
}): Promise<bigint[]> {
  const dir = mkdtempSync(join(tmpdir(), "zkml-wtns-"));
  try {
    const file = join(dir, "w.wtns");
    await snarkjs.wtns.calculate(p.input, p.wasm, file);
    return (await snarkjs.wtns.exportJson(file)).map(BigInt);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Signal name (e.g. "main.r0[3].d.bits[7]") -> wire index, for signals that survived simplification. */
export function readSymbols(sym: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of readFileSync(sym, "utf8").split("\n")) {
    const [, wire, , name] = line.split(",");
    if (name !== undefined && Number(wire) >= 0) map.set(name, Number(wire));
  }
  return map;
}

export interface R1csConstraints {
  constraints: [Map<number, bigint>, Map<number, bigint>, Map<number, bigint>][];
  nVars: number;
}

/** Loads an r1cs file's constraints with coefficients as bigints. */
export async function loadR1cs(file: string): Promise<R1csConstraints> {
  const r = await readR1cs(file, { loadConstraints: true, loadMap: false, singleThread: true });
  const toMap = (lc: Record<string, Uint8Array>) =>
    new Map(
      Object.entries(lc).map(
        ([k, v]) => [Number(k), BigInt(r.curve.Fr.toObject(v))] as [number, bigint],
      ),
    );
  const constraints = r.constraints.map(
    ([a, b, c]) =>
      [toMap(a), toMap(b), toMap(c)] as [
        Map<number, bigint>,
        Map<number, bigint>,
        Map<number, bigint>,
      ],
  );
  await r.curve.terminate();
  return { constraints, nVars: r.nVars };
}

/**
 * Checks (A·w)(B·w) = C·w mod p for every constraint. Returns the indices that fail
 * (empty: the witness satisfies the circuit).
 */
export function failingConstraints(r1cs: R1csConstraints, witness: readonly bigint[]): number[] {
  const dot = (lc: Map<number, bigint>) => {
    let s = 0n;
    for (const [i, c] of lc) s += c * witness[i];
    return s % FIELD_PRIME;
  };
  const failing: number[] = [];
  r1cs.constraints.forEach(([a, b, c], i) => {
    if ((dot(a) * dot(b) - dot(c)) % FIELD_PRIME !== 0n) failing.push(i);
  });
  return failing;
}

/** A copy of the witness with the named signals set to new values (reduced mod p). */
export function forgeWitness(p: {
  witness: readonly bigint[];
  symbols: Map<string, number>;
  changes: Record<string, bigint>;
}): bigint[] {
  const w = [...p.witness];
  for (const [name, value] of Object.entries(p.changes)) {
    const wire = p.symbols.get(name);
    if (wire === undefined)
      throw new Error(`signal ${name} is not a wire of this circuit (eliminated or misspelt)`);
    w[wire] = ((value % FIELD_PRIME) + FIELD_PRIME) % FIELD_PRIME;
  }
  return w;
}
