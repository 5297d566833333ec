// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IProofVerifier} from "./IProofVerifier.sol";
import {IBatchProofVerifier} from "./IBatchProofVerifier.sol";

/// @title IModelRegistry
/// @notice A registry of versioned ML models (weight commitment + proof verifier + public signal
///         layout) that records predictions whose zero-knowledge proofs verify.
/// @dev Replay policy: a prediction is keyed on the proven statement, not on the proof bytes:
///      `predictionId = keccak256(abi.encode(modelId, version, publicSignals))`. Groth16 proofs
///      are malleable (anyone can re-randomise a valid proof into another valid one), so keying
///      on the proof would let the same statement be recorded many times; keyed on the
///      statement, it is recorded once, by its first submitter. Every public signal must be a
///      canonical element of the BN254 scalar field (< r, `PublicSignalOutOfField`): the PLONK
///      and FFLONK verifiers of snarkjs reduce signals mod r, so `s` and `s + r` would be two
///      statements with one proof.
///      Front-running: a pending submission can be copied from the mempool and sent first from
///      another account. A model whose layout binds a submitter (`submitterKind` 1) proves the
///      intended submitter's address as a public signal, and the registry records the proof only
///      from that address (`SubmitterMismatch`).
interface IModelRegistry {
    /// @notice Where the weight commitment, inputs and outputs sit in the public signals.
    /// @dev Field-for-field the SDK type `SignalLayout` (sdk/core/src/layout/publicSignals.ts).
    /// @param nPublic Total number of public signals.
    /// @param weightCommitmentIndex Index of the weight commitment (0 for generated circuits).
    /// @param inputKind 0 = public inputs (a slice of signals, keccak256-hashed on-chain),
    ///        1 = hashed (one Poseidon commitment signal), 2 = private (no input signal).
    /// @param inputOffset First index of the input slice (or of the input commitment).
    /// @param inputCount Number of input signals (1 for a commitment, 0 for private).
    /// @param outputOffset First index of the output slice (or of the output commitment).
    /// @param outputCount Number of output signals (1 for a commitment).
    /// @param outputKind 0 = the output values (a slice of signals), 1 = hashed (one Poseidon
    ///        commitment signal, `outputCommitment`, so `outputCount` must be 1).
    /// @param submitterKind 0 = none (anyone may submit a proof), 1 = bound: the signal at
    ///        `submitterIndex` is the address (as a field element) that must send the proof.
    /// @param submitterIndex Index of the submitter signal (0 when `submitterKind` is 0; the
    ///        last signal for generated circuits).
    /// @dev 17 bytes: the layout fills one storage slot of a `ModelVersion`.
    struct SignalLayout {
        uint16 nPublic;
        uint16 weightCommitmentIndex;
        uint8 inputKind;
        uint16 inputOffset;
        uint16 inputCount;
        uint16 outputOffset;
        uint16 outputCount;
        uint8 outputKind;
        uint8 submitterKind;
        uint16 submitterIndex;
    }

    /// @notice A model: its latest version and whether it is retired.
    /// @param latestVersion The newest version (versions are numbered 1, 2, ...).
    /// @param deprecated True once the model is deprecated (permanent).
    struct Model {
        uint32 latestVersion;
        bool deprecated;
    }

    /// @notice One registered version of a model.
    /// @param weightCommitment The Poseidon commitment to the quantised weights.
    /// @param verifier The verifier of this version's circuit.
    /// @param proofSystem The verifier's proof system at registration (0 Groth16, 1 PLONK, 2 FFLONK).
    /// @param deprecated True once this version is deprecated (permanent).
    /// @param layout The public signal layout of this version's circuit.
    /// @param metadataURI Where the model card, ONNX hash and circuit artefacts are described.
    struct ModelVersion {
        bytes32 weightCommitment;
        IProofVerifier verifier;
        uint8 proofSystem;
        bool deprecated;
        SignalLayout layout;
        string metadataURI;
    }

