import { resolve } from "node:path";
import { UntrustedKeyError } from "@zkml-verify/core/internal/errors";
import { beaconPhase2, contributePhase2, verifyPhase2 } from "../../setup/ceremony.ts";
import { checkGroth16KeyTrust } from "../../setup/checkGroth16KeyTrust.ts";
import { releaseSnarkjs } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { EXIT } from "../command.ts";
import { parseCommandArgs, subcommandUsageError } from "../args.ts";
import { printJson } from "../jsonConvention.ts";
import type { Command } from "../command.ts";

export const command: Command = {
  name: "ceremony",
  usage: `zkml ceremony contribute <in.zkey> <out.zkey> --name <who> [--entropy <text>] [--json]
zkml ceremony beacon <in.zkey> <out.zkey> --hash <hex> [--iterations <exp>] [--json]
zkml ceremony verify <zkey> --r1cs <model.r1cs> --ptau <file.ptau> [--json]

  Each party contributes to the previous party's zkey and publishes the contribution hash;
  a public random beacon (e.g. a future block hash) closes the ceremony; anyone verifies the
  final zkey against the circuit's r1cs and the ptau. Sound if one contributor was honest.
  Start from the model.zkey that zkml setup <dir> --system groth16 --ptau <file> writes; install
  the final key with zkml setup <dir> --system groth16 --ptau <file> --zkey <final.zkey>.
  verify also refuses a key with no contribution (snarkjs zkey new alone: forgeable).`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      name: { type: "string" },
      entropy: { type: "string" },
      hash: { type: "string" },
      iterations: { type: "string" },
      r1cs: { type: "string" },
      ptau: { type: "string" },
      json: { type: "boolean" },
    });
    const [sub, a, b] = positionals;
    const json = Boolean(values.json);
    const progress = (l: string) => console.error(l);
    try {
      if (sub === "contribute" && a && b && values.name) {
        const r = await contributePhase2({
          zkeyIn: resolve(a),
          zkeyOut: resolve(b),
          name: values.name,
          entropy: values.entropy,
          onProgress: progress,
        });
        if (json) printJson(r);
        else console.log(`contribution hash ${r.contributionHash}\nwrote ${resolve(b)}`);
        return EXIT.ok;
      }
      if (sub === "beacon" && a && b && values.hash) {
        const r = await beaconPhase2({
          zkeyIn: resolve(a),
          zkeyOut: resolve(b),
          beaconHash: values.hash,
          iterationsExp: values.iterations ? Number(values.iterations) : undefined,
          onProgress: progress,
        });
        if (json) printJson(r);
        else console.log(`beacon contribution hash ${r.contributionHash}\nwrote ${resolve(b)}`);
        return EXIT.ok;
      }
      if (sub === "verify" && a && !b && values.r1cs && values.ptau) {
        const r = await verifyPhase2({
          zkey: resolve(a),
          r1cs: resolve(values.r1cs),
          ptau: resolve(values.ptau),
          onProgress: progress,
        });
        // A key that matches its r1cs and ptau but has no contribution is still forgeable.
        let untrusted: string | undefined;
        try {
          checkGroth16KeyTrust({ zkey: resolve(a) });
        } catch (e) {
          if (!(e instanceof UntrustedKeyError)) throw e;
          untrusted = e.message;
        }
        const valid = r.valid && !untrusted;
        if (json)
          printJson({
            valid,
            contributions: r.contributions,
            ...(untrusted ? { untrusted } : {}),
          });
        else
          console.log(
            `${valid ? "valid" : "INVALID"} zkey: ${r.contributions.length} contribution(s)\n` +
              r.contributions.map((c) => `  ${c}`).join("\n") +
              (untrusted ? `\n${untrusted}` : ""),
          );
        return valid ? EXIT.ok : EXIT.checkFailed;
      }
      throw subcommandUsageError(this.name, positionals, ["contribute", "beacon", "verify"]);
    } finally {
      await releaseSnarkjs();
    }
  },
};
