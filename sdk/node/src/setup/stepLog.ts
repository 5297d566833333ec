/** One timed step of a long run, for the step log and `--json` output. */
export interface StepRecord {
  step: string;
  ms: number;
  /** Resident set size when the step ended, and the process's peak so far (bytes). */
  rssBytes: number;
  peakRssBytes: number;
}

export interface StepLog {
  steps: StepRecord[];
  /** Runs `f` as a named step: logs "» step" before and "  done in x s" after. */
  run<T>(step: string, f: () => Promise<T> | T): Promise<T>;
}

/**
 * A step log with wall time and memory per step; lines go to `onProgress`.
 *
 * @example
 * const log = stepLog(console.log);
 * await log.run("tau powers", () => work());
 * console.log(log.steps); // [{ step: "tau powers", ms: 812, rssBytes: ..., peakRssBytes: ... }]
 */
export function stepLog(onProgress?: (line: string) => void): StepLog {
  const steps: StepRecord[] = [];
  return {
    steps,
    async run(step, f) {
      onProgress?.(`» ${step}`);
      const start = performance.now();
      const r = await f();
      const ms = performance.now() - start;
      steps.push({
        step,
        ms,
        rssBytes: process.memoryUsage.rss(),
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      });
      onProgress?.(`  done in ${(ms / 1000).toFixed(2)} s`);
      return r;
    },
  };
}
