// The published API of the zkml SDK: every stage's functions and types from one module.
// (Stage-internal helpers such as setup/ptau/* stay unexported.)

// errors and the manifest
export * from "./errors.ts";
export * from "./manifest.ts";

// import: ONNX -> typed IR
export * from "./onnx/buildOnnx.ts";
export * from "./onnx/evaluateFloat.ts";
export * from "./onnx/foldConstant.ts";
export * from "./onnx/importOnnx.ts";
export * from "./onnx/ir.ts";
export * from "./onnx/layoutIndex.ts";
export * from "./onnx/linearTerms.ts";
export * from "./onnx/lowerNode.ts";
export * from "./onnx/lowerSpatial.ts";
export * from "./onnx/parseOnnx.ts";
export * from "./onnx/readAttributes.ts";
export * from "./onnx/readInputFile.ts";
export * from "./onnx/runOnnx.ts";
export * from "./onnx/shapeOps.ts";
export * from "./onnx/supportedOps.ts";

// quantize: fixed point, evaluator, fidelity
export * from "./quantize/approximations.ts";
export * from "./quantize/calibrateModel.ts";
export * from "./quantize/evaluateQuantized.ts";
export * from "./quantize/fidelity.ts";
export * from "./quantize/fixedPoint.ts";
export * from "./quantize/inputCommitment.ts";
export * from "./quantize/lowerToQuantized.ts";
export * from "./quantize/measureAgreement.ts";
export * from "./quantize/modeLimits.ts";
export * from "./quantize/outputCommitment.ts";
export * from "./quantize/packedWeights.ts";
export * from "./quantize/poseidonSponge.ts";
export * from "./quantize/quantizeInput.ts";
export * from "./quantize/quantizeModel.ts";
export * from "./quantize/readQuantizedModel.ts";
export * from "./quantize/rebindWeights.ts";
export * from "./quantize/rescale.ts";
export * from "./quantize/runOps.ts";
export * from "./quantize/types.ts";
export * from "./quantize/weightCommitment.ts";

// circuit: generation and compilation
export * from "./circuit/compileCircuit.ts";
export * from "./circuit/compileModel.ts";
export * from "./circuit/emitOps.ts";
export * from "./circuit/emitPackedLinear.ts";
export * from "./circuit/generateCircuit.ts";
export * from "./circuit/inspectCircuit.ts";
export * from "./circuit/publicSignals.ts";
export * from "./circuit/witnessTools.ts";

// setup: powers of tau, zkeys, ceremonies
export * from "./setup/cacheDir.ts";
export * from "./setup/ceremony.ts";
export * from "./setup/checkDeployable.ts";
export * from "./setup/checkGroth16KeyTrust.ts";
export * from "./setup/circuitSize.ts";
export * from "./setup/createPtau.ts";
export * from "./setup/ensurePtau.ts";
export * from "./setup/exportSolidity.ts";
export * from "./setup/hashFile.ts";
export * from "./setup/measurePtau.ts";
export * from "./setup/readPtauInfo.ts";
export * from "./setup/readZkeyInfo.ts";
export * from "./setup/rebuildModel.ts";
export * from "./setup/setupCircuit.ts";
export * from "./setup/setupGroth16.ts";
export * from "./setup/setupTrust.ts";
export * from "./setup/verifyManifest.ts";
export * from "./setup/zkeyCache.ts";

// prove: proofs and off-chain verification
export * from "./prove/circuitInput.ts";
export * from "./prove/decodeProof.ts";
export * from "./prove/encodeProof.ts";
export * from "./prove/prove.ts";
export * from "./prove/proveGroth16.ts";
export * from "./prove/verifyGroth16.ts";
export * from "./prove/verifyProof.ts";

// chain: contracts, ethers + viem clients, submission, batches
export * from "./chain/batchSetVerifier.ts";
export * from "./chain/batchSubmitPredictions.ts";
export * from "./chain/batchVerifierCompile.ts";
export * from "./chain/batchVerifierSource.ts";
export * from "./chain/chainClient.ts";
export * from "./chain/checkSubmission.ts";
export * from "./chain/classifyTxError.ts";
export * from "./chain/compileSolidity.ts";
export * from "./chain/decodeRevert.ts";
export * from "./chain/deployContract.ts";
export * from "./chain/deployRegistry.ts";
export * from "./chain/deployVerifier.ts";
export * from "./chain/estimateVerificationCost.ts";
export * from "./chain/ethersClient.ts";
export * from "./chain/exportVerifier.ts";
export * from "./chain/generated/ModelRegistry.ts";
export * from "./chain/generated/SnarkjsVerifierAdapter.ts";
export * from "./chain/pendingSubmission.ts";
export * from "./chain/predictionIdOf.ts";
export * from "./chain/readRegistry.ts";
export * from "./chain/readRegistryEvents.ts";
export * from "./chain/registerModel.ts";
export * from "./chain/registryEvents.ts";
export * from "./chain/resumeSubmission.ts";
export * from "./chain/sendTransaction.ts";
export * from "./chain/submitPrediction.ts";
export * from "./chain/viemClient.ts";
/** `submitPredictions`: many proofs of one model in one transaction (the registry function's name). */
export { batchSubmitPredictions as submitPredictions } from "./chain/batchSubmitPredictions.ts";

// gas lab
export * from "./gas/arbitrumL1Cost.ts";
export * from "./gas/fastLzLength.ts";
export * from "./gas/gasSnapshot.ts";
export * from "./gas/measureGas.ts";
export * from "./gas/opL1Fee.ts";
export * from "./gas/proveSamples.ts";
export * from "./gas/renderGasReport.ts";
export * from "./gas/runGasChain.ts";
export * from "./gas/setL1BlockValues.ts";

// audit: re-checking a registry
export * from "./audit/auditModel.ts";
export * from "./audit/auditPrediction.ts";
export * from "./audit/auditRegistry.ts";
export * from "./audit/decodeSubmission.ts";
export * from "./audit/loadManifestDir.ts";
export * from "./audit/types.ts";
export * from "./audit/writeAuditReport.ts";

// data sets
export * from "./data/benchModels.ts";
export * from "./data/iris.ts";
export * from "./data/mlpForward.ts";
export * from "./data/mulberry32.ts";
export * from "./data/trainMlp.ts";

// utilities
export * from "./util/sha256File.ts";
export * from "./util/snarkjsLogger.ts";
export * from "./util/toolVersions.ts";
