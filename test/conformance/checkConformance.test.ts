import { expect } from "chai";
import { checkConformance, MIN_PASS_RATE } from "../../scripts/conformance/checkConformance.ts";
import type { ConformanceResult } from "../../scripts/conformance/conformanceCase.ts";
import { summarize } from "../../scripts/conformance/renderConformance.ts";

const META = {
  corpus: "c",
  date: "2026-11-30",
  commit: "abc",
  settings: {
    proveMaxConstraints: 0,
    maxConstraints: 1,
    tolerance: { atol: 0.01, rtol: 0.01 } as const,
    input: "public",
  },
  ms: 0,
};
const ok = (model: string): ConformanceResult => ({ model, pass: true, ms: 1 });
const bad = (model: string): ConformanceResult => ({
  model,
  pass: false,
  stage: "import",
  errorClass: "UnsupportedOpError",
  reason: "op Foo",
  ms: 1,
});
const report = (results: ConformanceResult[]) => summarize(results, META);
const names = Array.from({ length: 20 }, (_, i) => `test_${i}`);

describe("conformance: CI's check against the committed report", function () {
  it("passes an unchanged run, and one where a failing model now passes", function () {
    const baseline = report([...names.slice(0, 19).map(ok), bad(names[19])]);
    expect(checkConformance({ baseline, report: baseline })).to.deep.equal({
      ok: true,
      problems: [],
    });
    expect(checkConformance({ baseline, report: report(names.map(ok)) }).ok).to.equal(true);
  });

  it("fails when a model that passed fails now, naming it and why", function () {
    const baseline = report(names.map(ok));
    const r = checkConformance({
      baseline,
      report: report([...names.slice(1).map(ok), bad(names[0])]),
    });
    expect(r).to.deep.equal({
      ok: false,
      problems: ["test_0: passed before, now fails at import: UnsupportedOpError: op Foo"],
    });
  });

  it(`fails below ${100 * MIN_PASS_RATE}% even with no regression, and when a model was not run`, function () {
    const baseline = report([...names.slice(0, 17).map(ok), ...names.slice(17).map(bad)]);
    const lower = checkConformance({ baseline, report: baseline, minPassRate: 0.9 });
    expect(lower.problems).to.deep.equal(["pass rate 85.0% (17 of 20) is below 90%"]);
    const missing = checkConformance({ baseline, report: report(names.slice(1).map(ok)) });
    expect(missing.problems).to.deep.equal(["test_0: in the committed report but not run"]);
  });
});
