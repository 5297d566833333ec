#!/usr/bin/env node
// The `zkml` command line. Each subcommand is a thin layer over the SDK (@zkml-verify/node) and lives in
// sdk/node/src/cli/commands/<name>.ts (see sdk/node/src/cli/command.ts).
import { existsSync, readdirSync } from "node:fs";
import { extname, join } from "node:path";
import { ZkmlError } from "@zkml-verify/core/internal/errors";
import { EXIT } from "./command.ts";
import type { Command } from "./command.ts";

const COMMANDS_DIR = join(import.meta.dirname, "commands");
/** .ts when run from source, .js when run from the built package. */
const EXT = extname(import.meta.filename);

async function load(name: string): Promise<Command | undefined> {
  const file = join(COMMANDS_DIR, `${name}${EXT}`);
  if (!/^[a-z][a-z-]*$/.test(name) || !existsSync(file)) return undefined;
  return ((await import(file)) as { command: Command }).command;
}

async function usage(): Promise<string> {
  const names = readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith(EXT) && !f.endsWith(`.d${EXT}`))
    .map((f) => f.slice(0, -EXT.length))
    .sort();
  const commands = (await Promise.all(names.map(load))).filter(
    (c): c is Command => c !== undefined,
  );
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    "zkml <command> [options]   (zkml <command> --help for details)",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    "",
    "Exit codes: 0 success, 1 a check failed, 2 bad usage, 3 an error (the message names the cause).",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help") {
    console.log(await usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = await load(name);
  if (!command) {
    console.error(`unknown command "${name}"\n\n${await usage()}`);
    return EXIT.usage;
  }
  if (rest.includes("--help")) {
    console.log(command.usage);
    return EXIT.ok;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ZkmlError) {
      console.error(error.describe());
      process.exit(EXIT.error);
    }
    if (
      error instanceof TypeError &&
      (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
    ) {
      console.error(error.message);
      process.exit(EXIT.usage);
    }
    console.error(error);
    process.exit(EXIT.checkFailed);
  },
);
