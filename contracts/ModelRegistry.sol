// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {IProofVerifier} from "./interfaces/IProofVerifier.sol";
import {IBatchProofVerifier} from "./interfaces/IBatchProofVerifier.sol";

/// @title ModelRegistry
/// @notice Versioned ML models and the predictions proven for them. See `IModelRegistry`.
/// @dev Roles: DEFAULT_ADMIN_ROLE (a cold key: grants and revokes roles), REGISTRAR_ROLE
///      (registers and deprecates models), PAUSER_ROLE (pauses prediction submissions).
contract ModelRegistry is IModelRegistry, AccessControl, Pausable {
    /// @notice May register and deprecate models and versions.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    /// @notice May pause and unpause prediction submissions.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    uint8 private constant _INPUT_PUBLIC = 0;
    uint8 private constant _INPUT_HASHED = 1;
    uint8 private constant _INPUT_PRIVATE = 2;
    uint8 private constant _OUTPUT_HASHED = 1;
    uint8 private constant _SUBMITTER_BOUND = 1;
    /// @dev The BN254 scalar field order r: every public signal must be below it.
    uint256 private constant _SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    mapping(bytes32 modelId => Model) private _models;
    mapping(bytes32 modelId => mapping(uint32 version => ModelVersion)) private _versions;
    mapping(bytes32 modelId => mapping(uint32 version => IBatchProofVerifier))
        private _batchVerifiers;
    /// @dev One slot per prediction (see `Prediction`): the statement is the key.
    mapping(bytes32 predictionId => Prediction) private _predictions;

    /// @param admin Receives DEFAULT_ADMIN_ROLE (a cold key).
    /// @param registrar Receives REGISTRAR_ROLE (an operations key).
    /// @param pauser Receives PAUSER_ROLE (an operations or monitoring key).
    constructor(address admin, address registrar, address pauser) {
        if (admin == address(0)) revert ZeroRoleAccount(DEFAULT_ADMIN_ROLE);
        if (registrar == address(0)) revert ZeroRoleAccount(REGISTRAR_ROLE);
        if (pauser == address(0)) revert ZeroRoleAccount(PAUSER_ROLE);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, registrar);
        _grantRole(PAUSER_ROLE, pauser);
    }

    // ----------------------------------------------------------------- administration

    /// @inheritdoc IModelRegistry
    function registerModel(
        bytes32 modelId,
        bytes32 weightCommitment,
        IProofVerifier verifier,
        SignalLayout calldata layout,
        string calldata metadataURI
    ) external onlyRole(REGISTRAR_ROLE) returns (uint32 version) {
        Model storage model = _models[modelId];
        if (model.deprecated) revert ModelIsDeprecated(modelId);
        if (address(verifier).code.length == 0) revert InvalidVerifier(address(verifier));
        _validateLayout(layout);
        uint256 verifierCount = verifier.publicSignalCount();
        if (verifierCount != layout.nPublic) {
            revert VerifierSignalCountMismatch(layout.nPublic, verifierCount);
        }
        uint8 system = verifier.proofSystem();

        version = model.latestVersion + 1;
        model.latestVersion = version;
        ModelVersion storage v = _versions[modelId][version];
        v.weightCommitment = weightCommitment;
        v.verifier = verifier;
        v.proofSystem = system;
        v.layout = layout;
        v.metadataURI = metadataURI;
        emit ModelRegistered(
            modelId,
            version,
            weightCommitment,
            address(verifier),
            system,
            metadataURI
        );
    }

    /// @inheritdoc IModelRegistry
    function setBatchVerifier(
        bytes32 modelId,
        uint32 version,
        IBatchProofVerifier batchVerifier
    ) external onlyRole(REGISTRAR_ROLE) {
        _existingModel(modelId);
        ModelVersion storage v = _existingVersion(modelId, version);
        if (address(batchVerifier) != address(0)) {
            if (address(batchVerifier).code.length == 0) {
                revert InvalidVerifier(address(batchVerifier));
            }
            uint256 count = batchVerifier.publicSignalCount();
            if (count != v.layout.nPublic) {
                revert VerifierSignalCountMismatch(v.layout.nPublic, count);
            }
            uint8 system = batchVerifier.proofSystem();
            if (system != v.proofSystem) {
                revert BatchVerifierProofSystemMismatch(v.proofSystem, system);
            }
        }
        _batchVerifiers[modelId][version] = batchVerifier;
        emit BatchVerifierSet(modelId, version, address(batchVerifier));
    }

    /// @inheritdoc IModelRegistry
    function deprecateVersion(bytes32 modelId, uint32 version) external onlyRole(REGISTRAR_ROLE) {
        _existingModel(modelId);
        ModelVersion storage v = _existingVersion(modelId, version);
        if (v.deprecated) revert VersionIsDeprecated(modelId, version);
        v.deprecated = true;
        emit VersionDeprecated(modelId, version);
    }

    /// @inheritdoc IModelRegistry
    function deprecateModel(bytes32 modelId) external onlyRole(REGISTRAR_ROLE) {
        Model storage model = _existingModel(modelId);
        if (model.deprecated) revert ModelIsDeprecated(modelId);
        model.deprecated = true;
        emit ModelDeprecated(modelId);
    }

    /// @inheritdoc IModelRegistry
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IModelRegistry
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // -------------------------------------------------------------------- predictions

    /// @inheritdoc IModelRegistry
    function submitPrediction(
        bytes32 modelId,
        bytes calldata proof,
        uint256[] calldata publicSignals
    ) external whenNotPaused returns (bytes32 predictionId) {
        (uint32 version, ModelVersion storage v) = _activeVersion(modelId);
        SignalLayout memory layout = v.layout;
        bool recorded;
        bytes memory failure;
        (predictionId, recorded, failure) = _checkStatement(
            modelId,
            version,
            layout,
            v,
            publicSignals
        );
        if (failure.length == 0 && recorded) {
            failure = abi.encodeWithSelector(PredictionAlreadyVerified.selector, predictionId);
        }
        if (failure.length == 0) failure = _verify(modelId, version, v, proof, publicSignals);
        if (failure.length != 0) _revertWith(failure);
        _record(modelId, version, layout, predictionId, publicSignals);
    }

    /// @inheritdoc IModelRegistry
    /// @dev Loops over calldata only. Without a batch verifier each item is checked, verified and
    ///      recorded before the next; this keeps checks-effects-interactions per item because the
    ///      only external call is the verifier's STATICCALL, which cannot re-enter to change
    ///      state. A statement repeated within the batch is skipped at its second index: the
    ///      first was recorded before it is checked.
    function submitPredictions(
        bytes32 modelId,
        bytes[] calldata proofs,
        uint256[][] calldata publicSignals
    ) external whenNotPaused returns (bytes32[] memory predictionIds) {
        if (proofs.length != publicSignals.length) {
            revert BatchLengthMismatch(proofs.length, publicSignals.length);
        }
        (uint32 version, ModelVersion storage v) = _activeVersion(modelId);
        predictionIds = new bytes32[](proofs.length);
        IBatchProofVerifier batchVerifier = _batchVerifiers[modelId][version];
        bool batched = address(batchVerifier) != address(0) && proofs.length != 0;
        SignalLayout memory layout = v.layout;
        for (uint256 i = 0; i < proofs.length; ++i) {
            predictionIds[i] = _batchItem(
                modelId,
                version,
                v,
                layout,
                proofs[i],
                publicSignals[i],
                i,
                batched
            );
        }
        // With a batch verifier: every item checked and recorded (effects), then ONE STATICCALL.
        if (batched && !_verifyBatch(batchVerifier)) {
            revert InvalidBatchProof(modelId, version, proofs.length);
        }
    }

    // -------------------------------------------------------------------------- views

    /// @inheritdoc IModelRegistry
    function getModel(bytes32 modelId) external view returns (Model memory) {
        return _existingModel(modelId);
    }

    /// @inheritdoc IModelRegistry
    function getVersion(
        bytes32 modelId,
        uint32 version
    ) external view returns (ModelVersion memory) {
        return _existingVersion(modelId, version);
    }

    /// @inheritdoc IModelRegistry
    function getBatchVerifier(
        bytes32 modelId,
        uint32 version
    ) external view returns (IBatchProofVerifier) {
        _existingVersion(modelId, version);
        return _batchVerifiers[modelId][version];
    }

    /// @inheritdoc IModelRegistry
    function predictionIdOf(
        bytes32 modelId,
        uint32 version,
        uint256[] calldata publicSignals
    ) external pure returns (bytes32) {
        return _predictionId(modelId, version, publicSignals);
    }

    /// @inheritdoc IModelRegistry
    function getPrediction(bytes32 predictionId) external view returns (Prediction memory) {
        Prediction storage p = _predictions[predictionId];
        if (p.submitter == address(0)) revert PredictionNotFound(predictionId);
        return p;
    }

    /// @inheritdoc IModelRegistry
    function isPredictionVerified(bytes32 predictionId) external view returns (bool) {
        return _predictions[predictionId].submitter != address(0);
    }

    /// @notice ERC-165: also reports `IModelRegistry`.
    /// @param interfaceId The interface id.
    /// @return True if supported.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return
            interfaceId == type(IModelRegistry).interfaceId || super.supportsInterface(interfaceId);
    }

    // ----------------------------------------------------------------------- internal

    /// @dev Bounds and kind checks only; overlapping ranges are the circuit generator's concern.
    function _validateLayout(SignalLayout calldata layout) private pure {
        _checkRange(layout.weightCommitmentIndex, 1, layout.nPublic);
        uint8 kind = layout.inputKind;
        if (
            kind > _INPUT_PRIVATE ||
            (kind == _INPUT_HASHED && layout.inputCount != 1) ||
            (kind == _INPUT_PRIVATE && layout.inputCount != 0)
        ) revert InvalidInputKind(kind, layout.inputCount);
        if (kind != _INPUT_PRIVATE) {
            _checkRange(layout.inputOffset, layout.inputCount, layout.nPublic);
        }
        uint8 outputKind = layout.outputKind;
        if (
            outputKind > _OUTPUT_HASHED || (outputKind == _OUTPUT_HASHED && layout.outputCount != 1)
        ) {
            revert InvalidOutputKind(outputKind, layout.outputCount);
        }
        _checkRange(layout.outputOffset, layout.outputCount, layout.nPublic);
        uint8 submitterKind = layout.submitterKind;
        if (
            submitterKind > _SUBMITTER_BOUND || (submitterKind == 0 && layout.submitterIndex != 0)
        ) {
            revert InvalidSubmitterKind(submitterKind, layout.submitterIndex);
        }
        if (submitterKind == _SUBMITTER_BOUND)
            _checkRange(layout.submitterIndex, 1, layout.nPublic);
    }

    function _checkRange(uint256 offset, uint256 count, uint256 nPublic) private pure {
        if (offset + count > nPublic) revert SignalRangeOutOfBounds(offset, count, nPublic);
    }

    function _existingModel(bytes32 modelId) private view returns (Model storage model) {
        model = _models[modelId];
        if (model.latestVersion == 0) revert ModelNotFound(modelId);
    }

    function _existingVersion(
        bytes32 modelId,
        uint32 version
    ) private view returns (ModelVersion storage v) {
        if (version == 0 || version > _models[modelId].latestVersion) {
            revert VersionNotFound(modelId, version);
        }
        v = _versions[modelId][version];
    }

    /// @dev The latest version of a model that accepts predictions.
    function _activeVersion(
        bytes32 modelId
    ) private view returns (uint32 version, ModelVersion storage v) {
        Model storage model = _existingModel(modelId);
        if (model.deprecated) revert ModelIsDeprecated(modelId);
        version = model.latestVersion;
        v = _versions[modelId][version];
        if (v.deprecated) revert VersionIsDeprecated(modelId, version);
    }

    /// @dev The proof's STATICCALL to the version's verifier. Returns empty data if the proof is
    ///      valid, else the verifier's revert data or an encoded `InvalidProof`.
    function _verify(
        bytes32 modelId,
        uint32 version,
        ModelVersion storage v,
        bytes calldata proof,
        uint256[] calldata signals
    ) private view returns (bytes memory failure) {
        try v.verifier.verify(proof, signals) returns (bool valid) {
            if (valid) return "";
        } catch (bytes memory reason) {
            if (reason.length != 0) return reason;
        }
        return abi.encodeWithSelector(InvalidProof.selector, modelId, version);
    }

    /// @dev One batch item: its statement checks, then, unless its statement is already
    ///      recorded or a batch verifier checks every proof afterwards (`batched`), its proof;
    ///      then its record, or `PredictionSkipped` if already recorded. A failure reverts the
    ///      whole batch with `BatchItemFailed(i, reason)`.
    function _batchItem(
        bytes32 modelId,
        uint32 version,
        ModelVersion storage v,
        SignalLayout memory layout,
        bytes calldata proof,
        uint256[] calldata signals,
        uint256 i,
        bool batched
    ) private returns (bytes32 id) {
        bool recorded;
        bytes memory failure;
        (id, recorded, failure) = _checkStatement(modelId, version, layout, v, signals);
        if (failure.length == 0 && !(recorded || batched)) {
            failure = _verify(modelId, version, v, proof, signals);
        }
        if (failure.length != 0) revert BatchItemFailed(i, failure);
        if (recorded) emit PredictionSkipped(modelId, version, id, i);
        else _record(modelId, version, layout, id, signals);
    }

    /// @dev ONE STATICCALL of `batchVerifier.verifyBatch(proofs, publicSignals)` without
    ///      re-encoding the arrays (about 1k gas less per proof): its calldata is the selector,
    ///      two head offsets, then ALL of this call's arguments (`modelId, proofs, publicSignals`)
    ///      copied as they are. The head offsets are this call's own plus 64 (the two new head
    ///      words), so they point at the very bytes this call's decoder read, whatever the
    ///      encoding. A revert, or any answer but an ABI-encoded `true`, is a rejection. Only
    ///      `submitPredictions` calls it (it reads that function's calldata).
    function _verifyBatch(IBatchProofVerifier batchVerifier) private view returns (bool valid) {
        bytes4 selector = IBatchProofVerifier.verifyBatch.selector;
        assembly ("memory-safe") {
            let m := mload(0x40)
            let size := sub(calldatasize(), 4)
            mstore(m, selector)
            mstore(add(m, 4), add(calldataload(36), 64))
            mstore(add(m, 36), add(calldataload(68), 64))
            calldatacopy(add(m, 68), 4, size)
            let success := staticcall(gas(), batchVerifier, m, add(68, size), 0, 32)
            valid := and(and(success, eq(returndatasize(), 32)), eq(mload(0), 1))
        }
    }

    /// @dev The statement checks of one prediction (no proof), the one place every submission
    ///      path goes through: signal count, every signal < r, weight commitment, bound
    ///      submitter. Returns the prediction id and whether it is already recorded (the replay
    ///      check: the caller reverts or skips), or the revert data of the first failing check.
    function _checkStatement(
        bytes32 modelId,
        uint32 version,
        SignalLayout memory layout,
        ModelVersion storage v,
        uint256[] calldata signals
    ) private view returns (bytes32 predictionId, bool recorded, bytes memory failure) {
        if (signals.length != layout.nPublic) {
            failure = abi.encodeWithSelector(
                PublicSignalCountMismatch.selector,
                layout.nPublic,
                signals.length
            );
            return (0, false, failure);
        }
        uint256 bad = _firstOutOfField(signals);
        if (bad != signals.length) {
            failure = abi.encodeWithSelector(PublicSignalOutOfField.selector, bad, signals[bad]);
            return (0, false, failure);
        }
        bytes32 committed = v.weightCommitment;
        bytes32 proven = bytes32(signals[layout.weightCommitmentIndex]);
        if (proven != committed) {
            failure = abi.encodeWithSelector(
                WeightCommitmentMismatch.selector,
                modelId,
                committed,
                proven
            );
            return (0, false, failure);
        }
        if (layout.submitterKind == _SUBMITTER_BOUND) {
            uint256 bound = signals[layout.submitterIndex];
            if (bound != uint256(uint160(msg.sender))) {
                failure = abi.encodeWithSelector(SubmitterMismatch.selector, bound, msg.sender);
                return (0, false, failure);
            }
        }
        predictionId = _predictionId(modelId, version, signals);
        recorded = _predictions[predictionId].submitter != address(0);
    }

    /// @dev The index of the first signal >= r, or `signals.length` if every one is < r.
    function _firstOutOfField(uint256[] calldata signals) private pure returns (uint256 index) {
        assembly ("memory-safe") {
            index := signals.length
            for {
                let i := 0
            } lt(i, signals.length) {
                i := add(i, 1)
            } {
                if iszero(lt(calldataload(add(signals.offset, shl(5, i))), _SNARK_SCALAR_FIELD)) {
                    index := i
                    break
                }
            }
        }
    }

    function _predictionId(
        bytes32 modelId,
        uint32 version,
        uint256[] calldata signals
    ) private pure returns (bytes32 id) {
        // keccak256(abi.encode(modelId, version, signals)), encoded in scratch memory.
        assembly ("memory-safe") {
            let m := mload(0x40)
            let size := shl(5, signals.length)
            mstore(m, modelId)
            mstore(add(m, 32), version)
            mstore(add(m, 64), 0x60)
            mstore(add(m, 96), signals.length)
            calldatacopy(add(m, 128), signals.offset, size)
            id := keccak256(m, add(128, size))
        }
    }

    /// @dev Effects of one verified prediction, then its event.
    function _record(
        bytes32 modelId,
        uint32 version,
        SignalLayout memory layout,
        bytes32 predictionId,
        uint256[] calldata signals
    ) private {
        uint256[] calldata outputs = signals[
            layout.outputOffset:layout.outputOffset + layout.outputCount
        ];
        bytes32 inputCommitment;
        if (layout.inputKind == _INPUT_HASHED) {
            inputCommitment = bytes32(signals[layout.inputOffset]);
        } else if (layout.inputKind == _INPUT_PUBLIC) {
            // keccak256(abi.encodePacked(input slice)), hashed in scratch memory.
            uint256[] calldata inputs = signals[
                layout.inputOffset:layout.inputOffset + layout.inputCount
            ];
            assembly ("memory-safe") {
                let m := mload(0x40)
                let size := shl(5, inputs.length)
                calldatacopy(m, inputs.offset, size)
                inputCommitment := keccak256(m, size)
            }
        }
        // The one-slot record, written whole (the slot is known empty: see `_checkStatement`):
        // submitter | blockNumber << 160 | version << 224, as `Prediction` packs it.
        Prediction storage record = _predictions[predictionId];
        uint256 word =
            uint256(uint160(msg.sender)) |
                (uint256(uint64(block.number)) << 160) |
                (uint256(version) << 224);
        assembly ("memory-safe") {
            sstore(record.slot, word)
        }
        emit PredictionVerified(
            modelId,
            version,
            predictionId,
            inputCommitment,
            outputs,
            msg.sender
        );
    }

    function _revertWith(bytes memory data) private pure {
        assembly ("memory-safe") {
            revert(add(data, 0x20), mload(data))
        }
    }
}
