// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IProofVerifier} from "./IProofVerifier.sol";

/// @title IBatchProofVerifier
/// @notice Verifies many proofs for ONE verification key in one call, cheaper per proof than
///         verifying them one by one. Also a plain `IProofVerifier` (a batch of one).
/// @dev Implementations MUST be free of side effects (the registry uses STATICCALL) and MUST
///      return false if any single proof of the batch is invalid for its public signals.
///      Generated Groth16 batch verifiers (sdk/node/src/chain/batchVerifierSource.ts) combine the N
///      pairing equations with coefficients derived by hashing every proof and public signal.
interface IBatchProofVerifier is IProofVerifier {
    /// @notice Checks every proof of a batch against its public signals.
    /// @param proofs The proofs, each in the `IProofVerifier.verify` format.
    /// @param publicSignals The public signals of each proof, in the circuit's order.
    /// @return True if and only if every proof is valid for its public signals (an empty
    ///         batch, or arrays of different lengths, give false).
    function verifyBatch(
        bytes[] calldata proofs,
        uint256[][] calldata publicSignals
    ) external view returns (bool);

    /// @notice The sha256 of the verification key this verifier was generated from
    ///         (snarkjs `verification_key.json` bytes), so auditors can match it to a manifest.
    /// @return The sha256 digest.
    function verificationKeyHash() external view returns (bytes32);
}
