import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import type { Groth16Proof, VerificationKey } from "snarkjs";
import { readManifest, writeManifest } from "../../sdk/node/src/manifestFile.ts";
import type { SetupRecord } from "../../sdk/core/src/manifest.ts";
import { encodeGroth16Proof } from "../../sdk/core/src/prove/encodeProof.ts";
import { exportSolidity } from "../../sdk/node/src/setup/exportSolidity.ts";
import { hashFile } from "../../sdk/node/src/setup/hashFile.ts";
import { irisArtifacts } from "../sdk/irisArtifacts.ts";
import type { IrisArtifacts } from "../sdk/irisArtifacts.ts";

/** An Iris folder whose Groth16 key has no phase-2 contribution, and a proof forged with it. */
export interface ForgedKeyFolder {
  iris: IrisArtifacts;
  dir: string;
  /** The key zkml setup made (one local contribution), kept beside the replaced one. */
  honestZkey: string;
  verificationKey: VerificationKey;
  /** Public signals of a statement the model never made (outputs changed). */
  publicSignals: bigint[];
  forged: Groth16Proof;
  /** The forged proof as `zkml prove` writes it. */
  proofFile: string;
}

type G1 = {
  fromObject(v: unknown): Uint8Array;
  toObject(p: Uint8Array): bigint[];
  toAffine(p: Uint8Array): Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  neg(p: Uint8Array): Uint8Array;
  timesScalar(p: Uint8Array, s: bigint): Uint8Array;
};

/**
 * The forgery a key without phase-2 randomness allows: with delta = gamma, A = alpha,
 * B = beta, C = -vk_x satisfies e(A, B) = e(alpha, beta) e(vk_x, gamma) e(C, delta) for any
 * public signals, vk_x = IC[0] + sum s_i IC[i+1].
 */
export async function forgeGroth16(
  vk: VerificationKey,
  publicSignals: readonly bigint[],
): Promise<Groth16Proof> {
  const curve = await buildBn128(true);
  try {
    const G1 = curve.G1 as unknown as G1;
    const ic = (vk as unknown as { IC: string[][] }).IC.map((p) => p.map(BigInt));
    let vkx = G1.fromObject(ic[0]);
    publicSignals.forEach((s, i) => {
      vkx = G1.add(vkx, G1.timesScalar(G1.fromObject(ic[i + 1]), s));
    });
    const c = G1.toObject(G1.toAffine(G1.neg(vkx))).map(String);
    const k = vk as unknown as Record<string, unknown>;
    return {
      pi_a: k.vk_alpha_1,
      pi_b: k.vk_beta_2,
      pi_c: c,
      protocol: "groth16",
      curve: "bn128",
    } as unknown as Groth16Proof;
  } finally {
    await curve.terminate();
  }
}

/**
 * Compiles Iris into build/test/<name>, replaces its key by `snarkjs zkey new` alone (no
 * contribution), re-exports the verification key and verifier, records their hashes in the
 * manifest (consistent, as an attacker would leave them) and forges a proof of changed outputs.
 */
export async function forgedKeyFolder(name: string): Promise<ForgedKeyFolder> {
  const iris = await irisArtifacts(name);
  const dir = iris.dir;
  const genuine = await iris.prove(100);
  const zkey = join(dir, "model.zkey");
  const honestZkey = join(dir, "honest.zkey");
  copyFileSync(zkey, honestZkey);
  await snarkjs.zKey.newZKey(iris.compiled.circuit.r1cs, iris.setup.ptau.file, zkey);
  const verificationKey = await snarkjs.zKey.exportVerificationKey(zkey);
  const vkFile = join(dir, "verification_key.json");
  writeFileSync(vkFile, JSON.stringify(verificationKey, null, 2));
  const zkeySha256 = hashFile({ file: zkey });
  const verifier = join(dir, "Verifier.groth16.sol");
  writeFileSync(verifier, (await exportSolidity({ zkey, zkeySha256, system: "groth16" })).source);
  const record: SetupRecord = {
    system: "groth16",
    ptau: {
      sha256: iris.setup.ptau.sha256,
      power: iris.setup.ptau.power,
      file: iris.setup.ptau.file,
    },
    zkeySha256,
    verificationKeySha256: hashFile({ file: vkFile }),
    verifierSha256: hashFile({ file: verifier }),
    singleParty: true,
  };
  writeManifest(dir, { ...readManifest(dir), setup: record, setups: { groth16: record } });

  const { layout } = iris.compiled.publicSignals;
  const publicSignals = [...genuine.publicSignals];
  // Claim logits the model never produced: class 0 wins by a mile.
  publicSignals[layout.outputOffset] = 1_000_000n;
  const forged = await forgeGroth16(verificationKey, publicSignals);
  mkdirSync(join(dir, "proofs"), { recursive: true });
  const proofFile = join(dir, "proofs", "forged.json");
  writeFileSync(
    proofFile,
    JSON.stringify(
      {
        system: "groth16",
        proof: forged,
        proofBytes: encodeGroth16Proof(forged),
        publicSignals: publicSignals.map(String),
      },
      null,
      2,
    ),
  );
  return { iris, dir, honestZkey, verificationKey, publicSignals, forged, proofFile };
}
