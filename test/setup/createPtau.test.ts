import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { SetupError } from "../../sdk/core/src/errors.ts";
import { createPtau, SINGLE_PARTY_NAME } from "../../sdk/node/src/setup/createPtau.ts";
import { ensurePtau } from "../../sdk/node/src/setup/ensurePtau.ts";
import { readPtauInfo } from "../../sdk/node/src/setup/readPtauInfo.ts";

// The fast local ceremony must produce exactly what snarkjs's own path would, for the same
// secrets: full `powersoftau verify`, and Lagrange sections identical to snarkjs's
// `preparePhase2` recomputed from our tau sections.
describe("createPtau (fast single-party powers of tau)", function () {
  const cache = mkdtempSync(join(tmpdir(), "zkml-ptau-"));
  let file: string;

  before(async function () {
    ({ file } = await createPtau({ power: 5, cache }));
  });

  it("is accepted by snarkjs powersoftau verify", async function () {
    expect(await snarkjs.powersOfTau.verify(file)).to.equal(true);
  });

  it("has the Lagrange sections snarkjs's preparePhase2 computes by FFT", async function () {
    const again = join(cache, "reprepared.ptau");
    await snarkjs.powersOfTau.preparePhase2(file, again);
    const ours = readFileSync(file);
    expect(ours.length).to.be.greaterThan(30_000);
    expect(Buffer.compare(ours, readFileSync(again))).to.equal(0);
  });

  it("records the power, the single contribution and its single-party name", function () {
    expect(readPtauInfo({ file })).to.deep.equal({
      power: 5,
      ceremonyPower: 5,
      prepared: true,
      contributions: 1,
      lastContribution: SINGLE_PARTY_NAME,
    });
  });

  it("is cached per power, and a forced run makes a different ceremony", async function () {
    const hit = await createPtau({ power: 5, cache });
    expect(hit.cached).to.equal(true);
    const fresh = await createPtau({ power: 5, cache, force: true, out: join(cache, "f.ptau") });
    expect(fresh.cached).to.equal(false);
    expect(fresh.sha256).to.not.equal(hit.sha256);
    expect(await snarkjs.powersOfTau.verify(fresh.file)).to.equal(true);
  });

  it("a tampered point is rejected by powersoftau verify", async function () {
    const bytes = readFileSync(file);
    // tauG1[3]: section 2 data starts after the 12-byte file header, header section (12 + 44)
    // and section 2's own 12-byte header; replace it with tauG1[2] (a valid point, wrong power).
    const s2 = 12 + 12 + 44 + 12;
    bytes.copy(bytes, s2 + 3 * 64, s2 + 2 * 64, s2 + 3 * 64);
    const tampered = join(cache, "tampered.ptau");
    writeFileSync(tampered, bytes);
    expect(await snarkjs.powersOfTau.verify(tampered)).to.equal(false);
  });

  it("ensurePtau names the power a too-small external ptau lacks", async function () {
    let err: unknown;
    try {
      await ensurePtau({ power: 9, ptau: file });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SetupError);
    expect((err as SetupError).message).to.equal(
      `${file} holds 2^5 points; this circuit needs a ptau of power 9 (2^9 points) or more`,
    );
    expect((err as SetupError).details).to.include({ needed: 9, have: 5 });
  });

  it("rejects a file that is not a ptau, and an unprepared ptau", async function () {
    const junk = join(cache, "junk.ptau");
    writeFileSync(junk, "not a ptau");
    expect(() => readPtauInfo({ file: junk })).to.throw(SetupError, "is not a readable ptau file");
    const raw = join(cache, "raw.ptau");
    await snarkjs.powersOfTau.newAccumulator(await curve(), 3, raw);
    let err: unknown;
    try {
      await ensurePtau({ power: 3, ptau: raw });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.contain("is not prepared for phase 2");
  });

  it("rejects powers outside 1..27", async function () {
    let err: unknown;
    try {
      await createPtau({ power: 40, cache });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.equal("ptau power must be an integer from 1 to 27");
  });
});

async function curve() {
  const { getCurveFromName } = await import("ffjavascript");
  return getCurveFromName("bn128");
}
