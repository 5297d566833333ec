import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import * as snarkjs from "snarkjs";
import { readManifest } from "../manifestFile.ts";
import type { SetupRecord } from "@zkml-verify/core/internal/manifest";
import type { QuantizedModel } from "@zkml-verify/core/internal/quantize/types";
import { cacheDir } from "./cacheDir.ts";
import { verifyPhase2 } from "./ceremony.ts";
import { checkGroth16KeyTrust } from "./checkGroth16KeyTrust.ts";
import { ptauPowerFor, readCircuitSize } from "./circuitSize.ts";
import { exportSolidity } from "./exportSolidity.ts";
import { hashFile } from "./hashFile.ts";
import { readPtauInfo } from "./readPtauInfo.ts";
import { checkRebuild } from "./checkRebuild.ts";
import { rebuildModel } from "./rebuildModel.ts";
import { artifactNames } from "./artifactNames.ts";
import { devSetupReasons, recomputeSetupTrust } from "./setupTrust.ts";

export interface ManifestCheck {
  check: string;
  /** null: skipped (the input to recompute it is missing). */
  ok: boolean | null;
  detail: string;
  ms: number;
}

export interface VerifyManifestParameters {
  dir: string;
  /** The ONNX file, when not at manifest.model.file, in `dir` or in models/. */
  model?: string;
  /** The ptau the setups used, when not at the recorded path or in the cache. */
  ptau?: string;
  cache?: string;
  onProgress?: (line: string) => void;
}

/**
 * Recomputes everything manifest.json claims that can be recomputed: file hashes (model,
 * circuit, r1cs, wasm, ptau, zkey, verification key, verifier), the circuit regenerated from
 * the quantized model and the weight commitment, the whole build repeated from the ONNX file
 * (re-import, re-quantize with the recorded options and calibration: same quantized.json,
 * weight commitment and circuit source; see `rebuildModel`), each zkey checked against the r1cs + ptau
 * (Groth16: snarkjs verifyFromR1cs with every contribution; PLONK/FFLONK: the deterministic
 * setup rerun and compared byte for byte), the verification key re-exported from the zkey,
 * a Groth16 key's trust (at least one phase-2 contribution, delta not gamma:
 * `checkGroth16KeyTrust`), the recorded setup trust against the one the files give, and the
 * Solidity verifier's constants against the verification key.
 *
 * @example
 * const { ok, checks } = await verifyManifest({ dir: "build/iris-mlp" });
 * for (const c of checks) console.log(c.ok ? "ok  " : "FAIL", c.check, c.detail);
 */
export async function verifyManifest(
  p: VerifyManifestParameters,
): Promise<{ ok: boolean; checks: ManifestCheck[] }> {
  const dir = resolve(p.dir);
  const m = readManifest(dir);
  const checks: ManifestCheck[] = [];
  const check = async (
    name: string,
    f: () => Promise<[boolean | null, string]> | [boolean | null, string],
  ) => {
    const start = performance.now();
    let r: [boolean | null, string];
    try {
      r = await f();
    } catch (e) {
      r = [false, (e as Error).message.split("\n")[0]];
    }
    checks.push({ check: name, ok: r[0], detail: r[1], ms: performance.now() - start });
    p.onProgress?.(`${r[0] === null ? "skip" : r[0] ? "ok  " : "FAIL"}  ${name}: ${r[1]}`);
  };

  const modelFile = [p.model, m.model.file, join(dir, m.model.file), join("models", m.model.file)]
    .filter((f): f is string => Boolean(f))
    .map((f) => resolve(f))
    .find((f) => existsSync(f));
  await check("model file", () =>
    modelFile ? sameHashOf(modelFile, m.model.sha256) : [null, `${m.model.file} not found`],
  );
  await check("circuit source", () =>
    sameHashOf(join(dir, "model.circom"), m.circuit.circomSha256),
  );
  await check("r1cs", () => sameHashOf(join(dir, "model.r1cs"), m.circuit.r1csSha256));
  await check("wasm", () => sameHashOf(join(dir, "model_js", "model.wasm"), m.circuit.wasmSha256));
  const quantizedFile = join(dir, "quantized.json");
  const quantizedText = existsSync(quantizedFile) ? readFileSync(quantizedFile, "utf8") : undefined;
  const quantized = quantizedText
    ? (reviveBigInts(JSON.parse(quantizedText)) as QuantizedModel)
    : undefined;
  // A quantized.json that cannot be rebuilt (e.g. a weight out of range) fails both checks.
  let rebuildError = "";
  let fromQuantized: ReturnType<typeof rebuildModel> | undefined;
  try {
    fromQuantized = quantized ? rebuildModel({ manifest: m, dir, quantized }) : undefined;
  } catch (e) {
    rebuildError = (e as Error).message.split("\n")[0];
  }
  await check("weight commitment", () => {
    if (rebuildError) return [false, rebuildError];
    if (!fromQuantized) return [null, "quantized.json not found"];
    const got = fromQuantized.weightCommitment.toString();
    return got === m.weightCommitment
      ? [true, got]
      : [false, `${got} != manifest ${m.weightCommitment}`];
  });
  await check("circuit regenerated from the quantized model", () => {
    if (rebuildError) return [false, rebuildError];
    if (!fromQuantized) return [null, "quantized.json not found"];
    const got = fromQuantized.sourceSha256;
    return got === m.circuit.circomSha256
      ? [true, "same circom source"]
      : [false, `regenerated source sha256 ${got} != manifest ${m.circuit.circomSha256}`];
  });
  await checkRebuild({ m, dir, modelFile, quantizedText, check });

  const records = new Map<string, SetupRecord>();
  for (const r of Object.values(m.setups ?? {})) if (r) records.set(r.system, r);
  if (m.setup && !records.has(m.setup.system)) records.set(m.setup.system, m.setup);
  const r1cs = join(dir, "model.r1cs");
  for (const rec of records.values()) {
    await checkSetup(rec, { dir, r1cs, ptau: p.ptau, cache: p.cache, check });
  }
  if (records.size === 0) await check("setup", () => [null, "no setup recorded (run zkml setup)"]);
  return { ok: checks.every((c) => c.ok !== false), checks };
}

