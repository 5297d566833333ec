import { expect } from "chai";
import { renderMarkdown, stageKey } from "../../scripts/bench/renderMarkdown.ts";

// The benchmark report: one table per proof system, skipped stages shown with their reason.
describe("bench renderMarkdown", function () {
  const skip = "skipped: fflonk needs a ptau of 2^21, over --max-ptau-power 18";
  const report = {
    date: "2026-11-24T09:00:00.000Z",
    machine: { cpu: "test cpu", cores: 2, memoryGiB: 24, node: "v22", platform: "linux-x64" },
    settings: { load: [1.5, 1.2, 1.0] },
    models: [
      {
        name: "784_56_10",
        kind: "mlp",
        source: "test",
        stages: {
          compile: {
            ms: 1,
            peakBytes: 2 ** 20,
            constraints: 16_065,
            wires: 16_010,
            compileMs: 48_700,
          },
          [stageKey("groth16", "setup")]: { ms: 12_000, peakBytes: 1, ptauPower: 14 },
          [stageKey("groth16", "prove")]: {
            ms: 1,
            peakBytes: 700 * 2 ** 20,
            witnessMs: 486,
            proveMs: 7_080,
            verifyMs: 34,
            proofBytes: 256,
          },
          [stageKey("groth16", "sdkFullProve")]: { ms: 4_400, peakBytes: 1 },
          [stageKey("groth16", "snarkjsCliFullProve")]: { ms: 4_000, peakBytes: 1 },
          [stageKey("plonk", "setup")]: {
            ms: 95_000,
            peakBytes: 1,
            ptauPower: 18,
            domainPower: 18,
            plonkGates: 150_123,
          },
          [stageKey("plonk", "prove")]: {
            ms: 1,
            peakBytes: 3 * 2 ** 30,
            witnessMs: 500,
            proveMs: 61_000,
            verifyMs: 20,
            proofBytes: 768,
          },
          [stageKey("fflonk", "setup")]: { error: skip, skipped: true },
          [stageKey("fflonk", "prove")]: { error: skip, skipped: true },
        },
      },
    ],
  };
  const md = renderMarkdown(report);
  const section = (title: string) => md.split(`## ${title}`)[1]?.split("\n## ")[0] ?? "";

  it("renders a table per proof system with its own rows", function () {
    expect(section("Groth16: setup")).to.contain(
      "| 784_56_10 | 2^14 | 12.0 | 486 | 7.08 | 700 | 256 | 34 | 4.40 | 4.00 | 1.10 | 2.35 |",
    );
    expect(section("PLONK: setup")).to.contain(
      "| 784_56_10 | 2^18 | 150,123 | 2^18 | 95.0 | 500 | 61.0 | 3072 | 768 | 20 |",
    );
    expect(section("FFLONK: setup")).to.contain("| 784_56_10 | skipped | skipped | skipped |");
  });

  it("lists a skipped system once, with the reason", function () {
    const lines = section("Failures and skipped stages").split("\n");
    expect(lines.filter((l) => l.includes(skip))).to.deep.equal([`- 784_56_10 / fflonk: ${skip}`]);
  });

  it("states the machine load", function () {
    expect(md).to.contain("1.5 / 1.2 / 1");
  });
});
