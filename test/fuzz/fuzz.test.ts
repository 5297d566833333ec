import { expect } from "chai";
import { SUPPORTED_OPS } from "../../sdk/node/src/onnx/supportedOps.ts";
import { describeReport, fuzzSeed } from "./fuzzModel.ts";
import { generateModel } from "./generateGraph.ts";

/**
 * A fixed handful of fuzzer seeds (`npm run fuzz -- --seeds N [--start S]` runs more), none of
 * which compiles Poseidon (a few seconds each). Each found a bug on 2a56702 (before d089df5),
 * so they are regression tests; they pass since d089df5 and the transitive library copy of
 * compileCircuit.ts (`libraryClosure`):
 *   issue 12 item 1, a fused ReLU skipped: 23 (integer Gemm + Relu, argmax), 25 (residual
 *     Add(fc(x), x) + Relu), 29, 31 (integer Gemm + Relu), 76 (residual Add + Relu), 111 (Add
 *     of an integer constant + Relu)
 *   item 8, Clip with min > max (evaluator lo, circuit hi, onnxruntime max): 2, 30
 *   item 8, a private input outside the range: the evaluator accepts, no witness: 4, 5, 21
 *   item 6, a public input outside the range has a witness: 17, 23, 31
 *   circom: "compare.circom not found" (activation.circom without compare.circom): 16, 35
 * and seeds of the product steps (issue 14): 6 (MatMul of two activations), 14 (Div of two
 * activations), 32 (Trilu of an activation), 46 (Gemm with B an activation); of the recurrent
 * step (issue 14): 38 (RNN, reverse), 58 (GRU, an initial state, linear_before_reset 0); 14
 * and 76 gained a GRU and an LSTM when it was added.
 */
const SEEDS = [2, 4, 5, 6, 14, 16, 17, 21, 23, 25, 29, 30, 31, 32, 35, 38, 46, 58, 76, 111];

describe("differential fuzzer: onnxruntime, float evaluator, quantized evaluator, circuit witness", function () {
  it("draws every supported op and the cases of issue 12 (seeds 1-400, generation only)", function () {
    const ops = new Set<string>();
    const tags = new Set<string>();
    for (let seed = 1; seed <= 400; seed++) {
      const m = generateModel(seed);
      m.opTypes.forEach((o) => ops.add(o));
      m.tags.forEach((t) => tags.add(t));
      // deterministic per seed
      if (seed <= 3) expect(generateModel(seed).bytes).to.deep.equal(m.bytes);
    }
    // Constant needs a TENSOR attribute, which the ONNX builder does not write; ZipMap's
    // output is a sequence of maps, which onnxruntime-node cannot return (test/onnx/trees.test.ts);
    // Upsample exists only up to opset 9, the fuzzer writes opset 14 (its Resize; opCases.ts)
    const unfuzzed = ["Constant", "ZipMap", "Upsample"];
    expect(SUPPORTED_OPS.filter((o) => !unfuzzed.includes(o) && !ops.has(o))).to.deep.equal([]);
    for (const t of [
      "add-int-const-relu",
      "gemm-int-relu",
      "residual-fc-relu",
      "clip-min>max",
      "residual",
      "concat",
      "mul-activations",
      "product-matmul",
      "product-gemm",
      "product-div",
      "product-layernorm",
      "product-instancenorm",
      "product-mask",
      "recurrent-LSTM",
      "recurrent-GRU",
      "recurrent-RNN",
    ])
      expect(tags, t).to.include(t);
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}`, async function () {
      const r = await fuzzSeed(seed);
      expect(r.failures, describeReport(r)).to.deep.equal([]);
      expect(r.skipped, describeReport(r)).to.equal(undefined);
      expect(r.proven, describeReport(r)).to.be.greaterThan(0);
    });
  }
});
