import { expect } from "chai";
import * as sdk from "../../sdk/src/index.ts";

describe("the published SDK API (sdk/src/index.ts)", function () {
  it("exports every function the SDK promises, as functions", function () {
    const promised = [
      "compileModel",
      "circuitInput",
      "modelWeightCommitment",
      "outputCommitment",
      "fidelity",
      "readInputFile",
      "setupCircuit",
      "prove",
      "verifyProof",
      "deployVerifier",
      "deployRegistry",
      "registerModel",
      "submitPrediction",
      "submitPredictions",
      "resumeSubmission",
      "estimateVerificationCost",
      "readVerifiedPredictions",
      "auditPrediction",
      "auditRegistry",
      "writeAuditReport",
      "toChainClient",
    ];
    const missing = promised.filter(
      (name) => typeof (sdk as Record<string, unknown>)[name] !== "function",
    );
    expect(missing).to.deep.equal([]);
  });

  it("exports the typed errors as ZkmlError subclasses", function () {
    for (const E of [
      sdk.NonceTooLowError,
      sdk.ReplacementUnderpricedError,
      sdk.InsufficientFundsError,
      sdk.GasError,
      sdk.TransactionTimeoutError,
      sdk.ChainError,
    ]) {
      const e = new E("x", { details: { action: "test" } } as never);
      expect(e).to.be.instanceOf(sdk.ZkmlError);
      expect(e.name).to.equal(E.name);
    }
  });
});
