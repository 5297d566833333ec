import { join } from "node:path";
import { runChild } from "../../sdk/node/src/util/runChild.ts";

export interface Measured<T> {
  result: T;
  ms: number;
  /** CPU time of the child (user + system, all threads), from peakRss.cjs. */
  cpuMs: number;
  peakBytes: number;
}

/**
 * Runs a Node script in a child process under peakRss.cjs: wall time, peak RSS and (for our
 * stage worker) the JSON it prints after "@@result ". Throws with the child's stderr on failure.
 */
export async function runMeasured<T = unknown>(
  script: string,
  args: string[],
): Promise<Measured<T>> {
  const run = await runChild({
    command: process.execPath,
    args: [join(import.meta.dirname, "peakRss.cjs"), script, ...args],
  });
  const peak = /@@peak-rss-kb (\d+)/.exec(run.stderr);
  const cpu = /@@cpu-ms (\d+)/.exec(run.stderr);
  if (run.code !== 0) {
    throw new Error(
      `${script} ${args[0] ?? ""} failed (exit ${run.code}):\n${(run.stderr + run.stdout).slice(-3000)}`,
    );
  }
  const line = run.stdout.split("\n").find((l) => l.startsWith("@@result "));
  const result = (line ? JSON.parse(line.slice("@@result ".length)) : null) as T;
  return {
    result,
    ms: run.ms,
    cpuMs: cpu ? Number(cpu[1]) : NaN,
    peakBytes: peak ? Number(peak[1]) * 1024 : 0,
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