/** Runs one named check: [ok (null: skipped), detail]; a throw is a failure. */
export type Check = (
  name: string,
  f: () => Promise<[boolean | null, string]> | [boolean | null, string],
) => Promise<void>;

async function checkSetup(
  rec: SetupRecord,
  a: { dir: string; r1cs: string; ptau?: string; cache?: string; check: Check },
): Promise<void> {
  const { check } = a;
  const s = rec.system;
  const names = artifactNames(s);
  const zkey = join(a.dir, names.zkey);
  const vkFile = join(a.dir, names.verificationKey);
  const verifier = join(a.dir, names.verifier);
  const candidates = [
    a.ptau,
    rec.ptau.file,
    join(cacheDir("ptau", a.cache), `dev-bn128-${rec.ptau.power}.ptau`),
  ];
  const ptau = candidates.find(
    (f) => f && existsSync(f) && hashFile({ file: f }) === rec.ptau.sha256,
  );
  await check(`${s}: ptau`, () => {
    if (!ptau)
      return [
        false,
        `no ptau with sha256 ${rec.ptau.sha256.slice(0, 16)}… found; pass --ptau <file>`,
      ];
    const info = readPtauInfo({ file: ptau });
    const { power } = ptauPowerFor({ system: s, size: readCircuitSize({ r1cs: a.r1cs }) });
    if (info.power < power)
      return [false, `2^${info.power} points, the circuit needs power ${power}`];
    return [
      true,
      `${ptau}: 2^${info.power} points (needs ${power})${rec.singleParty ? "; single-party dev ceremony: NOT for production" : ""}`,
    ];
  });
  await check(`${s}: zkey hash`, () => sameHashOf(zkey, rec.zkeySha256));
  await check(`${s}: verification key hash`, () => sameHashOf(vkFile, rec.verificationKeySha256));
  await check(`${s}: verification key from zkey`, async () => {
    const vk = await snarkjs.zKey.exportVerificationKey(zkey);
    const file = JSON.parse(readFileSync(vkFile, "utf8"));
    return isDeepStrictEqual(JSON.parse(JSON.stringify(vk)), file)
      ? [true, "re-exported key equals the file"]
      : [false, "the verification key file differs from the zkey's"];
  });
  await check(`${s}: zkey against r1cs + ptau`, async () => {
    if (!ptau) return [null, "ptau not found"];
    if (s === "groth16") {
      const v = await verifyPhase2({ r1cs: a.r1cs, ptau, zkey });
      if (!v.valid) return [false, "snarkjs verifyFromR1cs rejected the zkey"];
      return v.contributions.length > 0
        ? [true, `snarkjs verifyFromR1cs ok, ${v.contributions.length} contribution(s)`]
        : [false, "0 phase-2 contributions (snarkjs zkey new alone): anyone can forge proofs"];
    }
    const tmp = mkdtempSync(join(tmpdir(), "zkml-verify-"));
    try {
      const out = join(tmp, "re.zkey");
      await (s === "plonk" ? snarkjs.plonk.setup : snarkjs.fflonk.setup)(a.r1cs, ptau, out);
      return hashFile({ file: out }) === hashFile({ file: zkey })
        ? [true, `${s} setup rerun gives the same zkey`]
        : [false, `${s} setup from r1cs + ptau gives a different zkey`];
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
  await check(`${s}: key trust`, () => {
    if (s !== "groth16") return [true, `${s}: universal setup, no phase 2`];
    const vk = JSON.parse(readFileSync(vkFile, "utf8"));
    const { contributions = [] } = checkGroth16KeyTrust({ zkey, verificationKey: vk });
    return [
      true,
      `${contributions.length} phase-2 contribution(s)${contributions.some((c) => c.beacon) ? " incl. a beacon" : ""}; delta is not gamma or the generator`,
    ];
  });
  await check(`${s}: setup trust record`, () => {
    const t = recomputeSetupTrust({ record: rec, zkey, ptauFile: ptau });
    const reasons = devSetupReasons({ record: rec, trust: t });
    const what = reasons.length
      ? `development only (${reasons.join("; ")})`
      : "multi-party ptau and phase 2";
    if (!rec.trust)
      return [null, `recorded before setup trust was; recomputed: ${what} (re-run zkml setup)`];
    const recorded = {
      ptau: rec.trust.ptau.singleParty,
      phase2: rec.trust.phase2?.contributions ?? null,
      beacon: rec.trust.phase2?.beacon ?? null,
      devOnly: rec.trust.devOnly || rec.singleParty,
    };
    const actual = {
      ptau: t.ptau.singleParty,
      phase2: t.phase2?.contributions ?? null,
      beacon: t.phase2?.beacon ?? null,
      devOnly: t.devOnly,
    };
    return isDeepStrictEqual(recorded, actual)
      ? [true, what]
      : [
          false,
          `manifest records ${JSON.stringify(recorded)}, the files give ${JSON.stringify(actual)}`,
        ];
  });
  await check(`${s}: Solidity verifier`, async () => {
    if (!existsSync(verifier)) return [null, `${verifier} not found`];
    const source = readFileSync(verifier, "utf8");
    const vk = JSON.parse(readFileSync(vkFile, "utf8"));
    const consts = new Set(
      [...source.matchAll(/constant\s+\w+\s*=\s*(0x[0-9a-fA-F]+|\d+)/g)].map((x) =>
        BigInt(x[1]).toString(),
      ),
    );
    const missing = vkNumbers(vk).filter((v) => !consts.has(v));
    if (missing.length > 0)
      return [
        false,
        `${missing.length} verification-key values are not constants of the verifier (first: ${missing[0]})`,
      ];
    if (rec.verifierSha256 && hashFile({ file: verifier }) !== rec.verifierSha256)
      return [false, "verifier sha256 differs from the manifest"];
    const regenerated = await exportSolidity({
      zkey,
      zkeySha256: hashFile({ file: zkey }),
      system: s,
    });
    return regenerated.source === source
      ? [true, `every verification-key value is a constant; regenerated source identical`]
      : [false, "constants match but the source differs from a fresh export"];
  });
}

function sameHashOf(file: string, want: string): [boolean | null, string] {
  if (!existsSync(file)) return [false, `${file} is missing`];
  const got = hashFile({ file });
  return got === want
    ? [true, `sha256 ${got.slice(0, 16)}…`]
    : [false, `sha256 ${got} != manifest ${want}`];
}

/**
 * Field elements of a verification key (>= 2^32; small ones like k1 = 2 or z = 1 are skipped,
 * and Groth16's precomputed e(alpha, beta), which the verifier does not use).
 */
function vkNumbers(vk: Record<string, unknown>): string[] {
  const out: string[] = [];
  const { vk_alphabeta_12: _unused, ...rest } = vk;
  const walk = (v: unknown) => {
    if (typeof v === "string" && /^\d+$/.test(v) && BigInt(v) >= 2n ** 32n)
      out.push(BigInt(v).toString());
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(rest);
  return out;
}

/** quantized.json stores bigints as decimal strings; turn them back. */
function reviveBigInts(v: unknown): unknown {
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  if (Array.isArray(v)) return v.map(reviveBigInts);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reviveBigInts(x)]));
  return v;
}
