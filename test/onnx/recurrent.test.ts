import { expect } from "chai";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import { setupModelDir } from "../../sdk/node/src/model/setupModelDir.ts";
import { loadModelDir } from "../../sdk/node/src/model/loadModelDir.ts";
import { evaluateFloat } from "../../sdk/node/src/onnx/evaluateFloat.ts";
import { importOnnx } from "../../sdk/node/src/onnx/importOnnx.ts";
import { runOnnx } from "../../sdk/node/src/onnx/runOnnx.ts";
import { evaluateQuantized } from "../../sdk/core/src/quantize/evaluateQuantized.ts";
import { quantizeInput } from "../../sdk/core/src/quantize/quantizeInput.ts";
import { quantizeModel } from "../../sdk/node/src/quantize/quantizeModel.ts";
import { UnsupportedOpError } from "../../sdk/core/src/errors.ts";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import type { OnnxInitializerSpec, OnnxNodeSpec } from "../helpers/buildOnnx.ts";
import { mulberry32 } from "../../sdk/core/src/util/mulberry32.ts";
import { caseRows, f, ints, node } from "../helpers/opCases.ts";
import { RECURRENT_STEP_ERROR, recurrentBound } from "../helpers/recurrentCases.ts";
import { BUILD } from "../helpers/templateHarness.ts";

const SEQ = 4;
const INPUT = 3;
const HIDDEN = 4;
const CLASSES = 2;

/**
 * nn.LSTM(3, 4, batch_first=True) + nn.Linear(4, 2) on the last step, as torch.onnx.export
 * (opset 17) writes it: Transpose to time-major, LSTM with zero initial states as constants,
 * Squeeze of the direction axis, Transpose back, Gather of step -1, Gemm(transB).
 */
function lstmClassifier(): Uint8Array {
  const k = 1 / Math.sqrt(HIDDEN);
  const rnd = mulberry32({ seed: 23 });
  // PyTorch's initialization: U(-1/sqrt(H), 1/sqrt(H))
  const floats = (name: string, shape: number[], scale: number): OnnxInitializerSpec => ({
    name,
    shape,
    data: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rnd() * 2 - 1) * scale),
  });
  return buildOnnx({
    inputs: [{ name: "x", shape: [1, SEQ, INPUT] }],
    outputs: [{ name: "logits", shape: [1, CLASSES] }],
    initializers: [
      floats("W", [1, 4 * HIDDEN, INPUT], k),
      floats("R", [1, 4 * HIDDEN, HIDDEN], k),
      floats("B", [1, 8 * HIDDEN], k),
      zeros("h0", [1, 1, HIDDEN]),
      zeros("c0", [1, 1, HIDDEN]),
      ints("axes", [1]),
      { name: "last", shape: [], data: [-1n], dataType: "int64" },
      floats("fc_w", [CLASSES, HIDDEN], k),
      floats("fc_b", [CLASSES], k),
    ],
    nodes: named([
      node("Transpose", ["x"], ["xt"], { perm: [1, 0, 2] }),
      node("LSTM", ["xt", "W", "R", "B", "", "h0", "c0"], ["Y", "Yh", "Yc"], {
        hidden_size: HIDDEN,
      }),
      node("Squeeze", ["Y", "axes"], ["Ys"]),
      node("Transpose", ["Ys"], ["out"], { perm: [1, 0, 2] }),
      node("Gather", ["out", "last"], ["h_last"], { axis: 1 }),
      node("Gemm", ["h_last", "fc_w", "fc_b"], ["logits"], { transB: 1 }),
    ]),
    opset: 17,
  });
}

const zeros = (name: string, shape: number[]): OnnxInitializerSpec => ({
  name,
  shape,
  data: new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0),
});
const named = (nodes: OnnxNodeSpec[]) => nodes.map((n, i) => ({ ...n, name: `${n.opType}_${i}` }));

