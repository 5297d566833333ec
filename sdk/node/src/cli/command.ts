/**
 * A `zkml` subcommand. Each lives in sdk/node/src/cli/commands/<name>.ts, exports `command`,
 * and has a row (summary + loader) in cli/commandTable.ts, which `zkml --help` reads without
 * importing any command.
 */
export interface Command {
  name: string;
  /** Full usage text for `zkml <name> --help`; its first line is the synopsis. */
  usage: string;
  /**
   * Runs with the arguments after the command name; resolves to the exit code. Bad usage is
   * thrown as a `UsageError` (cli/args.ts), any other failure as a `ZkmlError`; never calls
   * process.exit (cli/zkml.ts exits once stdout has drained).
   */
  run(args: string[]): Promise<number>;
}

/** Exit codes scripts can rely on (README, CLI section). */
export const EXIT = {
  ok: 0,
  /** A check failed: invalid proof, disagreement, audit finding. */
  checkFailed: 1,
  /** Bad usage: unknown command or option, a missing argument, a value the option cannot take. */
  usage: 2,
  /** An error: bad input, a failed step, an unreachable node, or an unexpected exception; one line names the cause. */
  error: 3,
} as const;

export { printJson } from "./jsonConvention.ts";