    /// @notice A verified prediction, as stored: one storage slot.
    /// @dev The statement itself is not stored: the mapping key, `predictionId`, is the keccak256
    ///      of (modelId, version, publicSignals), so it binds the model, the inputs and the
    ///      outputs; `PredictionVerified` carries the model id, the input commitment and the
    ///      outputs, and the transaction's calldata carries every public signal. A dApp holding
    ///      the signals checks a statement with `isPredictionVerified(predictionIdOf(...))`.
    /// @param submitter The account that submitted the proof (never zero for a recorded one).
    /// @param blockNumber The block in which the prediction was recorded.
    /// @param version The model version whose verifier accepted the proof.
    struct Prediction {
        address submitter;
        uint64 blockNumber;
        uint32 version;
    }

    /// @notice A model version was registered.
    /// @param modelId The model.
    /// @param version The new version number.
    /// @param weightCommitment The version's weight commitment.
    /// @param verifier The version's verifier.
    /// @param proofSystem The verifier's proof system.
    /// @param metadataURI The version's metadata URI.
    // solhint-disable-next-line gas-indexed-events
    event ModelRegistered(
        bytes32 indexed modelId,
        uint32 indexed version,
        bytes32 weightCommitment,
        address verifier,
        uint8 proofSystem,
        string metadataURI
    );

    /// @notice A model version was deprecated.
    /// @param modelId The model.
    /// @param version The deprecated version.
    event VersionDeprecated(bytes32 indexed modelId, uint32 indexed version);

    /// @notice A model was deprecated; it accepts no new versions and no predictions.
    /// @param modelId The model.
    event ModelDeprecated(bytes32 indexed modelId);

    /// @notice A prediction's proof verified and the prediction was recorded.
    /// @param modelId The model.
    /// @param version The model version used.
    /// @param predictionId The prediction id (see the replay policy).
    /// @param inputCommitment The Poseidon input commitment (hashed inputs), the keccak256 of the
    ///        packed input signals (public inputs) or zero (private inputs).
    /// @param outputs The output signals: the output values (layout `outputKind` 0) or the one
    ///        Poseidon commitment to them (`outputKind` 1).
    /// @param submitter The account that submitted the proof.
    event PredictionVerified(
        bytes32 indexed modelId,
        uint32 version,
        bytes32 indexed predictionId,
        bytes32 inputCommitment,
        uint256[] outputs,
        address indexed submitter
    );

    /// @notice A batch item's statement was already recorded (by an earlier transaction or an
    ///         earlier item of the same batch), so `submitPredictions` skipped it.
    /// @param modelId The model.
    /// @param version The model version used.
    /// @param predictionId The prediction id of the skipped item (see the replay policy).
    /// @param index The index of the skipped item in the batch.
    // solhint-disable-next-line gas-indexed-events
    event PredictionSkipped(
        bytes32 indexed modelId,
        uint32 version,
        bytes32 indexed predictionId,
        uint256 index
    );

    /// @notice A batch verifier was set (or cleared, with the zero address) for a model version.
    /// @param modelId The model.
    /// @param version The version.
    /// @param batchVerifier The batch verifier, or zero to fall back to per-proof verification.
    event BatchVerifierSet(
        bytes32 indexed modelId,
        uint32 indexed version,
        address indexed batchVerifier
    );

    /// @notice A role was to be granted to the zero address at deployment.
    /// @param role The role.
    error ZeroRoleAccount(bytes32 role);

    /// @notice The verifier address has no code.
    /// @param verifier The verifier given.
    error InvalidVerifier(address verifier);

    /// @notice The layout's `nPublic` differs from the verifier's public signal count.
    /// @param layoutCount The layout's `nPublic`.
    /// @param verifierCount The verifier's `publicSignalCount()`.
    error VerifierSignalCountMismatch(uint256 layoutCount, uint256 verifierCount);

