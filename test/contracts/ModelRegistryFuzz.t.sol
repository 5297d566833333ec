// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {MockProofVerifier} from "../../contracts/test/MockProofVerifier.sol";

/// @notice Hardhat 3 Solidity fuzz tests (`npx hardhat test solidity`): a prediction is recorded
///         only with a valid proof, the registered commitment and an active version, and once.
contract ModelRegistryFuzzTest {
    bytes32 private constant _MODEL = keccak256("fuzz model");
    bytes32 private constant _WC = bytes32(uint256(0x1111));
    bytes private constant _PROOF = hex"1111";
    /// @dev The BN254 scalar field order r.
    uint256 private constant _R =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    ModelRegistry private _registry;
    MockProofVerifier private _verifier;

    function setUp() public {
        _registry = new ModelRegistry(address(this), address(this), address(this));
        _verifier = new MockProofVerifier(0, 5);
        // [weightCommitment, inputCommitment, out0, out1, out2]
        _registry.registerModel(
            _MODEL,
            _WC,
            _verifier,
            IModelRegistry.SignalLayout(5, 0, 1, 1, 1, 2, 3, 0, 0, 0),
            "fuzz://model"
        );
    }

    function _signals(
        uint256 wc,
        uint256 input,
        uint256 out
    ) private pure returns (uint256[] memory s) {
        s = new uint256[](5);
        (s[0], s[1], s[2], s[3], s[4]) = (wc, input, out, out >> 1, out >> 2);
    }

    function testFuzzRecordsOnlyValidProofsWithTheCommitment(
        bool valid,
        bool rightCommitment,
        uint256 otherCommitment,
        uint256 input,
        uint256 out
    ) public {
        _verifier.setResult(valid);
        uint256 wc = rightCommitment ? uint256(_WC) : otherCommitment;
        uint256[] memory s = _signals(wc, input, out);
        bytes32 id = _registry.predictionIdOf(_MODEL, 1, s);
        bool inField = input < _R && out < _R;
        bool accepted = valid && bytes32(wc) == _WC && inField;
        try _registry.submitPrediction(_MODEL, _PROOF, s) returns (bytes32 got) {
            require(accepted, "recorded a prediction without a valid proof and commitment");
            require(got == id, "wrong prediction id");
            IModelRegistry.Prediction memory p = _registry.getPrediction(id);
            require(p.submitter == address(this) && p.version == 1, "wrong record");
            require(p.blockNumber == block.number, "wrong block");
        } catch {
            require(!accepted, "rejected a valid prediction");
        }
        require(_registry.isPredictionVerified(id) == accepted, "isPredictionVerified disagrees");
    }

    function testFuzzRecordsAStatementOnce(uint256 input, uint256 out) public {
        _verifier.setResult(true);
        uint256[] memory s = _signals(uint256(_WC), input % _R, out % _R);
        _registry.submitPrediction(_MODEL, _PROOF, s);
        try _registry.submitPrediction(_MODEL, hex"2222", s) {
            revert("replayed a statement");
        } catch (bytes memory reason) {
            require(
                bytes4(reason) == IModelRegistry.PredictionAlreadyVerified.selector,
                "wrong replay error"
            );
        }
    }

    function testFuzzDeprecatedOrPausedRefuses(uint8 action, uint256 input) public {
        _verifier.setResult(true);
        uint256 which = action % 3;
        if (which == 0) _registry.deprecateVersion(_MODEL, 1);
        else if (which == 1) _registry.deprecateModel(_MODEL);
        else _registry.pause();
        uint256[] memory s = _signals(uint256(_WC), input % _R, 1);
        try _registry.submitPrediction(_MODEL, _PROOF, s) {
            revert("accepted a prediction for an inactive model");
        } catch {
            require(
                !_registry.isPredictionVerified(_registry.predictionIdOf(_MODEL, 1, s)),
                "recorded"
            );
        }
    }

    function testFuzzOutputKindNeedsOneCommitmentSignal(
        uint8 outputKind,
        uint16 outputCount
    ) public {
        uint16 count = outputCount % 4; // 0..3 fit in the 5 signals from offset 2
        IModelRegistry.SignalLayout memory layout = IModelRegistry.SignalLayout(
            5,
            0,
            1,
            1,
            1,
            2,
            count,
            outputKind,
            0,
            0
        );
        bool valid = outputKind == 0 || (outputKind == 1 && count == 1);
        try _registry.registerModel(_MODEL, _WC, _verifier, layout, "fuzz://v2") returns (
            uint32 version
        ) {
            require(valid, "registered an invalid output kind");
            IModelRegistry.ModelVersion memory v = _registry.getVersion(_MODEL, version);
            require(v.layout.outputKind == outputKind, "outputKind not stored");
            require(v.layout.outputCount == count, "outputCount not stored");
        } catch (bytes memory reason) {
            require(!valid, "rejected a valid layout");
            require(
                bytes4(reason) == IModelRegistry.InvalidOutputKind.selector,
                "wrong output kind error"
            );
        }
    }

    function testFuzzRejectsEverySignalAtOrAboveTheField(uint8 at, uint256 excess) public {
        _verifier.setResult(true);
        uint256[] memory s = _signals(uint256(_WC), 7, 9);
        uint256 index = at % 5;
        uint256 value = _R + (excess % (type(uint256).max - _R + 1));
        s[index] = value;
        uint256[] memory aliased = s;
        try _registry.submitPrediction(_MODEL, _PROOF, aliased) {
            revert("recorded a signal >= r");
        } catch (bytes memory reason) {
            require(
                keccak256(reason) ==
                    keccak256(
                        abi.encodeWithSelector(
                            IModelRegistry.PublicSignalOutOfField.selector,
                            index,
                            value
                        )
                    ),
                "wrong out-of-field error"
            );
        }
    }

    function testFuzzBoundSubmitterMustSend(bool mine, address other, uint256 junk) public {
        address bound = mine ? address(this) : other;
        MockProofVerifier verifier6 = new MockProofVerifier(0, 6);
        verifier6.setResult(true);
        bytes32 model = keccak256("fuzz bound model");
        // [weightCommitment, inputCommitment, out0, out1, out2, submitter]
        _registry.registerModel(
            model,
            _WC,
            verifier6,
            IModelRegistry.SignalLayout(6, 0, 1, 1, 1, 2, 3, 0, 1, 5),
            "fuzz://bound"
        );
        uint256[] memory s = new uint256[](6);
        (s[0], s[1], s[2], s[5]) = (uint256(_WC), junk % _R, 1, uint256(uint160(bound)));
        bool accepted = bound == address(this);
        try _registry.submitPrediction(model, _PROOF, s) {
            require(accepted, "recorded a proof bound to another submitter");
        } catch (bytes memory reason) {
            require(!accepted, "rejected the bound submitter");
            require(
                keccak256(reason) ==
                    keccak256(
                        abi.encodeWithSelector(
                            IModelRegistry.SubmitterMismatch.selector,
                            uint256(uint160(bound)),
                            address(this)
                        )
                    ),
                "wrong submitter error"
            );
        }
    }

    function testFuzzBatchSkipsRecordedStatements(uint256 input, uint8 pick) public {
        _verifier.setResult(true);
        uint256[][] memory batch = new uint256[][](3);
        bytes[] memory proofs = new bytes[](3);
        for (uint256 i = 0; i < 3; ++i) {
            batch[i] = _signals(uint256(_WC), (input % (_R - 3)) + i, i);
            proofs[i] = _PROOF;
        }
        uint256 first = pick % 3;
        _registry.submitPrediction(_MODEL, _PROOF, batch[first]);
        bytes32[] memory ids = _registry.submitPredictions(_MODEL, proofs, batch);
        for (uint256 i = 0; i < 3; ++i) {
            require(ids[i] == _registry.predictionIdOf(_MODEL, 1, batch[i]), "wrong id");
            require(_registry.isPredictionVerified(ids[i]), "not recorded");
        }
    }
}
