// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title EchoGroth16Verifier
/// @notice TEST ONLY: the exact snarkjs 0.7 Groth16 verifier ABI for 3 public signals, accepting
///         only the argument words it was built with. Proves the adapter's encoding byte-exact.
contract EchoGroth16Verifier {
    uint256[8] private _proof;
    uint256[3] private _signals;

    /// @param proofWords The expected pA[0], pA[1], pB[0][0], pB[0][1], pB[1][0], pB[1][1],
    ///        pC[0], pC[1].
    /// @param signals The expected public signals.
    constructor(uint256[8] memory proofWords, uint256[3] memory signals) {
        _proof = proofWords;
        _signals = signals;
    }

    /// @notice Same signature as snarkjs's generated `Groth16Verifier.verifyProof` with N = 3
    ///         (snarkjs writes `uint`, the same ABI type).
    /// @param _pA The proof's A point.
    /// @param _pB The proof's B point (coordinates as exported by snarkjs).
    /// @param _pC The proof's C point.
    /// @param _pubSignals The public signals.
    /// @return True if and only if every word equals the expected one.
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata _pB,
        uint256[2] calldata _pC,
        uint256[3] calldata _pubSignals
    ) public view returns (bool) {
        uint256[8] memory p = _proof;
        uint256[3] memory s = _signals;
        return
            _pA[0] == p[0] &&
            _pA[1] == p[1] &&
            _pB[0][0] == p[2] &&
            _pB[0][1] == p[3] &&
            _pB[1][0] == p[4] &&
            _pB[1][1] == p[5] &&
            _pC[0] == p[6] &&
            _pC[1] == p[7] &&
            _pubSignals[0] == s[0] &&
            _pubSignals[1] == s[1] &&
            _pubSignals[2] == s[2];
    }
}
