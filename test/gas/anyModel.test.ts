import { expect } from "chai";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileModel } from "../../sdk/node/src/circuit/compileModel.ts";
import { measureGas } from "../../sdk/node/src/gas/measureGas.ts";
import { gemmReluOnnx } from "../helpers/buildOnnx.ts";
import { BUILD } from "../helpers/templateHarness.ts";

const DIR = join(BUILD, "gas-any-model");

describe("measureGas on a model other than Iris, compiled without calibration rows", () => {
  it("proves the seeded rows compile recorded and measures single and batch submissions", async () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const model = join(DIR, "tiny.onnx");
    writeFileSync(
      model,
      gemmReluOnnx({ weight: [0.5, -1, 0.25, 1.5, 0.75, -0.5], bias: [0.1, -0.2] }),
    );
    const dir = join(DIR, "build");
    await compileModel({ model, outDir: dir }); // no calibration: seeded rows, recorded
    const report = await measureGas({ dir, systems: ["groth16"], batch: [2] });
    expect(report.model).to.equal("tiny.onnx");
    expect(report.rows.map((r) => `${r.action}:${r.proofs}`)).to.deep.equal([
      "register:0",
      "setBatchVerifier:0",
      "submit:1",
      "batch:2",
    ]);
    // weight commitment + 2 outputs + 3 public inputs
    expect(report.nPublic).to.equal(6);
    expect(report.groth16Floor.publicInputs).to.equal(6 * 6_150);
    const single = report.rows.find((r) => r.action === "submit")!;
    expect(single.bare.gasUsed).to.be.greaterThan(report.groth16Floor.total);
    expect(report.gasPerProof.groth16["2"]).to.be.lessThan(single.bare.gasUsed);
  });
});
