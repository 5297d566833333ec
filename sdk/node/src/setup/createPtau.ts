import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  ftruncateSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { ChaCha } from "ffjavascript";
import type { Curve } from "ffjavascript";
import { SetupError } from "@zkml-verify/core/internal/errors";
import { cacheDir, copyFileAtomic, tmpFileFor } from "./cacheDir.ts";
import { hashFile } from "./hashFile.ts";
import { withCeremonyCurve } from "./ptau/ceremonyCurve.ts";
import {
  contributionsBytes,
  encodeContributions,
  ptauPubKey,
  pubKeyBytes,
  randomSecrets,
} from "./ptau/contribution.ts";
import type { PtauSecrets } from "./ptau/contribution.ts";
import { buildTable, chooseWindow, runSegments } from "./ptau/fixedBaseJobs.ts";
import type { FixedBaseTable, Group, Segment } from "./ptau/fixedBaseJobs.ts";
import { planPtau } from "./ptau/planPtau.ts";
import { ptauFrame, ptauLayout } from "./ptau/ptauLayout.ts";
import type { PtauLayout } from "./ptau/ptauLayout.ts";
import {
  firstChallengeHash,
  hashResponsePoints,
  nobleBlake2b,
  toPartialHash,
} from "./ptau/transcript.ts";
import { stepLog } from "./stepLog.ts";
import type { StepRecord } from "./stepLog.ts";

/** The contribution name written into every local ceremony: it marks the file as dev-only. */
export const SINGLE_PARTY_NAME = "zkml single-party dev ceremony: NOT for production";
/** Largest power: bn128's scalar field has 2^28-th roots of unity; the last tauG1 block needs 2n. */
export const MAX_PTAU_POWER = 27;

export interface CreatePtauParameters {
  /** log2 of the number of points (the circuit's domain size). */
  power: number;
  /** Also write the file here (copied from the cache on a cache hit). */
  out?: string;
  /** Cache root (default: `defaultCacheRoot()`); files are cached per power. */
  cache?: string;
  /** Make a new ceremony even when one of this power is cached. */
  force?: boolean;
  onProgress?: (line: string) => void;
}

export interface CreatePtauReturnType {
  /** The prepared ptau (the `out` path when given, else the cache file). */
  file: string;
  sha256: string;
  power: number;
  /** Always true: one party generated and discarded tau, alpha and beta. Development only. */
  singleParty: true;
  cached: boolean;
  /** blake2b of the contribution (snarkjs prints it as "Contribution Response Hash"). */
  responseHash?: string;
  ms: number;
  steps: StepRecord[];
}

/**
 * A prepared powers-of-tau file (what `snarkjs powersoftau prepare phase2` writes) from a
 * local single-party ceremony, accepted by `snarkjs powersoftau verify` and by Groth16,
 * PLONK and FFLONK setup. Because the one contributor knows tau, alpha and beta, every point
 * is a known scalar times a generator: the tau powers and the Lagrange bases are computed as
 * scalars and multiplied with fixed-base comb tables in WASM, instead of snarkjs's
 * per-point double-and-add and EC FFTs. Cached per power.
 *
 * @example
 * const { file, sha256 } = await createPtau({ power: 12, onProgress: console.log });
 */
