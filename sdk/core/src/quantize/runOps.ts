import { QuantizationRangeError } from "../errors.ts";
import { quotientRange, rescale } from "./rescale.ts";
import type { PolyOp, QuantizedModel, QuantizedOp } from "./types.ts";

/**
 * The integer semantics of every quantized op (the circuit templates implement exactly
 * these). `onCheck` sees every value the circuit range-checks (quotients and range ops),
 * with the op index; with `check` the values are checked against their widths.
 *
 * @example
 * const tensors = runOps(model, input, { check: true }); tensors[model.output];
 */
export function runOps(
  model: QuantizedModel,
  input: readonly bigint[],
  opts: { check: boolean; onCheck?: (op: number, values: bigint[]) => void },
): bigint[][] {
  if (opts.check) checkInput(model, input);
  const values: bigint[][] = [[...input]];
  model.layers.forEach((op, i) => {
    const ins = op.inputs.map((id) => values[id]);
    const checked = (vals: bigint[], bits: number) => {
      opts.onCheck?.(i, vals);
      if (opts.check) checkRange(op, vals, bits);
      return vals;
    };
    values[op.output] = evalOp(op, ins, checked);
  });
  return values;
}

function evalOp(
  op: QuantizedOp,
  ins: bigint[][],
  checked: (v: bigint[], bits: number) => bigint[],
): bigint[] {
  const x = ins[0];
  switch (op.kind) {
    case "linear": {
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
    }
    case "layout":
      return op.operand.map((k, i) => (k < 0 ? BigInt(op.fill) : ins[k][op.index[i]]));
    case "mul":
      return checked(
        op.aIndex.map((a, i) => rescale(ins[0][a] * ins[1][op.bIndex[i]], op.shift)),
        op.quotientBits,
      );
    case "max":
      return op.groups.map((g) => g.reduce((m, j) => (x[j] > m ? x[j] : m), x[g[0]]));
    case "argmax":
      return op.groups.map((g) => {
        let best = 0;
        g.forEach((j, k) => {
          if (x[j] > x[g[best]] || (op.selectLast && x[j] === x[g[best]])) best = k;
        });
        return BigInt(best);
      });
    case "clip":
      // min(hi, max(lo, v)), in that order (as onnxruntime and ClipInt): hi wins when lo > hi.
      return x.map((v) => {
        const lo = op.lo !== null && v < BigInt(op.lo) ? BigInt(op.lo) : v;
        return op.hi !== null && lo > BigInt(op.hi) ? BigInt(op.hi) : lo;
      });
    case "leaky": {
      const sf = BigInt(op.slopeFrac);
      return checked(
        x.map((v, i) => rescale(v >= 0n ? v << sf : BigInt(op.slope[i]) * v, op.slopeFrac)),
        op.quotientBits,
      );
    }
    case "poly":
      return checked(
        x.map((v) => rescale(polyAccumulator(op, v), op.shift)),
        op.quotientBits,
      );
    case "range":
      checked(x, op.bits);
      return x;
  }
}

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

function checkRange(op: QuantizedOp, vals: bigint[], bits: number): void {
  const { min, max } = quotientRange(bits);
  vals.forEach((q, index) => {
    if (q < min || q > max) {
      throw new QuantizationRangeError(
        `${op.kind} op ${op.name}: value ${index} is ${q}, outside the ${bits}-bit range the circuit checks; recalibrate with inputs like this one`,
        {
          details: {
            tensor: op.name,
            index,
            value: q.toString(),
            min: min.toString(),
            max: max.toString(),
          },
        },
      );
    }
  });
}

/** The input range check every circuit makes (`model.inputBits` signed bits, any visibility). */
function checkInput(model: QuantizedModel, input: readonly bigint[]): void {
  const { min, max } = quotientRange(model.inputBits);
  input.forEach((v, index) => {
    if (v < min || v > max) {
      throw new QuantizationRangeError(
        `input ${model.inputName}[${index}] is ${v} (2^-${model.inputFrac} units), outside the ${model.inputBits}-bit range the circuit checks; recalibrate with inputs like this one`,
        {
          details: {
            tensor: model.inputName,
            index,
            value: v.toString(),
            min: min.toString(),
            max: max.toString(),
          },
        },
      );
    }
  });
}
