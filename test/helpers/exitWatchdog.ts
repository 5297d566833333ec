import { releaseSnarkjs } from "../../sdk/core/src/util/snarkjsLogger.ts";

/** How long the test process may stay alive after mocha's last test. */
export const EXIT_GRACE_MS = 120_000;

/**
 * Mocha's last hook (hardhat.config.ts): terminates the shared curve's worker threads, then
 * arms an unreferenced timer. A process still alive EXIT_GRACE_MS later is held by something a
 * test left referenced (a worker thread, a server, a child process): the timer names what is
 * active and exits 1, so CI fails with the cause instead of waiting out its own time limit.
 */
export async function afterAllTests(): Promise<void> {
  await releaseSnarkjs();
  setTimeout(() => {
    const held = process.getActiveResourcesInfo().join(", ") || "nothing Node reports";
    console.error(
      `the test process is still alive ${EXIT_GRACE_MS / 1000} s after the last test; active: ${held}`,
    );
    process.exit(1);
  }, EXIT_GRACE_MS).unref();
}
