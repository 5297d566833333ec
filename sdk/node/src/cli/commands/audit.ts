import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { auditRegistry } from "../../audit/auditRegistry.ts";
import { auditReportToJson, writeAuditReport } from "../../audit/writeAuditReport.ts";
import { verdictText } from "../../audit/reportText.ts";
import { releaseSnarkjs } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { EXIT, printJson } from "../command.ts";
import type { Command } from "../command.ts";
import { connect, NETWORK_OPTIONS, NETWORK_USAGE } from "../network.ts";
import { progress } from "../progress.ts";

export const command: Command = {
  name: "audit",
  summary:
    "re-check a registry's history: events vs calldata, proofs vs manifests (exit 1 on a finding)",
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
    const { values } = parseArgs({
      args: argv,
      options: {
        ...NETWORK_OPTIONS,
        registry: { type: "string" },
        "from-block": { type: "string" },
        "to-block": { type: "string" },
        manifest: { type: "string", multiple: true },
        strict: { type: "boolean" },
        out: { type: "string" },
        json: { type: "boolean" },
      },
    });
    if (!values.registry) {
      console.error(this.usage);
      return EXIT.usage;
    }
    const ui = progress(Boolean(values.json));
    const conn = await connect({ ...values, readOnly: true });
    try {
      const report = await ui.step(`audit ${values.registry} on ${conn.name}`, () =>
        auditRegistry({
          client: conn.client,
          registry: values.registry!,
          fromBlock: values["from-block"] === undefined ? undefined : BigInt(values["from-block"]),
          toBlock: values["to-block"] === undefined ? undefined : BigInt(values["to-block"]),
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
