// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title RawVerifierStub
/// @notice TEST ONLY: answers any call from its fallback, to check the adapter's calldata for
///         every proof system and its handling of odd return data.
contract RawVerifierStub {
    /// @notice Return abi.encode(keccak256(msg.data) == expected hash).
    uint8 public constant MODE_MATCH = 0;
    /// @notice Revert.
    uint8 public constant MODE_REVERT = 1;
    /// @notice Return no data.
    uint8 public constant MODE_EMPTY = 2;
    /// @notice Return the word 2 (not a valid bool).
    uint8 public constant MODE_NOT_BOOL = 3;

    /// @notice Raised in `MODE_REVERT`.
    error StubReverted();

    bytes32 private immutable _EXPECTED_HASH;
    uint8 private immutable _MODE;

    /// @param expectedHash keccak256 of the exact calldata to accept.
    /// @param mode One of the `MODE_*` constants.
    constructor(bytes32 expectedHash, uint8 mode) {
        _EXPECTED_HASH = expectedHash;
        _MODE = mode;
    }

    // solhint-disable-next-line no-complex-fallback
    fallback(bytes calldata data) external returns (bytes memory) {
        if (_MODE == MODE_REVERT) revert StubReverted();
        if (_MODE == MODE_EMPTY) return "";
        if (_MODE == MODE_NOT_BOOL) return abi.encode(uint256(2));
        return abi.encode(keccak256(data) == _EXPECTED_HASH);
    }
}
