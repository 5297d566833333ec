import type { RsqrtOp } from "../types.ts";
import { ARITH_TEMPLATES, noWitness } from "./dot.ts";
import { blockWriter } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

/**
 * floor(2^shift / sqrt(v)): the largest r >= 0 with r^2 v <= 2^(2 shift), what RsqrtFloor
 * proves. Throws for v <= 0 (no witness).
 *
 * @example
 * rsqrtFloor(4n, 4, "n", 0); // 8n (16 / 2)
 */
export function rsqrtFloor(v: bigint, shift: number, name: string, index: number): bigint {
  if (v <= 0n)
    throw noWitness(
      name,
      "rsqrt",
      index,
      v,
      "a non-positive variance (add epsilon or recalibrate)",
    );
  const x = 1n << BigInt(2 * shift);
  let r = BigInt(Math.floor(2 ** shift / Math.sqrt(Number(v))));
  while (r > 0n && r * r * v > x) r--;
  while ((r + 1n) * (r + 1n) * v <= x) r++;
  return r;
}

/** Width of RsqrtFloor's remainder checks: every side of r^2 v <= 2^(2E) < (r + 1)^2 v fits. */
export const rsqrtWidth = (op: RsqrtOp): number =>
  Math.max(2 * op.shift, 2 * (op.quotientBits - 1) + op.bits) + 2;

/**
 * rsqrt: out = floor(2^shift / sqrt(in)), the root supplied by the prover and pinned by
 * out^2 in <= 2^(2 shift) < (out + 1)^2 in (one per normalized group: LayerNorm, InstanceNorm).
 */
export const rsqrt: OpModule<RsqrtOp> = {
  templates: () => ARITH_TEMPLATES,
  run: (op, [x], checked) =>
    checked(
      x.map((v, i) => rsqrtFloor(v, op.shift, op.name, i)),
      op.quotientBits,
    ),
  calibrate(op, { inBits, checkedWidth }) {
    op.bits = inBits[0]!;
    op.quotientBits = checkedWidth;
    return op.quotientBits;
  },
  bitNeeds: (op) => [{ what: "its remainder checks", bits: rsqrtWidth(op) + 1 }],
  emit(op, { k, ins, out, n }) {
    const { lines, L } = blockWriter();
    L(
      `// op ${k}: ${op.name}, floor(2^${op.shift} / sqrt(in)), inputs ${op.bits}-bit, ${op.quotientBits}-bit root`,
    );
    L(`component s${k}[${n}];`);
    L(`for (var i = 0; i < ${n}; i++) {`);
    L(
      `    s${k}[i] = RsqrtFloor(${op.shift}, ${op.bits}, ${op.quotientBits - 1}, ${rsqrtWidth(op)});`,
    );
    L(`    s${k}[i].in <== ${ins[0]}[i];`);
    L(`    ${out}[i] <== s${k}[i].out;`);
    L(`}`);
    return lines;
  },
};
