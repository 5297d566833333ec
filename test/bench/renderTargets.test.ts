import { expect } from "chai";
import { renderLimits, renderTargets } from "../../scripts/bench/renderTargets.ts";
import type { PeerModel } from "../../scripts/bench/renderPeer.ts";

// Issue 15's targets table: same-run ratios from the peer rows, each target met or not.
describe("bench renderTargets", function () {
  const peer = (oursProveMs: number, oursSetupMs: number, zkeyBytes: number): PeerModel => ({
    name: "784_56_10",
    peer: {
      compile: { ms: 40_000, cpuMs: 38_000, circomMs: 40_000 },
      setup: { ms: 600_000, zkeyNewMs: 360_000, zkeyNewCpuMs: 300_000, zkeyBytes: 56.9e6 },
      witness: { ms: 3_000, cpuMs: 1_000 },
      prove: { ms: 57_000, cpuMs: 20_000 },
    },
    ours: {
      compile: { ms: 35_000, cpuMs: 30_000, circomMs: 30_000 },
      setup: { ms: oursSetupMs, cpuMs: oursSetupMs / 2, zkeyBytes },
      zkmlProve: { ms: oursProveMs, cpuMs: oursProveMs / 2 },
      warmProve: { ms: 900, cpuMs: 800 },
    },
  });
  const line = (md: string[], start: string) => md.find((l) => l.startsWith(start)) ?? "";

  it("states each target met with its same-run ratio", function () {
    const md = renderTargets([peer(10_000, 100_000, 11.7e6)], []);
    expect(line(md, "| fresh `zkml prove`")).to.contain(
      "| 60.0 s | 10.0 s | 6.00 | 4.20 | wall **met**, CPU **not met** |",
    );
    expect(line(md, "| uncached `zkml setup`")).to.contain(
      "| 3.60 | 6.00 | wall **met**, CPU **met** |",
    );
    expect(line(md, "| our compile")).to.contain("0.88 (ours / peer; circom2 alone 0.75)");
    expect(line(md, "| zkey <= 15 MB")).to.contain("| 11.7 MB |");
    expect(line(md, "| zkey <= 15 MB")).to.contain("**met**");
    expect(line(md, "| warm prove")).to.contain(
      "| 0.90 s | | CPU 0.80 s | wall **met**, CPU **met** |",
    );
  });

  it("says plainly when a target is not met", function () {
    const md = renderTargets([peer(20_000, 200_000, 16e6)], []);
    expect(line(md, "| fresh `zkml prove`")).to.contain("| 3.00 |").and.to.contain("**not met**");
    expect(line(md, "| uncached `zkml setup`"))
      .to.contain("| 1.80 |")
      .and.to.contain("**not met**");
    expect(line(md, "| zkey <= 15 MB")).to.contain("**not met**");
  });

  it("renders nothing without the target model, and 'not measured' for a failed step", function () {
    expect(renderTargets([], [])).to.deep.equal([]);
    const failed = peer(10_000, 100_000, 11.7e6);
    failed.ours.zkmlProve = { error: "zkml prove failed" };
    expect(line(renderTargets([failed], []), "| fresh `zkml prove`")).to.contain("not measured");
  });

  it("divides each step by its floor", function () {
    const md = renderLimits([
      {
        name: "784_56_10",
        stages: {
          floor: {
            domainSize: 32_768,
            constraints: 17_301,
            prove: { ms: 2_000, cpuMs: 3_000 },
            setup: { ms: 10_000, cpuMs: 15_000 },
          },
          prove: { proveMs: 5_000 },
          warmProve: { ms: 3_000, cpuMs: 4_500 },
          setup: { ms: 40_000, cpuMs: 60_000 },
        },
      },
    ]);
    expect(line(md, "| 784_56_10")).to.equal(
      "| 784_56_10 | 17,301 | 2^15 | 2.00 (3.00) | 115.6 (173.4) | 5.00 | 2.50 | 3.00 (4.50) | 1.50 (1.50) | 10.0 (15.0) | 40.0 (60.0) | 4.00 (4.00) |",
    );
  });
});