describe("recurrent nets (LSTM / GRU / RNN unrolled over the sequence)", function () {
  this.timeout(600_000);

  it("nn.LSTM + Linear as PyTorch exports it: compile, Groth16 setup, prove, verify; logits within the stated bound of onnxruntime", async function () {
    const bytes = lstmClassifier();
    const dir = join(BUILD, "recurrent", "lstm");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "lstm.onnx"), bytes);
    const shape = [1, SEQ, INPUT];
    const calibration = caseRows(shape, 5, 24, 1.5);
    const c = await compileModel({ model: join(dir, "lstm.onnx"), outDir: dir, calibration });
    console.log(
      `      LSTM (seq ${SEQ}, hidden ${HIDDEN}) + Linear: ${c.circuit.constraints} constraints`,
    );
    await setupModelDir({ dir, system: "groth16" });
    const model = await loadModelDir({ dir, system: "groth16" });
    // |d logits| <= ||fc_w||_inf e_h + rounding, e_h the LSTM's bound at SEQ steps
    const tolerance = recurrentBound({ op: "LSTM", steps: SEQ }) * HIDDEN * (1 / Math.sqrt(HIDDEN));
    for (const row of caseRows(shape, 17, 2, 1.5).slice(1)) {
      const p = await model.prove({ input: row });
      expect(await model.verify({ proof: p.proof, publicSignals: p.publicSignals })).to.equal(true);
      const ort = (await runOnnx({ model: bytes, inputs: { x: { data: row, shape } } })).logits
        .data;
      p.outputs.values.forEach((v, i) =>
        expect(Math.abs(v - Number(ort[i]))).to.be.at.most(tolerance),
      );
      const forged = [...p.publicSignals];
      forged[forged.length - 1] += 1n;
      expect(await model.verify({ proof: p.proof, publicSignals: forged })).to.equal(false);
    }
  });

  it("the error against onnxruntime stays within the stated per-step bound at 8 and 16 steps (quantized evaluator)", async function () {
    const H = 8;
    for (const op of ["LSTM", "GRU", "RNN"] as const) {
      const gates = { LSTM: 4, GRU: 3, RNN: 1 }[op];
      const rnd = mulberry32({ seed: 41 });
      const w = (name: string, shape: number[]): OnnxInitializerSpec => ({
        name,
        shape,
        data: Array.from(
          { length: shape.reduce((a, b) => a * b, 1) },
          () => (rnd() * 2 - 1) / Math.sqrt(H),
        ),
      });
      const init = [
        w("W", [1, gates * H, 2]),
        w("R", [1, gates * H, H]),
        w("B", [1, 2 * gates * H]),
      ];
      for (const steps of [8, 16]) {
        const shape = [steps, 1, 2];
        const bytes = buildOnnx({
          inputs: [{ name: "x", shape }],
          outputs: [{ name: "y", shape: [1, 1, H] }],
          initializers: init,
          nodes: named([
            node(op, ["x", "W", "R", "B"], ["", "y"], {
              hidden_size: H,
              ...(op === "GRU" ? { linear_before_reset: 1 } : {}),
            }),
          ]),
        });
        const rows = caseRows(shape, 8, 12, 1.5);
        const q = quantizeModel({
          ir: importOnnx({ file: `${op}.onnx`, bytes }),
          calibration: rows,
        });
        let error = 0;
        for (const row of rows) {
          const ort = (await runOnnx({ model: bytes, inputs: { x: { data: row, shape } } })).y.data;
          const ev = evaluateQuantized({
            model: q,
            input: quantizeInput({ model: q, input: row }),
          });
          ev.values.forEach((v, i) => (error = Math.max(error, Math.abs(v - ort[i]))));
        }
        expect(error, `${op} at ${steps} steps`).to.be.at.most(recurrentBound({ op, steps }));
        // a contractive cell does not accumulate: about one step's error (README's measurements)
        expect(error, `${op} at ${steps} steps`).to.be.below(2 * RECURRENT_STEP_ERROR[op]);
      }
    }
  });

  it("a 2-layer bidirectional nn.LSTM as PyTorch exports it (Transpose + Reshape between the layers, h_n the Concat of the layers' Y_h): float exact, quantized within the bound", async function () {
    const H = 3;
    const rnd = mulberry32({ seed: 43 });
    const w = (name: string, shape: number[]): OnnxInitializerSpec => ({
      name,
      shape,
      data: Array.from(
        { length: shape.reduce((a, b) => a * b, 1) },
        () => (rnd() * 2 - 1) / Math.sqrt(H),
      ),
    });
    const shape = [1, 3, 2];
    const bytes = buildOnnx({
      inputs: [{ name: "x", shape }],
      outputs: [
        { name: "out", shape: [1, 3, 2 * H] },
        { name: "h_n", shape: [4, 1, H] },
      ],
      initializers: [
        w("W0", [2, 4 * H, 2]),
        w("R0", [2, 4 * H, H]),
        w("B0", [2, 8 * H]),
        w("W1", [2, 4 * H, 2 * H]),
        w("R1", [2, 4 * H, H]),
        w("B1", [2, 8 * H]),
        zeros("h0", [2, 1, H]),
        zeros("c0", [2, 1, H]),
        ints("rows", [0, 0, -1]),
      ],
      nodes: named([
        node("Transpose", ["x"], ["xt"], { perm: [1, 0, 2] }),
        node("LSTM", ["xt", "W0", "R0", "B0", "", "h0", "c0"], ["Y0", "h0n", "c0n"], {
          direction: "bidirectional",
          hidden_size: H,
        }),
        node("Transpose", ["Y0"], ["Y0t"], { perm: [0, 2, 1, 3] }),
        node("Reshape", ["Y0t", "rows"], ["l1"]),
        node("LSTM", ["l1", "W1", "R1", "B1", "", "h0", "c0"], ["Y1", "h1n", "c1n"], {
          direction: "bidirectional",
          hidden_size: H,
        }),
        node("Transpose", ["Y1"], ["Y1t"], { perm: [0, 2, 1, 3] }),
        node("Reshape", ["Y1t", "rows"], ["l2"]),
        node("Transpose", ["l2"], ["out"], { perm: [1, 0, 2] }),
        node("Concat", ["h0n", "h1n"], ["h_n"], { axis: 0 }),
      ]),
      opset: 17,
    });
    const ir = importOnnx({ file: "lstm2.onnx", bytes });
    const rows = caseRows(shape, 12, 12, 1.5);
    const q = quantizeModel({ ir, calibration: rows });
    let floatError = 0;
    let error = 0;
    for (const row of rows) {
      const ort = await runOnnx({ model: bytes, inputs: { x: { data: row, shape } } });
      const want = [...ort.out.data, ...ort.h_n.data].map(Number);
      const float = evaluateFloat({ ir, inputs: row });
      [...float.out, ...float.h_n].forEach(
        (v, i) => (floatError = Math.max(floatError, Math.abs(v - want[i]))),
      );
      const ev = evaluateQuantized({ model: q, input: quantizeInput({ model: q, input: row }) });
      ev.values.forEach((v, i) => (error = Math.max(error, Math.abs(v - want[i]))));
    }
    expect(floatError).to.be.below(1e-5);
    // layer 2 reads layer 1's output with its error: at most twice one layer's bound
    expect(error).to.be.at.most(2 * recurrentBound({ op: "LSTM", steps: 3 }));
  });

  it("layout 1 (batch-major) means the layout-0 node between Transposes (onnxruntime has no layout-1 kernel)", async function () {
    const rnd = mulberry32({ seed: 31 });
    const w = (name: string, shape: number[]): OnnxInitializerSpec => ({
      name,
      shape,
      data: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd() - 0.5),
    });
    const init = [w("W", [2, 12, 3]), w("R", [2, 12, 4]), w("B", [2, 24]), w("h0", [2, 2, 4])];
    const build = (layout: 0 | 1) =>
      buildOnnx({
        inputs: [{ name: "x", shape: [3, 2, 3] }],
        outputs: [{ name: "y", shape: layout ? [2, 3, 2, 4] : [3, 2, 2, 4] }],
        initializers: init,
        nodes: named(
          layout
            ? [
                node("Transpose", ["x"], ["x1"], { perm: [1, 0, 2] }),
                node("Transpose", ["h0"], ["h1"], { perm: [1, 0, 2] }),
                node("GRU", ["x1", "W", "R", "B", "", "h1"], ["y"], {
                  direction: "bidirectional",
                  hidden_size: 4,
                  layout: 1,
                  linear_before_reset: 1,
                }),
              ]
            : [
                node("GRU", ["x", "W", "R", "B", "", "h0"], ["y"], {
                  direction: "bidirectional",
                  hidden_size: 4,
                  linear_before_reset: 1,
                }),
              ],
        ),
        opset: 14,
      });
    // x is time-major [3, 2, 3] for the layout-0 model; the layout-1 model transposes it
    // (and the constant h0) to batch-major in the graph, so both read the same input
    const rows = caseRows([3, 2, 3], 4, 4, 1.5);
    // y of layout 1 is [batch 2, seq 3, dirs 2, H 4]; of layout 0 [seq, dirs, batch, H]
    const timeMajor = (i: number) => {
      const [b, t, d, h] = [
        Math.floor(i / 24),
        Math.floor(i / 8) % 3,
        Math.floor(i / 4) % 2,
        i % 4,
      ];
      return ((t * 2 + d) * 2 + b) * 4 + h;
    };
    const ir1 = importOnnx({ file: "gru-layout1.onnx", bytes: build(1) });
    const ir0 = importOnnx({ file: "gru-layout0.onnx", bytes: build(0) });
    for (const row of rows) {
      const ort = (
        await runOnnx({ model: build(0), inputs: { x: { data: row, shape: [3, 2, 3] } } })
      ).y.data;
      const y1 = Object.values(evaluateFloat({ ir: ir1, inputs: row }))[0];
      y1.forEach((v, i) => expect(Math.abs(v - ort[timeMajor(i)])).to.be.below(1e-5));
      expect(Object.values(evaluateFloat({ ir: ir0, inputs: row }))[0].length).to.equal(48);
    }
    const q1 = quantizeModel({ ir: ir1, calibration: rows });
    const q0 = quantizeModel({ ir: ir0, calibration: rows });
    for (const row of rows) {
      const a = evaluateQuantized({ model: q1, input: quantizeInput({ model: q1, input: row }) });
      const b = evaluateQuantized({ model: q0, input: quantizeInput({ model: q0, input: row }) });
      // the same integers, permuted
      expect(a.outputs.map((_, i) => b.outputs[timeMajor(i)])).to.deep.equal(a.outputs);
    }
  });

  describe("what is not supported fails naming the attribute or input, the node and what is", function () {
    const rejects = (
      what: string,
      p: { attributes?: OnnxNodeSpec["attributes"]; lens?: "constant" | "input"; P?: boolean },
      message: RegExp,
    ) =>
      it(what, function () {
        const inputs = [{ name: "x", shape: [3, 1, 2] }];
        const initializers: OnnxInitializerSpec[] = [
          zeros("W", [1, 8, 2]),
          zeros("R", [1, 8, 2]),
          zeros("B", [1, 16]),
        ];
        let lens = "";
        if (p.lens === "constant") {
          initializers.push({ name: "lens", shape: [1], data: [2], dataType: "int32" });
          lens = "lens";
        } else if (p.lens === "input") {
          inputs.push({ name: "lens", shape: [1], dataType: "int32" } as never);
          lens = "lens";
        }
        if (p.P) initializers.push({ name: "P", shape: [1, 6], data: [1, 0, 0, 0, 0, 0] });
        const bytes = buildOnnx({
          inputs,
          outputs: [{ name: "y", shape: [3, 1, 1, 2] }],
          initializers,
          nodes: [
            {
              ...node("LSTM", ["x", "W", "R", "B", lens, "", "", p.P ? "P" : ""], ["y"], {
                hidden_size: 2,
                ...p.attributes,
              }),
              name: "lstm_0",
            },
          ],
        });
        let error: unknown;
        try {
          importOnnx({ file: "lstm.onnx", bytes });
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(UnsupportedOpError);
        expect((error as Error).message).to.match(/LSTM node "lstm_0"/);
        expect((error as Error).message).to.match(message);
      });
    rejects("clip", { attributes: { clip: f(3) } }, /attribute clip is not supported/);
    rejects(
      "non-default activations",
      { attributes: { activations: { type: "strings", value: ["Relu", "Tanh", "Tanh"] } } },
      /attribute activations .*relu.*only the defaults \[sigmoid,tanh,tanh\]/,
    );
    rejects(
      "sequence_lens shorter than the sequence",
      { lens: "constant" },
      /attribute sequence_lens .*lengths \[2\]: only the full static length 3/,
    );
    rejects(
      "data-dependent sequence_lens",
      { lens: "input" },
      /attribute sequence_lens .*must be a constant/,
    );
    rejects("peepholes", { P: true }, /attribute P .*peephole/);
    rejects(
      "input_forget",
      { attributes: { input_forget: 1 } },
      /attribute input_forget .*coupled input-forget/,
    );
  });
});
