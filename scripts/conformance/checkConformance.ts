import type { ConformanceReport } from "./renderConformance.ts";

/** The pass rate CI holds the full corpus to (issue 14: at least 90%). */
export const MIN_PASS_RATE = 0.9;

export interface CheckConformanceReturnType {
  ok: boolean;
  /** What fails the check, one line each (empty when ok). */
  problems: string[];
}

/**
 * CI's conformance gate: a full run (`report`) fails when its pass rate is below
 * `minPassRate`, when a model that passes in the committed `baseline` fails now, or when a
 * baseline model was not run at all (nothing is skipped silently).
 *
 * @example
 * const { ok, problems } = checkConformance({ baseline, report });
 */
export function checkConformance(p: {
  baseline: ConformanceReport;
  report: ConformanceReport;
  minPassRate?: number;
}): CheckConformanceReturnType {
  const min = p.minPassRate ?? MIN_PASS_RATE;
  const problems: string[] = [];
  const rate = p.report.passed / Math.max(1, p.report.total);
  if (rate < min)
    problems.push(
      `pass rate ${(100 * rate).toFixed(1)}% (${p.report.passed} of ${p.report.total}) is below ${100 * min}%`,
    );
  const now = new Map(p.report.results.map((r) => [r.model, r]));
  for (const before of p.baseline.results) {
    const r = now.get(before.model);
    if (!r) problems.push(`${before.model}: in the committed report but not run`);
    else if (before.pass && !r.pass)
      problems.push(
        `${r.model}: passed before, now fails at ${r.stage}: ${r.errorClass}: ${r.reason}`,
      );
  }
  return { ok: problems.length === 0, problems };
}
