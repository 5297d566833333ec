import { bitLength } from "../fixedPoint.ts";
import type { ClipOp } from "../types.ts";
import { blockWriter } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

/** Width of ClipInt's comparisons: the input's bits and the bounds' bits, plus a sign bit. */
const clipWidth = (op: ClipOp) =>
  Math.max(op.bits - 1, bitLength(BigInt(op.lo ?? 0)), bitLength(BigInt(op.hi ?? 0))) + 1;

/**
 * clip: out = min(hi, max(lo, in)) elementwise, in that order (as onnxruntime and ClipInt):
 * hi wins when lo > hi. Relu without a producer to fuse into, Clip, Relu6.
 */
export const clip: OpModule<ClipOp> = {
  templates: () => ["compare.circom"],
  run: (op, [x]) =>
    x.map((v) => {
      const lo = op.lo !== null && v < BigInt(op.lo) ? BigInt(op.lo) : v;
      return op.hi !== null && lo > BigInt(op.hi) ? BigInt(op.hi) : lo;
    }),
  calibrate(op, { inBits }) {
    op.bits = inBits[0]!;
    const bound = (v: number | null) => bitLength(BigInt(v ?? 0)) + 1;
    // Both bounds: the output lies in [lo, hi] (or is hi when lo > hi), whatever the input.
    if (op.lo !== null && op.hi !== null) return Math.max(bound(op.lo), bound(op.hi));
    return Math.max(inBits[0]!, bound(op.lo), bound(op.hi));
  },
  bitNeeds: (op) => [{ what: "its comparisons", bits: op.bits + 1 }],
  emit(op, { k, ins, out, n }) {
    const { lines, L } = blockWriter();
    const w = clipWidth(op);
    // a side the input's proven range (op.bits signed bits) cannot cross costs nothing
    const half = 2 ** (op.bits - 1);
    const lo = op.lo !== null && op.lo > -half ? op.lo : null;
    const hi = op.hi !== null && op.hi < half - 1 ? op.hi : null;
    const p = `${lo === null ? 0 : 1}, ${lo ?? 0}, ${w}, ${hi === null ? 0 : 1}, ${hi ?? 0}, ${w}`;
    L(
      `// op ${k}: ${op.name}, clip [${op.lo ?? "-inf"}, ${op.hi ?? "inf"}], inputs ${op.bits}-bit`,
    );
    L(`component c${k}[${n}];`);
    L(`for (var i = 0; i < ${n}; i++) {`);
    L(`    c${k}[i] = ClipInt(${p});`);
    L(`    c${k}[i].in <== ${ins[0]}[i];`);
    L(`    ${out}[i] <== c${k}[i].out;`);
    L(`}`);
    return lines;
  },
};
