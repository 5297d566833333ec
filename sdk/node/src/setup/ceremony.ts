import { randomBytes } from "node:crypto";
import * as snarkjs from "snarkjs";
import { SetupError } from "@zkml-verify/core/internal/errors";
import { snarkjsLogger } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { hashFile } from "./hashFile.ts";

/**
 * Groth16 phase 2 as a multi-party ceremony, wrapping snarkjs: each party runs
 * `contributePhase2` on the previous zkey, a public random beacon can close the ceremony,
 * and anyone can `verifyPhase2` the final zkey against the r1cs and the ptau. The setup is
 * sound if any one contributor discarded their randomness.
 */

export interface ContributePhase2Parameters {
  zkeyIn: string;
  zkeyOut: string;
  /** Contributor name, stored in the zkey. */
  name: string;
  /** Extra entropy; default 32 random bytes. */
  entropy?: string;
  onProgress?: (line: string) => void;
}

/**
 * Adds one phase-2 contribution. Returns the contribution hash the contributor publishes.
 *
 * @example
 * const { contributionHash } = await contributePhase2({ zkeyIn: "m_0.zkey", zkeyOut: "m_1.zkey", name: "alice" });
 */
export async function contributePhase2(
  p: ContributePhase2Parameters,
): Promise<{ contributionHash: string; zkeySha256: string }> {
  const hash = await run("contribute", p.zkeyIn, () =>
    snarkjs.zKey.contribute(
      p.zkeyIn,
      p.zkeyOut,
      p.name,
      p.entropy ?? randomBytes(32).toString("hex"),
      snarkjsLogger(p.onProgress),
    ),
  );
  return { contributionHash: toHex(hash), zkeySha256: hashFile({ file: p.zkeyOut }) };
}

/**
 * Closes the ceremony with a public random beacon (e.g. a future block hash), iterated
 * 2^iterationsExp times.
 *
 * @example
 * await beaconPhase2({ zkeyIn: "m_3.zkey", zkeyOut: "final.zkey", beaconHash: "0f…", iterationsExp: 10 });
 */
export async function beaconPhase2(p: {
  zkeyIn: string;
  zkeyOut: string;
  beaconHash: string;
  iterationsExp?: number;
  name?: string;
  onProgress?: (line: string) => void;
}): Promise<{ contributionHash: string; zkeySha256: string }> {
  const hex = p.beaconHash.replace(/^0x/, "");
  if (!/^([0-9a-fA-F]{2}){1,255}$/.test(hex)) {
    throw new SetupError("the beacon hash must be hex bytes (1 to 255 of them)", {
      details: { file: p.zkeyIn },
    });
  }
  const iterationsExp = p.iterationsExp ?? 10;
  if (!Number.isInteger(iterationsExp) || iterationsExp < 10 || iterationsExp > 63) {
    throw new SetupError("the beacon's iteration exponent must be 10 to 63 (snarkjs)", {
      details: { file: p.zkeyIn },
    });
  }
  const hash = await run("beacon", p.zkeyIn, () =>
    snarkjs.zKey.beacon(
      p.zkeyIn,
      p.zkeyOut,
      p.name ?? "final beacon",
      hex,
      iterationsExp,
      snarkjsLogger(p.onProgress),
    ),
  );
  return { contributionHash: toHex(hash), zkeySha256: hashFile({ file: p.zkeyOut }) };
}

/**
 * Checks a Groth16 zkey against the r1cs and ptau it claims to come from (snarkjs
 * verifyFromR1cs): the initial key is recomputed and every contribution's proof checked.
 * Returns the contributions (oldest first) as snarkjs's log names them.
 *
 * @example
 * const { valid, contributions } = await verifyPhase2({ r1cs, ptau, zkey });
 */
export async function verifyPhase2(p: {
  r1cs: string;
  ptau: string;
  zkey: string;
  onProgress?: (line: string) => void;
}): Promise<{ valid: boolean; contributions: string[]; log: string[] }> {
  const log: string[] = [];
  const collect = (l: string) => {
    log.push(l);
    p.onProgress?.(l);
  };
  let valid = false;
  try {
    valid = await snarkjs.zKey.verifyFromR1cs(p.r1cs, p.ptau, p.zkey, snarkjsLogger(collect));
  } catch (cause) {
    collect(`error: ${(cause as Error).message}`);
    valid = false;
  }
  const contributions = log
    .filter((l) => /^contribution #\d+/i.test(l.trim()))
    .map((l) => l.trim().split("\n")[0].replace(/:$/, "").trim())
    // snarkjs logs the newest first
    .sort((a, b) => Number(/#(\d+)/.exec(a)![1]) - Number(/#(\d+)/.exec(b)![1]));
  return { valid: valid === true, contributions, log };
}

async function run<T>(step: string, file: string, f: () => Promise<T>): Promise<T> {
  try {
    const r = await f();
    if ((r as unknown) === false || r === undefined) throw new Error(`snarkjs ${step} failed`);
    return r;
  } catch (cause) {
    throw new SetupError(`phase-2 ${step} failed for ${file}`, { details: { file }, cause });
  }
}

const toHex = (h: unknown): string =>
  h instanceof Uint8Array ? Buffer.from(h).toString("hex") : String(h);
