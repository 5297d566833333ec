import type { DivOp } from "../types.ts";
import { ARITH_TEMPLATES, noWitness } from "./dot.ts";
import { blockWriter, circomArray as arr } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

/**
 * round(a 2^shift / b), halves up: floor((2 sgn(b) a 2^shift + |b|) / (2 |b|)), exactly what
 * DivRound proves. Throws for b = 0 (no witness).
 *
 * @example
 * divRound(7n, 2n, 0, "d", 0); // 4n (3.5 rounded up)
 */
export function divRound(a: bigint, b: bigint, shift: number, name: string, index: number): bigint {
  if (b === 0n) throw noWitness(name, "div", index, b, "division by zero");
  const babs = b < 0n ? -b : b;
  const t = 2n * (b < 0n ? -a : a) * (1n << BigInt(shift)) + babs;
  const d = 2n * babs;
  return t >= 0n ? t / d : -((-t + d - 1n) / d);
}

/** div: out[i] = round(a[aIndex[i]] 2^shift / b[bIndex[i]]), witness quotient and remainder. */
export const div: OpModule<DivOp> = {
  templates: () => ARITH_TEMPLATES,
  run: (op, [a, b], checked) =>
    checked(
      op.aIndex.map((ai, i) => divRound(a[ai], b[op.bIndex[i]], op.shift, op.name, i)),
      op.quotientBits,
    ),
  calibrate(op, { inBits, checkedWidth }) {
    op.quotientBits = checkedWidth;
    op.bBits = inBits[1]!;
    return op.quotientBits;
  },
  bitNeeds: (op, { inBits }) => [
    { what: "the scaled dividend", bits: inBits[0]! + op.shift + 2 },
    { what: "the quotient times the divisor", bits: op.quotientBits + op.bBits + 1 },
  ],
  emit(op, { k, ins, out, n }) {
    const { lines, L } = blockWriter();
    L(
      `// op ${k}: ${op.name}, division 2^${op.shift} a / b rounded, divisor ${op.bBits}-bit, ${op.quotientBits}-bit quotient`,
    );
    L(`var A${k}[${n}] = ${arr(op.aIndex)};`);
    L(`var C${k}[${n}] = ${arr(op.bIndex)};`);
    L(`component v${k}[${n}];`);
    L(`for (var i = 0; i < ${n}; i++) {`);
    L(`    v${k}[i] = DivRound(${op.shift}, ${op.bBits}, ${op.quotientBits});`);
    L(`    v${k}[i].a <== ${ins[0]}[A${k}[i]];`);
    L(`    v${k}[i].b <== ${ins[1]}[C${k}[i]];`);
    L(`    ${out}[i] <== v${k}[i].out;`);
    L(`}`);
    return lines;
  },
};
