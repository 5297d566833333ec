import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileCircuit } from "../../sdk/node/src/circuit/compileCircuit.ts";
import { sha256File } from "../../sdk/node/src/util/sha256File.ts";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import type { CompileModelReturnType } from "../../sdk/node/src/circuit/compileModel.ts";
import {
  expectedPublicSignals,
  generateCircuit,
} from "../../sdk/node/src/circuit/generateCircuit.ts";
import {
  calculateWitness,
  failingConstraints,
  forgeWitness,
  loadR1cs,
  readSymbols,
} from "../helpers/witnessTools.ts";
import { loadIris } from "../../scripts/lib/iris.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { QuantizationRangeError } from "../../sdk/core/src/errors.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { fromField, toField, toFixed } from "../../sdk/core/src/quantize/fixedPoint.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { inputCommitment } from "../../sdk/core/src/quantize/inputCommitment.ts";
import { BUILD } from "../helpers/templateHarness.ts";

const ROOT = join(import.meta.dirname, "../..");

describe("generated model circuit (Iris MLP)", function () {
  let c: CompileModelReturnType;
  before(async function () {
    c = await compileModel({
      model: join(ROOT, "models/iris-mlp.onnx"),
      outDir: join(BUILD, "iris-circuit"),
      calibration: loadIris().features,
    });
  });

  it("declares its public signals in the order of the shared layout", function () {
    const symbols = readSymbols(c.circuit.sym);
    const byWire = new Map([...symbols].map(([name, wire]) => [wire, name]));
    const declared = Array.from({ length: c.publicSignals.layout.nPublic }, (_, i) =>
      byWire.get(i + 1),
    );
    expect(declared).to.deep.equal(c.publicSignals.names.map((n) => `main.${n}`));
  });

  it("is generated deterministically: same bytes, same r1cs", async function () {
    const again = generateCircuit({ model: c.quantized, weightCommitment: c.weightCommitment });
    expect(again.source).to.equal(readFileSync(c.circuit.circuit, "utf8"));
    expect(again.source).to.match(
      /^pragma circom 2\.1\.6;\n\n\/\/ generated from model sha256 [0-9a-f]{64}, config sha256 [0-9a-f]{64}/,
    );
    const second = await compileCircuit({
      source: again.source,
      outDir: join(BUILD, "iris-circuit-again"),
    });
    expect(sha256File(second.r1cs)).to.equal(sha256File(c.circuit.r1cs));
  });

  it("computes exactly the evaluator's outputs on random and boundary inputs, and fails exactly where it does", async function () {
    const rnd = mulberry32({ seed: 7 });
    const rows = [
      [0, 0, 0, 0],
      [7.9, 4.4, 6.9, 2.5],
      [4.3, 2.0, 1.0, 0.1],
      ...Array.from({ length: 25 }, () => [
        4 + 4 * rnd(),
        2 + 2.5 * rnd(),
        1 + 6 * rnd(),
        0.1 + 2.5 * rnd(),
      ]),
      [100, 100, 100, 100],
    ];
    let proven = 0;
    for (const row of rows) {
      // toFixed, not quantizeInput: the last row is outside the calibrated input range on
      // purpose (quantizeInput would refuse it), to see the circuit fail where the evaluator does.
      const input = row.map((x) => toFixed(x, c.quantized.inputFrac));
      let expected: bigint[] | null = null;
      try {
        expected = evaluateQuantized({ model: c.quantized, input }).outputs;
      } catch (e) {
        expect(e).to.be.instanceOf(QuantizationRangeError);
      }
      const witness = await calculateWitness({
        wasm: c.circuit.wasm,
        input: { in: input.map((v) => toField(v).toString()) },
      }).catch(() => null);
      expect(
        witness === null,
        `row ${row}: circuit and evaluator disagree on whether it is provable`,
      ).to.equal(expected === null);
      if (!witness || !expected) continue;
      proven++;
      const publics = witness.slice(1, 1 + c.publicSignals.layout.nPublic);
      expect(publics).to.deep.equal(
        expectedPublicSignals({
          plan: c.publicSignals,
          weightCommitment: c.weightCommitment,
          input,
          outputs: expected,
        }),
      );
    }
    expect(proven).to.be.at.least(25);
  });

  it("rejects a witness with another weight commitment or another output", async function () {
    const r1cs = await loadR1cs(c.circuit.r1cs);
    const symbols = readSymbols(c.circuit.sym);
    const input = quantizeInput({ model: c.quantized, input: [6.3, 3.3, 6, 2.5] });
    const witness = await calculateWitness({
      wasm: c.circuit.wasm,
      input: { in: input.map((v) => toField(v).toString()) },
    });
    expect(failingConstraints(r1cs, witness)).to.deep.equal([]);
    const out0 = fromField(witness[symbols.get("main.out[0]")!]);
    const forgeries: Record<string, bigint>[] = [
      { "main.weightCommitment": c.weightCommitment + 1n },
      { "main.out[0]": toField(out0 + 1n) },
    ];
    for (const changes of forgeries) {
      expect(failingConstraints(r1cs, forgeWitness({ witness, symbols, changes }))).to.not.be.empty;
    }
  });
});

