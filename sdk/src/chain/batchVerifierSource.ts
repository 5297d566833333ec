import { createHash } from "node:crypto";
import type { VerificationKey } from "snarkjs";
import { SetupError } from "../errors.ts";

/** BN254 scalar field (public signals live here). */
export const BN254_R =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** BN254 base field (point coordinates live here). */
export const BN254_Q =
  21888242871839275222246405745257275088696311157297823662689037894645226208583n;

export interface BatchVerifierSourceParameters {
  /** snarkjs `verification_key.json` (Groth16, bn128). */
  verificationKey: VerificationKey;
  /** sha256 (hex) of the verification key file: the "generated from" header and `verificationKeyHash()`. */
  verificationKeySha256: string;
  /** Contract name (default `Groth16BatchVerifier`). */
  contractName?: string;
}

/** The contract's name and the sources solc needs (the generated file and its interfaces). */
export interface BatchVerifierSourceReturnType {
  contractName: string;
  /** Path of the generated file inside `sources`. */
  file: string;
  source: string;
}

type G1 = [string, string, string];
type G2 = [[string, string], [string, string], [string, string]];

/**
 * Writes the Solidity of a batch Groth16 verifier for ONE verification key: N proofs are
 * checked with a random linear combination of their N pairing equations, N + 3 pairings in a
 * single ecPairing call. The coefficients are r_0 = 1 and r_i = keccak256(seed, i) mod r, where
 * the seed chains keccak256 over the key hash and every proof and public signal (never block
 * data), so a prover cannot choose proofs after seeing them. Also a plain `IProofVerifier`.
 *
 * @example
 * const { source } = batchVerifierSource({ verificationKey, verificationKeySha256 });
 */
export function batchVerifierSource(
  p: BatchVerifierSourceParameters,
): BatchVerifierSourceReturnType {
  const vk = p.verificationKey as VerificationKey & {
    curve: string;
    vk_alpha_1: G1;
    vk_beta_2: G2;
    vk_gamma_2: G2;
    vk_delta_2: G2;
    IC: G1[];
  };
  if (vk.protocol !== "groth16" || vk.curve !== "bn128" || vk.IC?.length !== vk.nPublic + 1) {
    throw new SetupError("batch verifiers need a Groth16 bn128 verification key", {
      details: { file: p.verificationKeySha256 },
    });
  }
  if (!/^[0-9a-f]{64}$/.test(p.verificationKeySha256)) {
    throw new SetupError("verificationKeySha256 must be 64 hex digits", {
      details: { file: p.verificationKeySha256 },
    });
  }
  const name = p.contractName ?? "Groth16BatchVerifier";
  const n = vk.nPublic;
  const hex = (v: string | bigint) => "0x" + BigInt(v).toString(16).padStart(64, "0");
  // The ecPairing precompile takes G2 points as (x_imaginary, x_real, y_imaginary, y_real).
  const g2 = (point: G2) =>
    [point[0][1], point[0][0], point[1][1], point[1][0]]
      .map((v, k) => (k === 0 ? `mstore(g2, ${hex(v)})` : `mstore(add(g2, ${32 * k}), ${hex(v)})`))
      .join("\n            ");
  const icTable = vk.IC.map((pt) => hex(pt[0]).slice(2) + hex(pt[1]).slice(2)).join("");
  const ic0 = vk.IC[0].slice(0, 2).map(hex);
  const alpha = vk.vk_alpha_1.slice(0, 2).map(hex);
  const constants = {
    R: hex(BN254_R),
    Q: hex(BN254_Q),
    NPUB32: n * 32,
    ITEM: 256 + n * 32,
  };
  const source = TEMPLATE.replaceAll("{{VK_SHA256}}", p.verificationKeySha256)
    .replaceAll("{{NAME}}", name)
    .replaceAll("{{N_PUBLIC}}", String(n))
    .replaceAll("{{IC_TABLE}}", icTable)
    .replaceAll("{{IC0_X}}", ic0[0])
    .replaceAll("{{IC0_Y}}", ic0[1])
    .replaceAll("{{ALPHA_X}}", alpha[0])
    .replaceAll("{{ALPHA_Y}}", alpha[1])
    .replaceAll("{{BETA_STORE}}", g2(vk.vk_beta_2))
    .replaceAll("{{GAMMA_STORE}}", g2(vk.vk_gamma_2))
    .replaceAll("{{DELTA_STORE}}", g2(vk.vk_delta_2))
    .replaceAll("{{N_PLUS_1}}", String(n + 1))
    .replaceAll(
      "{{CHECK_SIGNALS}}",
      unrolled(n, (k) => `ok := and(ok, lt(calldataload(add(s, ${k * 32})), {{R}}))`, 16),
    )
    .replaceAll(
      "{{ADD_SIGNALS}}",
      unrolled(
        n,
        (k) =>
          `mstore(add(sums, ${64 + k * 32}), addmod(mload(add(sums, ${64 + k * 32})), mulmod(r, calldataload(add(s, ${k * 32})), {{R}}), {{R}}))`,
        16,
      ),
    )
    .replaceAll("{{R}}", constants.R)
    .replaceAll("{{Q}}", constants.Q)
    .replaceAll("{{NPUB32}}", String(constants.NPUB32))
    .replaceAll("{{ITEM}}", String(constants.ITEM));
  return { contractName: name, file: `${name}.sol`, source };
}

