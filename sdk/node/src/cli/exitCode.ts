/**
 * The CLI's error contract: how any failure becomes an exit code and what is printed on
 * stderr. `UsageError` (and node:util parseArgs errors) exit 2; every other failure exits 3 with
 * one `error: ...` line naming the cause (a `ZkmlError` adds its details, one `key: value` per
 * line); 1 stays "a check failed", which only a command's own result returns. The stack is
 * printed only with ZKML_DEBUG=1.
 */
import { UsageError, ZkmlError } from "@zkml-verify/core/internal/errors";
import { helpHint, usageErrorFrom } from "./args.ts";
import { EXIT } from "./command.ts";

export interface ErrorReport {
  code: (typeof EXIT)[keyof typeof EXIT];
  /** What is printed on stderr (no trailing newline). */
  text: string;
}

/** The exit code and stderr text for an error thrown while running `command` (if known). */
export function errorReport(error: unknown, command?: string): ErrorReport {
  const usage = error instanceof UsageError ? error : usageErrorFrom(error, command, []);
  if (usage) {
    const hint = command ? helpHint(command) : "(zkml --help lists the commands)";
    return { code: EXIT.usage, text: `error: ${usage.message} ${hint}` };
  }
  const lines =
    error instanceof ZkmlError
      ? [`error: ${error.describe()}`, ...causeLines(error.cause)]
      : [`error: ${unexpected(error)}`];
  if (process.env.ZKML_DEBUG && error instanceof Error && error.stack) lines.push(error.stack);
  return { code: EXIT.error, text: lines.join("\n") };
}

/** One line for an error that is not a ZkmlError: its name, code and the first line of its message. */
function unexpected(error: unknown): string {
  if (!(error instanceof Error)) return `unexpected failure: ${String(error)}`;
  const code = (error as { code?: unknown }).code;
  const first = error.message.split("\n")[0];
  const tag = typeof code === "string" && !first.includes(code) ? ` (${code})` : "";
  return `unexpected ${error.name}${tag}: ${first} (set ZKML_DEBUG=1 for the stack)`;
}

/** `  cause: ...` for each error in a cause chain (first line of each message). */
function causeLines(cause: unknown, depth = 0): string[] {
  if (cause === undefined || depth > 3) return [];
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  const next = cause instanceof Error ? cause.cause : undefined;
  return [`  cause: ${text.split("\n")[0]}`, ...causeLines(next, depth + 1)];
}
