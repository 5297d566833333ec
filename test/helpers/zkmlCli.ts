import { execFile } from "node:child_process";
import { ROOT, ZKML_CLI } from "./root.ts";

export interface ZkmlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the zkml CLI (from source) as a separate process, as a user or script runs it; resolves
 * with its exit code and full output. `env` adds variables (e.g. ZKML_PRIVATE_KEY); `cwd` is
 * the user's directory (default: the repository).
 *
 * @example
 * const { code, stdout } = await runZkml(["compile", model, "--out", dir, "--json"]);
 */
export function runZkml(
  args: string[],
  env: Record<string, string> = {},
  cwd: string = ROOT,
): Promise<ZkmlRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...ZKML_CLI, ...args],
      { cwd, maxBuffer: 1 << 24, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
