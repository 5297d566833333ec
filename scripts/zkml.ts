#!/usr/bin/env node
// The `zkml` command line. Each subcommand is a thin layer over the SDK (sdk/src).
import { parseArgs } from "node:util";
import { ZkmlError } from "../sdk/src/errors.ts";

const USAGE = `zkml <command> [options]

Commands:
  demo [--sample N] [--json]   the whole pipeline on the bundled Iris model, on Hardhat's in-process chain

Exit codes: 0 success, 1 a check failed, 2 bad usage, 3 a ZkmlError (the message names the cause).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "demo": {
      const { values } = parseArgs({
        args: rest,
        options: { sample: { type: "string" }, json: { type: "boolean" } },
      });
      const { demoCommand } = await import("./cli/demoCommand.ts");
      return demoCommand({
        sample: values.sample === undefined ? undefined : Number(values.sample),
        json: values.json,
      });
    }
    case undefined:
    case "help":
    case "--help":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ZkmlError) {
      console.error(error.describe());
      process.exit(3);
    }
    console.error(error);
    process.exit(1);
  },
);
