import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import * as core from "../../sdk/core/src/index.ts";
import * as node from "../../sdk/node/src/index.ts";
import { ROOT } from "../helpers/root.ts";

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("the published APIs (@zkml-verify/core, @zkml-verify/node)", function () {
  it("@zkml-verify/core is browser-safe: no node: import, no Node-only package, in any file", function () {
    const nodeOnly =
      /from "(node:[^"]+|fs|path|os|crypto|child_process|hardhat|onnxruntime-node|circom2|solc|r1csfile)"|import\("node:/;
    const offenders = sources(join(ROOT, "sdk/core/src")).filter((f) =>
      nodeOnly.test(readFileSync(f, "utf8")),
    );
    expect(offenders).to.deep.equal([]);
  });

  it("@zkml-verify/core exports the proving handle, the registry actions and the evaluator", function () {
    const promised = [
      "loadModel",
      "evaluateQuantized",
      "quantizeInput",
      "prove",
      "verifyProof",
      "encodeProof",
      "decodeProof",
      "deployRegistry",
      "registerModel",
      "submitPrediction",
      "submitPredictions",
      "readVerifiedPredictions",
      "toChainClient",
      "modelWeightCommitment",
      "outputCommitment",
      "publicSignalLayout",
      "releaseSnarkjs",
    ];
    const missing = promised.filter(
      (name) => typeof (core as Record<string, unknown>)[name] !== "function",
    );
    expect(missing).to.deep.equal([]);
  });

  it("@zkml-verify/node adds compile, setup, model folders, audit and gas, and re-exports core", function () {
    const promised = [
      "compileModel",
      "setupModelDir",
      "loadModelDir",
      "setupCircuit",
      "fidelity",
      "readInputFile",
      "deployVerifier",
      "fileSubmissionStore",
      "resumeSubmission",
      "auditRegistry",
      "writeAuditReport",
      "measureGas",
      "loadModel",
      "submitPrediction",
    ];
    const missing = promised.filter(
      (name) => typeof (node as Record<string, unknown>)[name] !== "function",
    );
    expect(missing).to.deep.equal([]);
    // a curated surface, not every internal (the old barrel exported ~470 names)
    expect(Object.keys(core).length).to.be.lessThan(90);
    expect(Object.keys(node).length).to.be.lessThan(160);
  });

  it("exports the typed errors as ZkmlError subclasses", function () {
    for (const E of [
      core.NonceTooLowError,
      core.ReplacementUnderpricedError,
      core.InsufficientFundsError,
      core.GasError,
      core.TransactionTimeoutError,
      core.ChainError,
    ]) {
      const e = new E("x", { details: { action: "test" } } as never);
      expect(e).to.be.instanceOf(core.ZkmlError);
      expect(e.name).to.equal(E.name);
    }
  });
});
