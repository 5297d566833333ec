/**
 * A `zkml` subcommand. Each lives in sdk/node/src/cli/commands/<name>.ts and exports `command`;
 * cli/zkml.ts finds it by name, so adding a command touches no shared file.
 */
export interface Command {
  name: string;
  /** One line for `zkml help`. */
  summary: string;
  /** Full usage text for `zkml <name> --help`. */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** A check failed: invalid proof, disagreement, audit finding. */
  checkFailed: 1,
  /** Bad usage: unknown command or option. */
  usage: 2,
  /** A ZkmlError: bad input or a failed step; the message names the cause. */
  error: 3,
} as const;

/** Prints JSON with bigints as decimal strings. */
export const printJson = (value: unknown): void =>
  console.log(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2));
