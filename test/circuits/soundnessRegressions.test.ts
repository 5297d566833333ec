import { expect } from "chai";
import { expectClose } from "../helpers/close.ts";
import { join } from "node:path";
import { compileCircuit } from "../../sdk/node/src/circuit/compileCircuit.ts";
import { generateModelCircuit } from "../../sdk/node/src/circuit/generateCircuit.ts";
import type { WeightVisibility } from "../../sdk/node/src/circuit/generateCircuit.ts";
import { calculateWitness, failingConstraints, loadR1cs } from "../helpers/witnessTools.ts";
import { QuantizationRangeError } from "../../sdk/core/src/errors.ts";
import { circuitInput } from "../../sdk/core/src/prove/circuitInput.ts";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import type { OnnxInitializerSpec, OnnxNodeSpec } from "../helpers/buildOnnx.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { FIELD_PRIME, toField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { quotientRange } from "../../sdk/core/src/quantize/rescale.ts";
import type { QuantizedModel } from "../../sdk/core/src/quantize/types.ts";
import { weightCommitment } from "../../sdk/core/src/quantize/weightCommitment.ts";
import { caseRows } from "../helpers/opCases.ts";
import { BUILD } from "../helpers/templateHarness.ts";

/**
 * Regressions for the soundness review (issue 12): each case here gave a valid proof of a
 * statement the model never made, or let the evaluator and the circuit disagree.
 */

const node = (
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes?: OnnxNodeSpec["attributes"],
): OnnxNodeSpec => ({ opType, inputs, outputs, name: `${opType}_${outputs[0]}`, attributes });
const tensor = (name: string, shape: number[], data: number[]): OnnxInitializerSpec => ({
  name,
  shape,
  data,
});

interface Case {
  name: string;
  bytes: Uint8Array;
  inputShape: number[];
}

function onnx(
  name: string,
  inputShape: number[],
  outputShape: number[],
  nodes: OnnxNodeSpec[],
  init: OnnxInitializerSpec[],
) {
  return {
    name,
    inputShape,
    bytes: buildOnnx({
      inputs: [{ name: "x", shape: inputShape }],
      outputs: [{ name: "y", shape: outputShape }],
      initializers: init,
      nodes,
      opset: 13,
    }),
  };
}

/** Linear ops that need no rescale (integer weights and biases), each followed by a ReLU. */
const EXACT_RELU_CASES: Case[] = [
  onnx(
    "Add(const) -> Relu -> Gemm",
    [1, 3],
    [1, 3],
    [
      node("Add", ["x", "c"], ["a"]),
      node("Relu", ["a"], ["r"]),
      node("Gemm", ["r", "W", "b"], ["y"], { transB: { type: "int", value: 1 } }),
    ],
    [
      tensor("c", [3], [-1, 2, 0]),
      tensor("W", [3, 3], [0.5, -1.25, 0.75, 1, 0.25, -0.5, -0.75, 0.5, 1.5]),
      tensor("b", [3], [0.1, -0.2, 0.3]),
    ],
  ),
  onnx(
    "Gemm(integer weights) -> Relu",
    [1, 4],
    [1, 3],
    [
      node("Gemm", ["x", "W", "b"], ["h"], { transB: { type: "int", value: 1 } }),
      node("Relu", ["h"], ["y"]),
    ],
    [tensor("W", [3, 4], [1, -2, 0, 3, -1, 1, 2, -3, 2, 0, -1, 1]), tensor("b", [3], [1, -1, 0])],
  ),
  onnx(
    "residual Relu(Add(fc(x), x)) -> Gemm",
    [1, 3],
    [1, 2],
    [
      node("Gemm", ["x", "W", "b"], ["f"], { transB: { type: "int", value: 1 } }),
      node("Add", ["f", "x"], ["s"]),
      node("Relu", ["s"], ["r"]),
      node("Gemm", ["r", "V"], ["y"], { transB: { type: "int", value: 1 } }),
    ],
    [
      tensor("W", [3, 3], [1, 0, -1, -2, 1, 0, 0, 1, 1]),
      tensor("b", [3], [0, 1, -1]),
      tensor("V", [2, 3], [0.5, -0.25, 1, -1, 0.75, 0.5]),
    ],
  ),
];

const CLIP_CROSSED = onnx(
  "Clip with min > max",
  [1, 4],
  [1, 4],
  [node("Clip", ["x", "lo", "hi"], ["y"])],
  [tensor("lo", [], [0.5]), tensor("hi", [], [-0.25])],
);

