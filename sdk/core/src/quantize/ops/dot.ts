import { QuantizationRangeError } from "../../errors.ts";
import { bitLength } from "../fixedPoint.ts";
import { rescale } from "../rescale.ts";
import type { DotOp } from "../types.ts";
import { blockWriter, circomArray as arr } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

/** The library file of the arithmetic templates (DotRescale, DivRound, RsqrtFloor) and what it includes. */
export const ARITH_TEMPLATES = ["rescale.circom", "compare.circom", "arith.circom"] as const;

/**
 * dot: out[o] = rescale(sum_t a[aIndex[o terms + t]] * b[bIndex[o terms + t]], shift): one
 * constraint per product, one rescale per output (MatMul / Gemm of two activations, variances).
 */
export const dot: OpModule<DotOp> = {
  templates: () => ARITH_TEMPLATES,
  run(op, [a, b], checked) {
    const out: bigint[] = [];
    for (let o = 0; o * op.terms < op.aIndex.length; o++) {
      let s = 0n;
      for (let t = o * op.terms; t < (o + 1) * op.terms; t++)
        s += a[op.aIndex[t]] * b[op.bIndex[t]];
      out.push(rescale(s, op.shift));
    }
    return checked(out, op.quotientBits);
  },
  calibrate(op, { checkedWidth }) {
    op.quotientBits = checkedWidth;
    return op.quotientBits;
  },
  bitNeeds: (op, { inBits }) => [
    { what: "its rescale", bits: op.shift + op.quotientBits },
    {
      what: "the sum of products",
      bits: inBits[0]! + inBits[1]! + bitLength(BigInt(op.terms)),
    },
  ],
  emit(op, { k, ins, out, n }) {
    const { lines, L } = blockWriter();
    L(
      `// op ${k}: ${op.name}, ${n} sums of ${op.terms} products, rescale 2^-${op.shift}, ${op.quotientBits}-bit quotient`,
    );
    L(`var A${k}[${n}][${op.terms}] = ${rows(op.aIndex, op.terms)};`);
    L(`var C${k}[${n}][${op.terms}] = ${rows(op.bIndex, op.terms)};`);
    L(`component d${k}[${n}];`);
    L(`for (var o = 0; o < ${n}; o++) {`);
    L(`    d${k}[o] = DotRescale(${op.terms}, ${op.shift}, ${op.quotientBits});`);
    L(`    for (var t = 0; t < ${op.terms}; t++) {`);
    L(`        d${k}[o].a[t] <== ${ins[0]}[A${k}[o][t]];`);
    L(`        d${k}[o].b[t] <== ${ins[1]}[C${k}[o][t]];`);
    L(`    }`);
    L(`    ${out}[o] <== d${k}[o].out;`);
    L(`}`);
    return lines;
  },
};

/** A flat index list as a circom 2-D array literal of rows of `width`. */
export function rows(flat: readonly number[], width: number): string {
  const r: string[] = [];
  for (let i = 0; i < flat.length; i += width) r.push(arr(flat.slice(i, i + width)));
  return `[${r.join(",")}]`;
}

/**
 * The QuantizationRangeError of a value that has no witness (a zero divisor, a negative
 * square root), naming the op and the element.
 *
 * @example
 * throw noWitness(op.name, "div", 3, 0n, "division by zero");
 */
export function noWitness(
  name: string,
  kind: string,
  index: number,
  value: bigint,
  why: string,
): QuantizationRangeError {
  return new QuantizationRangeError(
    `${kind} op ${name}: value ${index} is ${value}: ${why}, which the circuit cannot prove`,
    { details: { tensor: name, index, value: value.toString(), min: "-", max: "-" } },
  );
}
