// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev Proof system id of a Groth16 verifier (snarkjs `groth16`).
uint8 constant PROOF_SYSTEM_GROTH16 = 0;
/// @dev Proof system id of a PLONK verifier (snarkjs `plonk`).
uint8 constant PROOF_SYSTEM_PLONK = 1;
/// @dev Proof system id of an FFLONK verifier (snarkjs `fflonk`).
uint8 constant PROOF_SYSTEM_FFLONK = 2;

/// @title IProofVerifier
/// @notice One verification interface over every proof system, so that the registry never
///         changes when a model moves from Groth16 to PLONK or FFLONK (or to a batch verifier).
/// @dev Proof system ids: 0 = Groth16, 1 = PLONK, 2 = FFLONK. Implementations MUST be free of
///      side effects: the registry calls `verify` with STATICCALL during its checks phase.
interface IProofVerifier {
    /// @notice Checks a proof against its public signals.
    /// @param proof The proof, as the concatenated 32-byte words of the proof system's
    ///        verifier arguments (Groth16: 8 words pA, pB, pC; PLONK and FFLONK: 24 words).
    /// @param publicSignals The public signals, in the circuit's order.
    /// @return True if and only if the proof is valid for these public signals.
    function verify(
        bytes calldata proof,
        uint256[] calldata publicSignals
    ) external view returns (bool);

    /// @notice The proof system this verifier checks (0 = Groth16, 1 = PLONK, 2 = FFLONK).
    /// @return The proof system id.
    function proofSystem() external view returns (uint8);

    /// @notice The number of public signals `verify` expects.
    /// @return The public signal count of the circuit.
    function publicSignalCount() external view returns (uint256);
}
