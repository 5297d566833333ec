import { bitLength } from "@zkml-verify/core/internal/quantize/fixedPoint";
import type {
  LinearOp,
  QuantizedModel,
  QuantizedOp,
} from "@zkml-verify/core/internal/quantize/types";

/**
 * circom source for each quantized op (see sdk/core/src/quantize/runOps.ts for the integer
 * semantics each block must match). Constants go into `var` arrays and loops, so the text
 * stays small and no single expression grows long (circom2 crashes on very long ones).
 *
 * @example
 * const lines = emitOp(model, model.layers[0], 0, (id) => `t${id}`);
 */
export function emitOp(
  model: QuantizedModel,
  op: QuantizedOp,
  k: number,
  sig: (id: number) => string,
): string[] {
  const out = sig(op.output);
  const n = model.tensors[op.output].shape.reduce((a, b) => a * b, 1);
  const ins = op.inputs.map(sig);
  const arr = (v: readonly (number | bigint)[]) => `[${v.join(",")}]`;
  const lines: string[] = [];
  const L = (s: string) => lines.push(`    ${s}`);
  switch (op.kind) {
    case "linear": {
      if (op.relu && !op.quotientBits)
        throw new TypeError(`linear op ${op.name}: a fused ReLU needs quotient bits`);
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
      L(`for (var o = 0; o < ${n}; o++) {`);
      L(`    var acc = B${k}[o];`);
      if (dense)
        L(`    for (var i = 0; i < ${dense.k}; i++) acc += W${k}[o][i] * ${ins[0]}[R${k}[o] + i];`);
      else {
        L(`    for (var t = S${k}[o]; t < S${k}[o + 1]; t++) {`);
        if (ins.length === 1) L(`        acc += W${k}[t] * ${ins[0]}[I${k}[t]];`);
        else
          ins.forEach((name, j) =>
            L(`        if (O${k}[t] == ${j}) acc += W${k}[t] * ${name}[I${k}[t]];`),
          );
        L(`    }`);
      }
      if (op.quotientBits) {
        L(
          `    r${k}[o] = ${op.relu ? "RescaleRelu" : "Rescale"}(${op.shift}, ${op.quotientBits});`,
        );
        L(`    r${k}[o].in <== acc;`);
        L(`    ${out}[o] <== r${k}[o].out;`);
      } else L(`    ${out}[o] <== acc;`);
      L(`}`);
      break;
    }
    case "layout": {
      L(`// op ${k}: ${op.name}, layout (wiring only)`);
      L(`var I${k}[${n}] = ${arr(op.index)};`);
      const multi = ins.length > 1 || op.operand.some((o) => o < 0);
      if (multi) L(`var O${k}[${n}] = ${arr(op.operand)};`);
      L(`for (var i = 0; i < ${n}; i++) {`);
      if (!multi) L(`    ${out}[i] <== ${ins[0]}[I${k}[i]];`);
      else {
        L(`    if (O${k}[i] == -1) ${out}[i] <== ${op.fill};`);
        ins.forEach((name, j) => L(`    if (O${k}[i] == ${j}) ${out}[i] <== ${name}[I${k}[i]];`));
      }
      L(`}`);
      break;
    }
    case "mul":
      L(
        `// op ${k}: ${op.name}, elementwise product, rescale 2^-${op.shift}, ${op.quotientBits}-bit quotient`,
      );
      L(`var A${k}[${n}] = ${arr(op.aIndex)};`);
      L(`var C${k}[${n}] = ${arr(op.bIndex)};`);
      L(`component m${k}[${n}];`);
      L(`for (var i = 0; i < ${n}; i++) {`);
      L(`    m${k}[i] = MulRescale(${op.shift}, ${op.quotientBits});`);
      L(`    m${k}[i].a <== ${ins[0]}[A${k}[i]];`);
      L(`    m${k}[i].b <== ${ins[1]}[C${k}[i]];`);
      L(`    ${out}[i] <== m${k}[i].out;`);
      L(`}`);
      break;
    case "max":
    case "argmax": {
      const len = op.groups.reduce((m, g) => Math.max(m, g.length), 0);
      const padded = op.groups.map((g) => [...g, ...new Array<number>(len - g.length).fill(g[0])]);
      L(
        `// op ${k}: ${op.name}, ${op.kind} over ${op.groups.length} groups of ${len}, inputs ${op.bits}-bit`,
      );
      L(`var G${k}[${op.groups.length}][${len}] = [${padded.map(arr).join(",")}];`);
      L(`component x${k}[${op.groups.length}];`);
      L(`for (var g = 0; g < ${op.groups.length}; g++) {`);
      L(
        `    x${k}[g] = ArgMaxN(${len}, ${op.bits}, ${op.selectLast ? 1 : 0}, ${op.kind === "argmax" ? 1 : 0});`,
      );
      L(`    for (var j = 0; j < ${len}; j++) x${k}[g].in[j] <== ${ins[0]}[G${k}[g][j]];`);
      L(`    ${out}[g] <== x${k}[g].${op.kind === "argmax" ? "index" : "out"};`);
      L(`}`);
      break;
    }
    case "clip": {
      const w =
        Math.max(op.bits - 1, bitLength(BigInt(op.lo ?? 0)), bitLength(BigInt(op.hi ?? 0))) + 1;
      const p = `${op.lo === null ? 0 : 1}, ${op.lo ?? 0}, ${w}, ${op.hi === null ? 0 : 1}, ${op.hi ?? 0}, ${w}`;
      L(
        `// op ${k}: ${op.name}, clip [${op.lo ?? "-inf"}, ${op.hi ?? "inf"}], inputs ${op.bits}-bit`,
      );
      L(`component c${k}[${n}];`);
      L(`for (var i = 0; i < ${n}; i++) {`);
      L(`    c${k}[i] = ClipInt(${p});`);
      L(`    c${k}[i].in <== ${ins[0]}[i];`);
      L(`    ${out}[i] <== c${k}[i].out;`);
      L(`}`);
      break;
    }
    case "leaky":
      L(`// op ${k}: ${op.name}, leaky relu, slopes 2^-${op.slopeFrac}, inputs ${op.bits}-bit`);
      L(`var P${k}[${n}] = ${arr(op.slope)};`);
      L(`component l${k}[${n}];`);
      L(`for (var i = 0; i < ${n}; i++) {`);
      L(`    l${k}[i] = LeakyRescale(P${k}[i], ${op.slopeFrac}, ${op.bits}, ${op.quotientBits});`);
      L(`    l${k}[i].in <== ${ins[0]}[i];`);
      L(`    ${out}[i] <== l${k}[i].out;`);
      L(`}`);
      break;
    case "poly": {
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
      break;
    }
    case "range":
      L(`// op ${k}: ${op.name}, range check to ${op.bits} signed bits`);
      L(`component g${k}[${n}];`);
      L(`for (var i = 0; i < ${n}; i++) {`);
      L(`    g${k}[i] = Rescale(0, ${op.bits});`);
      L(`    g${k}[i].in <== ${ins[0]}[i];`);
      L(`    ${out}[i] <== g${k}[i].out;`);
      L(`}`);
      break;
  }
  return lines;
}

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
