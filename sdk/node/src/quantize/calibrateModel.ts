import { QuantizationRangeError } from "@zkml-verify/core/internal/errors";
import {
  bitLength,
  MAX_DECOMPOSITION_BITS,
  toFixed,
} from "@zkml-verify/core/internal/quantize/fixedPoint";
import { opModule } from "@zkml-verify/core/internal/quantize/ops/index";
import { runOps } from "@zkml-verify/core/internal/quantize/runOps";
import type { QuantizedModel, QuantizedOp } from "@zkml-verify/core/internal/quantize/types";

/**
 * Sizes every range check from calibration data (largest |value| seen, plus headroom bits),
 * then propagates the proven bounds through the ops (each kind's module in
 * sdk/core/src/quantize/ops/ sizes its own checks) and checks the field-size limits
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
    const module = opModule(op);
    const outBits = module.calibrate(op, { inBits, checkedWidth: width(maxAbs[i]) });
    bits[op.output] = outBits;
    for (const need of module.bitNeeds(op, { inBits, outBits }))
      if (need.bits > MAX_DECOMPOSITION_BITS) tooWide(op, need.what, need.bits);
  });
  model.tensors.forEach((t, i) => (t.bits = bits[i]));
}

const abs = (v: bigint) => (v < 0n ? -v : v);

function tooWide(op: QuantizedOp, what: string, need: number): never {
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
}
