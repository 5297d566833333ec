import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, extname } from "node:path";
import { ZkmlError } from "@zkml-verify/core/internal/errors";
import { runChild } from "../util/runChild.ts";

export interface PtauRun {
  ms: number;
  /** CPU time of all the child's threads (less sensitive to other load than wall time). */
  cpuMs: number;
  /** Peak resident set size of the child process (process.resourceUsage().maxRSS). */
  peakBytes: number;
}

export interface MeasurePtauReturnType {
  power: number;
  ours: PtauRun;
  snarkjs?: PtauRun;
  /** snarkjs wall time / ours, when the baseline ran (cpuRatio: the same for CPU time). */
  ratio?: number;
  cpuRatio?: number;
}

/** The child script, .ts from source or .js from the built package. */
const CHILD = join(import.meta.dirname, "ptau", `measureChild${extname(import.meta.filename)}`);

async function runOnce(which: "ours" | "snarkjs", power: number): Promise<PtauRun> {
  const dir = mkdtempSync(join(tmpdir(), `zkml-ptau-${which}-`));
  try {
    const r = await runChild({
      command: process.execPath,
      args: [CHILD, which, String(power), dir],
    });
    const last = r.stdout.trim().split("\n").pop() ?? "";
    if (r.code !== 0 || !last.startsWith("{")) {
      throw new ZkmlError(`ptau measurement (${which}, 2^${power}) failed`, {
        details: { which, power, stderr: r.stderr.slice(-2000) },
      });
    }
    return JSON.parse(last) as PtauRun;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Times the fast local ceremony (createPtau) against snarkjs's own path (new accumulator +
 * one contribution + prepare phase 2) at the same power, each in a fresh child process
 * (one after the other, so they do not share the CPU), with the child's peak memory.
 *
 * @example
 * const { ours, snarkjs, ratio } = await measurePtau({ power: 12, baseline: true });
 */
export async function measurePtau(p: {
  power: number;
  baseline: boolean;
}): Promise<MeasurePtauReturnType> {
  const ours = await runOnce("ours", p.power);
  if (!p.baseline) return { power: p.power, ours };
  const base = await runOnce("snarkjs", p.power);
  return {
    power: p.power,
    ours,
    snarkjs: base,
    ratio: base.ms / ours.ms,
    cpuRatio: base.cpuMs / ours.cpuMs,
  };
}
