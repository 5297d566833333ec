import { createHash } from "node:crypto";
import type { VerificationKey } from "snarkjs";
import { SetupError } from "@zkml-verify/core/internal/errors";

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
  const ic0 = vk.IC[0].slice(0, 2).map(hex);
  const alpha = vk.vk_alpha_1.slice(0, 2).map(hex);
  const item = 256 + n * 32;
  // Scratch memory above the free memory pointer m (offsets from m): the transcript buffer
  // (also the precompile input area), acc = sum r_i C_i and vx = sum of the IC terms (each
  // followed by the 64-byte product added to it), the signal sums, the ecPairing input.
  const offAcc = 32 + item;
  const offVx = offAcc + 128;
  const offSums = offVx + 128;
  const offPairing = offSums + 32 * (n + 1);
  // Each signal: range check (< r, as snarkjs) and its term of the sum r_i s_ij.
  const signal = (k: number, fold: string) =>
    [
      `{`,
      `    let v := calldataload(add(s, ${k * 32}))`,
      `    ok := and(ok, lt(v, {{R}}))`,
      `    ${fold.replaceAll("SUM", `add(sums, ${32 + k * 32})`)}`,
      `}`,
    ].join("\n                ");
  const icTerms = vk.IC.slice(1)
    .map((pt, k) =>
      [
        `mstore(m, ${hex(pt[0])})`,
        `mstore(add(m, 32), ${hex(pt[1])})`,
        `mstore(add(m, 64), mload(add(sums, ${32 * (k + 1)})))`,
        `ok := and(ok, staticcall(gas(), 7, m, 96, add(vx, 64), 64))`,
        `ok := and(ok, staticcall(gas(), 6, vx, 128, vx, 64))`,
      ].join("\n            "),
    )
    .join("\n            ");
  const source = TEMPLATE.replaceAll("{{VK_SHA256}}", p.verificationKeySha256)
    .replaceAll("{{NAME}}", name)
    .replaceAll("{{VK_HASH_WORD}}", "0x" + p.verificationKeySha256)
    .replaceAll("{{N_PUBLIC}}", String(n))
    .replaceAll("{{IC0_X}}", ic0[0])
    .replaceAll("{{IC0_Y}}", ic0[1])
    .replaceAll("{{ALPHA_X}}", alpha[0])
    .replaceAll("{{ALPHA_Y}}", alpha[1])
    .replaceAll("{{BETA_STORE}}", g2(vk.vk_beta_2))
    .replaceAll("{{GAMMA_STORE}}", g2(vk.vk_gamma_2))
    .replaceAll("{{DELTA_STORE}}", g2(vk.vk_delta_2))
    .replaceAll("{{IC_TERMS}}", icTerms)
    .replaceAll(
      "{{FIRST_SIGNALS}}",
      unrolled(n, (k) => signal(k, "mstore(SUM, v)"), 16),
    )
    .replaceAll(
      "{{ADD_SIGNALS}}",
      unrolled(
        n,
        (k) => signal(k, "mstore(SUM, addmod(mload(SUM), mulmod(r, v, {{R}}), {{R}}))"),
        16,
      ),
    )
    .replaceAll("{{R}}", hex(BN254_R))
    .replaceAll("{{Q}}", hex(BN254_Q))
    .replaceAll("{{NPUB32}}", String(n * 32))
    .replaceAll("{{ITEM_END}}", String(32 + item))
    .replaceAll("{{OFF_ACC}}", String(offAcc))
    .replaceAll("{{OFF_VX}}", String(offVx))
    .replaceAll("{{OFF_SUMS}}", String(offSums))
    .replaceAll("{{OFF_PAIRING}}", String(offPairing));
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
// by sdk/node/src/chain/batchVerifierSource.ts. Do not edit.
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
///      Per proof: one pairing (34,000 gas), two ecMul (6,000 each: -r_i A_i, r_i C_i) and one
///      ecAdd (150); per batch: the ecPairing base (45,000), 3 pairings and N_PUBLIC + 2 ecMul.
///      Proof format: abi.encode(uint256[2] a, uint256[2][2] b, uint256[2] c), b in precompile order.
contract {{NAME}} is IBatchProofVerifier {
    uint256 private constant _N_PUBLIC = {{N_PUBLIC}};
    uint256 private constant _PROOF_LENGTH = 256;
    bytes32 private constant _VK_HASH = 0x{{VK_SHA256}};

    /// @inheritdoc IBatchProofVerifier
    /// @dev Reads the items' calldata offsets itself (each bounded and inside the calldata, each
    ///      item of the right length), then checks them all in \`_check\`.
    function verifyBatch(
        bytes[] calldata proofs,
        uint256[][] calldata publicSignals
    ) external view returns (bool) {
        uint256 n = proofs.length;
        if (n == 0 || n != publicSignals.length) return false;
        uint256[] memory at = new uint256[](2 * n);
        bool ok = true;
        assembly ("memory-safe") {
            let size := calldatasize()
            let e := add(at, 32)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let pRel := calldataload(add(proofs.offset, shl(5, i)))
                let sRel := calldataload(add(publicSignals.offset, shl(5, i)))
                let p := add(proofs.offset, pRel)
                let s := add(publicSignals.offset, sRel)
                ok := and(ok, and(lt(pRel, 0x100000000), lt(sRel, 0x100000000)))
                ok := and(ok, and(eq(calldataload(p), 256), eq(calldataload(s), {{N_PUBLIC}})))
                ok := and(ok, iszero(or(gt(add(p, 288), size), gt(add(s, add(32, {{NPUB32}})), size))))
                mstore(e, add(p, 32))
                mstore(add(e, 32), add(s, 32))
                e := add(e, 64)
            }
        }
        return ok && _check(at, n);
    }

    /// @inheritdoc IProofVerifier
    function verify(
        bytes calldata proof,
        uint256[] calldata publicSignals
    ) external view returns (bool) {
        if (proof.length != _PROOF_LENGTH || publicSignals.length != _N_PUBLIC) return false;
        uint256[] memory at = new uint256[](2);
        assembly ("memory-safe") {
            mstore(add(at, 32), proof.offset)
            mstore(add(at, 64), publicSignals.offset)
        }
        return _check(at, 1);
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

    /// @dev at[2i] / at[2i + 1]: calldata offsets of item i's proof and signals (n items).
    ///      Uses memory above the free memory pointer as scratch (see batchVerifierSource.ts).
    function _check(uint256[] memory at, uint256 n) private view returns (bool ok) {
        assembly ("memory-safe") {
            ok := 1
            let m := mload(0x40)
            // 1. The transcript: seed chained over the key hash and every proof and signal.
            let seed := {{VK_HASH_WORD}}
            let end := add(at, add(32, shl(6, n)))
            for { let e := add(at, 32) } lt(e, end) { e := add(e, 64) } {
                mstore(m, seed)
                calldatacopy(add(m, 32), mload(e), 256)
                calldatacopy(add(m, 288), mload(add(e, 32)), {{NPUB32}})
                seed := keccak256(m, {{ITEM_END}})
            }
            let acc := add(m, {{OFF_ACC}})
            let vx := add(m, {{OFF_VX}})
            let sums := add(m, {{OFF_SUMS}})
            let pp := add(m, {{OFF_PAIRING}})
            // 2. Item 0 (r_0 = 1): -A_0 with B_0, acc = C_0, sums = its signals. The precompiles
            //    reject non-canonical coordinates (>= q), except A_0.y, negated here.
            {
                let p := mload(add(at, 32))
                let s := mload(add(at, 64))
                let ay := calldataload(add(p, 32))
                ok := and(ok, lt(ay, {{Q}}))
                mstore(pp, calldataload(p))
                mstore(add(pp, 32), mod(sub({{Q}}, ay), {{Q}}))
                calldatacopy(add(pp, 64), add(p, 64), 128)
                calldatacopy(acc, add(p, 192), 64)
                mstore(sums, 1)
                {{FIRST_SIGNALS}}
            }
            // 3. Items 1 .. n-1: -r_i A_i with B_i, acc += r_i C_i, sums += r_i (1, s_i).
            let dst := add(pp, 192)
            let e := add(at, 96)
            for { let i := 1 } lt(i, n) { i := add(i, 1) } {
                let p := mload(e)
                let s := mload(add(e, 32))
                e := add(e, 64)
                mstore(m, seed)
                mstore(add(m, 32), i)
                let r := mod(keccak256(m, 64), {{R}})
                mstore(sums, addmod(mload(sums), r, {{R}}))
                {{ADD_SIGNALS}}
                calldatacopy(m, p, 64)
                mstore(add(m, 64), sub({{R}}, r))
                ok := and(ok, staticcall(gas(), 7, m, 96, dst, 64))
                calldatacopy(add(dst, 64), add(p, 64), 128)
                calldatacopy(m, add(p, 192), 64)
                mstore(add(m, 64), r)
                ok := and(ok, staticcall(gas(), 7, m, 96, add(acc, 64), 64))
                ok := and(ok, staticcall(gas(), 6, acc, 128, acc, 64))
                dst := add(dst, 192)
            }
            // 4. The three key terms: S alpha, vk_x = S IC_0 + sum_j sums_j IC_j, acc.
            let tail := dst
            let total := mload(sums)
            switch total
            case 1 {
                mstore(tail, {{ALPHA_X}})
                mstore(add(tail, 32), {{ALPHA_Y}})
                mstore(vx, {{IC0_X}})
                mstore(add(vx, 32), {{IC0_Y}})
            }
            default {
                mstore(m, {{ALPHA_X}})
                mstore(add(m, 32), {{ALPHA_Y}})
                mstore(add(m, 64), total)
                ok := and(ok, staticcall(gas(), 7, m, 96, tail, 64))
                mstore(m, {{IC0_X}})
                mstore(add(m, 32), {{IC0_Y}})
                ok := and(ok, staticcall(gas(), 7, m, 96, vx, 64))
            }
            {{IC_TERMS}}
            mcopy(add(tail, 192), vx, 64)
            mcopy(add(tail, 384), acc, 64)
            let g2 := add(tail, 64)
            {{BETA_STORE}}
            g2 := add(tail, 256)
            {{GAMMA_STORE}}
            g2 := add(tail, 448)
            {{DELTA_STORE}}
            // 5. One ecPairing call over N + 3 pairs.
            if ok {
                let success := staticcall(gas(), 8, pp, mul(add(n, 3), 192), m, 32)
                ok := and(success, eq(mload(m), 1))
            }
        }
    }
}
`;
