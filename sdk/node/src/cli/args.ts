/**
 * Argument parsing for every `zkml` command: node:util `parseArgs` (strict), with its errors
 * turned into a `UsageError` (exit 2) that names the wrong or missing option and the nearest
 * valid one. Commands check their positionals and option values with the helpers below, so a
 * usage error reads the same in every command.
 *
 * Why parseArgs and not commander/yargs: both own `process.exit` and the help output (the CLI
 * must exit only after stdout drains, with the exit codes of `EXIT`), and they register every
 * command's options up front, against the lazy loading of `zkml --help`. The nearest-name
 * search is a 20-line edit distance rather than another dependency of the published package.
 */
import { parseArgs } from "node:util";
import { UsageError } from "@zkml-verify/core/internal/errors";

/**
 * One option as node:util `parseArgs` takes it, restated here (with the parsed values' type
 * below) so that the package's declarations need no @types/node.
 */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[] | boolean[];
}

type Options = Record<string, OptionSpec>;
type OptionValue<S extends OptionSpec> = S["type"] extends "boolean" ? boolean : string;
type Value<S extends OptionSpec> = S["multiple"] extends true ? OptionValue<S>[] : OptionValue<S>;

/** The parsed values: an option with a default is always present, any other may be absent. */
export type ParsedValues<O extends Options> = {
  -readonly [K in keyof O as O[K]["default"] extends {} ? K : never]: Value<O[K]>;
} & {
  -readonly [K in keyof O as O[K]["default"] extends {} ? never : K]?: Value<O[K]>;
};

/** `zkml <command> --help` hint appended to every usage error. */
export const helpHint = (command: string) => `(zkml ${command} --help for details)`;

/**
 * Parses `args` against `options` (strict: an unknown option or a missing value is a
 * `UsageError` naming the nearest valid option). Positionals are always allowed; check their
 * number with `positionalArgs`.
 */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: string[],
  options: O,
): { values: ParsedValues<O>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: parsed.values as unknown as ParsedValues<O>, positionals: parsed.positionals };
  } catch (error) {
    throw usageErrorFrom(error, command, Object.keys(options)) ?? error;
  }
}

/** A parseArgs error (code ERR_PARSE_ARGS_*) as a UsageError; undefined for anything else. */
export function usageErrorFrom(
  error: unknown,
  command: string | undefined,
  options: readonly string[],
): UsageError | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS_")) return undefined;
  const message = (error as Error).message;
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  const where = command ? `zkml ${command}` : "zkml";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) {
    const suggestion = nearest(option.replace(/^-+/, ""), options);
    return new UsageError(
      `${where}: unknown option ${option}${suggestion ? ` (did you mean --${suggestion}?)` : ""}`,
      { details: { command, option, suggestion: suggestion && `--${suggestion}` } },
    );
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
    const name = option.replace(/^-+/, "");
    const takesValue = /argument missing/.test(message);
    return new UsageError(
      takesValue
        ? `${where}: ${option} needs a value (--${name} <value>)`
        : `${where}: ${option} takes no value`,
      { details: { command, option } },
    );
  }
  return new UsageError(`${where}: ${message.split("\n")[0]}`, { details: { command } });
}

/**
 * The positionals a command takes, by name (`<dir>`): a missing one or an extra one is a
 * UsageError naming it. Returns them in order.
 */
export function positionalArgs(
  command: string,
  positionals: string[],
  names: readonly string[],
): string[] {
  if (positionals.length < names.length) {
    const missing = names[positionals.length];
    throw new UsageError(`zkml ${command}: missing ${missing}`, {
      details: { command, option: missing },
    });
  }
  if (positionals.length > names.length) {
    const extra = positionals[names.length];
    const hint = extra.startsWith("-") ? "" : ` (only ${names.join(" ") || "options"} expected)`;
    throw new UsageError(`zkml ${command}: unexpected argument "${extra}"${hint}`, {
      details: { command, value: extra },
    });
  }
  return positionals;
}

/** The value of a required option, or a UsageError naming it (`zkml prove: missing --input <file>`). */
export function requiredOption<T>(
  command: string,
  value: T | undefined,
  option: string,
  placeholder = "value",
): T {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    throw new UsageError(`zkml ${command}: missing --${option} <${placeholder}>`, {
      details: { command, option: `--${option}` },
    });
  }
  return value;
}

