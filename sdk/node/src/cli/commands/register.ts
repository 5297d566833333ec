import { resolve } from "node:path";
import { registerStep } from "../chainSteps.ts";
import { EXIT } from "../command.ts";
import { addressOption, parseCommandArgs, positionalArgs } from "../args.ts";
import { blockNumber, printJson, uint } from "../jsonConvention.ts";
import type { Command } from "../command.ts";
import { connect, NETWORK_OPTIONS, NETWORK_USAGE } from "../network.ts";
import { progress } from "../progress.ts";

export const command: Command = {
  name: "register",
  usage: `zkml register <dir> [--registry <address>] [--verifier <address>] [--model-id <name|0x..>]
              [--metadata-uri <uri>] [--new-version] [--allow-dev-setup] [--json]

  Registers the model of <dir> (a new version if the id exists) with the addresses recorded by
  zkml deploy in <dir>/deployments/<chainId>.json, or those given, and adds the registration
  (version, tx, block, registrar) to that record. The sender needs REGISTRAR_ROLE. The
  folder's keys must have the sha256 the manifest records (for the verifier's proof system),
  and a single-party setup is refused off the in-process chain and local dev chains (chain id
  31337 / 1337) unless --allow-dev-setup.

  The registry makes every registration a new version, so a weight commitment the model
  already has is never registered silently: if the model's latest version is active with the
  same commitment, verifier and layout, nothing is sent and the command says so (exit 0,
  "alreadyRegistered": true); if another version has it (or the latest has it with another
  verifier or layout), the command refuses (AlreadyRegisteredError, exit 3) unless
  --new-version.

  --new-version            register the commitment as version n + 1 even though the model
                           already has it (e.g. the same weights behind a new verifier)

  --allow-dev-setup        accept a single-party (development) setup on a chain that is not
                           the in-process chain or a local dev chain (chain id 31337 / 1337)
${NETWORK_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      ...NETWORK_OPTIONS,
      registry: { type: "string" },
      verifier: { type: "string" },
      "model-id": { type: "string" },
      "metadata-uri": { type: "string" },
      "allow-dev-setup": { type: "boolean" },
      "new-version": { type: "boolean" },
      json: { type: "boolean" },
    });
    const [dirArg] = positionalArgs(this.name, positionals, ["<dir>"]);
    const registry = addressOption(this.name, "registry", values.registry);
    const verifier = addressOption(this.name, "verifier", values.verifier);
    const conn = await connect({ ...values, command: this.name });
    try {
      const r = await progress().step(`register on ${conn.name}`, () =>
        registerStep(resolve(dirArg), conn, {
          registry,
          verifier,
          modelId: values["model-id"],
          metadataURI: values["metadata-uri"],
          allowDevSetup: values["allow-dev-setup"],
          newVersion: values["new-version"],
        }),
      );
      if (values.json)
        printJson({
          network: conn.network,
          chainId: conn.chainId,
          ...r,
          gasUsed: uint(r.gasUsed),
          blockNumber: blockNumber(r.blockNumber),
        });
      else if (r.alreadyRegistered) {
        console.log(
          `model      ${r.modelId} version ${r.version} already has this weight commitment, verifier and layout: nothing sent`,
        );
        console.log(`registry   ${r.registry}, verifier ${r.verifier}`);
        console.log("note       zkml register --new-version registers it again as a new version");
      } else {
        console.log(`model      ${r.modelId} version ${r.version}`);
        console.log(`registry   ${r.registry}, verifier ${r.verifier}`);
        console.log(`tx         ${r.txHash} (block ${r.blockNumber}, ${r.gasUsed} gas)`);
        if (r.file) console.log(`recorded   ${r.file}`);
      }
      return EXIT.ok;
    } finally {
      await conn.close();
    }
  },
};
