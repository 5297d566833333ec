import { resolve } from "node:path";
import { readManifest, writeManifest } from "../../manifestFile.ts";
import { PROOF_SYSTEMS } from "@zkml-verify/core/internal/prove/proofSystem";
import { setupCircuit, setupRecord } from "../../setup/setupCircuit.ts";
import { releaseSnarkjs } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { EXIT } from "../command.ts";
import { choiceOption, parseCommandArgs, positionalArgs } from "../args.ts";
import { printJson } from "../jsonConvention.ts";
import type { Command } from "../command.ts";
import { modelFiles } from "../../model/modelDir.ts";

export const command: Command = {
  name: "setup",
  usage: `zkml setup <dir> [--system groth16|plonk|fflonk] [--ptau <file>] [--zkey <final.zkey>] [--json]

  Sizes the powers of tau for the system (default groth16; Groth16: constraints + public signals; PLONK: the
  gates snarkjs makes from the r1cs; FFLONK: 9 x domain + 18 points) and says which power
  it needs, then runs the setup (cached by r1cs + ptau hashes) and writes the zkey, the
  verification key JSON and the Solidity verifier into <dir>, recorded in manifest.json.
  Without --ptau a local single-party ceremony is used (development only); with --ptau the
  file must be a prepared ptau of at least the needed power (e.g. a public ceremony's).
  Groth16's phase 2 is one local random contribution (development only), or with --zkey the
  final key of a multi-party ceremony (zkml ceremony contribute|beacon), checked against the
  r1cs and the ptau. A key without a phase-2 contribution is never produced nor accepted.
  The zkey cache is keyed by the r1cs and ptau hashes and checked against its sidecar record.
  manifest.json records the trust of both phases (setups.<system>.trust); deploy and register
  refuse a single-party setup off local dev chains unless --allow-dev-setup.
  --json prints time and memory per step.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      system: { type: "string" },
      ptau: { type: "string" },
      zkey: { type: "string" },
      json: { type: "boolean" },
    });
    const [dirArg] = positionalArgs(this.name, positionals, ["<dir>"]);
    const system = choiceOption(this.name, "system", values.system, PROOF_SYSTEMS) ?? "groth16";
    const json = Boolean(values.json);
    const dir = resolve(dirArg);
    try {
      const manifest = readManifest(dir);
      const s = await setupCircuit({
        r1cs: modelFiles(dir).r1cs,
        system,
        outDir: dir,
        ptau: values.ptau ? resolve(values.ptau) : undefined,
        zkey: values.zkey ? resolve(values.zkey) : undefined,
        onProgress: (l) => console.error(l),
      });
      const record = setupRecord(s);
      manifest.setups = { ...manifest.setups, [system]: record };
      if (system === "groth16") manifest.setup = record;
      writeManifest(dir, manifest);
      const { verificationKey: _vk, ...rest } = s;
      if (json) printJson(rest);
      else
        console.log(
          [
            `${system} setup for ${dir}${s.cached ? " (zkey from cache)" : ""} in ${(s.ms / 1000).toFixed(1)} s`,
            `  ptau      2^${s.ptau.power} (needs ${s.neededPower}), ${s.ptau.source}${s.ptau.singleParty ? ", single-party: NOT for production" : `, ${s.ptau.contributions} contributions`}`,
            ...(s.trust.phase2
              ? [
                  `  phase 2   ${s.trust.phase2.contributions} contribution(s)${s.trust.phase2.beacon ? " + beacon" : ""}${s.trust.phase2.singleParty ? `, single-party${s.trust.phase2.local ? " (local)" : ""}: NOT for production` : ""}`,
                ]
              : []),
            `  zkey      ${s.zkey}`,
            `  vk        ${s.verificationKeyFile}`,
            `  verifier  ${s.verifierFile}`,
          ].join("\n"),
        );
      return EXIT.ok;
    } finally {
      await releaseSnarkjs();
    }
  },
};