/**
 * An option value that must be one of `choices` (`--system groth17`: "must be one of groth16,
 * plonk, fflonk; did you mean groth16?"). undefined passes through (the command's default).
 */
export function choiceOption<C extends string>(
  command: string,
  option: string,
  value: string | undefined,
  choices: readonly C[],
): C | undefined {
  if (value === undefined || (choices as readonly string[]).includes(value)) {
    return value as C | undefined;
  }
  const suggestion = nearest(value, choices);
  throw new UsageError(
    `zkml ${command}: --${option} must be one of ${choices.join(", ")}, not "${value}"` +
      (suggestion ? ` (did you mean ${suggestion}?)` : ""),
    { details: { command, option: `--${option}`, value, expected: choices, suggestion } },
  );
}

/** A comma-separated list whose items are all in `choices` (`--systems groth16,plonk`). */
export function choiceListOption<C extends string>(
  command: string,
  option: string,
  value: string,
  choices: readonly C[],
): C[] {
  return value.split(",").map((v) => choiceOption(command, option, v.trim(), choices)!);
}

/** An integer option within [min, max] (`--batch-size 0`, `--from-block x`: UsageError). */
export function integerOption(
  command: string,
  option: string,
  value: string | undefined,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `zkml ${command}: --${option} must be an integer${max === Number.MAX_SAFE_INTEGER ? ` >= ${min}` : ` in [${min}, ${max}]`}, not "${value}"`,
      { details: { command, option: `--${option}`, value } },
    );
  }
  return n;
}

/** A finite number option (`--l1-gwei`, `--min-agreement`). */
export function numberOption(
  command: string,
  option: string,
  value: string | undefined,
  { min = -Infinity, max = Infinity }: { min?: number; max?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`zkml ${command}: --${option} must be a number, not "${value}"`, {
      details: { command, option: `--${option}`, value },
    });
  }
  return n;
}

/** A 20-byte hex address option (`--registry 0xnotanaddress`: UsageError). */
export function addressOption(
  command: string,
  option: string,
  value: string | undefined,
): `0x${string}` | undefined {
  if (value === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new UsageError(
      `zkml ${command}: --${option} must be a 20-byte hex address (0x + 40 hex digits), not "${value}"`,
      { details: { command, option: `--${option}`, value } },
    );
  }
  return value as `0x${string}`;
}

/**
 * The candidate nearest to `word` by edit distance, when it is close enough to be a typo (at
 * most a third of the word's length, and at least 1) or a prefix (`compil` -> `compile`).
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d =
      c.toLowerCase().startsWith(w) && w.length >= 3 ? 0.5 : editDistance(w, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(1, Math.floor(w.length / 3)) ? best : undefined;
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment: `inptu` -> `input` is
 * 1), the usual measure for typos.
 */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The usage error of a command with subcommands (`zkml ptau nwe`: "unknown subcommand nwe (did
 * you mean new?)"; `zkml ptau new` without what it needs: "check its arguments").
 */
export function subcommandUsageError(
  command: string,
  positionals: string[],
  subcommands: readonly string[],
  operands?: readonly string[],
): UsageError {
  const [sub] = positionals;
  if (sub === undefined) {
    return new UsageError(`zkml ${command}: missing the subcommand (${subcommands.join(", ")})`, {
      details: { command, expected: subcommands },
    });
  }
  if (!subcommands.includes(sub)) {
    const suggestion = nearest(sub, subcommands);
    return new UsageError(
      `zkml ${command}: unknown subcommand "${sub}"${suggestion ? ` (did you mean ${suggestion}?)` : ` (one of ${subcommands.join(", ")})`}`,
      { details: { command, value: sub, expected: subcommands, suggestion } },
    );
  }
  if (operands) positionalArgs(`${command} ${sub}`, positionals.slice(1), operands);
  return new UsageError(
    `zkml ${command} ${sub}: missing or extra arguments or options (see the synopsis)`,
    { details: { command: `${command} ${sub}` } },
  );
}