/** `count` generated Yul lines, one per index (straight-line code: no loop overhead per signal). */
function unrolled(count: number, line: (k: number) => string, indent: number): string {
  return Array.from({ length: count }, (_, k) => line(k)).join("\n" + " ".repeat(indent));
}

/** sha256 (hex) of a verification key as setupGroth16 writes it (`JSON.stringify(vk, null, 2)`). */
export function verificationKeySha256(vk: VerificationKey): string {
  return createHash("sha256")
    .update(JSON.stringify(vk, null, 2))
    .digest("hex");
}

const TEMPLATE = `// SPDX-License-Identifier: MIT
// generated from verification key sha256 {{VK_SHA256}}
// by sdk/src/chain/batchVerifierSource.ts. Do not edit.
pragma solidity ^0.8.28;

import {IBatchProofVerifier} from "contracts/interfaces/IBatchProofVerifier.sol";
import {IProofVerifier} from "contracts/interfaces/IProofVerifier.sol";

/// @title {{NAME}}
/// @notice Batch Groth16 verifier for one verification key ({{N_PUBLIC}} public signals).
/// @dev For proofs (A_i, B_i, C_i) with public signals s_i it checks ONE pairing product,
///      prod_i e(-r_i A_i, B_i) * e(S alpha, beta) * e(sum_i r_i vk_x_i, gamma) * e(sum_i r_i C_i, delta) == 1,
///      S = sum_i r_i, vk_x_i = IC_0 + sum_j s_ij IC_j (computed as S IC_0 + sum_j (sum_i r_i s_ij) IC_j),
///      i.e. N + 3 pairings. r_0 = 1, r_i = keccak256(seed, i) mod r, seed = keccak256 chained over
///      the key hash and each item's proof and signals: a batch with one invalid proof passes with
///      probability about 1/r. Points must be canonical (< q) and signals < r, as in snarkjs.
///      Proof format: abi.encode(uint256[2] a, uint256[2][2] b, uint256[2] c), b in precompile order.
contract {{NAME}} is IBatchProofVerifier {
    uint256 private constant _N_PUBLIC = {{N_PUBLIC}};
    uint256 private constant _PROOF_LENGTH = 256;
    bytes32 private constant _VK_HASH = 0x{{VK_SHA256}};
    /// @dev IC_0 .. IC_n, 64 bytes (x, y) each.
    bytes private constant _IC =
        hex"{{IC_TABLE}}";

    /// @inheritdoc IBatchProofVerifier
    function verifyBatch(
        bytes[] calldata proofs,
        uint256[][] calldata publicSignals
    ) external view returns (bool) {
        uint256 n = proofs.length;
        if (n == 0 || n != publicSignals.length) return false;
        uint256[] memory proofAt = new uint256[](n);
        uint256[] memory signalsAt = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            bytes calldata proof = proofs[i];
            uint256[] calldata signals = publicSignals[i];
            if (proof.length != _PROOF_LENGTH || signals.length != _N_PUBLIC) return false;
            assembly ("memory-safe") {
                let slot := shl(5, add(i, 1))
                mstore(add(proofAt, slot), proof.offset)
                mstore(add(signalsAt, slot), signals.offset)
            }
        }
        return _check(proofAt, signalsAt);
    }

    /// @inheritdoc IProofVerifier
    function verify(
        bytes calldata proof,
        uint256[] calldata publicSignals
    ) external view returns (bool) {
        if (proof.length != _PROOF_LENGTH || publicSignals.length != _N_PUBLIC) return false;
        uint256[] memory proofAt = new uint256[](1);
        uint256[] memory signalsAt = new uint256[](1);
        assembly ("memory-safe") {
            mstore(add(proofAt, 32), proof.offset)
            mstore(add(signalsAt, 32), publicSignals.offset)
        }
        return _check(proofAt, signalsAt);
    }

    /// @inheritdoc IProofVerifier
    function proofSystem() external pure returns (uint8) {
        return 0;
    }

    /// @inheritdoc IProofVerifier
    function publicSignalCount() external pure returns (uint256) {
        return _N_PUBLIC;
    }

    /// @inheritdoc IBatchProofVerifier
    function verificationKeyHash() external pure returns (bytes32) {
        return _VK_HASH;
    }

    /// @dev proofAt[i] / signalsAt[i]: calldata offsets of item i's proof and signals.
    function _check(
        uint256[] memory proofAt,
        uint256[] memory signalsAt
    ) private view returns (bool ok) {
        uint256 n = proofAt.length;
        bytes32 seed = _VK_HASH;
        // 1. Canonical encodings, and the transcript over every proof and signal.
        assembly ("memory-safe") {
            ok := 1
            let buf := mload(0x40)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let p := mload(add(proofAt, shl(5, add(i, 1))))
                let s := mload(add(signalsAt, shl(5, add(i, 1))))
                {{CHECK_SIGNALS}}
                mstore(buf, seed)
                calldatacopy(add(buf, 32), p, 256)
                calldatacopy(add(buf, 288), s, {{NPUB32}})
                seed := keccak256(buf, add(32, {{ITEM}}))
            }
        }
        // The precompiles reject non-canonical coordinates (>= q), except A_0.y, negated below.
        assembly ("memory-safe") {
            ok := and(ok, lt(calldataload(add(mload(add(proofAt, 32)), 32)), {{Q}}))
        }
        if (!ok) return false;
        uint256[] memory sums = new uint256[](_N_PUBLIC + 1);
        bytes memory pairing = new bytes((n + 3) * 192);
        bytes memory ic = _IC;
        // 2. The combination: -r_i A_i with B_i, sum r_i C_i, sums of r_i and r_i s_ij.
        assembly ("memory-safe") {
            function ecMul(x, y, s, dst, tmp) -> success {
                mstore(tmp, x)
                mstore(add(tmp, 32), y)
                mstore(add(tmp, 64), s)
                success := staticcall(gas(), 7, tmp, 96, dst, 64)
            }
            function ecAddTo(dst, src, tmp) -> success {
                mstore(tmp, mload(dst))
                mstore(add(tmp, 32), mload(add(dst, 32)))
                mstore(add(tmp, 64), mload(src))
                mstore(add(tmp, 96), mload(add(src, 32)))
                success := staticcall(gas(), 6, tmp, 128, dst, 64)
            }
            // Scratch above the free memory pointer: tmp = precompile input (128 bytes),
            // acc = the running sum of r_i C_i, out = one ecMul result.
            let tmp := mload(0x40)
            let acc := add(tmp, 128)
            let out := add(tmp, 192)
            let pp := add(pairing, 32)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let p := mload(add(proofAt, shl(5, add(i, 1))))
                let s := mload(add(signalsAt, shl(5, add(i, 1))))
                let r := 1
                if i {
                    mstore(tmp, seed)
                    mstore(add(tmp, 32), i)
                    r := mod(keccak256(tmp, 64), {{R}})
                }
                mstore(add(sums, 32), addmod(mload(add(sums, 32)), r, {{R}}))
                {{ADD_SIGNALS}}
                let dst := add(pp, mul(i, 192))
                switch i
                case 0 {
                    mstore(dst, calldataload(p))
                    mstore(add(dst, 32), mod(sub({{Q}}, calldataload(add(p, 32))), {{Q}}))
                    mstore(acc, calldataload(add(p, 192)))
                    mstore(add(acc, 32), calldataload(add(p, 224)))
                }
                default {
                    if iszero(ecMul(calldataload(p), calldataload(add(p, 32)), sub({{R}}, r), dst, tmp)) {
                        ok := 0
                    }
                    if iszero(ecMul(calldataload(add(p, 192)), calldataload(add(p, 224)), r, out, tmp)) {
                        ok := 0
                    }
                    if iszero(ecAddTo(acc, out, tmp)) { ok := 0 }
                }
                calldatacopy(add(dst, 64), add(p, 64), 128)
            }
            // 3. The three key terms, then one ecPairing call over N + 3 pairs.
            let tail := add(pp, mul(n, 192))
            let total := mload(add(sums, 32))
            switch total
            case 1 {
                mstore(tail, {{ALPHA_X}})
                mstore(add(tail, 32), {{ALPHA_Y}})
                mstore(add(tail, 192), {{IC0_X}})
                mstore(add(tail, 224), {{IC0_Y}})
            }
            default {
                if iszero(ecMul({{ALPHA_X}}, {{ALPHA_Y}}, total, tail, tmp)) { ok := 0 }
                if iszero(ecMul({{IC0_X}}, {{IC0_Y}}, total, add(tail, 192), tmp)) { ok := 0 }
            }
            for { let j := 1 } lt(j, {{N_PLUS_1}}) { j := add(j, 1) } {
                let point := add(ic, add(32, shl(6, j)))
                let weight := mload(add(sums, shl(5, add(j, 1))))
                if iszero(ecMul(mload(point), mload(add(point, 32)), weight, out, tmp)) { ok := 0 }
                if iszero(ecAddTo(add(tail, 192), out, tmp)) { ok := 0 }
            }
            mstore(add(tail, 384), mload(acc))
            mstore(add(tail, 416), mload(add(acc, 32)))
            let g2 := add(tail, 64)
            {{BETA_STORE}}
            g2 := add(tail, 256)
            {{GAMMA_STORE}}
            g2 := add(tail, 448)
            {{DELTA_STORE}}
            if ok {
                let success := staticcall(gas(), 8, pp, mul(add(n, 3), 192), tmp, 32)
                ok := and(success, eq(mload(tmp), 1))
            }
        }
    }
}
`;