    /// @notice The input kind is unknown or inconsistent with the input count
    ///         (hashed needs 1 signal, private needs 0).
    /// @param inputKind The layout's input kind.
    /// @param inputCount The layout's input count.
    error InvalidInputKind(uint8 inputKind, uint16 inputCount);

    /// @notice The output kind is unknown or inconsistent with the output count
    ///         (hashed needs exactly 1 signal, the commitment).
    /// @param outputKind The layout's output kind.
    /// @param outputCount The layout's output count.
    error InvalidOutputKind(uint8 outputKind, uint16 outputCount);

    /// @notice The submitter kind is unknown, or none (0) with a non-zero submitter index.
    /// @param submitterKind The layout's submitter kind.
    /// @param submitterIndex The layout's submitter index.
    error InvalidSubmitterKind(uint8 submitterKind, uint16 submitterIndex);

    /// @notice A signal range of the layout does not fit in the public signals.
    /// @param offset The first index of the range.
    /// @param count The length of the range.
    /// @param nPublic The layout's total number of public signals.
    error SignalRangeOutOfBounds(uint256 offset, uint256 count, uint256 nPublic);

    /// @notice The model has never been registered.
    /// @param modelId The model.
    error ModelNotFound(bytes32 modelId);

    /// @notice The model version does not exist.
    /// @param modelId The model.
    /// @param version The version.
    error VersionNotFound(bytes32 modelId, uint32 version);

    /// @notice The model is deprecated.
    /// @param modelId The model.
    error ModelIsDeprecated(bytes32 modelId);

    /// @notice The model version is deprecated.
    /// @param modelId The model.
    /// @param version The version.
    error VersionIsDeprecated(bytes32 modelId, uint32 version);

    /// @notice The number of public signals differs from the layout's.
    /// @param expected The layout's `nPublic`.
    /// @param actual The number of public signals given.
    error PublicSignalCountMismatch(uint256 expected, uint256 actual);

    /// @notice A public signal is not a canonical element of the BN254 scalar field (it is
    ///         >= r); the PLONK and FFLONK verifiers would reduce it mod r and accept an alias.
    /// @param index The index of the first such signal.
    /// @param value The signal.
    error PublicSignalOutOfField(uint256 index, uint256 value);

    /// @notice The proof binds another submitter than the sender (layout `submitterKind` 1).
    /// @param expected The submitter signal of the proof (an address as a field element).
    /// @param actual The sender of the submission (`msg.sender`).
    error SubmitterMismatch(uint256 expected, address actual);

    /// @notice The proven weight commitment is not the registered one.
    /// @param modelId The model.
    /// @param expected The registered weight commitment.
    /// @param actual The weight commitment in the public signals.
    error WeightCommitmentMismatch(bytes32 modelId, bytes32 expected, bytes32 actual);

    /// @notice The statement has already been recorded (see the replay policy). Only
    ///         `submitPrediction` reverts with it; `submitPredictions` skips such an item.
    /// @param predictionId The prediction id.
    error PredictionAlreadyVerified(bytes32 predictionId);

    /// @notice No prediction has this id.
    /// @param predictionId The prediction id.
    error PredictionNotFound(bytes32 predictionId);

    /// @notice The verifier rejected the proof.
    /// @param modelId The model.
    /// @param version The version whose verifier rejected the proof.
    error InvalidProof(bytes32 modelId, uint32 version);

    /// @notice A batch's proofs and public signal arrays differ in length.
    /// @param proofs The number of proofs.
    /// @param publicSignals The number of public signal arrays.
    error BatchLengthMismatch(uint256 proofs, uint256 publicSignals);

    /// @notice A batch item failed; the whole batch reverted.
    /// @param index The index of the failing item.
    /// @param reason The item's own revert data (e.g. an encoded `InvalidProof`).
    error BatchItemFailed(uint256 index, bytes reason);

