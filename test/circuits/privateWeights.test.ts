import { expect } from "chai";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/node/src/circuit/compileModel.ts";
import {
  calculateWitness,
  failingConstraints,
  forgeWitness,
  loadR1cs,
  readSymbols,
} from "../helpers/witnessTools.ts";
import type { R1csConstraints } from "../helpers/witnessTools.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { QuantizationRangeError, VisibilityError } from "../../sdk/core/src/errors.ts";
import { circuitInput } from "../../sdk/core/src/prove/circuitInput.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { fromField, toFixed } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { MODE_LIMITS } from "../../sdk/core/src/quantize/modeLimits.ts";
import { outputCommitment } from "../../sdk/core/src/quantize/outputCommitment.ts";
import { packWeights } from "../../sdk/core/src/quantize/packedWeights.ts";
import { privateWeightCommitment } from "../../sdk/core/src/quantize/weightCommitment.ts";
import { rebindWeights } from "../../sdk/node/src/quantize/rebindWeights.ts";
import type { LinearOp, QuantizedModel } from "../../sdk/core/src/quantize/types.ts";
import { weightCommitment } from "../../sdk/core/src/quantize/weightCommitment.ts";
import { pytorchCnn } from "../helpers/cnnModel.ts";
import { caseRows, opCases } from "../helpers/opCases.ts";
import { compileCircuit } from "../../sdk/node/src/circuit/compileCircuit.ts";
import {
  expectedPublicSignals,
  generateCircuit,
} from "../../sdk/node/src/circuit/generateCircuit.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { BUILD } from "../helpers/templateHarness.ts";

const ROOT = join(import.meta.dirname, "../..");

/** The model's outputs as the circuit's public signals carry them (or their commitment). */
async function prove(c: CompileModelReturnType, model: QuantizedModel, input: bigint[]) {
  const witness = await calculateWitness({
    wasm: c.circuit.wasm,
    input: circuitInput({ model, input, weights: "private" }),
  });
  const signals = witness.slice(1, 1 + c.publicSignals.layout.nPublic);
  return { witness, signals };
}

/** Another weight set of the same architecture: last layer negated, seeded +-1 noise elsewhere. */
function otherWeights(model: QuantizedModel, seed: number): QuantizedModel {
  const rnd = mulberry32({ seed });
  const copy = structuredClone(model);
  const linear = copy.layers.filter((op): op is LinearOp => op.kind === "linear" && !!op.param);
  linear.forEach((op, i) => {
    const last = i === linear.length - 1;
    const noise = new Map<number, bigint>();
    op.weight = op.weight.map((w, t) => {
      const id = op.param![t];
      if (!noise.has(id)) noise.set(id, BigInt(Math.floor(rnd() * 3) - 1));
      return last ? -w : w + noise.get(id)!;
    });
    if (last) op.bias = op.bias.map((b) => -b);
  });
  return copy;
}

