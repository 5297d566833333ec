// @zkml-verify/node: everything of @zkml-verify/core, plus what needs Node: ONNX import,
// quantization, circuit generation and circom2, setups and ceremonies, model folders, the
// file-backed submission store, the auditor and the gas lab. The zkml CLI (bin) is built on it.
// `@zkml-verify/node/internal/*` exposes the rest and is not part of the semver contract.
export * from "@zkml-verify/core";

// compile: ONNX -> IR -> quantized model -> circuit (a model folder)
export { compileModel, defaultCalibration } from "./circuit/compileModel.ts";
export type { CompileModelParameters, CompileModelReturnType } from "./circuit/compileModel.ts";
export { importOnnx } from "./onnx/importOnnx.ts";
export type { ImportOnnxParameters } from "./onnx/importOnnx.ts";
export type { ModelIR } from "./onnx/ir.ts";
export { readInputFile } from "./onnx/readInputFile.ts";
export { evaluateFloat } from "./onnx/evaluateFloat.ts";
export { runOnnx, runOnnxBatch } from "./onnx/runOnnx.ts";
export { quantizeModel } from "./quantize/quantizeModel.ts";
export type { QuantizeModelParameters } from "./quantize/quantizeModel.ts";
export { fidelity } from "./quantize/fidelity.ts";
export type { FidelityParameters, FidelityReturnType } from "./quantize/fidelity.ts";
export { rebindWeights } from "./quantize/rebindWeights.ts";
export { generateCircuit, generateModelCircuit } from "./circuit/generateCircuit.ts";
export type { WeightVisibility } from "./circuit/generateCircuit.ts";
export { compileCircuit } from "./circuit/compileCircuit.ts";

// model folders: setup, load once and prove (the one proving path), manifests
export { setupModelDir } from "./model/setupModelDir.ts";
export type { SetupModelDirParameters } from "./model/setupModelDir.ts";
export { loadModelDir } from "./model/loadModelDir.ts";
export type { LoadModelDirParameters } from "./model/loadModelDir.ts";
export { TIERING_BUDGET, WITNESS_TIERING_BUDGET, useProverV8Flags } from "./util/v8Flags.ts";
export { modelFiles, modelKeys } from "./model/modelDir.ts";
export { readManifest, writeManifest } from "./manifestFile.ts";

// setup: powers of tau, zkeys, ceremonies, trust
export { setupCircuit } from "./setup/setupCircuit.ts";
export { artifactNames } from "./setup/artifactNames.ts";
export type { SetupCircuitParameters, SetupCircuitReturnType } from "./setup/setupCircuit.ts";
export { createPtau } from "./setup/createPtau.ts";
export { contributePhase2, beaconPhase2, verifyPhase2 } from "./setup/ceremony.ts";
export { verifyManifest } from "./setup/verifyManifest.ts";
export type { ManifestCheck, VerifyManifestParameters } from "./setup/verifyManifest.ts";
export { checkGroth16KeyTrust } from "./setup/checkGroth16KeyTrust.ts";
export { checkDeployable, checkSetupForChain } from "./setup/checkDeployable.ts";
export { checkKeyFiles } from "./setup/checkKeyFiles.ts";
export { defaultCacheRoot } from "./setup/cacheDir.ts";

// chain: verifiers (solc), the file-backed submission store
export { deployVerifier } from "./chain/deployVerifier.ts";
export type { DeployVerifierParameters, DeployVerifierReturnType } from "./chain/deployVerifier.ts";
export { exportVerifier } from "./chain/exportVerifier.ts";
export { fileSubmissionStore, listPendingSubmissions } from "./chain/pendingSubmission.ts";
export { resumeSubmission } from "./chain/resumeSubmission.ts";
export type { ResumedSubmission, ResumeSubmissionParameters } from "./chain/resumeSubmission.ts";

// audit and gas
export { auditRegistry } from "./audit/auditRegistry.ts";
export type { AuditRegistryParameters } from "./audit/auditRegistry.ts";
export { writeAuditReport, renderAuditMarkdown } from "./audit/writeAuditReport.ts";
export { measureGas } from "./gas/measureGas.ts";
export type { MeasureGasParameters, MeasureGasReturnType } from "./gas/measureGas.ts";
export { renderGasMarkdown } from "./gas/renderGasReport.ts";
export { renderGasChart } from "./gas/renderGasChart.ts";
export { estimateLiveCost, liveClient } from "./gas/liveCost.ts";
export type { EstimateLiveCostParameters, EstimateLiveCostReturnType } from "./gas/liveCost.ts";
export { checkGasSnapshot, gasSnapshot } from "./gas/gasSnapshot.ts";
