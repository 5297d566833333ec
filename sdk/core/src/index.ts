// @zkml-verify/core: the browser-safe API (no `node:` import anywhere below this folder; a test
// enforces it). Load a compiled model's artifacts once, prove and verify, submit with viem or
// ethers, read what the registry recorded. `@zkml-verify/core/internal/*` exposes the rest to
// @zkml-verify/node and is not part of the semver contract.

// errors: one base, a class per cause
export * from "./errors.ts";

// one handle per compiled model
export { loadModel, readSource } from "./model/loadModel.ts";
export type {
  ArtifactSource,
  LoadedModel,
  LoadModelParameters,
  ModelArtifacts,
  ModelOutputs,
  ModelProof,
  ModelProveParameters,
} from "./model/loadModel.ts";
export type { Manifest, QuantizationBuild, SetupRecord, SetupTrust } from "./manifest.ts";
export { PROOF_SYSTEMS } from "./prove/proofSystem.ts";
export type { ProofSystem } from "./prove/proofSystem.ts";

// the quantized model: evaluator, input quantization, commitments
export { evaluateQuantized } from "./quantize/evaluateQuantized.ts";
export type {
  EvaluateQuantizedParameters,
  EvaluateQuantizedReturnType,
} from "./quantize/evaluateQuantized.ts";
export { quantizeInput } from "./quantize/quantizeInput.ts";
export type { QuantizeInputParameters } from "./quantize/quantizeInput.ts";
export { flattenInput, splitOutputs } from "./quantize/modelInputs.ts";
export type { ModelInput } from "./quantize/modelInputs.ts";
export { fromField, toField, FIELD_PRIME } from "./quantize/fixedPoint.ts";
export { inputCommitment } from "./quantize/inputCommitment.ts";
export { outputCommitment } from "./quantize/outputCommitment.ts";
export {
  modelWeightCommitment,
  privateWeightCommitment,
  weightCommitment,
} from "./quantize/weightCommitment.ts";
export type { QTensorInfo, QuantizedModel, QuantizedOp, QuantizeMode } from "./quantize/types.ts";

// the public-signal layout (one definition, shared with the generator and the contracts)
export {
  INPUT_KIND,
  OUTPUT_KIND,
  SUBMITTER_KIND,
  SNARK_SCALAR_FIELD,
  publicSignalLayout,
  splitPublicSignals,
  submitterSignal,
} from "./layout/publicSignals.ts";
export type {
  InputVisibility,
  OutputVisibility,
  PublicSignalPlan,
  SignalLayout,
  SubmitterVisibility,
} from "./layout/publicSignals.ts";

// proofs: the primitive, verification, encoding for the registry
export { prove } from "./prove/prove.ts";
export type { AnyProof, ProveParameters, ProveReturnType, ProveStage } from "./prove/prove.ts";
export { loadWitnessGenerator } from "./prove/witness.ts";
export type { WitnessGenerator } from "./prove/witness.ts";
export { loadGroth16Key } from "./prove/groth16Key.ts";
export type { Groth16ProvingKey, LoadGroth16KeyParameters } from "./prove/groth16Key.ts";
export { proveGroth16WithKey } from "./prove/groth16Prover.ts";
export type {
  ProveGroth16WithKeyParameters,
  ProveGroth16WithKeyReturnType,
} from "./prove/groth16Prover.ts";
export { verifyProof } from "./prove/verifyProof.ts";
export type { VerifyProofParameters } from "./prove/verifyProof.ts";
export { checkVerificationKeyTrust } from "./keyTrust.ts";
export { encodeProof } from "./prove/encodeProof.ts";
export { decodeProof } from "./prove/decodeProof.ts";

// the registry, with viem clients or an ethers Signer / Provider
export { toChainClient } from "./chain/chainClient.ts";
export type { ChainClient, ChainClientLike, Hex, ViemClients } from "./chain/chainClient.ts";
export { deployRegistry } from "./chain/deployRegistry.ts";
export { registerModel } from "./chain/registerModel.ts";
export { submitPrediction } from "./chain/submitPrediction.ts";
export type {
  SubmitPredictionParameters,
  SubmitPredictionReturnType,
  TxOverrides,
} from "./chain/submitPrediction.ts";
export type { PendingSubmission, SubmissionStore } from "./chain/submissionStore.ts";
export { batchSubmitPredictions as submitPredictions } from "./chain/batchSubmitPredictions.ts";
export { readRegistry } from "./chain/readRegistry.ts";
export {
  readGovernanceEvents,
  readModelRegistrations,
  readVerifiedPredictions,
} from "./chain/readRegistryEvents.ts";
export type {
  GovernanceEvent,
  ModelRegistration,
  VerifiedPrediction,
} from "./chain/readRegistryEvents.ts";
export { predictionIdOf } from "./chain/predictionIdOf.ts";
export { modelRegistryAbi } from "./chain/generated/ModelRegistry.ts";
export { snarkjsVerifierAdapterAbi } from "./chain/generated/SnarkjsVerifierAdapter.ts";

// snarkjs's worker threads
export { keepWorkersIdle, releaseSnarkjs } from "./util/snarkjsLogger.ts";
