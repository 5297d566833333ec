import { resolve } from "node:path";
import { verifyManifest } from "../../setup/verifyManifest.ts";
import { releaseSnarkjs } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { EXIT } from "../command.ts";
import { parseCommandArgs, subcommandUsageError } from "../args.ts";
import { printJson } from "../jsonConvention.ts";
import type { Command } from "../command.ts";

export const command: Command = {
  name: "manifest",
  usage: `zkml manifest verify <dir> [--model <file.onnx>] [--ptau <file>] [--json]

  Recomputes what <dir>/manifest.json claims: model, circuit, r1cs and wasm hashes, the
  circuit regenerated from the quantized model, the weight commitment, the whole build
  repeated from the ONNX file (re-import and re-quantize with the recorded options and
  calibration: same quantized.json, commitment and circuit source), and for every setup
  (groth16, plonk, fflonk): the ptau (hash, power), the zkey checked against r1cs + ptau
  with snarkjs, the verification key re-exported from the zkey, the key's trust (Groth16: at
  least one phase-2 contribution, delta not gamma), the recorded setup trust against the files,
  and the Solidity verifier's constants against the verification key. Prints each check;
  exits 1 if any failed.
  --model names the ONNX file when it is not in <dir>, in models/ or at the recorded path.
  --ptau names the ptau when it is not at the recorded path or in the zkml cache.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      model: { type: "string" },
      ptau: { type: "string" },
      json: { type: "boolean" },
    });
    const [sub, dir] = positionals;
    if (sub !== "verify" || !dir || positionals.length > 2) {
      throw subcommandUsageError(this.name, positionals, ["verify"], ["<dir>"]);
    }
    const json = Boolean(values.json);
    try {
      const r = await verifyManifest({
        dir: resolve(dir),
        model: values.model ? resolve(values.model) : undefined,
        ptau: values.ptau ? resolve(values.ptau) : undefined,
        // Each check as it runs: the result on stdout, or progress on stderr with --json.
        onProgress: json ? (l) => console.error(l) : (l) => console.log(l),
      });
      if (json) printJson(r);
      else {
        const failed = r.checks.filter((c) => c.ok === false).length;
        console.log(
          r.ok ? `\nall ${r.checks.length} checks passed` : `\n${failed} check(s) FAILED`,
        );
      }
      return r.ok ? EXIT.ok : EXIT.checkFailed;
    } finally {
      await releaseSnarkjs();
    }
  },
};
