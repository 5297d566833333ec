import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { auditRegistry } from "../../audit/auditRegistry.ts";
import { writeAuditReport } from "../../audit/writeAuditReport.ts";
import { releaseSnarkjs } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { EXIT, printJson } from "../command.ts";
import type { Command } from "../command.ts";
import { connect, NETWORK_OPTIONS, NETWORK_USAGE } from "../network.ts";
import { progress } from "../progress.ts";

export const command: Command = {
  name: "audit",
  summary:
    "re-check a registry's history: events vs calldata, proofs vs manifests (exit 1 on a finding)",
  usage: `zkml audit --registry <address> [--from-block N] [--to-block N] [--manifest <dir>]...
           [--out <dir>] [--json]

  Reads ModelRegistered and PredictionVerified events, decodes each submission's calldata,
  checks the event's outputs and input commitment against the public signals, re-verifies
  every Groth16 proof off-chain with the verification key of the model's manifest folder, and
  checks registered weight commitments and layouts against the manifests (and the commitment
  recomputed from quantized.json). Writes audit-report.json and audit-report.md into --out
  (default ./audit). Exit 0: no finding; 1: at least one check failed.

  --manifest <dir>   a compiled model folder (repeatable); matched to registered versions by
                     their file:// metadataURI or weight commitment
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
          onProgress: ui.log,
        }),
      );
      const files = writeAuditReport({ report, outDir: resolve(values.out ?? "audit") });
      if (values.json) printJson({ ...report, files });
      else {
        const s = report.summary;
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
        console.log(
          `\n${s.models} model version(s), ${s.predictions} prediction(s): ${s.passed} checks passed, ${s.failed} failed, ${s.skipped} skipped`,
        );
        console.log(`report     ${files.markdown}\n           ${files.json}`);
      }
      return report.summary.ok ? EXIT.ok : EXIT.checkFailed;
    } finally {
      await conn.close();
      await releaseSnarkjs();
    }
  },
};
