import { expect } from "chai";
import { expectClose } from "../helpers/close.ts";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import onnxProto from "onnx-proto";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import { libraryClosure } from "../../sdk/node/src/circuit/compileCircuit.ts";
import { ShapeError } from "../../sdk/core/src/errors.ts";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import { evaluateFloat } from "../../sdk/node/src/onnx/evaluateFloat.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { caseRows, opCases } from "../helpers/opCases.ts";

const { onnx } = onnxProto;

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

/** y = Relu(x) over an input whose leading dimension is `lead` (a dim_param, -1, or unset). */
function reluModel(lead: string | number | null, rest: (number | string)[] = [4]): Uint8Array {
  const bytes = buildOnnx({
    inputs: [{ name: "x", shape: [typeof lead === "string" ? lead : 1, ...rest] }],
    outputs: [{ name: "y", shape: [1, ...rest] }],
    nodes: [{ opType: "Relu", name: "relu", inputs: ["x"], outputs: ["y"] }],
  });
  if (typeof lead === "string") return bytes;
  // -1 or no value at all: what some exporters write for an unknown dimension.
  const m = onnx.ModelProto.decode(bytes);
  const dim = m.graph!.input![0].type!.tensorType!.shape!.dim![0];
  if (lead === null) dim.dimValue = null as never;
  else dim.dimValue = lead as never;
  return onnx.ModelProto.encode(m).finish();
}

