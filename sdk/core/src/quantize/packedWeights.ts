import { QuantizationRangeError, VisibilityError } from "../errors.ts";
import { MAX_DECOMPOSITION_BITS, bitLength, toField } from "./fixedPoint.ts";
import { MODE_LIMITS } from "./modeLimits.ts";
import type { LinearOp, QuantizedModel } from "./types.ts";

/**
 * One linear op with private weights, packed: K rows that read the same inputs share one
 * accumulation, each weight element holds the K rows' coefficients for one input in N-bit
 * limbs (P = sum_c w_c 2^(N c)), so sum_j P_j x_j + bias = sum_c acc_c 2^(N c): one
 * multiplication per K weights, and one bit decomposition (which also rescales) per group.
 */
export interface PackedLinear {
  /** Index of the op in `model.layers`. */
  op: number;
  /** Limb width N: the worst-case accumulator (any admissible weights and inputs) fits it. */
  limbBits: number;
  /** Rows per group K = floor(250 / N). */
  perElement: number;
  shift: number;
  /** Quotient bits checked (the op's, capped at N - shift: never more than a limb holds). */
  quotientBits: number;
  relu: boolean;
  /** Per group: the output rows (-1: padding slot), start into `input`/`element`, bias element. */
  rows: number[][];
  start: number[];
  /** Per term of every group: the input index it reads and the weight element it multiplies. */
  input: number[];
  element: number[];
  bias: number[];
  /** Field elements the prover supplies: the packed weights, then the packed biases. */
  weightElements: bigint[];
  biasElements: bigint[];
}

/**
 * The signed bits that bound a tensor, or null if nothing bounds it. With private weights the
 * model input is range-checked to inputBits whatever its visibility, and wiring (layout ops:
 * reshape, transpose, pad ...) keeps its inputs' bound.
 */
function boundBits(model: QuantizedModel, id: number): number | null {
  if (id === 0) return model.inputBits;
  if (model.tensors[id].bits !== null) return model.tensors[id].bits;
  const producer = model.layers.find((op) => op.output === id);
  if (producer?.kind !== "layout") return null;
  let bits = bitLength(BigInt(producer.fill)) + 1;
  for (const input of producer.inputs) {
    const b = boundBits(model, input);
    if (b === null) return null;
    bits = Math.max(bits, b);
  }
  return bits;
}

const inputBitsOf = (model: QuantizedModel, op: LinearOp): number | null =>
  boundBits(model, op.inputs[0]);

/**
 * Packs every Dense/Conv op of a model for `weights: "private"` (other ops keep constant
 * coefficients). Bounds (checked here, so the commitment only opens to admissible weights):
 * |w| <= 2^(weightBits-1), |bias| <= max(2^(weightBits-1) * 2^(inBits-1), 2^biasBits). They
 * depend only on the architecture (mode, scales, the op's recorded biasBits), so another weight
 * set of the same architecture packs into the same limbs.
 *
 * @example
 * const packed = packWeights({ model }); // packed[0].weightElements.length
 */
export function packWeights({ model }: { model: QuantizedModel }): PackedLinear[] {
  // The commitment, the circuit generator and every witness need the same packing: computed
  // once per model object (treat a packed model as immutable: rebindWeights returns a copy).
  const cached = packedCache.get(model);
  if (cached) return cached;
  const packed: PackedLinear[] = [];
  model.layers.forEach((op, k) => {
    if (op.kind !== "linear" || !op.param || !op.biasParam) return;
    packed.push(packOp(model, op, k));
  });
  if (packed.length === 0) {
    throw new VisibilityError("private weights need at least one Gemm/MatMul/Conv op", {
      details: {
        node: model.inputs.map((i) => i.name).join(", "),
        visibility: "weights: private",
        reason: "no trained linear op",
      },
    });
  }
  packedCache.set(model, packed);
  return packed;
}

const packedCache = new WeakMap<QuantizedModel, PackedLinear[]>();