async function compile(model: QuantizedModel, weights: WeightVisibility, dir: string) {
  const { weightCommitment: commitment, circuit } = generateModelCircuit({
    model,
    weights,
    input: "public",
    output: "public",
  });
  const compiled = await compileCircuit({
    source: circuit.source,
    outDir: join(BUILD, "soundness", dir),
    library: circuit.library,
  });
  return { commitment, circuit, compiled, r1cs: await loadR1cs(compiled.r1cs) };
}

/** onnxruntime's outputs for each row (float). */
async function reference(c: Case, rows: number[][]): Promise<number[][]> {
  const out: number[][] = [];
  for (const row of rows) {
    const r = await runOnnx({ model: c.bytes, inputs: { x: { data: row, shape: c.inputShape } } });
    out.push(Array.from(r.y.data));
  }
  return out;
}

describe("soundness regressions (issue 12)", function () {
  this.timeout(300_000);

  describe("a ReLU after a linear op that needs no rescale is applied in every path", function () {
    EXACT_RELU_CASES.forEach((c, index) => {
      // private weights compile a Poseidon sponge (~30 s): one case covers that path
      for (const weights of index === 0 ? (["fixed", "private"] as const) : (["fixed"] as const)) {
        it(`${c.name}, ${weights} weights: onnxruntime = evaluator = circuit`, async function () {
          const rows = caseRows(c.inputShape, 21 + index, 12, 3);
          const model = quantizeModel({
            ir: importOnnx({ file: `${c.name}.onnx`, bytes: c.bytes }),
            calibration: rows,
          });
          const { compiled, r1cs } = await compile(model, weights, `relu-${index}-${weights}`);
          const expected = await reference(c, rows);
          for (const [r, row] of rows.entries()) {
            const input = quantizeInput({ model, input: row });
            const { outputs, values } = evaluateQuantized({ model, input });
            values.forEach((v, i) => expectClose(v, expected[r][i], 0.01, `row ${r}, out ${i}`));
            const witness = await calculateWitness({
              wasm: compiled.wasm,
              input: circuitInput({ model, input, weights }),
            });
            expect(failingConstraints(r1cs, witness)).to.deep.equal([]);
            // out[] follows weightCommitment among the public signals
            expect(witness.slice(2, 2 + outputs.length)).to.deep.equal(outputs.map(toField));
          }
        });
      }
    });
  });

  it("Clip with min > max gives max, as onnxruntime does, in the evaluator and the circuit", async function () {
    const rows = caseRows(CLIP_CROSSED.inputShape, 5, 8, 1.5);
    const model = quantizeModel({
      ir: importOnnx({ file: "clip.onnx", bytes: CLIP_CROSSED.bytes }),
      calibration: rows,
    });
    const { compiled } = await compile(model, "fixed", "clip-crossed");
    const expected = await reference(CLIP_CROSSED, rows);
    for (const [r, row] of rows.entries()) {
      const input = quantizeInput({ model, input: row });
      const { outputs, values } = evaluateQuantized({ model, input });
      values.forEach((v, i) => expectClose(v, expected[r][i], 1e-3));
      const witness = await calculateWitness({
        wasm: compiled.wasm,
        input: { in: input.map((v) => toField(v).toString()) },
      });
      expect(witness.slice(2, 2 + outputs.length)).to.deep.equal(outputs.map(toField));
    }
  });

  describe("public inputs are range-checked", function () {
    it("x + k with W k = 0 mod p (same outputs, field-garbage input) has no witness", async function () {
      // 2 inputs -> 1 output: k = (w1, -w0) is in W's kernel mod p, so before the range check
      // the circuit accepted x + k with the same outputs.
      const c = onnx(
        "Gemm 2 -> 1",
        [1, 2],
        [1, 1],
        [node("Gemm", ["x", "W"], ["y"], { transB: { type: "int", value: 1 } })],
        [tensor("W", [1, 2], [0.75, -0.5])],
      );
      const rows = caseRows(c.inputShape, 3, 8, 1);
      const model = quantizeModel({
        ir: importOnnx({ file: "g.onnx", bytes: c.bytes }),
        calibration: rows,
      });
      const { compiled } = await compile(model, "fixed", "public-range");
      const op = model.layers[0];
      if (op.kind !== "linear") throw new Error("expected a linear op");
      const [w0, w1] = op.weight;
      const input = quantizeInput({ model, input: rows[1] });
      const garbage = [input[0] + w1, input[1] - w0].map(toField);
      const honest = await calculateWitness({
        wasm: compiled.wasm,
        input: { in: input.map((v) => toField(v).toString()) },
      });
      expect(honest.length).to.be.greaterThan(0);
      let failed: unknown;
      try {
        await calculateWitness({ wasm: compiled.wasm, input: { in: garbage.map(String) } });
      } catch (e) {
        failed = e;
      }
      expect(failed, "a witness exists for an out-of-range public input").to.be.instanceOf(Error);
      // and the evaluator refuses the same input, naming it
      expect(() => evaluateQuantized({ model, input: [input[0] + w1, input[1] - w0] })).to.throw(
        QuantizationRangeError,
        /input x\[\d\]/,
      );
    });

    it("the evaluator rejects exactly the inputs the circuit has no witness for", async function () {
      const c = EXACT_RELU_CASES[1];
      const rows = caseRows(c.inputShape, 8, 8, 2);
      const model = quantizeModel({
        ir: importOnnx({ file: "e.onnx", bytes: c.bytes }),
        calibration: rows,
      });
      const { compiled } = await compile(model, "fixed", "edges");
      const { min, max } = quotientRange(model.inputBits);
      for (const edge of [min, max, min - 1n, max + 1n]) {
        const input = [edge, 0n, 0n, 0n];
        let evalError: unknown;
        try {
          evaluateQuantized({ model, input });
        } catch (e) {
          evalError = e;
        }
        let witnessError: unknown;
        try {
          await calculateWitness({
            wasm: compiled.wasm,
            input: { in: input.map((v) => toField(v).toString()) },
          });
        } catch (e) {
          witnessError = e;
        }
        const outside = edge < min || edge > max;
        expect(evalError instanceof QuantizationRangeError, `evaluator at ${edge}`).to.equal(
          outside,
        );
        expect(witnessError !== undefined, `witness at ${edge}`).to.equal(outside);
      }
    });
  });

  describe("the fixed-weight commitment identifies the whole quantized model", function () {
    const c = onnx(
      "Transpose -> Flatten -> Gemm",
      [1, 2, 3],
      [1, 2],
      [
        node("Transpose", ["x"], ["t"], { perm: { type: "ints", value: [0, 2, 1] } }),
        node("Flatten", ["t"], ["f"]),
        node("Gemm", ["f", "W"], ["y"], { transB: { type: "int", value: 1 } }),
      ],
      [tensor("W", [2, 6], [0.5, -0.25, 1, -1, 0.75, 0.5, 0.25, 0.125, -0.5, 1.5, -0.75, 1])],
    );
    const rows = caseRows(c.inputShape, 4, 8, 1);
    const model = () =>
      quantizeModel({ ir: importOnnx({ file: "t.onnx", bytes: c.bytes }), calibration: rows });

    it("the same ops and weights with another transpose have another commitment", function () {
      const plain = onnx(
        "Transpose(identity) -> Flatten -> Gemm",
        [1, 2, 3],
        [1, 2],
        [
          node("Transpose", ["x"], ["t"], { perm: { type: "ints", value: [0, 1, 2] } }),
          node("Flatten", ["t"], ["f"]),
          node("Gemm", ["f", "W"], ["y"], { transB: { type: "int", value: 1 } }),
        ],
        [tensor("W", [2, 6], [0.5, -0.25, 1, -1, 0.75, 0.5, 0.25, 0.125, -0.5, 1.5, -0.75, 1])],
      );
      const other = quantizeModel({
        ir: importOnnx({ file: "p.onnx", bytes: plain.bytes }),
        calibration: rows,
      });
      const m = model();
      expect(other.layers.map((op) => op.kind)).to.deep.equal(m.layers.map((op) => op.kind));
      expect(weightCommitment({ model: other })).to.not.equal(weightCommitment({ model: m }));
    });

    it("changing any one number anywhere in the model changes it; renaming does not", function () {
      const base = weightCommitment({ model: model() });
      const renamed = model();
      renamed.layers.forEach((op, i) => (op.name = `renamed${i}`));
      renamed.tensors.forEach((t, i) => (t.name = `tensor${i}`));
      expect(weightCommitment({ model: renamed })).to.equal(base);
      // every numeric leaf of every op and tensor, and the model's own fields
      const paths: (string | number)[][] = [];
      const walk = (v: unknown, path: (string | number)[]) => {
        if (typeof v === "number" || typeof v === "bigint") paths.push(path);
        else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
        else if (v && typeof v === "object")
          for (const [k, x] of Object.entries(v)) if (k !== "name") walk(x, [...path, k]);
      };
      walk(model(), []);
      expect(paths.length).to.be.greaterThan(50);
      for (const path of paths) {
        const m = model() as unknown as Record<string | number, unknown>;
        let at = m as Record<string | number, unknown>;
        for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
        const last = path[path.length - 1];
        at[last] =
          typeof at[last] === "bigint" ? (at[last] as bigint) + 1n : (at[last] as number) + 1;
        expect(
          weightCommitment({ model: m as unknown as QuantizedModel }),
          path.join("."),
        ).to.not.equal(base);
      }
      expect(base < FIELD_PRIME).to.equal(true);
    });
  });
});
