import { expect } from "chai";
import {
  approximate,
  SIGMOID_ERROR_BOUND,
  TANH_ERROR_BOUND,
} from "../../sdk/node/src/quantize/approximations.ts";

describe("Sigmoid / Tanh approximations keep their stated error bounds", function () {
  it("on a dense grid over [-12, 12] (the clip covers everything beyond)", function () {
    let tanh = 0;
    let sigmoid = 0;
    for (let x = -12; x <= 12; x += 1e-4) {
      tanh = Math.max(tanh, Math.abs(approximate("tanh", x) - Math.tanh(x)));
      sigmoid = Math.max(sigmoid, Math.abs(approximate("sigmoid", x) - 1 / (1 + Math.exp(-x))));
    }
    expect(tanh).to.be.at.most(TANH_ERROR_BOUND);
    expect(sigmoid).to.be.at.most(SIGMOID_ERROR_BOUND);
    // and the bounds are tight enough to mean something
    expect(tanh).to.be.above(TANH_ERROR_BOUND / 2);
  });
});
