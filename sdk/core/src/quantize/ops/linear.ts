import { bitLength } from "../fixedPoint.ts";
import { rescale } from "../rescale.ts";
import type { LinearOp } from "../types.ts";
import { blockWriter, circomArray as arr } from "./opModule.ts";
import type { OpModule } from "./opModule.ts";

const abs = (v: bigint) => (v < 0n ? -v : v);

/**
 * linear: out[o] = act(rescale(bias[o] + sum_t weight[t] * in[operand[t]][index[t]], shift)).
 * Dense, Conv, Affine, Add/Sub of activations, pooling averages and sums lower to it. With no
 * quotient bits the accumulator is exact (integer coefficients) and costs no constraint.
 */
export const linear: OpModule<LinearOp> = {
  templates: () => ["rescale.circom"],
  run(op, ins, checked) {
    const acc: bigint[] = [];
    for (let o = 0; o < op.bias.length; o++) {
      let s = op.bias[o];
      for (let t = op.start[o]; t < op.start[o + 1]; t++)
        s += op.weight[t] * ins[op.operand[t]][op.index[t]];
      acc.push(s);
    }
    if (op.quotientBits === 0) {
      if (op.relu) throw new TypeError(`linear op ${op.name}: a fused ReLU needs quotient bits`);
      return acc;
    }
    const q = checked(
      acc.map((v) => rescale(v, op.shift)),
      op.quotientBits,
    );
    return op.relu ? q.map((v) => (v > 0n ? v : 0n)) : q;
  },
  calibrate(op, { inBits, checkedWidth }) {
    if (op.quotientBits > 0) {
      op.quotientBits = checkedWidth;
      return op.quotientBits;
    }
    if (inBits.some((b) => b === null)) return null;
    let worst = 0n;
    for (let o = 0; o < op.bias.length; o++) {
      let s = abs(op.bias[o]);
      for (let t = op.start[o]; t < op.start[o + 1]; t++)
        s += abs(op.weight[t]) << BigInt(inBits[op.operand[t]]! - 1);
      if (s > worst) worst = s;
    }
    return bitLength(worst) + 1;
  },
  bitNeeds(op, { outBits }) {
    return [
      ...(op.quotientBits > 0 ? [{ what: "its rescale", bits: op.shift + op.quotientBits }] : []),
      ...(outBits !== null ? [{ what: "the accumulator", bits: outBits }] : []),
    ];
  },
  emit(op, { k, ins, out, n }) {
    if (op.relu && !op.quotientBits)
      throw new TypeError(`linear op ${op.name}: a fused ReLU needs quotient bits`);
    const { lines, L } = blockWriter();
    const T = op.weight.length;
    const desc = op.quotientBits
      ? `rescale 2^-${op.shift}, ${op.quotientBits}-bit quotient${op.relu ? ", ReLU" : ""}`
      : "no rescale (exact)";
    L(
      `// op ${k}: ${op.name}, linear, ${n} outputs, ${T} terms, weights 2^${op.weightFrac}, ${desc}`,
    );
    const dense = denseShape(op);
    if (dense) {
      const rows = Array.from({ length: n }, (_, o) =>
        arr(op.weight.slice(o * dense.k, (o + 1) * dense.k)),
      );
      L(`var W${k}[${n}][${dense.k}] = [`);
      lines.push(`        ${rows.join(",\n        ")}`);
      L(`];`);
      L(`var R${k}[${n}] = ${arr(dense.base)};`);
    } else {
      L(`var S${k}[${n + 1}] = ${arr(op.start)};`);
      L(`var I${k}[${Math.max(1, T)}] = ${arr(T ? op.index : [0])};`);
      L(`var W${k}[${Math.max(1, T)}] = ${arr(T ? op.weight : [0n])};`);
      if (ins.length > 1) L(`var O${k}[${Math.max(1, T)}] = ${arr(T ? op.operand : [0])};`);
    }
    L(`var B${k}[${n}] = ${arr(op.bias)};`);
    if (op.quotientBits) L(`component r${k}[${n}];`);
    // Partial sums of C terms, then their sum: circom copies a linear combination on every
    // `+=`, so one running sum over K terms costs K^2 / 2 term copies; chunks of C = sqrt(K)
    // cost ~2 K^1.5 (784_56_10's first layer: 6x less circom CPU). Same constraint either way.
    const C = chunkSize(op);
    L(`for (var o = 0; o < ${n}; o++) {`);
    L(`    var acc = B${k}[o];`);
    if (dense) {
      L(`    for (var j = 0; j < ${dense.k}; j += ${C}) {`);
      L(`        var part = 0;`);
      L(
        `        for (var i = j; i < j + ${C} && i < ${dense.k}; i++) part += W${k}[o][i] * ${ins[0]}[R${k}[o] + i];`,
      );
      L(`        acc += part;`);
      L(`    }`);
    } else {
      L(`    for (var j = S${k}[o]; j < S${k}[o + 1]; j += ${C}) {`);
      L(`        var part = 0;`);
      L(`        for (var t = j; t < j + ${C} && t < S${k}[o + 1]; t++) {`);
      if (ins.length === 1) L(`            part += W${k}[t] * ${ins[0]}[I${k}[t]];`);
      else
        ins.forEach((name, j) =>
          L(`            if (O${k}[t] == ${j}) part += W${k}[t] * ${name}[I${k}[t]];`),
        );
      L(`        }`);
      L(`        acc += part;`);
      L(`    }`);
    }
    if (op.quotientBits) {
      L(`    r${k}[o] = ${op.relu ? "RescaleRelu" : "Rescale"}(${op.shift}, ${op.quotientBits});`);
      L(`    r${k}[o].in <== acc;`);
      L(`    ${out}[o] <== r${k}[o].out;`);
    } else L(`    ${out}[o] <== acc;`);
    L(`}`);
    return lines;
  },
};

/** Rows of equal length k over consecutive inputs (Dense): emitted as a matrix. */
function denseShape(op: LinearOp): { k: number; base: number[] } | null {
  if (op.inputs.length !== 1 || op.bias.length === 0) return null;
  const k = op.start[1] - op.start[0];
  if (k < 2) return null;
  const base: number[] = [];
  for (let o = 0; o < op.bias.length; o++) {
    if (op.start[o + 1] - op.start[o] !== k) return null;
    const b = op.index[op.start[o]];
    for (let i = 1; i < k; i++) if (op.index[op.start[o] + i] !== b + i) return null;
    base.push(b);
  }
  return { k, base };
}

/** Terms per partial sum for a linear op: the square root of its longest row (at least 1). */
function chunkSize(op: LinearOp): number {
  let longest = 1;
  for (let o = 0; o + 1 < op.start.length; o++)
    longest = Math.max(longest, op.start[o + 1] - op.start[o]);
  return Math.max(1, Math.ceil(Math.sqrt(longest)));
}
