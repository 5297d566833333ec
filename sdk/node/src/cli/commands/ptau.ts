import { resolve } from "node:path";
import * as snarkjs from "snarkjs";
import { createPtau, MAX_PTAU_POWER } from "../../setup/createPtau.ts";
import { readPtauInfo } from "../../setup/readPtauInfo.ts";
import { releaseSnarkjs, snarkjsLogger } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { EXIT } from "../command.ts";
import { integerOption, parseCommandArgs, requiredOption, subcommandUsageError } from "../args.ts";
import { printJson } from "../jsonConvention.ts";
import type { Command } from "../command.ts";

export const command: Command = {
  name: "ptau",
  usage: `zkml ptau new --power <k> [--out <file>] [--force] [--json]
zkml ptau verify <file> [--json]
zkml ptau info <file> [--json]

  new     a prepared powers-of-tau file of 2^k points (k = 1..${MAX_PTAU_POWER}), accepted by snarkjs
          (powersoftau verify, groth16/plonk/fflonk setup). One party knows the toxic waste:
          DEVELOPMENT ONLY. Cached per power in the user cache (~/.cache/zkml-verify/ptau, or $ZKML_CACHE_DIR); --force makes a new one.
          --json prints time and memory per step.
  verify  snarkjs powersoftau verify (contributions, powers, Lagrange sections).
  info    power, whether it is prepared for phase 2, contributions.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      power: { type: "string" },
      out: { type: "string" },
      force: { type: "boolean" },
      json: { type: "boolean" },
    });
    const [sub, file] = positionals;
    const json = Boolean(values.json);
    try {
      if (sub === "new" && positionals.length === 1) {
        const power = integerOption(
          `${this.name} new`,
          "power",
          requiredOption(`${this.name} new`, values.power, "power", "k"),
          { min: 1, max: MAX_PTAU_POWER },
        )!;
        const r = await createPtau({
          power,
          out: values.out,
          force: values.force,
          onProgress: (l) => console.error(l),
        });
        if (json) printJson(r);
        else
          console.log(
            `${r.file}\n  2^${r.power} points, sha256 ${r.sha256}\n  ${r.cached ? "from cache" : `made in ${(r.ms / 1000).toFixed(1)} s`}; single-party dev ceremony: NOT for production`,
          );
        return EXIT.ok;
      }
      if (sub === "verify" && file && positionals.length === 2) {
        const start = performance.now();
        const lines: string[] = [];
        const ok = await snarkjs.powersOfTau.verify(
          resolve(file),
          snarkjsLogger(json ? (l) => lines.push(l) : (l) => console.error(l)),
        );
        const r = { file: resolve(file), valid: ok === true, ms: performance.now() - start };
        if (json) printJson({ ...r, log: lines });
        else console.log(r.valid ? `valid ptau: ${r.file}` : `INVALID ptau: ${r.file}`);
        return r.valid ? EXIT.ok : EXIT.checkFailed;
      }
      if (sub === "info" && file && positionals.length === 2) {
        const info = readPtauInfo({ file: resolve(file) });
        if (json) printJson(info);
        else
          console.log(
            `2^${info.power} points (ceremony 2^${info.ceremonyPower}), ${info.prepared ? "prepared for phase 2" : "NOT prepared (run snarkjs powersoftau prepare phase2)"}, ${info.contributions} contribution(s)${info.lastContribution ? `, last: ${info.lastContribution}` : ""}`,
          );
        return EXIT.ok;
      }
      throw subcommandUsageError(this.name, positionals, ["new", "verify", "info"]);
    } finally {
      await releaseSnarkjs();
    }
  },
};
