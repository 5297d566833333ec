import { formatEther } from "ethers";
import { network } from "hardhat";
import { releaseSnarkjs } from "../sdk/core/src/util/snarkjsLogger.ts";
import { runDemo } from "./demo/runDemo.ts";
import type { DemoResult } from "./demo/runDemo.ts";
import { EXIT } from "../sdk/node/src/cli/command.ts";
import { parseArgs } from "node:util";

// The README's main job: the whole pipeline on the shipped Iris model, on Hardhat's in-process
// chain (`npm run demo [-- --sample N] [--json]`). A repository tool: it proves through the same
// `loadModelDir` handle as the zkml CLI.
const USAGE = `npm run demo [-- --sample N] [--json]

  Imports models/iris-mlp.onnx, quantizes it, compiles the circuit, runs a (cached) Groth16
  setup, proves Iris row N (default 100), deploys the registry and verifier on Hardhat's
  in-process chain, submits the proof and prints the verified prediction with its gas.`;

const { values } = parseArgs({
  options: {
    sample: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(EXIT.ok);
}
process.exitCode = await demoCommand({
  sample: values.sample === undefined ? undefined : Number(values.sample),
  json: values.json,
});

async function demoCommand(args: { sample?: number; json?: boolean }): Promise<number> {
  const log = args.json ? () => {} : (l: string) => console.log(l);
  const { ethers } = await network.create();
  const [signer] = await ethers.getSigners();
  try {
    const r = await runDemo({ signer, sample: args.sample, log });
    if (args.json)
      console.log(
        JSON.stringify(summary(r), (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2),
      );
    else printSummary(r);
    const ok = r.offchainValid && r.onchainClass === r.expected.predictedClass;
    return ok ? EXIT.ok : EXIT.checkFailed;
  } finally {
    await releaseSnarkjs();
  }
}

function summary(r: DemoResult) {
  return {
    model: r.compiled.manifest.model,
    modelId: r.modelId,
    constraints: r.compiled.circuit.constraints,
    wires: r.compiled.circuit.wires,
    compileSeconds: r.compiled.circuit.compileMs / 1000,
    setupSeconds: r.setup.ms / 1000,
    setupCached: r.setup.cached,
    proveSeconds: r.proof.ms / 1000,
    proofSize: r.proof.proofSize,
    offchainValid: r.offchainValid,
    agreement: r.fidelity.agreement,
    sample: r.sample,
    predictedClass: r.onchainClass,
    predictedLabel: r.classNames[r.onchainClass],
    trueLabel: r.sampleLabel,
    txHash: r.chain.submitted.txHash,
    gasUsed: r.chain.submitted.gasUsed,
    predictionId: r.chain.submitted.predictionId,
    verifierBytes: r.chain.verifier.verifierSize,
  };
}

function printSummary(r: DemoResult) {
  const s = summary(r);
  const rows: [string, string][] = [
    ["model", `${s.model.file} (sha256 ${s.model.sha256.slice(0, 16)}…)`],
    [
      "circuit",
      `${s.constraints} constraints, ${s.wires} wires (compiled in ${s.compileSeconds.toFixed(1)} s)`,
    ],
    [
      "setup",
      `Groth16, ptau 2^${r.setup.ptau.power}${r.setup.ptau.singleParty ? " (single-party dev ceremony: not for production)" : ""}, ${s.setupSeconds.toFixed(1)} s${s.setupCached ? " (cached)" : ""}`,
    ],
    [
      "proof",
      `${s.proofSize} bytes, proved in ${s.proveSeconds.toFixed(2)} s, off-chain verify: ${s.offchainValid ? "valid" : "INVALID"}`,
    ],
    [
      "input",
      `Iris row ${s.sample}: [${r.sampleInput.join(", ")}] cm (true class: ${s.trueLabel})`,
    ],
    [
      "prediction",
      `${s.predictedLabel} (class ${s.predictedClass}); logits ${r.onchainOutputs.map((o) => (Number(o) / 2 ** r.compiled.quantized.outputFrac).toFixed(3)).join(", ")}`,
    ],
    ["on-chain", `PredictionVerified in tx ${s.txHash}`],
    [
      "gas",
      `${s.gasUsed} gas for submitPrediction (${formatEther(s.gasUsed * 10n ** 9n)} ETH at 1 gwei)`,
    ],
    [
      "fidelity",
      `${(s.agreement * 100).toFixed(2)}% argmax agreement with onnxruntime on 150 Iris rows`,
    ],
    ["artifacts", `${r.outDir} (manifest.json, proofs/)`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log("\n== zkml demo: verified prediction ==");
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}