describe("private weights (one verifier per architecture) and hashed outputs", function () {
  this.timeout(600_000);
  const iris = loadIris();
  let c: CompileModelReturnType;
  let r1cs: R1csConstraints;
  before(async function () {
    c = await compileModel({
      model: join(ROOT, "models/iris-mlp.onnx"),
      outDir: join(BUILD, "iris-private"),
      calibration: iris.features,
      weightVisibility: "private",
      outputVisibility: "hashed",
    });
    r1cs = await loadR1cs(c.circuit.r1cs);
  });

  it("exposes [weightCommitment, outputCommitment, inputs] and records the visibility", function () {
    expect(c.publicSignals.names).to.deep.equal([
      "weightCommitment",
      "outputCommitment",
      "in[0]",
      "in[1]",
      "in[2]",
      "in[3]",
    ]);
    expect(c.manifest.visibility).to.deep.equal({
      weights: "private",
      input: "public",
      output: "hashed",
      submitter: "none",
    });
    expect(c.weightCommitment).to.equal(privateWeightCommitment({ model: c.quantized }));
    expect(c.weightCommitment).to.not.equal(weightCommitment({ model: c.quantized }));
  });

  it("computes the evaluator's outputs (as their commitment) and the weight commitment, on random and boundary inputs", async function () {
    const rnd = mulberry32({ seed: 11 });
    const rows = [
      [0, 0, 0, 0],
      [7.9, 4.4, 6.9, 2.5],
      ...Array.from({ length: 12 }, () => [4 + 4 * rnd(), 2 + 2.5 * rnd(), 1 + 6 * rnd(), rnd()]),
      [100, 100, 100, 100],
    ];
    let proven = 0;
    for (const row of rows) {
      const input = row.map((x) => toFixed(x, c.quantized.inputFrac));
      let expected: bigint[] | null = null;
      try {
        expected = evaluateQuantized({ model: c.quantized, input }).outputs;
      } catch (e) {
        expect(e).to.be.instanceOf(QuantizationRangeError);
      }
      const result = await prove(c, c.quantized, input).catch(() => null);
      if (expected === null) {
        expect(result, `row ${row} must have no witness`).to.equal(null);
        continue;
      }
      expect(result, `row ${row}`).to.not.equal(null);
      expect(failingConstraints(r1cs, result!.witness)).to.deep.equal([]);
      expect(result!.signals[0]).to.equal(c.weightCommitment);
      expect(result!.signals[1]).to.equal(outputCommitment({ outputs: expected }));
      proven++;
    }
    expect(proven).to.be.at.least(rows.length - 1);
  });

  it("proves another weight set of the same architecture with the same circuit, under its own commitment", async function () {
    const other = otherWeights(c.quantized, 5);
    const theirs = privateWeightCommitment({ model: other });
    expect(theirs).to.not.equal(c.weightCommitment);
    for (const row of iris.features.slice(0, 10)) {
      const input = row.map((x) => toFixed(x, c.quantized.inputFrac));
      const mine = evaluateQuantized({ model: c.quantized, input }).outputs;
      const expected = evaluateQuantized({ model: other, input }).outputs;
      expect(expected).to.not.deep.equal(mine);
      const { witness, signals } = await prove(c, other, input);
      expect(failingConstraints(r1cs, witness)).to.deep.equal([]);
      expect(signals[0]).to.equal(theirs);
      expect(signals[1]).to.equal(outputCommitment({ outputs: expected }));
    }
  });

  it("rebinds a fine-tuned copy of the float model to the compiled scales, and proves it with the same circuit", async function () {
    const tuned = structuredClone(c.ir);
    const rnd = mulberry32({ seed: 9 });
    for (const node of tuned.nodes)
      if (node.op === "Dense")
        node.weight.data = node.weight.data.map((w) => w * (0.9 + 0.1 * rnd()));
    const rebound = rebindWeights({ model: c.quantized, ir: tuned });
    const commitment = privateWeightCommitment({ model: rebound });
    expect(commitment).to.not.equal(c.weightCommitment);
    const input = iris.features[70].map((x) => toFixed(x, c.quantized.inputFrac));
    const { outputs } = evaluateQuantized({ model: rebound, input });
    const { witness, signals } = await prove(c, rebound, input);
    expect(failingConstraints(r1cs, witness)).to.deep.equal([]);
    expect(signals.slice(0, 2)).to.deep.equal([commitment, outputCommitment({ outputs })]);
    const other = structuredClone(c.ir);
    other.nodes = other.nodes.slice(0, -1);
    expect(() => rebindWeights({ model: c.quantized, ir: other })).to.throw(VisibilityError);
  });

  it("rejects a witness whose weights differ from the committed ones", async function () {
    const input = iris.features[0].map((x) => toFixed(x, c.quantized.inputFrac));
    const { witness } = await prove(c, c.quantized, input);
    const symbols = readSymbols(c.circuit.sym);
    const firstOp = packWeights({ model: c.quantized })[0].op;
    for (const name of [`main.w${firstOp}[0]`, `main.b${firstOp}[0]`]) {
      const forged = forgeWitness({
        witness,
        symbols,
        changes: { [name]: witness[symbols.get(name)!] + 1n },
      });
      expect(failingConstraints(r1cs, forged), name).to.not.be.empty;
    }
  });

  it("refuses to pack weights outside the bounds the limbs are sized for, naming the op", function () {
    const bad = structuredClone(c.quantized);
    const op = bad.layers.find((o): o is LinearOp => o.kind === "linear")!;
    op.weight[3] = 1n << BigInt(MODE_LIMITS[bad.mode].weightBits);
    expect(() => packWeights({ model: bad }))
      .to.throw(QuantizationRangeError)
      .with.property("message")
      .that.contains(op.name);
  });
});

