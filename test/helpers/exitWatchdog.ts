import { releaseSnarkjs } from "../../sdk/core/src/util/snarkjsLogger.ts";

/** How long the test process may stay alive after mocha's last test. */
export const EXIT_GRACE_MS = 120_000;

/**
 * Mocha's last hook (hardhat.config.ts): terminates the shared curve's worker threads, then
 * arms an unreferenced timer. A process still alive EXIT_GRACE_MS later is held by something a
 * test left referenced (a worker thread, a server, a child process): the timer names what is
 * active and exits with the run's own code (hardhat sets process.exitCode when a test failed),
 * so CI reports the leak instead of waiting out its own time limit. Scripts a user writes are
 * held to exiting on their own by test/prove/witnessTiering.test.ts.
 */
export async function afterAllTests(): Promise<void> {
  await releaseSnarkjs();
  setTimeout(() => {
    const held = process.getActiveResourcesInfo().join(", ") || "nothing Node reports";
    console.error(
      `warning: the test process was still alive ${EXIT_GRACE_MS / 1000} s after the last test, held by: ${held}; exiting with the run's code`,
    );
    process.exit(process.exitCode ?? 0);
  }, EXIT_GRACE_MS).unref();
}
