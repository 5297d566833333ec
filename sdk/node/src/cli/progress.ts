/** Colour and style escape sequences (ESC [ ... m). */
const ANSI_SGR = /\x1b\[[0-9;]*m/g;

/**
 * Progress for long CLI steps, always on stderr (stdout carries only the result, so `--json`
 * output stays machine-readable and progress stays visible in both modes): `» label`, then
 * `  done in 1.23 s`. On a terminal a ticking elapsed-time line is redrawn in place; when
 * stderr is not a terminal (a pipe, a file, CI) no control codes are written.
 */
export function progress() {
  const tty = Boolean(process.stderr.isTTY);
  // Tools' own colour codes (circom2's) are dropped too when stderr is not a terminal.
  const write = (s: string) => process.stderr.write(tty ? s : s.replace(ANSI_SGR, ""));
  return {
    log: (line: string) => write(`  ${line}\n`),
    async step<T>(label: string, f: () => Promise<T>): Promise<T> {
      write(`» ${label}\n`);
      const start = performance.now();
      const seconds = () => ((performance.now() - start) / 1000).toFixed(0);
      const timer = tty ? setInterval(() => write(`\r  … ${seconds()} s`), 1000) : undefined;
      let ok = false;
      try {
        const result = await f();
        ok = true;
        return result;
      } finally {
        if (timer) {
          clearInterval(timer);
          write("\r\x1b[K");
        }
        const elapsed = ((performance.now() - start) / 1000).toFixed(2);
        write(ok ? `  done in ${elapsed} s\n` : `  failed after ${elapsed} s\n`);
      }
    },
  };
}
