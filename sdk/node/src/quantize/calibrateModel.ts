import { QuantizationRangeError } from "@zkml-verify/core/internal/errors";
import {
  bitLength,
  MAX_DECOMPOSITION_BITS,
  toFixed,
} from "@zkml-verify/core/internal/quantize/fixedPoint";
import { runOps } from "@zkml-verify/core/internal/quantize/runOps";
import type { QuantizedModel, QuantizedOp } from "@zkml-verify/core/internal/quantize/types";

/**
 * Sizes every range check from calibration data (largest |value| seen, plus headroom bits),
 * then propagates the proven bounds through the ops and checks the field-size limits
 * documented in types.ts. Mutates `model`.
 *
 * @example
 * calibrateModel({ model, calibration: rows, headroomBits: 1 });
 */
export function calibrateModel(p: {
  model: QuantizedModel;
  calibration: number[][];
  headroomBits: number;
}): void {
  const { model } = p;
  const maxAbs = model.layers.map(() => 0n);
  let inputMax = 0n;
  for (const row of p.calibration) {
    const x = row.map((v) => toFixed(v, model.inputFrac));
    for (const v of x) inputMax = abs(v) > inputMax ? abs(v) : inputMax;
    runOps(model, x, {
      check: false,
      onCheck: (i, vals) => {
        for (const v of vals) if (abs(v) > maxAbs[i]) maxAbs[i] = abs(v);
      },
    });
  }
  const width = (m: bigint) => Math.max(2, bitLength(m) + 1 + p.headroomBits);
  model.inputBits = width(inputMax);
  const bits = model.tensors.map(() => null as number | null);
  // Tensor 0 is the input, which every circuit range-checks to inputBits.
  bits[0] = model.inputBits;
  model.layers.forEach((op, i) => {
    const inBits = op.inputs.map((id) => bits[id]);
    if ("quotientBits" in op && op.quotientBits > 0) op.quotientBits = width(maxAbs[i]);
    if (op.kind === "range") op.bits = width(maxAbs[i]);
    if (
      op.kind === "max" ||
      op.kind === "argmax" ||
      op.kind === "clip" ||
      op.kind === "leaky" ||
      op.kind === "poly"
    )
      op.bits = inBits[0]!;
    bits[op.output] = outputBits(op, inBits);
    checkLimits(op, inBits, bits[op.output]);
  });
  model.tensors.forEach((t, i) => (t.bits = bits[i]));
}

const abs = (v: bigint) => (v < 0n ? -v : v);

function outputBits(op: QuantizedOp, inBits: (number | null)[]): number | null {
  switch (op.kind) {
    case "linear": {
      if (op.quotientBits > 0) return op.quotientBits;
      if (inBits.some((b) => b === null)) return null;
      let worst = 0n;
      for (let o = 0; o < op.bias.length; o++) {
        let s = abs(op.bias[o]);
        for (let t = op.start[o]; t < op.start[o + 1]; t++)
          s += abs(op.weight[t]) << BigInt(inBits[op.operand[t]]! - 1);
        if (s > worst) worst = s;
      }
      return bitLength(worst) + 1;
    }
    case "layout":
      if (inBits.some((b) => b === null)) return null;
      return Math.max(...(inBits as number[]), bitLength(BigInt(op.fill)) + 1);
    case "mul":
    case "leaky":
    case "poly":
      return op.quotientBits;
    case "max":
      return inBits[0];
    case "argmax":
      return bitLength(BigInt(op.groups.reduce((m, g) => Math.max(m, g.length), 0))) + 1;
    case "clip":
      return Math.max(
        inBits[0]!,
        bitLength(BigInt(op.lo ?? 0)) + 1,
        bitLength(BigInt(op.hi ?? 0)) + 1,
      );
    case "range":
      return op.bits;
  }
}

function checkLimits(op: QuantizedOp, inBits: (number | null)[], outBits: number | null): void {
  const fail = (what: string, need: number) => {
    throw new QuantizationRangeError(
      `${op.kind} op ${op.name} needs ${need} bits for ${what}, over the circuit's ${MAX_DECOMPOSITION_BITS}-bit bound; use mode "resources" or smaller inputs`,
      {
        details: {
          tensor: op.name,
          index: 0,
          value: String(need),
          min: "0",
          max: String(MAX_DECOMPOSITION_BITS),
        },
      },
    );
  };
  const shift = op.kind === "leaky" ? op.slopeFrac : "shift" in op ? op.shift : 0;
  if (
    "quotientBits" in op &&
    op.quotientBits > 0 &&
    shift + op.quotientBits > MAX_DECOMPOSITION_BITS
  )
    fail("its rescale", shift + op.quotientBits);
  if (op.kind === "mul" && inBits[0]! + inBits[1]! > MAX_DECOMPOSITION_BITS)
    fail("the product", inBits[0]! + inBits[1]!);
  if (op.kind === "linear" && outBits !== null && outBits > MAX_DECOMPOSITION_BITS)
    fail("the accumulator", outBits);
  if ("bits" in op && op.bits + 1 > MAX_DECOMPOSITION_BITS) fail("its comparisons", op.bits + 1);
}
