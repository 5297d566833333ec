// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBatchProofVerifier} from "../interfaces/IBatchProofVerifier.sol";
import {MockProofVerifier} from "./MockProofVerifier.sol";

/// @title MockBatchProofVerifier
/// @notice TEST ONLY: a configurable `IBatchProofVerifier` for the registry's unit tests.
contract MockBatchProofVerifier is IBatchProofVerifier, MockProofVerifier {
    /// @notice Raised by `verifyBatch` in `REVERT_WITH_ERROR` mode.
    /// @param count The number of proofs given.
    error MockBatchVerifierFailed(uint256 count);

    bool private _batchResult;
    uint8 private _batchRevertMode;
    bytes32 private _expectedBatch;

    /// @param system The proof system to report.
    /// @param count The public signal count to report.
    constructor(uint8 system, uint256 count) MockProofVerifier(system, count) {}

    /// @notice Sets what `verifyBatch` returns.
    /// @param result The result.
    function setBatchResult(bool result) external {
        _batchResult = result;
    }

    /// @notice Sets whether `verifyBatch` reverts.
    /// @param mode `REVERT_NONE` or `REVERT_WITH_ERROR`.
    function setBatchRevertMode(uint8 mode) external {
        _batchRevertMode = mode;
    }

    /// @notice Makes `verifyBatch` accept only these arguments (zero: any).
    /// @param batchHash keccak256(abi.encode(proofs, publicSignals)).
    function setExpectedBatch(bytes32 batchHash) external {
        _expectedBatch = batchHash;
    }

    /// @inheritdoc IBatchProofVerifier
    function verifyBatch(
        bytes[] calldata proofs,
        uint256[][] calldata publicSignals
    ) external view returns (bool) {
        if (_batchRevertMode == REVERT_WITH_ERROR) revert MockBatchVerifierFailed(proofs.length);
        if (
            _expectedBatch != bytes32(0) &&
            keccak256(abi.encode(proofs, publicSignals)) != _expectedBatch
        ) return false;
        return _batchResult && proofs.length == publicSignals.length;
    }

    /// @inheritdoc IBatchProofVerifier
    function verificationKeyHash() external pure returns (bytes32) {
        return keccak256("mock");
    }
}
