import { bitLength } from "../fixedPoint.ts";
import { rescale } from "../rescale.ts";
import type { PolyOp } from "../types.ts";
import { blockWriter } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

/**
 * P = K0 2^(7f) + C (K1 2^(6f) + K3 C^2 2^(4f) + K5 C^4 2^(2f) + K7 C^6), C = clip(x).
 *
 * @example
 * rescale(polyAccumulator(op, 4096n), op.shift); // ~ tanh(1) at 2^12
 */
export function polyAccumulator(op: PolyOp, x: bigint): bigint {
  const f = BigInt(op.frac);
  const ca = BigInt(op.clipAt);
  const c = x > ca ? ca : x < -ca ? -ca : x;
  const [k0, k1, k3, k5, k7] = op.coefs.map(BigInt);
  const c2 = c * c;
  const c4 = c2 * c2;
  const c6 = c4 * c2;
  const e = (k1 << (6n * f)) + ((k3 * c2) << (4n * f)) + ((k5 * c4) << (2n * f)) + k7 * c6;
  return (k0 << (7n * f)) + c * e;
}

/**
 * poly: Sigmoid / Tanh as an odd degree-7 polynomial of the clipped input, evaluated exactly
 * in integers and rescaled once (coefficients and error bounds: sdk/node/src/quantize/approximations.ts).
 */
export const poly: OpModule<PolyOp> = {
  templates: () => ["rescale.circom", "activation.circom"],
  run: (op, [x], checked) =>
    checked(
      x.map((v) => rescale(polyAccumulator(op, v), op.shift)),
      op.quotientBits,
    ),
  calibrate(op, { inBits, checkedWidth }) {
    op.bits = inBits[0]!;
    op.quotientBits = checkedWidth;
    return op.quotientBits;
  },
  bitNeeds: (op) => [
    { what: "its rescale", bits: op.shift + op.quotientBits },
    { what: "its comparisons", bits: op.bits + 1 },
  ],
  emit(op, { k, ins, out, n }) {
    const { lines, L } = blockWriter();
    const w = Math.max(op.bits - 1, bitLength(BigInt(op.clipAt))) + 1;
    const [k0, k1, k3, k5, k7] = op.coefs;
    L(
      `// op ${k}: ${op.name}, ${op.fn} approximation (clip ±${op.clipAt}, degree 7), inputs ${op.bits}-bit`,
    );
    L(`component p${k}[${n}];`);
    L(`for (var i = 0; i < ${n}; i++) {`);
    L(
      `    p${k}[i] = PolyRescale(${op.clipAt}, ${w}, ${op.frac}, ${k0}, ${k1}, ${k3}, ${k5}, ${k7}, ${op.shift}, ${op.quotientBits});`,
    );
    L(`    p${k}[i].in <== ${ins[0]}[i];`);
    L(`    ${out}[i] <== p${k}[i].out;`);
    L(`}`);
    return lines;
  },
};