export async function createPtau(p: CreatePtauParameters): Promise<CreatePtauReturnType> {
  const start = performance.now();
  if (!Number.isInteger(p.power) || p.power < 1 || p.power > MAX_PTAU_POWER) {
    throw new SetupError(`ptau power must be an integer from 1 to ${MAX_PTAU_POWER}`, {
      details: { needed: p.power },
    });
  }
  const cached = join(cacheDir("ptau", p.cache), `dev-bn128-${p.power}.ptau`);
  const hit = existsSync(cached) && !p.force;
  const log = stepLog(p.onProgress);
  let responseHash: string | undefined;
  if (hit) {
    p.onProgress?.(`ptau 2^${p.power} from cache ${cached}`);
  } else {
    p.onProgress?.(
      `local powers of tau 2^${p.power} (single-party dev ceremony: not for production)`,
    );
    const tmp = tmpFileFor(cached);
    try {
      responseHash = await generate(p.power, tmp, log.run.bind(log), p.onProgress);
      renameSync(tmp, cached);
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  let file = cached;
  if (p.out) {
    file = resolve(p.out);
    if (file !== cached) copyFileAtomic({ from: cached, to: file });
  }
  const sha256 = await log.run("sha256 of the ptau", () => hashFile({ file }));
  return {
    file,
    sha256,
    power: p.power,
    singleParty: true,
    cached: hit,
    responseHash,
    ms: performance.now() - start,
    steps: log.steps,
  };
}

type Step = <T>(name: string, f: () => Promise<T> | T) => Promise<T>;

async function generate(
  power: number,
  file: string,
  step: Step,
  onProgress?: (line: string) => void,
): Promise<string> {
  return withCeremonyCurve(async (curve) => {
    const seed = new Uint32Array(randomBytes(32).buffer.slice(0, 32));
    const rng = new ChaCha(Array.from(seed));
    const { secrets, challenge, key } = await step("secrets, first challenge, public key", () => {
      const secrets = randomSecrets(curve, rng);
      const challenge = firstChallengeHash(curve, power);
      return { secrets, challenge, key: ptauPubKey(curve, secrets, challenge, rng) };
    });
    const layout = ptauLayout(power, contributionsBytes(SINGLE_PARTY_NAME));
    const fd = openSync(file, "w+");
    try {
      ftruncateSync(fd, layout.fileSize);
      for (const f of ptauFrame(layout)) writeSync(fd, f.bytes, 0, f.bytes.length, f.position);
      const n = 2 ** power;
      const count: Record<Group, number> = { G1: 12 * n, G2: 3 * n };
      const tables = await step("fixed-base tables", () =>
        Promise.all(
          (["G1", "G2"] as const).map((g) => buildTable(curve, g, chooseWindow(g, count[g]))),
        ),
      );
      await step(`${count.G1 + count.G2} points (tau powers and Lagrange bases)`, () =>
        computePoints(curve, { power, secrets, layout, tables, fd, onProgress }),
      );
      const response = await step("response hash (compressed points)", async () => {
        const h = nobleBlake2b();
        h.update(challenge);
        await hashResponsePoints(curve, fd, layout, "C", h);
        const partialHash = toPartialHash(h);
        h.update(pubKeyBytes(curve, key, "U"));
        return { partialHash, hash: h.digest() };
      });
      const nextChallenge = await step("next challenge hash (uncompressed points)", async () => {
        const hasher = createHash("blake2b512");
        hasher.update(response.hash);
        await hashResponsePoints(curve, fd, layout, "U", hasher);
        return new Uint8Array(hasher.digest());
      });
      const { G1, G2 } = curve;
      const record = encodeContributions(curve, {
        tauG1: G1.timesFr(G1.g, secrets.tau),
        tauG2: G2.timesFr(G2.g, secrets.tau),
        alphaG1: G1.timesFr(G1.g, secrets.alpha),
        betaG1: G1.timesFr(G1.g, secrets.beta),
        betaG2: G2.timesFr(G2.g, secrets.beta),
        key,
        partialHash: response.partialHash,
        nextChallenge,
        name: SINGLE_PARTY_NAME,
      });
      writeSync(fd, record, 0, record.length, layout.offset[7]);
      return Buffer.from(response.hash).toString("hex");
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * Queues every point job (G2 first: its additions cost about 4x G1's, so the big jobs start
 * early and the two workers finish together) and writes each result at its file position.
 */
async function computePoints(
  curve: Curve,
  a: {
    power: number;
    secrets: PtauSecrets;
    layout: PtauLayout;
    tables: FixedBaseTable[];
    fd: number;
    onProgress?: (line: string) => void;
  },
): Promise<void> {
  const n = 2 ** a.power;
  const chunk = Math.max(256, Math.min(1 << 16, Math.ceil((12 * n) / 16)));
  const jobs = planPtau(curve, a.power, a.secrets, a.layout, { G1: chunk, G2: chunk / 4 });
  const total = jobs.G1.length + jobs.G2.length;
  let done = 0;
  let reported = 0;
  const run = (table: FixedBaseTable, segments: Segment[]) =>
    runSegments(curve, table, segments).then((outs) => {
      let i = 0;
      for (const s of segments) {
        for (const o of s.outputs) {
          const b = outs[i++];
          writeSync(a.fd, b, 0, b.length, o.position);
        }
      }
      done++;
      if (done / total >= reported + 0.1 || done === total) {
        reported = Math.floor((done / total) * 10) / 10;
        a.onProgress?.(`  ${done}/${total} jobs`);
      }
    });
  await Promise.all([
    ...jobs.G2.map((s) => run(a.tables[1], s)),
    ...jobs.G1.map((s) => run(a.tables[0], s)),
  ]);
}
