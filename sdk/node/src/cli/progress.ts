/**
 * Progress for long CLI steps: `» label` then `  done in 1.23 s` on stderr (so --json stdout
 * stays machine-readable), with a ticking elapsed-time line on a terminal. Silent when quiet.
 */
export function progress(quiet: boolean) {
  const tty = process.stderr.isTTY && !quiet;
  const write = (s: string) => {
    if (!quiet) process.stderr.write(s);
  };
  return {
    log: (line: string) => write(`  ${line}\n`),
    async step<T>(label: string, f: () => Promise<T>): Promise<T> {
      write(`» ${label}\n`);
      const start = performance.now();
      const timer = tty
        ? setInterval(
            () =>
              process.stderr.write(`\r  … ${((performance.now() - start) / 1000).toFixed(0)} s`),
            1000,
          )
        : undefined;
      try {
        return await f();
      } finally {
        if (timer) {
          clearInterval(timer);
          process.stderr.write("\r\x1b[K");
        }
        write(`  done in ${((performance.now() - start) / 1000).toFixed(2)} s\n`);
      }
    },
  };
}
