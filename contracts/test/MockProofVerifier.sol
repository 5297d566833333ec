// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IProofVerifier} from "../interfaces/IProofVerifier.sol";

/// @title MockProofVerifier
/// @notice TEST ONLY: a configurable `IProofVerifier` for the registry's unit tests.
contract MockProofVerifier is IProofVerifier {
    /// @notice `verify` returns normally.
    uint8 public constant REVERT_NONE = 0;
    /// @notice `verify` reverts with `MockVerifierFailed`.
    uint8 public constant REVERT_WITH_ERROR = 1;
    /// @notice `verify` reverts without data.
    uint8 public constant REVERT_EMPTY = 2;

    /// @notice Raised by `verify` in `REVERT_WITH_ERROR` mode.
    /// @param proofLength The length of the proof given.
    error MockVerifierFailed(uint256 proofLength);

    bool private _result;
    uint8 private _proofSystem;
    uint256 private _publicSignalCount;
    uint8 private _revertMode;

    /// @param system The proof system to report.
    /// @param count The public signal count to report.
    constructor(uint8 system, uint256 count) {
        _proofSystem = system;
        _publicSignalCount = count;
    }

    /// @notice Sets what `verify` returns.
    /// @param result The result.
    function setResult(bool result) external {
        _result = result;
    }

    /// @notice Sets the reported proof system.
    /// @param system The proof system id.
    function setProofSystem(uint8 system) external {
        _proofSystem = system;
    }

    /// @notice Sets the reported public signal count.
    /// @param count The count.
    function setPublicSignalCount(uint256 count) external {
        _publicSignalCount = count;
    }

    /// @notice Sets whether and how `verify` reverts.
    /// @param mode One of `REVERT_NONE`, `REVERT_WITH_ERROR`, `REVERT_EMPTY`.
    function setRevertMode(uint8 mode) external {
        _revertMode = mode;
    }

    /// @inheritdoc IProofVerifier
    function verify(bytes calldata proof, uint256[] calldata) external view returns (bool) {
        if (_revertMode == REVERT_WITH_ERROR) revert MockVerifierFailed(proof.length);
        if (_revertMode == REVERT_EMPTY) {
            assembly ("memory-safe") {
                revert(0, 0)
            }
        }
        return _result;
    }

    /// @inheritdoc IProofVerifier
    function proofSystem() external view returns (uint8) {
        return _proofSystem;
    }

    /// @inheritdoc IProofVerifier
    function publicSignalCount() external view returns (uint256) {
        return _publicSignalCount;
    }
}
