import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileCircuit } from "../../sdk/node/src/circuit/compileCircuit.ts";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/node/src/circuit/compileModel.ts";
import { outlineConstantTables } from "../../sdk/node/src/circuit/constantTables.ts";
import { generateCircuit } from "../../sdk/node/src/circuit/generateCircuit.ts";
import { readCircuitSize } from "../../sdk/node/src/setup/circuitSize.ts";
import { circuitInput } from "../../sdk/core/src/prove/circuitInput.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import { pytorchCnn } from "../helpers/cnnModel.ts";
import { calculateWitness } from "../helpers/witnessTools.ts";

/** One calibration-range input row (values in [0, 1], as the default calibration draws). */
function row(n: number, seed: number): number[] {
  const rnd = mulberry32({ seed });
  return Array.from({ length: n }, () => rnd());
}

async function witnessOf(c: CompileModelReturnType, wasm: string, x: number[]) {
  const input = quantizeInput({ model: c.quantized, input: x });
  return calculateWitness({ wasm, input: circuitInput({ model: c.quantized, input }) });
}

describe("circuit: constant tables outside the model template (V8's wasm function limit)", function () {
  this.timeout(900_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "zkml-tables-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("moves the largest tables into lookup functions and rewrites every access", function () {
    const body = [
      "template Model() {",
      "    var W3[2][3] = [",
      "        [5,6,7],",
      "        [9,9,9]",
      "    ];",
      "    var R3[2] = [0,4];",
      "    var T3[3] = [1,2,3];",
      "    var P3[4] = [0,0,0,1];",
      "    for (var o = 0; o < 2; o++) x[o] <== W3[o][R3[o] + 1] * in[R3[o]] + T3[W3[o][0] - 5];",
      "    component c = Pick(P3);",
      "}",
    ];
    const r = outlineConstantTables({ lines: body, budget: 6 });
    // W3 (6) and P3 (4) are the largest; P3 is passed whole, so it stays and T3 goes instead
    expect(r.moved).to.deep.equal([
      { name: "W3", elements: 6 },
      { name: "T3", elements: 3 },
    ]);
    expect(r.inlineElements).to.equal(6);
    expect(r.lines).to.deep.equal([
      "template Model() {",
      "    var R3[2] = [0,4];",
      "    var P3[4] = [0,0,0,1];",
      "    for (var o = 0; o < 2; o++) x[o] <== table_W3(o, R3[o] + 1) * in[R3[o]] + table_T3(table_W3(o, 0) - 5);",
      "    component c = Pick(P3);",
      "}",
    ]);
    const fns = r.functions.join("\n");
    // W3 flattened is 5,6,7,9,9,9: two affine runs (5,6,7 step 1 and 9,9,9 step 0)
    expect(fns).to.contain("function table_W3(i0, i1) {\nvar i = (i0) * 3 + i1;");
    expect(fns).to.contain("if (i < 3) {\nreturn 5 + 1 * (i - 0);\n}\nreturn 9;");
    expect(outlineConstantTables({ lines: body, budget: 15 })).to.deep.include({
      lines: body,
      functions: [],
      moved: [],
    });
  });

  for (const m of [
    {
      name: "a PyTorch-style CNN (Conv, ReLU, MaxPool, Gemm)",
      bytes: () =>
        pytorchCnn({ size: 10, channels: [2, 2], kernel: 3, hidden: [], classes: 4 }).bytes,
    },
    {
      name: "InstanceNormalization (mean, centering, sum of squares, rsqrt, products)",
      bytes: () =>
        buildOnnx({
          inputs: [{ name: "x", shape: [1, 2, 4, 4] }],
          outputs: [{ name: "y", shape: [1, 2, 4, 4] }],
          initializers: [
            { name: "g", shape: [2], data: [1.5, -0.5] },
            { name: "b", shape: [2], data: [0.25, 0] },
          ],
          nodes: [
            {
              opType: "InstanceNormalization",
              name: "norm",
              inputs: ["x", "g", "b"],
              outputs: ["y"],
              attributes: { epsilon: { type: "float", value: 1e-5 } },
            },
          ],
        }),
    },
  ])
    it(`${m.name}: every table outlined gives the same constraints, nonzeros and witness`, async function () {
      const file = join(dir, "m.onnx");
      writeFileSync(file, m.bytes());
      const c = await compileModel({ model: file, outDir: join(dir, "inline") });
      const gen = generateCircuit({
        model: c.quantized,
        weightCommitment: c.weightCommitment,
        inputVisibility: c.manifest.visibility.input,
        inlineConstants: 0,
      });
      expect(gen.source).to.contain("function table_");
      const outlined = await compileCircuit({
        source: gen.source,
        outDir: join(dir, "outlined"),
        library: gen.library,
      });
      const [a, b] = [c.circuit.r1cs, outlined.r1cs].map((r1cs) => readCircuitSize({ r1cs }));
      expect(b.constraints).to.equal(a.constraints);
      expect(b.nonzeros).to.deep.equal(a.nonzeros);
      const x = row(c.quantized.nInputs, 3);
      const [wa, wb] = await Promise.all([
        witnessOf(c, c.circuit.wasm, x),
        witnessOf(c, outlined.wasm, x),
      ]);
      expect(wb).to.deep.equal(wa);
    });
});
