import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runConformanceCase } from "../../scripts/conformance/conformanceCase.ts";

const REPO_ROOT = resolve(import.meta.dirname, "../..");
/** CI clones the repository with shared/ beside it. */
const CORPUS = resolve(REPO_ROOT, "../shared/models/onnx-backend-pytorch");

/**
 * A fast subset of `npm run conformance` (each model: import, compile calibrated on its own
 * input, witness equal to the quantized evaluator, outputs within the stated tolerance of
 * output_0.pb): models that pass today, small enough to take seconds, chosen to cover the entry
 * gate (opset-6 attributes, a 1-D Conv lowered to 2-D, Sigmoid/Tanh whose library includes
 * compare.circom, corpus data that is uninitialized memory), graphs with several inputs and
 * outputs, plus one Groth16 proof.
 */
const FAST: { model: string; prove?: boolean }[] = [
  { model: "test_operator_view", prove: true },
  { model: "test_operator_params" },
  { model: "test_PReLU_1d_multiparam" },
  { model: "test_Conv1d_pad1size1" },
  { model: "test_operator_clip" },
  { model: "test_operator_addconstant" },
  // issue 14: several inputs (concat2: two inputs; chunk: a Split into two outputs), variadic Min
  { model: "test_operator_concat2" },
  { model: "test_operator_chunk" },
  { model: "test_operator_min" },
  // an embedding: Gather of a constant table by the (int64) input
  { model: "test_Embedding" },
];

function corpus(): string {
  if (!existsSync(CORPUS))
    throw new Error(
      `the conformance corpus is missing: expected ${CORPUS} (the shared models, cloned beside the repository as ../shared)`,
    );
  return CORPUS;
}

describe("conformance: the ONNX backend tests exported by PyTorch (fast subset)", function () {
  this.timeout(300_000);
  let build: string;
  before(() => (build = mkdtempSync(join(tmpdir(), "zkml-conformance-"))));
  after(() => rmSync(build, { recursive: true, force: true }));

  it("finds the corpus beside the repository", function () {
    expect(existsSync(join(corpus(), "test_Linear/model.onnx"))).to.equal(true);
  });

  for (const { model, prove } of FAST) {
    it(`${model}${prove ? " (Groth16 prove + verify)" : ""}`, async function () {
      const r = await runConformanceCase({
        dir: join(corpus(), model),
        buildDir: join(build, model),
        proveMaxConstraints: prove ? Infinity : 0,
      });
      expect(r.pass, `${r.stage}: ${r.errorClass}: ${r.reason}`).to.equal(true);
      expect(r.maxAbsError).to.be.at.most(r.tolerance!);
      if (prove) expect(r.proved).to.equal(true);
    });
  }
});