    /// @notice The batch verifier rejected a batch (at least one of its proofs is invalid; the
    ///         aggregate check cannot say which: resubmit the items one by one to find it).
    /// @param modelId The model.
    /// @param version The version whose batch verifier rejected the batch.
    /// @param count The number of proofs in the batch.
    error InvalidBatchProof(bytes32 modelId, uint32 version, uint256 count);

    /// @notice The batch verifier's proof system differs from the version's.
    /// @param expected The version's proof system.
    /// @param actual The batch verifier's `proofSystem()`.
    error BatchVerifierProofSystemMismatch(uint8 expected, uint8 actual);

    /// @notice Registers a new version of a model: version 1 on first registration, then n + 1.
    ///         Older versions stay readable; predictions always use the latest version.
    /// @dev REGISTRAR_ROLE only. Not affected by pause. The layout is validated for bounds, input,
    ///      output and submitter kinds (`InvalidInputKind`, `InvalidOutputKind`,
    ///      `InvalidSubmitterKind`) and against
    ///      `verifier.publicSignalCount()`; the proof system is read from the verifier.
    /// @param modelId The model (any 32-byte id chosen by the registrar).
    /// @param weightCommitment The Poseidon commitment to the quantised weights.
    /// @param verifier The verifier of the version's circuit.
    /// @param layout The version's public signal layout.
    /// @param metadataURI Where the model card and artefacts are described.
    /// @return version The new version number.
    function registerModel(
        bytes32 modelId,
        bytes32 weightCommitment,
        IProofVerifier verifier,
        SignalLayout calldata layout,
        string calldata metadataURI
    ) external returns (uint32 version);

    /// @notice Sets (or clears, with the zero address) the batch verifier of a model version;
    ///         `submitPredictions` then checks a whole batch with one `verifyBatch` call.
    /// @dev REGISTRAR_ROLE only. A separate call rather than a `registerModel` argument, so that
    ///      registration keeps one shape for every proof system and a batch verifier can be
    ///      added to (or removed from) an existing version without a new version. The batch
    ///      verifier must have code, the version's public signal count and proof system. That it
    ///      checks the SAME verification key as the version's verifier cannot be checked
    ///      on-chain: the registrar vouches for it (generated batch verifiers expose the sha256
    ///      of their verification key, `verificationKeyHash()`, for auditors).
    /// @param modelId The model.
    /// @param version The version (deprecated versions are allowed: it only matters if active).
    /// @param batchVerifier The batch verifier, or the zero address.
    function setBatchVerifier(
        bytes32 modelId,
        uint32 version,
        IBatchProofVerifier batchVerifier
    ) external;

    /// @notice Deprecates one version. If it is the latest, predictions are refused until a
    ///         newer version is registered.
    /// @dev REGISTRAR_ROLE only. Permanent.
    /// @param modelId The model.
    /// @param version The version.
    function deprecateVersion(bytes32 modelId, uint32 version) external;

    /// @notice Deprecates a model: it accepts no new versions and no predictions.
    /// @dev REGISTRAR_ROLE only. Permanent; register under a new model id instead.
    /// @param modelId The model.
    function deprecateModel(bytes32 modelId) external;

    /// @notice Stops prediction submissions (registration and deprecation still work).
    /// @dev PAUSER_ROLE only.
    function pause() external;

    /// @notice Resumes prediction submissions.
    /// @dev PAUSER_ROLE only.
    function unpause() external;

    /// @notice Verifies a proof against the model's latest version and records the prediction.
    /// @dev Not when paused. Checks, in order: the model exists and is not deprecated, its
    ///      latest version is not deprecated, the signal count, that every signal is < r
    ///      (`PublicSignalOutOfField`), the weight commitment, the bound submitter if the layout
    ///      has one (`SubmitterMismatch`), that the statement is new (replay policy above), then
    ///      the proof (a STATICCALL). A verifier revert is re-thrown as is (or as
    ///      `InvalidProof` if it has no data).
    /// @param modelId The model.
    /// @param proof The proof, in the verifier's format.
    /// @param publicSignals The public signals, laid out as the version's `SignalLayout`.
    /// @return predictionId The recorded prediction's id.
    function submitPrediction(
        bytes32 modelId,
        bytes calldata proof,
        uint256[] calldata publicSignals
    ) external returns (bytes32 predictionId);