describe("generated model circuit options: argmax output, private (range-checked) input", function () {
  it("proves the argmax class instead of the logits, and rejects an out-of-range private input", async function () {
    const c = await compileModel({
      model: join(ROOT, "models/iris-mlp.onnx"),
      outDir: join(BUILD, "iris-argmax-private"),
      calibration: loadIris().features,
      output: "argmax",
      inputVisibility: "private",
    });
    expect(c.quantized.outputKind).to.equal("argmax");
    expect(c.publicSignals.names).to.deep.equal(["weightCommitment", "out[0]"]);
    expect(c.manifest.visibility.input).to.equal("private");
    const iris = loadIris();
    for (const i of [0, 60, 100, 149]) {
      const input = quantizeInput({ model: c.quantized, input: iris.features[i] });
      const { outputs, predictedClass } = evaluateQuantized({ model: c.quantized, input });
      expect(outputs).to.deep.equal([BigInt(predictedClass)]);
      const w = await calculateWitness({
        wasm: c.circuit.wasm,
        input: { in: input.map((v) => toField(v).toString()) },
      });
      expect(w[2]).to.equal(BigInt(predictedClass));
    }
    const tooBig = [1n << BigInt(c.quantized.inputBits), 0n, 0n, 0n];
    const w = await calculateWitness({
      wasm: c.circuit.wasm,
      input: { in: tooBig.map((v) => toField(v).toString()) },
    }).catch(() => null);
    expect(w).to.equal(null);
  });
});

describe("hashed input: Poseidon commitment of the packed, range-checked input", function () {
  it("exposes the same commitment as the SDK, and rejects a forged commitment", async function () {
    const c = await compileModel({
      model: join(ROOT, "models/iris-mlp.onnx"),
      outDir: join(BUILD, "iris-hashed"),
      calibration: loadIris().features,
      inputVisibility: "hashed",
    });
    expect(c.publicSignals.names.slice(0, 2)).to.deep.equal([
      "weightCommitment",
      "inputCommitment",
    ]);
    const r1cs = await loadR1cs(c.circuit.r1cs);
    const symbols = readSymbols(c.circuit.sym);
    for (const i of [3, 77]) {
      const input = quantizeInput({ model: c.quantized, input: loadIris().features[i] });
      const { outputs } = evaluateQuantized({ model: c.quantized, input });
      const w = await calculateWitness({
        wasm: c.circuit.wasm,
        input: { in: input.map((v) => toField(v).toString()) },
      });
      const commitment = inputCommitment({ model: c.quantized, input });
      expect(w.slice(1, 1 + c.publicSignals.layout.nPublic)).to.deep.equal(
        expectedPublicSignals({
          plan: c.publicSignals,
          weightCommitment: c.weightCommitment,
          input,
          outputs,
          inputCommitment: commitment,
        }),
      );
      const forged = forgeWitness({
        witness: w,
        symbols,
        changes: { "main.inputCommitment": commitment + 1n },
      });
      expect(failingConstraints(r1cs, forged)).to.not.be.empty;
    }
    console.log(`      Iris with hashed input: ${c.circuit.constraints} constraints`);
  });
});
