#!/usr/bin/env node
// The `zkml` command line. Each subcommand is a thin layer over the SDK (@zkml-verify/node) in
// sdk/node/src/cli/commands/<name>.ts, loaded only when run (cli/commandTable.ts). Exit codes
// and error output: cli/exitCode.ts. Output is complete on a pipe: the process exits only once
// stdout and stderr have drained.
import module from "node:module";
import { UsageError } from "@zkml-verify/core/internal/errors";
import { useProverV8Flags } from "../util/v8Flags.ts";
import { nearest } from "./args.ts";
import { EXIT } from "./command.ts";
import { COMMANDS } from "./commandTable.ts";
import { errorReport } from "./exitCode.ts";

// The V8 flags for proving (util/v8Flags.ts), before any command compiles WebAssembly: however
// the CLI is started (the bin launcher, `npm run zkml`, node on this file).
useProverV8Flags();
// Node's on-disk cache of compiled JavaScript (Node >= 22.1; tsc's CLI does the same), before
// any command module loads: a later run skips compiling the command's module graph.
module.enableCompileCache?.();

const HELP_FLAGS = ["--help", "-h"];

function usage(): string {
  const names = Object.keys(COMMANDS);
  const w = Math.max(...names.map((n) => n.length));
  return [
    "zkml <command> [options]   (zkml <command> --help for details)",
    "",
    "Commands:",
    ...names.map((n) => `  ${n.padEnd(w)}  ${COMMANDS[n].summary}`),
    "",
    "Exit codes: 0 success, 1 a check failed, 2 bad usage, 3 an error (the message names the cause).",
    "Every command takes --json (the result on stdout; progress stays on stderr).",
  ].join("\n");
}

async function loadCommand(name: string) {
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    const suggestion = nearest(name, Object.keys(COMMANDS));
    throw new UsageError(
      `unknown command "${name}"${suggestion ? ` (did you mean zkml ${suggestion}?)` : ""}`,
      { details: { value: name, suggestion, expected: Object.keys(COMMANDS) } },
    );
  }
  return (await entry.load()).command;
}

let running: string | undefined;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage() + "\n");
    return EXIT.usage;
  }
  if (name === "help" || HELP_FLAGS.includes(name)) {
    const topic = name === "help" ? rest[0] : undefined;
    process.stdout.write((topic ? (await loadCommand(topic)).usage : usage()) + "\n");
    return EXIT.ok;
  }
  const command = await loadCommand(name);
  running = name;
  if (rest.some((a) => HELP_FLAGS.includes(a))) {
    process.stdout.write(command.usage + "\n");
    return EXIT.ok;
  }
  return command.run(rest);
}

/** Resolves once everything written so far to `stream` is handed to the OS. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((done) => {
    if (stream.destroyed || !stream.writable) return done();
    stream.write("", () => done());
  });
}

let exiting = false;
async function exit(code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    await Promise.all([drained(process.stdout), drained(process.stderr)]);
  }
  process.exit(code);
}

function fail(error: unknown): Promise<never> {
  const { code, text } = errorReport(error, running);
  process.stderr.write(text + "\n");
  return exit(code);
}

// A reader that stops early (`zkml ... --json | head -1`): nothing more to say, exit quietly.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(EXIT.ok);
});
process.on("uncaughtException", (e) => void fail(e));
process.on("unhandledRejection", (e) => void fail(e));

main(process.argv.slice(2)).then(exit, fail);