    /// @notice Verifies and records several predictions for one model; an item whose statement
    ///         is already recorded is skipped (`PredictionSkipped`), any other failure reverts all.
    /// @dev Not when paused. Model-level failures (`ModelNotFound`, `ModelIsDeprecated`,
    ///      `VersionIsDeprecated`, `BatchLengthMismatch`) revert directly; an item's failure
    ///      (the statement checks of `submitPrediction`, or its proof) reverts the whole batch
    ///      with `BatchItemFailed(index, itemRevertData)`. An item whose statement is already
    ///      recorded (by another transaction, e.g. one that copied it from the mempool, or
    ///      earlier in this batch) is not recorded again: the registry emits
    ///      `PredictionSkipped` for it and goes on. With a batch verifier set for the version
    ///      (`setBatchVerifier`), the items' own checks run and new items are recorded first,
    ///      then ONE `verifyBatch` STATICCALL checks every proof, skipped items' included (a
    ///      random linear combination of the pairing equations); if it rejects, the whole batch
    ///      reverts with `InvalidBatchProof` (no index: the aggregate cannot tell). Without one,
    ///      each new item's proof goes through the version's verifier, item by item (a skipped
    ///      item's proof is not checked: nothing is recorded for it).
    /// @param modelId The model.
    /// @param proofs The proofs.
    /// @param publicSignals The public signals of each proof.
    /// @return predictionIds The items' prediction ids, in order, skipped items' included.
    function submitPredictions(
        bytes32 modelId,
        bytes[] calldata proofs,
        uint256[][] calldata publicSignals
    ) external returns (bytes32[] memory predictionIds);

    /// @notice A model's latest version and deprecation flag.
    /// @dev Reverts `ModelNotFound` for an unregistered model.
    /// @param modelId The model.
    /// @return The model.
    function getModel(bytes32 modelId) external view returns (Model memory);

    /// @notice One version of a model.
    /// @dev Reverts `VersionNotFound` if the version does not exist.
    /// @param modelId The model.
    /// @param version The version.
    /// @return The version.
    function getVersion(
        bytes32 modelId,
        uint32 version
    ) external view returns (ModelVersion memory);

    /// @notice The batch verifier of a model version (zero if none).
    /// @dev Reverts `VersionNotFound` if the version does not exist.
    /// @param modelId The model.
    /// @param version The version.
    /// @return The batch verifier.
    function getBatchVerifier(
        bytes32 modelId,
        uint32 version
    ) external view returns (IBatchProofVerifier);

    /// @notice The id a prediction of these public signals gets under a model version
    ///         (the replay key): `keccak256(abi.encode(modelId, version, publicSignals))`.
    /// @param modelId The model.
    /// @param version The version.
    /// @param publicSignals The public signals.
    /// @return The prediction id.
    function predictionIdOf(
        bytes32 modelId,
        uint32 version,
        uint256[] calldata publicSignals
    ) external pure returns (bytes32);

    /// @notice A recorded prediction (submitter, block, version: see `Prediction`).
    /// @dev Reverts `PredictionNotFound` if no prediction has this id.
    /// @param predictionId The prediction id.
    /// @return The prediction.
    function getPrediction(bytes32 predictionId) external view returns (Prediction memory);

    /// @notice Whether a prediction with this id has been recorded.
    /// @param predictionId The prediction id.
    /// @return True if recorded.
    function isPredictionVerified(bytes32 predictionId) external view returns (bool);
}
