import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import { calculateWitness } from "../helpers/witnessTools.ts";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/node/src/circuit/compileModel.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { readInputFile } from "../../sdk/node/src/onnx/readInputFile.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { InputError } from "../../sdk/core/src/errors.ts";
import { circuitInput } from "../../sdk/core/src/prove/circuitInput.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { fromField } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { flattenInput, splitOutputs } from "../../sdk/core/src/quantize/modelInputs.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";

/**
 * A graph with two inputs and two outputs, as PyTorch exports `forward(a, b) -> (relu(a @ W + b), a * b)`:
 * every input is proven (the circuit's input vector is a then b) and every output is public
 * (the output vector is y then z).
 */
function twoByTwo(): Uint8Array {
  return buildOnnx({
    inputs: [
      { name: "a", shape: [1, 3] },
      { name: "b", shape: [1, 3] },
    ],
    outputs: [
      { name: "y", shape: [1, 3] },
      { name: "z", shape: [1, 3] },
    ],
    initializers: [
      { name: "W", shape: [3, 3], data: [0.5, -1, 0.25, 1, 0.5, -0.5, -0.25, 0.75, 1] },
    ],
    nodes: [
      { opType: "MatMul", inputs: ["a", "W"], outputs: ["h"], name: "mm" },
      { opType: "Add", inputs: ["h", "b"], outputs: ["s"], name: "add" },
      { opType: "Relu", inputs: ["s"], outputs: ["y"], name: "relu" },
      { opType: "Mul", inputs: ["a", "b"], outputs: ["z"], name: "mul" },
    ],
    opset: 13,
  });
}

describe("graphs with several inputs and several outputs", function () {
  this.timeout(300_000);
  let work: string;
  let compiled: CompileModelReturnType;
  let file: string;
  const rnd = mulberry32({ seed: 3 });
  const rows = Array.from({ length: 12 }, () => Array.from({ length: 6 }, () => rnd() * 4 - 2));

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "zkml-multi-io-"));
    file = join(work, "two.onnx");
    writeFileSync(file, twoByTwo());
    compiled = await compileModel({ model: file, outDir: join(work, "build"), calibration: rows });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("records the inputs and outputs in order, in the quantized model and the manifest", function () {
    const q = compiled.quantized;
    expect(q.inputs).to.deep.equal([
      { name: "a", shape: [1, 3] },
      { name: "b", shape: [1, 3] },
    ]);
    expect(q.outputs.map((o) => o.name)).to.deep.equal(["y", "z"]);
    expect([q.nInputs, q.nOutputs]).to.deep.equal([6, 6]);
    expect(compiled.manifest.quantization.inputs).to.deep.equal(q.inputs);
    expect(compiled.manifest.quantization.outputs).to.deep.equal(q.outputs);
    expect(compiled.publicSignals.layout.outputCount).to.equal(6);
  });

  it("proves every output: witness = quantized evaluator, and both within 0.02 of onnxruntime", async function () {
    const q = compiled.quantized;
    const { layout } = compiled.publicSignals;
    for (const row of rows.slice(0, 4)) {
      const named = { a: row.slice(0, 3), b: row.slice(3) };
      const input = quantizeInput({ model: q, input: named });
      const expected = evaluateQuantized({ model: q, input });
      const witness = await calculateWitness({
        wasm: compiled.circuit.wasm,
        input: circuitInput({ model: q, input }),
      });
      const proven = Array.from({ length: q.nOutputs }, (_, i) =>
        fromField(witness[1 + layout.outputOffset + i]),
      );
      expect(proven).to.deep.equal(expected.outputs);
      const ort = await runOnnx({
        model: file,
        inputs: { a: { data: named.a, shape: [1, 3] }, b: { data: named.b, shape: [1, 3] } },
      });
      const split = splitOutputs({ model: q, values: expected.values });
      for (const name of ["y", "z"]) {
        const ref = Array.from(ort[name].data);
        split[name].forEach((v, i) =>
          expect(Math.abs(v - ref[i]), `${name}[${i}]`).to.be.below(0.02),
        );
      }
    }
  });

  it("takes inputs by name; a bare array is refused with the names, an unknown name too", function () {
    const q = compiled.quantized;
    expect(flattenInput({ model: q, input: { b: [4, 5, 6], a: [1, 2, 3] } })).to.deep.equal([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(() => quantizeInput({ model: q, input: [0, 0, 0, 0, 0, 0] }))
      .to.throw(InputError)
      .with.property("message")
      .that.contains("a: [...], b: [...]");
    expect(() => quantizeInput({ model: q, input: { a: [0, 0, 0], c: [0, 0, 0] } }))
      .to.throw(InputError)
      .with.property("message")
      .that.contains("unknown input c");
    expect(() => quantizeInput({ model: q, input: { a: [0, 0, 0], b: [0, 0] } }))
      .to.throw(InputError)
      .with.property("message")
      .that.contains("input b needs 3 values");
    expect(() => quantizeInput({ model: q, input: { a: [0, 0, 0], b: [0, 99, 0] } }))
      .to.throw()
      .with.property("message")
      .that.contains("input b[1] = 99");
  });

  it("reads input files: named inputs (one row or several), input_data; a bare array only for one input", function () {
    const ir = importOnnx({ file });
    const write = (name: string, v: unknown) => {
      const f = join(work, name);
      writeFileSync(f, JSON.stringify(v));
      return f;
    };
    const named = write("named.json", { b: [[4, 5, 6]], a: [1, 2, 3] });
    expect(readInputFile({ file: named, ir })).to.deep.equal([[1, 2, 3, 4, 5, 6]]);
    const two = write("two.json", [
      { a: [1, 2, 3], b: [4, 5, 6] },
      { a: [0, 0, 0], b: [1, 1, 1] },
    ]);
    expect(readInputFile({ file: two, ir })).to.have.length(2);
    const data = write("data.json", {
      input_data: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    });
    expect(readInputFile({ file: data, ir })).to.deep.equal([[1, 2, 3, 4, 5, 6]]);
    const bare = write("bare.json", [1, 2, 3, 4, 5, 6]);
    expect(() => readInputFile({ file: bare, ir })).to.throw(InputError, /2 inputs: name them/);
    const missing = write("missing.json", { a: [1, 2, 3] });
    expect(() => readInputFile({ file: missing, ir })).to.throw(
      InputError,
      /no value for input "b"/,
    );
  });
});