describe("the entry gate: what real exports need to get in", function () {
  describe("a symbolic batch dimension", function () {
    for (const lead of ["batch_size", "N", "unk__0", "batch", "s0", -1, null]) {
      it(`leading ${JSON.stringify(lead)} defaults to 1 with a warning naming --batch-size`, function () {
        const warnings: string[] = [];
        const ir = importOnnx({
          file: "dyn.onnx",
          bytes: reluModel(lead),
          onWarning: (m) => warnings.push(m),
        });
        expect(ir.inputs[0].shape).to.deep.equal([1, 4]);
        expect(ir.shapes.y).to.deep.equal([1, 4]);
        expect(warnings).to.have.length(1);
        expect(warnings[0]).to.contain("set to 1").and.contain("--batch-size");
      });
    }

    it("batchSize and inputShapes override it, without a warning", function () {
      const warnings: string[] = [];
      const bytes = reluModel("batch_size", [3, 2]);
      const onWarning = (m: string) => warnings.push(m);
      expect(
        importOnnx({ file: "dyn.onnx", bytes, batchSize: 4, onWarning }).inputs[0].shape,
      ).to.deep.equal([4, 3, 2]);
      expect(
        importOnnx({ file: "dyn.onnx", bytes, inputShapes: { x: [2, 3, 2] }, onWarning }).inputs[0]
          .shape,
      ).to.deep.equal([2, 3, 2]);
      expect(warnings).to.deep.equal([]);
      expect(thrown(() => importOnnx({ file: "dyn.onnx", bytes, batchSize: 0 }))).to.be.instanceOf(
        ShapeError,
      );
    });

    it("any other symbolic dimension is a ShapeError naming it and the option to pass", function () {
      const e = thrown(() =>
        importOnnx({ file: "seq.onnx", bytes: reluModel("batch", ["sequence", 8]) }),
      );
      expect(e).to.be.instanceOf(ShapeError);
      expect(e.message).to.contain("sequence (axis 1)");
      expect(e.message).to.contain("--input-shape x=1x<sequence>x8");
    });
  });

  describe("ops that real exports emit at the edges", function () {
    it("a model that is only a Softmax proves its logits (the input); LogSoftmax too", function () {
      for (const op of ["Softmax", "LogSoftmax"]) {
        const bytes = buildOnnx({
          inputs: [{ name: "x", shape: ["N", 5] }],
          outputs: [{ name: "y", shape: ["N", 5] }],
          nodes: [{ opType: op, name: "sm", inputs: ["x"], outputs: ["y"] }],
        });
        const ir = importOnnx({ file: "softmax.onnx", bytes });
        const row = [0.5, -1, 2, 0.25, 0];
        const q = quantizeModel({ ir, calibration: [row] });
        expect(q.droppedSoftmax).to.equal(true);
        const input = quantizeInput({ model: q, input: row });
        expect(evaluateQuantized({ model: q, input }).outputs).to.deep.equal(input);
        // the float model still computes the softmax itself
        const y = Array.from(evaluateFloat({ ir, inputs: row }).y);
        const sum = row.reduce((s, v) => s + Math.exp(v), 0);
        const expected = row.map((v) => (op === "Softmax" ? Math.exp(v) / sum : v - Math.log(sum)));
        y.forEach((v, i) => expectClose(v, expected[i], 1e-12));
      }
    });

    it("ConstantOfShape of a constant shape is folded (x + ones(shape(x)))", function () {
      const bytes = buildOnnx({
        inputs: [{ name: "x", shape: [1, 3] }],
        outputs: [{ name: "y", shape: [1, 3] }],
        nodes: [
          { opType: "Shape", name: "shape", inputs: ["x"], outputs: ["s"] },
          {
            opType: "ConstantOfShape",
            name: "ones",
            inputs: ["s"],
            outputs: ["k"],
            attributes: { value: { type: "tensor", value: { shape: [1], data: [1.5] } } },
          },
          { opType: "Add", name: "add", inputs: ["x", "k"], outputs: ["y"] },
        ],
      });
      const ir = importOnnx({ file: "cos.onnx", bytes });
      expect(ir.nodes.map((n) => n.op)).to.deep.equal(["Affine"]);
      expect(Array.from(evaluateFloat({ ir, inputs: [1, 2, 3] }).y)).to.deep.equal([2.5, 3.5, 4.5]);
    });
  });

  describe("PyTorch's shape subgraphs fold when their inputs are constant", function () {
    it("Shape, Gather, Range, Equal, Where, Unsqueeze, Expand, Cast: a mask folded into one Affine, as in onnxruntime", async function () {
      const i64 = (name: string, shape: number[], data: number[]) => ({
        name,
        shape,
        data: data.map(BigInt),
      });
      const f32 = (name: string, data: number[]) => ({ name, shape: [4], data });
      const node = (opType: string, inputs: string[], output: string, attributes = {}) => ({
        opType,
        name: opType,
        inputs,
        outputs: [output],
        attributes,
      });
      const bytes = buildOnnx({
        inputs: [{ name: "x", shape: [1, 4] }],
        outputs: [{ name: "y", shape: [1, 4] }],
        initializers: [
          i64("one", [], [1]),
          i64("zero", [], [0]),
          i64("t", [4], [0, 1, 5, 3]),
          i64("ax", [1], [0]),
          i64("shp", [2], [1, 4]),
          f32("ones", [1, 1, 1, 1]),
          f32("half", [0.5, 0.5, 0.5, 0.5]),
        ],
        nodes: [
          node("Shape", ["x"], "s"),
          node("Gather", ["s", "one"], "d", { axis: 0 }),
          node("Range", ["zero", "d", "one"], "r"),
          node("Equal", ["r", "t"], "e"),
          node("Where", ["e", "ones", "half"], "w"),
          node("Unsqueeze", ["w", "ax"], "u"),
          node("Expand", ["u", "shp"], "ex"),
          node("Cast", ["ex"], "c", { to: 1 }),
          node("Mul", ["x", "c"], "y"),
        ],
        opset: 13,
      });
      const ir = importOnnx({ file: "mask.onnx", bytes });
      expect(ir.nodes.map((n) => n.op)).to.deep.equal(["Affine"]);
      const row = [1, -2, 3, 4];
      const ort = await runOnnx({ model: bytes, inputs: { x: { data: row, shape: [1, 4] } } });
      expect(Array.from(ort.y.data)).to.deep.equal([1, -2, 1.5, 4]);
      expect(Array.from(evaluateFloat({ ir, inputs: row }).y)).to.deep.equal([1, -2, 1.5, 4]);
    });
  });

  describe("compile writes a circuit that compiles wherever the build folder is", function () {
    this.timeout(600_000);

    it("the copied library is the closure of the include lines", function () {
      const names = (fs: string[]) => fs.map((f) => basename(f)).sort();
      expect(names(libraryClosure(["activation.circom"]))).to.deep.equal([
        "activation.circom",
        "compare.circom",
        "rescale.circom",
      ]);
      expect(names(libraryClosure(["commitment.circom"]))).to.deep.equal([
        "commitment.circom",
        "poseidon_constants.circom",
      ]);
    });

    // One model per op kind the circuit emits and per distinct library set (the op cases of
    // test/helpers/opCases.ts), plus private weights and a hashed input (circomlib's Poseidon constants),
    // each compiled by compileModel (what `zkml compile` runs) into a folder under the system's
    // temporary directory, outside the repository.
    const cases = opCases();
    const chosen: { name: string; index: number; weights: "fixed" | "private" }[] = [];
    const kinds = new Set<string>();
    const libraries = new Set<string>();
    for (const [index, c] of cases.entries()) {
      const ir = importOnnx({ file: `${c.name}.onnx`, bytes: c.bytes });
      const q = quantizeModel({ ir, calibration: caseRows(c.inputShape, 3, 4, 4) });
      const k = q.layers.map((l) => l.kind);
      // the library the generator asks for depends only on the kinds and the visibility
      const key = [...new Set(k)].sort().join(",");
      if (k.some((x) => !kinds.has(x)) || !libraries.has(key)) {
        chosen.push({ name: c.name, index, weights: "fixed" });
        k.forEach((x) => kinds.add(x));
        libraries.add(key);
      }
    }
    chosen.push({ name: cases[0].name, index: 0, weights: "private" });

    for (const { name, index, weights } of chosen) {
      it(`${name}${weights === "private" ? " (private weights, hashed input)" : ""}`, async function () {
        const dir = mkdtempSync(join(tmpdir(), "zkml-outside-"));
        try {
          const c = cases[index];
          const file = join(dir, "model.onnx");
          writeFileSync(file, c.bytes);
          const out = join(dir, "build");
          const r = await compileModel({
            model: file,
            outDir: out,
            calibration: caseRows(c.inputShape, 3, 4, 4),
            weightVisibility: weights,
            inputVisibility: weights === "private" ? "hashed" : undefined,
            copyModel: true,
          });
          expect(r.circuit.constraints).to.be.greaterThan(0);
          expect(r.outDir.startsWith(tmpdir())).to.equal(true);
          // lib/ is closed under include: every file any of its files includes is there
          const lib = readdirSync(join(out, "lib"));
          for (const f of lib)
            for (const m of readFileSync(join(out, "lib", f), "utf8").matchAll(
              /^\s*include\s+"([^"]+)"/gm,
            ))
              expect(lib, `${f} includes ${m[1]}`).to.include(basename(m[1]));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
});
