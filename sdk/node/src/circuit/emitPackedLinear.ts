import type { PackedLinear } from "@zkml-verify/core/internal/quantize/packedWeights";
import type { LinearOp, QuantizedModel } from "@zkml-verify/core/internal/quantize/types";

/**
 * circom source for a Dense/Conv op with PRIVATE weights (see packedWeights.ts): the packed
 * weight and bias elements are private inputs `w<k>` / `b<k>`, each group of K rows costs one
 * multiplication per input it reads and one `PackedRescale` (circuits/packed-linear.circom).
 * The weight commitment over `w<k>`, `b<k>` is emitted by the generator.
 *
 * @example
 * const lines = emitPackedLinear({ model, op, k: 0, packed, sig: (id) => `t${id}` });
 */
export function emitPackedLinear(p: {
  model: QuantizedModel;
  op: LinearOp;
  k: number;
  packed: PackedLinear;
  sig: (id: number) => string;
}): string[] {
  const { op, k, packed: q } = p;
  const out = p.sig(op.output);
  const x = p.sig(op.inputs[0]);
  const G = q.rows.length;
  const K = q.perElement;
  const T = q.input.length;
  const arr = (v: readonly (number | bigint)[]) => `[${v.join(",")}]`;
  const lines: string[] = [];
  const L = (s: string) => lines.push(`    ${s}`);
  const what = op.quotientBits
    ? `rescale 2^-${q.shift}, ${q.quotientBits}-bit quotient${q.relu ? ", ReLU" : ""}`
    : `no rescale, ${q.limbBits}-bit range`;
  L(
    `// op ${k}: ${op.name}, linear with PRIVATE weights: ${G} groups of ${K} rows, ${q.limbBits}-bit limbs, ${q.weightElements.length} weight + ${q.biasElements.length} bias elements, ${T} products, ${what}`,
  );
  L(`signal input w${k}[${q.weightElements.length}];`);
  L(`signal input b${k}[${q.biasElements.length}];`);
  L(`var S${k}[${G + 1}] = ${arr(q.start)};`);
  L(`var I${k}[${T}] = ${arr(q.input)};`);
  L(`var E${k}[${T}] = ${arr(q.element)};`);
  L(`var BI${k}[${G}] = ${arr(q.bias)};`);
  L(`var RW${k}[${G}][${K}] = [${q.rows.map(arr).join(",")}];`);
  L(`signal m${k}[${T}];`);
  L(`component u${k}[${G}];`);
  L(`for (var g = 0; g < ${G}; g++) {`);
  L(`    var acc = b${k}[BI${k}[g]];`);
  L(`    for (var t = S${k}[g]; t < S${k}[g + 1]; t++) {`);
  L(`        m${k}[t] <== w${k}[E${k}[t]] * ${x}[I${k}[t]];`);
  L(`        acc += m${k}[t];`);
  L(`    }`);
  L(
    `    u${k}[g] = PackedRescale(${K}, ${q.limbBits}, ${q.shift}, ${q.quotientBits}, ${q.relu ? 1 : 0});`,
  );
  L(`    u${k}[g].in <== acc;`);
  L(`    for (var c = 0; c < ${K}; c++) {`);
  L(`        if (RW${k}[g][c] >= 0) ${out}[RW${k}[g][c]] <== u${k}[g].out[c];`);
  L(`    }`);
  L(`}`);
  return lines;
}
