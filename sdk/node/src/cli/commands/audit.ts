import { resolve } from "node:path";
import { auditRegistry } from "../../audit/auditRegistry.ts";
import { auditReportToJson, writeAuditReport } from "../../audit/writeAuditReport.ts";
import { verdictText } from "../../audit/reportText.ts";
import { releaseSnarkjs } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { EXIT } from "../command.ts";
import {
  addressOption,
  integerOption,
  parseCommandArgs,
  positionalArgs,
  requiredOption,
} from "../args.ts";
import { printJson } from "../jsonConvention.ts";
import type { Command } from "../command.ts";
import { connect, NETWORK_OPTIONS, NETWORK_USAGE } from "../network.ts";
import { progress } from "../progress.ts";

export const command: Command = {
  name: "audit",
  usage: `zkml audit --registry <address> [--manifest <dir>]... [--strict] [--from-block N]
           [--to-block N] [--out <dir>] [--json]

  Reads the registry's events from its creation block (found on chain, or from a manifest
  folder's deployments/<chainId>.json) to the head: every ModelRegistered version is checked
  against its manifest folder (weight commitment, recomputed from quantized.json too; signal
  layout; proof system; verification key; key trust; the deployed verifier's code, solc
  metadata ignored), and every PredictionVerified event against its transaction's calldata
  (outputs, input commitment, weight commitment) and an off-chain re-verification of its proof
  with the manifest's key. The report gives block times, registrars and submitters, outputs
  decoded through the manifest (class, logits) next to the raw values, and role grants,
  pauses and deprecations. It writes audit-report.json, .md and .html into --out (default
  ./audit).

  A check with nothing to check against (no manifest for a model, no key in the folder) is
  listed under "not checked", as is a --manifest folder that matches no registered version.
  Exit 0: no finding (what was not checked is printed); 1: a finding.

  --manifest <dir>   a compiled model folder (repeatable); matched to registered versions by
                     their file:// metadataURI or weight commitment
  --strict           anything not checked is a finding (exit 1): every registered version
                     needs a matching manifest and every manifest a registered version
  --from-block N     first block to scan (default: the registry's creation block)
${NETWORK_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      ...NETWORK_OPTIONS,
      registry: { type: "string" },
      "from-block": { type: "string" },
      "to-block": { type: "string" },
      manifest: { type: "string", multiple: true },
      strict: { type: "boolean" },
      out: { type: "string" },
      json: { type: "boolean" },
    });
    positionalArgs(this.name, positionals, []);
    const registry = addressOption(
      this.name,
      "registry",
      requiredOption(this.name, values.registry, "registry", "address"),
    )!;
    const fromBlock = integerOption(this.name, "from-block", values["from-block"]);
    const toBlock = integerOption(this.name, "to-block", values["to-block"]);
    const ui = progress();
    const conn = await connect({ ...values, command: this.name, readOnly: true });
    try {
      const report = await ui.step(`audit ${registry} on ${conn.name}`, () =>
        auditRegistry({
          client: conn.client,
          registry,
          fromBlock: fromBlock === undefined ? undefined : BigInt(fromBlock),
          toBlock: toBlock === undefined ? undefined : BigInt(toBlock),
          manifests: (values.manifest ?? []).map((d) => resolve(d)),
          strict: values.strict,
          onProgress: ui.log,
        }),
      );
      const files = writeAuditReport({ report, outDir: resolve(values.out ?? "audit") });
      if (values.json) printJson({ ...auditReportToJson(report), files });
      else {
        for (const x of [...report.models, ...report.predictions]) {
          const label =
            "predictionId" in x
              ? `prediction ${x.predictionId}`
              : `model ${x.modelId} v${x.version}`;
          console.log(`${x.ok ? "ok     " : "FINDING"}  ${label}`);
          for (const c of x.checks.filter((c) => c.status === "fail")) {
            console.log(`           ${c.name}: ${c.detail}`);
          }
        }
        if (report.notChecked.length) {
          console.log(
            `\nNOT CHECKED${report.strict ? " (findings: --strict)" : " (the result says nothing about these; --strict makes them findings)"}:`,
          );
          for (const n of report.notChecked) {
            console.log(`  ${n.subject}: ${n.check}: ${n.reason}`);
          }
        }
        console.log(`\n${verdictText(report)}`);
        console.log(
          `scanned    blocks ${report.fromBlock}-${report.toBlock} (from ${report.fromBlockSource})`,
        );
        console.log(
          `report     ${files.html}\n           ${files.markdown}\n           ${files.json}`,
        );
      }
      return report.summary.ok ? EXIT.ok : EXIT.checkFailed;
    } finally {
      await conn.close();
      await releaseSnarkjs();
    }
  },
};