describe("private weights in a CNN: kernels committed once, shared by every position", function () {
  this.timeout(600_000);
  it("computes the evaluator's outputs, with one weight element per kernel tap and channel group", async function () {
    const { bytes } = pytorchCnn({
      size: 10,
      channels: [3, 4],
      kernel: 3,
      hidden: [8],
      classes: 4,
    });
    const dir = join(BUILD, "cnn-private");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "cnn.onnx");
    writeFileSync(file, bytes);
    const rnd = mulberry32({ seed: 3 });
    const rows = Array.from({ length: 24 }, () => Array.from({ length: 100 }, rnd));
    const c = await compileModel({
      model: file,
      outDir: dir,
      calibration: rows,
      weightVisibility: "private",
      inputVisibility: "hashed",
    });
    const packed = packWeights({ model: c.quantized });
    const conv = c.ir.nodes.filter((n) => n.op === "Conv");
    conv.forEach((node, i) => {
      const [m, cin, kh, kw] = node.op === "Conv" ? node.weight.shape : [];
      const groups = Math.ceil(m / packed[i].perElement);
      expect(packed[i].weightElements.length, node.name).to.equal(groups * cin * kh * kw);
    });
    const r1cs = await loadR1cs(c.circuit.r1cs);
    for (const row of rows.slice(0, 4)) {
      const input = row.map((x) => toFixed(x, c.quantized.inputFrac));
      const expected = evaluateQuantized({ model: c.quantized, input }).outputs;
      const { witness, signals } = await prove(c, c.quantized, input);
      expect(failingConstraints(r1cs, witness)).to.deep.equal([]);
      expect(signals[0]).to.equal(c.weightCommitment);
      const { outputOffset, outputCount } = c.publicSignals.layout;
      expect(signals.slice(outputOffset, outputOffset + outputCount).map(fromField)).to.deep.equal(
        expected,
      );
    }
  });

  it("refuses private weights for a model without a Gemm/MatMul/Conv op", function () {
    const model = { layers: [], inputs: [{ name: "x", shape: [1] }] } as unknown as QuantizedModel;
    expect(() => packWeights({ model })).to.throw(VisibilityError);
  });
});

describe("private weights on every Gemm/MatMul/Conv op case: the witness equals the evaluator", function () {
  this.timeout(300_000);
  opCases()
    .filter(
      (c) =>
        /Gemm|MatMul|Conv/.test(c.name) &&
        !/Softmax|ArgMax/.test(c.name) &&
        // a product of two activations has no weights to make private
        importOnnx({ file: `${c.name}.onnx`, bytes: c.bytes }).nodes.some(
          (n) => n.op === "Dense" || n.op === "Conv",
        ),
    )
    .forEach((c, index) => {
      it(c.name, async function () {
        const ir = importOnnx({ file: `${c.name}.onnx`, bytes: c.bytes });
        const rows = caseRows(c.inputShape, 3, 16, 1.5);
        const model = quantizeModel({ ir, calibration: rows });
        const gen = generateCircuit({
          model,
          weightVisibility: "private",
          outputVisibility: "hashed",
        });
        const compiled = await compileCircuit({
          source: gen.source,
          outDir: join(BUILD, "ops-private", String(index)),
          library: gen.library,
        });
        const r1cs = await loadR1cs(compiled.r1cs);
        const commitment = privateWeightCommitment({ model });
        for (const row of [
          rows[0],
          rows[1].map(() => -1.5),
          rows[1].map(() => 1.5),
          ...caseRows(c.inputShape, 9, 1, 1.5).slice(1),
        ]) {
          const input = quantizeInput({ model, input: row });
          const { outputs } = evaluateQuantized({ model, input });
          const witness = await calculateWitness({
            wasm: compiled.wasm,
            input: circuitInput({ model, input, weights: "private" }),
          });
          expect(failingConstraints(r1cs, witness)).to.deep.equal([]);
          expect(witness.slice(1, 1 + gen.publicSignals.layout.nPublic)).to.deep.equal(
            expectedPublicSignals({
              plan: gen.publicSignals,
              weightCommitment: commitment,
              input,
              outputs,
              outputCommitment: outputCommitment({ outputs }),
            }),
          );
        }
      });
    });
});
