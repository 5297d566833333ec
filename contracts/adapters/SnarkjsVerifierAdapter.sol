// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {
    IProofVerifier,
    PROOF_SYSTEM_GROTH16,
    PROOF_SYSTEM_PLONK,
    PROOF_SYSTEM_FFLONK
} from "../interfaces/IProofVerifier.sol";
import {ISnarkjsVerifierAdapter} from "../interfaces/ISnarkjsVerifierAdapter.sol";

/// @title SnarkjsVerifierAdapter
/// @notice Adapts one snarkjs-generated verifier (any proof system, any public signal count)
///         to `IProofVerifier`.
/// @dev The snarkjs 0.7 verifier ABIs, all static, hence encoded as concatenated words:
///      Groth16 `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[N])`,
///      PLONK `verifyProof(uint256[24],uint256[N])`, FFLONK `verifyProof(bytes32[24],uint256[N])`.
///      A Groth16 proof is `abi.encode(pA, pB, pC)` in the order of snarkjs's
///      `exportSolidityCallData` (pB's coordinates already swapped).
contract SnarkjsVerifierAdapter is ISnarkjsVerifierAdapter {
    uint256 private constant _GROTH16_PROOF_LENGTH = 8 * 32;
    uint256 private constant _PLONK_PROOF_LENGTH = 24 * 32;

    address private immutable _VERIFIER;
    uint8 private immutable _PROOF_SYSTEM;
    uint256 private immutable _PUBLIC_SIGNAL_COUNT;
    uint256 private immutable _PROOF_LENGTH;
    bytes4 private immutable _SELECTOR;

    /// @param verifier_ The snarkjs-generated verifier contract.
    /// @param system The proof system id (0 = Groth16, 1 = PLONK, 2 = FFLONK).
    /// @param nPublic The circuit's number of public signals (N in `uint256[N]`).
    constructor(address verifier_, uint8 system, uint256 nPublic) {
        if (verifier_.code.length == 0) revert VerifierHasNoCode(verifier_);
        if (nPublic == 0) revert ZeroPublicSignalCount();
        string memory n = Strings.toString(nPublic);
        string memory signature;
        if (system == PROOF_SYSTEM_GROTH16) {
            // solhint-disable-next-line gas-small-strings
            signature = string.concat(
                "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[",
                n,
                "])"
            );
            _PROOF_LENGTH = _GROTH16_PROOF_LENGTH;
        } else if (system == PROOF_SYSTEM_PLONK) {
            signature = string.concat("verifyProof(uint256[24],uint256[", n, "])");
            _PROOF_LENGTH = _PLONK_PROOF_LENGTH;
        } else if (system == PROOF_SYSTEM_FFLONK) {
            signature = string.concat("verifyProof(bytes32[24],uint256[", n, "])");
            _PROOF_LENGTH = _PLONK_PROOF_LENGTH;
        } else {
            revert UnsupportedProofSystem(system);
        }
        _VERIFIER = verifier_;
        _PROOF_SYSTEM = system;
        _PUBLIC_SIGNAL_COUNT = nPublic;
        _SELECTOR = bytes4(keccak256(bytes(signature)));
    }

    /// @inheritdoc IProofVerifier
    /// @dev Reverts on malformed lengths; returns false if the verifier reverts, returns
    ///      fewer than 32 bytes, or returns anything other than `true`.
    function verify(
        bytes calldata proof,
        uint256[] calldata publicSignals
    ) external view returns (bool) {
        if (proof.length != _PROOF_LENGTH) revert ProofLengthMismatch(_PROOF_LENGTH, proof.length);
        if (publicSignals.length != _PUBLIC_SIGNAL_COUNT) {
            revert PublicSignalCountMismatch(_PUBLIC_SIGNAL_COUNT, publicSignals.length);
        }
        (bool success, bytes memory result) = _VERIFIER.staticcall(
            abi.encodePacked(_SELECTOR, proof, publicSignals)
        );
        if (!success || result.length < 32) return false;
        return abi.decode(result, (uint256)) == 1;
    }

    /// @inheritdoc IProofVerifier
    function proofSystem() external view returns (uint8) {
        return _PROOF_SYSTEM;
    }

    /// @inheritdoc IProofVerifier
    function publicSignalCount() external view returns (uint256) {
        return _PUBLIC_SIGNAL_COUNT;
    }

    /// @inheritdoc ISnarkjsVerifierAdapter
    function verifier() external view returns (address) {
        return _VERIFIER;
    }

    /// @inheritdoc ISnarkjsVerifierAdapter
    function verifyProofSelector() external view returns (bytes4) {
        return _SELECTOR;
    }

    /// @inheritdoc ISnarkjsVerifierAdapter
    function proofLength() external view returns (uint256) {
        return _PROOF_LENGTH;
    }
}
