import { spawn } from "node:child_process";

export interface RunChildReturnType {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs a child process, collecting its output, with an optional line callback for progress.
 *
 * @example
 * const { code, stdout } = await runChild({ command: process.execPath, args: ["-v"] });
 */
export function runChild(p: {
  command: string;
  args: string[];
  cwd?: string;
  onLine?: (line: string) => void;
}): Promise<RunChildReturnType> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(p.command, p.args, { cwd: p.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
      if (p.onLine) for (const l of String(d).split("\n")) if (l.trim()) p.onLine(l);
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code: code ?? 1, stdout, stderr, ms: performance.now() - start }),
    );
  });
}
