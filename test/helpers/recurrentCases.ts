import { floats, ints, model, node } from "./opCases.ts";
import type { OpCase } from "./opCases.ts";
import type { OnnxInitializerSpec } from "./buildOnnx.ts";

/**
 * Per-op cases for LSTM, GRU and RNN, built the way torch.onnx.export writes nn.LSTM / nn.GRU /
 * nn.RNN (W, R, B initializers in ONNX gate order, zero initial states as constants, Y squeezed
 * or transposed and reshaped after a bidirectional node); part of opCases(). Tolerances: the
 * per-step error bound of sdk/node/src/quantize/README.md ("Recurrent nets"), at the case's
 * sequence length.
 */

/** Weights as PyTorch initializes them: U(-1/sqrt(H), 1/sqrt(H)). */
const params = (dirs: number, gates: number, I: number, H: number): OnnxInitializerSpec[] => [
  floats("W", [dirs, gates * H, I], 1 / Math.sqrt(H)),
  floats("R", [dirs, gates * H, H], 1 / Math.sqrt(H)),
  floats("B", [dirs, 2 * gates * H], 1 / Math.sqrt(H)),
];
const constant = (name: string, shape: number[], value?: number): OnnxInitializerSpec =>
  value === 0
    ? { name, shape, data: new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0) }
    : floats(name, shape, 0.5);

/**
 * Per-step error of one cell whose incoming state is exact (float units, accuracy mode, rho =
 * 2^-12; derivation in sdk/node/src/quantize/README.md, "Recurrent nets"): with the Sigmoid /
 * Tanh `piecewise` errors eps_s, eps_t <= 1.1 rho and N = ||W|| + ||R|| + 1 <= 8 (the cases'
 * weights), LSTM (13.5 + 1.75 N) rho, GRU (11.4 + 0.75 N) rho, RNN (1.1 + N + 1) rho.
 */
export const RECURRENT_STEP_ERROR = { LSTM: 0.007, GRU: 0.005, RNN: 0.003 } as const;

/**
 * The stated tolerance after `steps` steps: the per-step errors add up (a non-expansive cell,
 * step Jacobian norm <= 1, as trained and PyTorch-initialized cells are); an expansive cell
 * multiplies them by up to ||R||^t instead (README).
 */
export const recurrentBound = (p: { op: keyof typeof RECURRENT_STEP_ERROR; steps: number }) =>
  p.steps * RECURRENT_STEP_ERROR[p.op];

export function recurrentCases(): OpCase[] {
  return [
    model({
      name: "LSTM (nn.LSTM export: zero initial states, Y squeezed), seq 3",
      input: [3, 1, 3],
      output: [3, 1, 2],
      init: [
        ...params(1, 4, 3, 2),
        constant("h0", [1, 1, 2], 0),
        constant("c0", [1, 1, 2], 0),
        ints("axes", [1]),
      ],
      nodes: [
        node("LSTM", ["x", "W", "R", "B", "", "h0", "c0"], ["Y", "Yh", "Yc"], { hidden_size: 2 }),
        node("Squeeze", ["Y", "axes"], ["y"]),
      ],
      tolerance: recurrentBound({ op: "LSTM", steps: 3 }),
    }),
    model({
      name: "LSTM bidirectional, constant initial states, Y_c; seq 2",
      input: [2, 1, 2],
      output: [2, 1, 2],
      init: [...params(2, 4, 2, 2), constant("h0", [2, 1, 2]), constant("c0", [2, 1, 2])],
      nodes: [
        node("LSTM", ["x", "W", "R", "B", "", "h0", "c0"], ["", "", "y"], {
          direction: "bidirectional",
          hidden_size: 2,
        }),
      ],
      tolerance: recurrentBound({ op: "LSTM", steps: 2 }),
    }),
    model({
      name: "GRU (nn.GRU export: linear_before_reset, batch 2, Y_h), seq 2",
      input: [2, 2, 3],
      output: [1, 2, 3],
      init: [...params(1, 3, 3, 3)],
      nodes: [
        node("GRU", ["x", "W", "R", "B"], ["", "y"], { hidden_size: 3, linear_before_reset: 1 }),
      ],
      tolerance: recurrentBound({ op: "GRU", steps: 2 }),
    }),
    model({
      name: "GRU bidirectional, initial_h from the input, Y transposed and reshaped (PyTorch); seq 2",
      input: [4, 1, 2],
      output: [2, 1, 4],
      init: [
        ...params(2, 3, 2, 2),
        ints("starts", [2]),
        ints("ends", [4]),
        ints("axis0", [0]),
        ints("shape", [2, 1, 4]),
        ints("hstart", [0]),
        ints("hend", [2]),
      ],
      nodes: [
        // x [4, 1, 2]: rows 2..3 are the sequence, rows 0..1 the two directions' initial states
        node("Slice", ["x", "starts", "ends", "axis0"], ["seq"]),
        node("Slice", ["x", "hstart", "hend", "axis0"], ["h0"]),
        node("GRU", ["seq", "W", "R", "B", "", "h0"], ["Y"], {
          direction: "bidirectional",
          hidden_size: 2,
        }),
        node("Transpose", ["Y"], ["Yt"], { perm: [0, 2, 1, 3] }),
        node("Reshape", ["Yt", "shape"], ["y"]),
      ],
      tolerance: recurrentBound({ op: "GRU", steps: 2 }),
    }),
    model({
      name: "RNN reverse, constant initial_h and full sequence_lens, Y; seq 4",
      input: [4, 1, 3],
      output: [4, 1, 1, 4],
      init: [
        ...params(1, 1, 3, 4),
        constant("h0", [1, 1, 4]),
        { name: "lens", shape: [1], data: [4], dataType: "int32" },
      ],
      nodes: [
        node("RNN", ["x", "W", "R", "B", "lens", "h0"], ["y"], {
          direction: "reverse",
          hidden_size: 4,
        }),
      ],
      tolerance: recurrentBound({ op: "RNN", steps: 4 }),
    }),
    model({
      name: "RNN (nn.RNN(nonlinearity='relu') export: activations [Relu, Relu]), bidirectional, Y_h; seq 3",
      input: [3, 1, 2],
      output: [2, 1, 3],
      init: [...params(2, 1, 2, 3)],
      nodes: [
        node("RNN", ["x", "W", "R", "B"], ["", "y"], {
          activations: { type: "strings", value: ["Relu", "Relu"] },
          direction: "bidirectional",
          hidden_size: 3,
        }),
      ],
      tolerance: recurrentBound({ op: "RNN", steps: 3 }),
    }),
  ];
}
