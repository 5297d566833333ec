import { resolve } from "node:path";
import { resumeSubmission } from "../../chain/resumeSubmission.ts";
import { listPendingSubmissions } from "../../chain/pendingSubmission.ts";
import { formatEther, formatUnits } from "ethers";
import { estimateStep, submitStep } from "../chainSteps.ts";
import { EXIT } from "../command.ts";
import {
  addressOption,
  integerOption,
  numberOption,
  parseCommandArgs,
  positionalArgs,
} from "../args.ts";
import { printJson, submissionJson } from "../jsonConvention.ts";
import { readManifest } from "../../manifestFile.ts";
import { UsageError } from "@zkml-verify/core/internal/errors";
import type { Command } from "../command.ts";
import { connect, NETWORK_OPTIONS, NETWORK_USAGE } from "../network.ts";
import { progress } from "../progress.ts";

export const command: Command = {
  name: "submit",
  usage: `zkml submit <dir> (--proof <proof.json>... | --resume) [options] [--json]

  Each submission is written to <dir>/pending/<predictionId>.json before its transaction is
  sent and moved to <dir>/submitted/ once mined. After a failure (nonce, fee, funds, gas,
  timeout, dropped transaction) --resume sends the pending ones again; one that was mined
  after all is only moved, and a file that is not a usable submission (corrupt JSON, a missing
  field, an id that is not its statement's) is moved to <dir>/pending/quarantine/ with a
  .reason.txt, reported, and the rest still sent.

  Transactions are sent from the network's signer. A proof of a model compiled with
  --submitter bound must have been proved with --submitter <that signer's address>: any other
  is refused before sending (the registry would revert SubmitterMismatch).

  --proof <file>           a proof written by zkml prove (repeatable)
  --resume                 resend everything in <dir>/pending/
  --estimate               only estimate each submission's gas and cost (eth_estimateGas)
  --registry <address>     default: <dir>/deployments/<network>.json
  --model-id <name|0x..>   default: the registered id recorded there
  --nonce <n> --gas <n> --max-fee-gwei <x> --priority-fee-gwei <x>   pin transaction params
  --timeout <seconds>      stop waiting for a receipt after this long (default 120)
${NETWORK_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      ...NETWORK_OPTIONS,
      proof: { type: "string", multiple: true },
      resume: { type: "boolean" },
      estimate: { type: "boolean" },
      registry: { type: "string" },
      "model-id": { type: "string" },
      nonce: { type: "string" },
      gas: { type: "string" },
      "max-fee-gwei": { type: "string" },
      "priority-fee-gwei": { type: "string" },
      timeout: { type: "string" },
      json: { type: "boolean" },
    });
    const [dirArg] = positionalArgs(this.name, positionals, ["<dir>"]);
    if (!values.proof?.length && !values.resume) {
      throw new UsageError("zkml submit: pass --proof <proof.json> (repeatable) or --resume", {
        details: { command: this.name, option: "--proof" },
      });
    }
    const registry = addressOption(this.name, "registry", values.registry);
    const dir = resolve(dirArg);
    const manifest = readManifest(dir);
    const gwei = (option: string, x?: string) => {
      const n = numberOption(this.name, option, x, { min: 0 });
      return n === undefined ? undefined : BigInt(Math.round(n * 1e9));
    };
    const gas = integerOption(this.name, "gas", values.gas, { min: 21_000 });
    const timeout = numberOption(this.name, "timeout", values.timeout, { min: 0.001 });
    const overrides = {
      nonce: integerOption(this.name, "nonce", values.nonce),
      gas: gas === undefined ? undefined : BigInt(gas),
      maxFeePerGas: gwei("max-fee-gwei", values["max-fee-gwei"]),
      maxPriorityFeePerGas: gwei("priority-fee-gwei", values["priority-fee-gwei"]),
      timeoutMs: timeout === undefined ? undefined : Math.round(timeout * 1000),
    };
    const ui = progress();
    const conn = await connect({ ...values, command: this.name });
    try {
      const results: Record<string, unknown>[] = [];
      if (values.estimate) {
        for (const proof of values.proof ?? []) {
          const e = await estimateStep(dir, conn, proof, {
            registry,
            modelId: values["model-id"],
          });
          results.push({ proof, ...e, outcome: "estimated" });
          if (!values.json) {
            console.log(
              `${proof}: ${e.gas} gas, ${e.calldataBytes} calldata bytes, ${formatEther(e.costWei)} ETH at ${formatUnits(e.gasPriceWei, "gwei")} gwei`,
            );
          }
        }
        if (values.json)
          printJson({ network: conn.name, chainId: conn.chainId, estimates: results });
        return EXIT.ok;
      }
      if (values.resume) {
        const n = listPendingSubmissions(dir).length;
        const r = await ui.step(`resume ${n} pending submission(s) on ${conn.name}`, () =>
          resumeSubmission({ client: conn.client, dir, ...overrides }),
        );
        results.push(...r.map((x) => ({ ...x })));
      }
      for (const proof of values.proof ?? []) {
        const r = await ui.step(`submit ${proof} on ${conn.name}`, () =>
          submitStep(dir, conn, proof, {
            ...overrides,
            registry,
            modelId: values["model-id"],
          }),
        );
        results.push({ ...r, outcome: "sent" });
      }
      if (values.json)
        printJson({
          network: conn.name,
          chainId: conn.chainId,
          submissions: results.map((r) => submissionJson(r, manifest)),
        });
      else {
        for (const r of results) {
          console.log(
            r.outcome === "quarantined"
              ? `${"quarantined".padEnd(18)} ${r.from} -> ${r.file}: ${r.reason}`
              : `${String(r.outcome).padEnd(18)} ${r.predictionId}${r.txHash ? ` tx ${r.txHash}` : ""}${r.gasUsed ? ` (${r.gasUsed} gas)` : ""}`,
          );
        }
        if (results.length === 0) console.log("nothing pending");
      }
      return EXIT.ok;
    } finally {
      await conn.close();
    }
  },
};
