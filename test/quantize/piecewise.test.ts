import { expect } from "chai";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { QuantizationRangeError } from "../../sdk/core/src/errors.ts";
import { piecewise, piecewiseOp } from "../../sdk/core/src/quantize/ops/piecewise.ts";
import { piecewiseAccumulator } from "../../sdk/core/src/quantize/piecewiseFit.ts";
import { rescale } from "../../sdk/core/src/quantize/rescale.ts";
import type { PiecewiseOp } from "../../sdk/core/src/quantize/types.ts";
import { erf, UNARY_FUNCTIONS, unaryFloat } from "../../sdk/core/src/quantize/unaryFunctions.ts";
import type { UnaryFunction } from "../../sdk/core/src/quantize/unaryFunctions.ts";

const PARAMS: Partial<Record<UnaryFunction, { alpha: number; beta: number }>> = {
  pow: { alpha: 1.5, beta: 0 },
  elu: { alpha: 2, beta: 0 },
  celu: { alpha: 0.5, beta: 0 },
  selu: { alpha: 1.6732632423543772, beta: 1.0507009873554805 },
  swish: { alpha: 1, beta: 0 },
};

/** A calibrated op: frac bits, input range of `bits` signed bits, output check of 20 bits. */
function calibrated(fn: UnaryFunction, frac: number, bits: number): PiecewiseOp {
  const op = piecewiseOp({ name: fn, input: 0, output: 1, fn, frac, ...PARAMS[fn] });
  piecewise.calibrate(op, { inBits: [bits], checkedWidth: 20 });
  return op;
}

describe("the piecewise op (smooth unary functions)", function () {
  it("erf matches reference values to 1e-14", function () {
    const ref: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [-1.5, -0.9661051464753108],
    ];
    for (const [x, y] of ref) expect(Math.abs(erf(x) - y), `erf(${x})`).to.be.below(1e-14);
  });

  for (const fn of UNARY_FUNCTIONS) {
    it(`${fn}: the stated maxError holds on every input of the range, and is under one output unit`, function () {
      const frac = 8;
      const op = calibrated(fn, frac, 13); // |x| < 16, every one of the 8192 inputs checked
      const f = unaryFloat(op);
      let worst = 0;
      const lo = op.segments === "octave" ? 1 : -(2 ** 12);
      for (let x = lo; x < 2 ** 12; x++) {
        const y = f(x / 2 ** frac);
        const q = Number(rescale(piecewiseAccumulator(op, BigInt(x)), op.shift)) / 2 ** frac;
        worst = Math.max(worst, Math.abs(q - y) / Math.max(1, Math.abs(y)));
      }
      expect(worst).to.be.at.most(op.maxError);
      expect(
        op.maxError * 2 ** frac,
        `${op.segBits} segment bits, degree ${op.degree}`,
      ).to.be.below(1);
    });
  }

  it("octave functions: 0 gives f(0) (or f(2^-frac) where infinite); a negative input has no value", function () {
    const sqrt = calibrated("sqrt", 8, 12);
    const log = calibrated("log", 8, 12);
    const at = (op: PiecewiseOp, x: bigint) => rescale(piecewiseAccumulator(op, x), op.shift);
    expect(at(sqrt, 0n)).to.equal(0n);
    expect(at(log, 0n)).to.equal(BigInt(Math.round(Math.log(2 ** -8) * 2 ** 8)));
    expect(() => piecewise.run(log, [[5n, -3n]], (v) => v)).to.throw(
      QuantizationRangeError,
      /log op log: input -3 \(2\^-8 units\) is negative/,
    );
  });

  it("before calibration the op is f rounded; a table too wide for the field is refused", function () {
    const op = piecewiseOp({ name: "e", input: 0, output: 1, fn: "exp", frac: 8 });
    expect(piecewise.run(op, [[256n, -256n]], (v) => v)).to.deep.equal([
      BigInt(Math.round(Math.E * 256)),
      BigInt(Math.round(256 / Math.E)),
    ]);
    // exp over |x| < 256: e^256 ~ 2^369 has no place in a 254-bit field
    const wide = calibrated("exp", 8, 17);
    const need = piecewise.bitNeeds(wide, { inBits: [17], outBits: 20 });
    expect(Math.max(...need.map((n) => n.bits))).to.be.greaterThan(250);
    // and over |x| < 4096 exp is not even a float
    expect(() => calibrated("exp", 8, 21)).to.throw(QuantizationRangeError, /exp\(\d+/);
  });

  it("calibration data on which the float model computes NaN (Sqrt of a negative value) is refused, naming the node", function () {
    const bytes = buildOnnx({
      inputs: [{ name: "x", shape: [1, 3] }],
      outputs: [{ name: "y", shape: [1, 3] }],
      nodes: [{ opType: "Sqrt", name: "the_sqrt", inputs: ["x"], outputs: ["y"] }],
    });
    const ir = importOnnx({ file: "sqrt.onnx", bytes });
    expect(() => quantizeModel({ ir, calibration: [[0.5, -0.25, 1]] })).to.throw(
      QuantizationRangeError,
      'Sqrt node "the_sqrt" computes NaN at y[1] on calibration row 0',
    );
  });
});
