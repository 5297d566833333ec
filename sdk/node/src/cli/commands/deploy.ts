import { resolve } from "node:path";
import { releaseSnarkjs } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { PROOF_SYSTEMS } from "@zkml-verify/core/internal/prove/proofSystem";
import { readManifest } from "../../manifestFile.ts";
import { deployStep, registerStep, submitStep } from "../chainSteps.ts";
import { EXIT } from "../command.ts";
import { addressOption, choiceOption, parseCommandArgs, positionalArgs } from "../args.ts";
import { blockNumber, printJson, submissionJson, uint } from "../jsonConvention.ts";
import type { Command } from "../command.ts";
import { connect, NETWORK_OPTIONS, NETWORK_USAGE } from "../network.ts";
import { progress } from "../progress.ts";

export const command: Command = {
  name: "deploy",
  usage: `zkml deploy <dir> [--system groth16|plonk|fflonk] [--registry <address>] [--register] [--submit <proof.json>]... [--allow-dev-setup] [--json]

  Deploys a ModelRegistry (unless --registry names one) and the model's snarkjs verifier for
  --system (default groth16; the folder needs that system's setup: zkml setup) with
  its IProofVerifier adapter, and records them in <dir>/deployments/<chainId>.json (address,
  creation tx, block and deployer of each contract, tool versions; never an RPC URL) for
  zkml register / submit and the auditor. The in-process chain (the default network) is
  discarded when the command exits, so nothing is recorded for it: use --register and
  --submit to do everything in one run, or point --network localhost at \`npx hardhat node\`.

  Before deploying, the folder's zkey, verification key and verifier must have the sha256 the
  manifest records, and a Groth16 key must have phase-2 randomness. A single-party setup (the
  local dev ptau, or a phase 2 with fewer than two contributors) is refused on any chain but
  the in-process one and local dev chains (chain id 31337 / 1337) without --allow-dev-setup.

  --register               also register the model (see zkml register)
  --model-id <name|0x..>   model id for --register (default: from the model's name and hash)
  --metadata-uri <uri>     metadata URI for --register (default: file:// of manifest.json)
  --new-version            with --register: register a weight commitment the model already
                           has as a new version (otherwise refused: see zkml register)
  --submit <proof.json>    also submit these proofs (repeatable; needs --register or a
                           registered model)
  --allow-dev-setup        accept a single-party (development) setup on a chain that is not
                           the in-process chain or a local dev chain (chain id 31337 / 1337)
${NETWORK_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      ...NETWORK_OPTIONS,
      registry: { type: "string" },
      system: { type: "string" },
      register: { type: "boolean" },
      "model-id": { type: "string" },
      "metadata-uri": { type: "string" },
      submit: { type: "string", multiple: true },
      "allow-dev-setup": { type: "boolean" },
      "new-version": { type: "boolean" },
      json: { type: "boolean" },
    });
    const [dirArg] = positionalArgs(this.name, positionals, ["<dir>"]);
    const system = choiceOption(this.name, "system", values.system, PROOF_SYSTEMS) ?? "groth16";
    const registry = addressOption(this.name, "registry", values.registry);
    const dir = resolve(dirArg);
    const manifest = readManifest(dir);
    const ui = progress();
    const conn = await connect({ ...values, command: this.name });
    try {
      const deployed = await ui.step(`deploy on ${conn.name} (chain ${conn.chainId})`, () =>
        deployStep(dir, conn, registry, system, {
          allowDevSetup: values["allow-dev-setup"],
        }),
      );
      const registered = values.register
        ? await ui.step("register the model", () =>
            registerStep(dir, conn, {
              modelId: values["model-id"],
              metadataURI: values["metadata-uri"],
              allowDevSetup: values["allow-dev-setup"],
              newVersion: values["new-version"],
            }),
          )
        : undefined;
      const submitted = [];
      for (const proof of values.submit ?? []) {
        submitted.push(
          await ui.step(`submit ${proof}`, () =>
            submitStep(dir, conn, proof, { modelId: values["model-id"] }),
          ),
        );
      }
      const result = {
        ...deployed,
        gasUsed: uint(deployed.gasUsed),
        registered: registered && {
          ...registered,
          gasUsed: uint(registered.gasUsed),
          blockNumber: blockNumber(registered.blockNumber),
        },
        submitted: submitted.map((s) => submissionJson(s, manifest)),
      };
      if (values.json) printJson(result);
      else {
        console.log(`registry   ${deployed.registry}`);
        console.log(`verifier   ${deployed.verifier} (${deployed.verifierSize} bytes)`);
        console.log(`adapter    ${deployed.adapter} (the IProofVerifier the registry calls)`);
        if (registered)
          console.log(
            `model      ${registered.modelId} version ${registered.version}` +
              (registered.alreadyRegistered ? " (already registered: nothing sent)" : ""),
          );
        for (const s of submitted) {
          console.log(`verified   ${s.predictionId} in tx ${s.txHash} (${s.gasUsed} gas)`);
        }
        console.log(
          `recorded   ${deployed.file ?? "nothing: the in-process chain is gone when this command exits"}`,
        );
        if (conn.ephemeral && !registered) {
          console.log(
            "note       the in-process chain is gone when this command exits; use --register/--submit or --network localhost",
          );
        }
      }
      return EXIT.ok;
    } finally {
      await conn.close();
      await releaseSnarkjs();
    }
  },
};