function packOp(model: QuantizedModel, op: LinearOp, k: number): PackedLinear {
  const inBits = inputBitsOf(model, op);
  if (inBits === null || op.inputs.length !== 1) {
    throw new VisibilityError(`op ${op.name}: private weights need a range-checked input`, {
      details: { node: op.name, visibility: "weights: private", reason: "input not bounded" },
    });
  }
  const wBits = MODE_LIMITS[model.mode].weightBits;
  const param = op.param as number[];
  const nRows = op.bias.length;
  let maxTerms = 0;
  for (let o = 0; o < nRows; o++) maxTerms = Math.max(maxTerms, op.start[o + 1] - op.start[o]);
  const wMax = 1n << BigInt(wBits - 1);
  // Biases: as large as one product term, or up to the op's recorded bias bound if larger.
  const bMax = [wMax << BigInt(inBits - 1), 1n << BigInt(op.biasBits ?? 0)].reduce((a, b) =>
    a > b ? a : b,
  );
  const half = op.shift > 0 ? 1n << BigInt(op.shift - 1) : 0n;
  const limbBits = bitLength(BigInt(maxTerms + 1) * bMax + half) + 1;
  const perElement = Math.floor(MAX_DECOMPOSITION_BITS / limbBits);
  if (perElement < 1) {
    throw new VisibilityError(`op ${op.name}: accumulator of ${limbBits} bits`, {
      details: { node: op.name, visibility: "weights: private", reason: "exceeds 250 bits" },
    });
  }
  const check = (v: bigint, max: bigint, index: number, what: string) => {
    if (v > max || v < -max)
      throw new QuantizationRangeError(`op ${op.name}: ${what} ${index} = ${v} exceeds ${max}`, {
        details: {
          tensor: op.name,
          index,
          value: v.toString(),
          min: (-max).toString(),
          max: max.toString(),
        },
      });
  };
  op.weight.forEach((w, t) => check(w, wMax, t, "weight"));
  op.bias.forEach((b, o) => check(b, bMax, o, "bias"));

  // Rows reading the same inputs (a Dense layer's rows; a convolution's channels at one position).
  const byInputs = new Map<string, number[]>();
  for (let o = 0; o < nRows; o++) {
    const key = op.index.slice(op.start[o], op.start[o + 1]).join(",");
    const rows = byInputs.get(key) ?? [];
    rows.push(o);
    byInputs.set(key, rows);
  }
  const out: PackedLinear = {
    op: k,
    limbBits,
    perElement,
    shift: op.shift,
    quotientBits: op.quotientBits ? Math.min(op.quotientBits, limbBits - op.shift) : limbBits,
    relu: op.relu,
    rows: [],
    start: [0],
    input: [],
    element: [],
    bias: [],
    weightElements: [],
    biasElements: [],
  };
  const weightIds = new Map<string, number>();
  const biasIds = new Map<string, number>();
  const limb = (c: number) => 1n << BigInt(limbBits * c);
  for (const rows of byInputs.values()) {
    for (let g = 0; g < rows.length; g += perElement) {
      const slots = rows.slice(g, g + perElement);
      while (slots.length < perElement) slots.push(-1);
      out.rows.push(slots);
      const first = slots[0];
      for (let t = 0; t < op.start[first + 1] - op.start[first]; t++) {
        const key = slots.map((o) => (o < 0 ? -1 : param[op.start[o] + t])).join(",");
        let id = weightIds.get(key);
        if (id === undefined) {
          id = out.weightElements.length;
          weightIds.set(key, id);
          let e = 0n;
          slots.forEach((o, c) => o >= 0 && (e += op.weight[op.start[o] + t] * limb(c)));
          out.weightElements.push(toField(e));
        }
        out.input.push(op.index[op.start[first] + t]);
        out.element.push(id);
      }
      out.start.push(out.input.length);
      const bKey = slots.map((o) => (o < 0 ? -1 : op.biasParam![o])).join(",");
      let b = biasIds.get(bKey);
      if (b === undefined) {
        b = out.biasElements.length;
        biasIds.set(bKey, b);
        let e = 0n;
        slots.forEach((o, c) => o >= 0 && (e += op.bias[o] * limb(c)));
        out.biasElements.push(toField(e));
      }
      out.bias.push(b);
    }
  }
  return out;
}

/** The field elements a private-weight commitment hashes, in order: per op, weights then biases. */
export const privateWeightElements = (packed: readonly PackedLinear[]): bigint[] =>
  packed.flatMap((p) => [...p.weightElements, ...p.biasElements]);
