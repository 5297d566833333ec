import { expect } from "chai";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { network } from "hardhat";
import type { JsonRpcServer } from "hardhat/types/network";
import { chromium } from "playwright-core";
import type { BrowserContext, Page, Request } from "playwright-core";
import { build, preview } from "vite";
import type { PreviewServer } from "vite";
import { createPublicClient, createWalletClient, defineChain, http, keccak256, toHex } from "viem";
import type { Hex, PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  deployRegistry,
  evaluateQuantized,
  fromField,
  inputCommitment,
  modelRegistryAbi,
  quantizeInput,
  readVerifiedPredictions,
  registerModel,
} from "@zkml-verify/core";
import { compileModel, deployVerifier, setupModelDir } from "@zkml-verify/node";
import type { CompileModelReturnType } from "@zkml-verify/node";
import { loadIris } from "../../scripts/lib/iris.ts";
import { ROOT } from "../helpers/root.ts";

const CHROMIUM = "/usr/bin/chromium";
const APP = join(ROOT, "scripts/example-dapp");
const SCREENSHOT = join(ROOT, "build/test/example-dapp.png");
/** Hardhat's first two development accounts (published test keys): #0 deploys, #1 is the page's. */
const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const USER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/** Iris row 77 (versicolor), not among the calibration rows. */
const ROW = 77;

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

describe("example dApp: proves in headless Chromium, submits with viem, shows PredictionVerified", function () {
  this.timeout(180_000);
  const iris = loadIris();
  const input = iris.features[ROW];
  let tmp: string;
  let compiled: CompileModelReturnType;
  let rpc: JsonRpcServer | undefined;
  let rpcUrl: string;
  let publicClient: PublicClient;
  let registry: Hex;
  let modelId: Hex;
  let site: PreviewServer | undefined;
  let siteUrl: string;
  let context: BrowserContext | undefined;
  let page: Page;
  const requests: Request[] = [];
  const pageErrors: string[] = [];
  const timings: string[] = [];
  let lapStart = performance.now();
  const lap = (label: string) => {
    const now = performance.now();
    timings.push(`${label} ${((now - lapStart) / 1000).toFixed(1)} s`);
    lapStart = now;
  };

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
      this.skip();
    }
    lapStart = performance.now();
    tmp = mkdtempSync(join(tmpdir(), "zkml-dapp-"));
    const modelDir = join(tmp, "model");

    // Compile Iris with a hashed input: the proof carries a Poseidon commitment to the input,
    // never the input itself. A few rows of each class calibrate the scales.
    compiled = await compileModel({
      model: join(ROOT, "models/iris-mlp.onnx"),
      outDir: modelDir,
      calibration: iris.features.filter((_, i) => i % 10 === 0),
      inputVisibility: "hashed",
    });
    lap("compile");
    const setup = await setupModelDir({ dir: modelDir, system: "groth16" });
    lap("setup");

    // The chain: Hardhat's simulated network (EDR) behind its JSON-RPC server, as `hardhat node`.
    rpc = await network.createServer("default", "127.0.0.1", 0);
    const { address, port } = await rpc.listen();
    rpcUrl = `http://${address}:${port}`;
    const probe = createPublicClient({ transport: http(rpcUrl) });
    const chainId = await probe.getChainId();
    const chain = defineChain({
      id: chainId,
      name: "hardhat",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    });
    publicClient = createPublicClient({ chain, transport: http(rpcUrl) }) as PublicClient;
    const walletClient = createWalletClient({
      chain,
      account: privateKeyToAccount(DEPLOYER_KEY),
      transport: http(rpcUrl),
    });
    const client = { publicClient, walletClient };
    registry = (await deployRegistry({ client })).address;
    const verifier = await deployVerifier({
      client,
      zkey: setup.zkey,
      zkeySha256: setup.zkeySha256,
      nPublic: compiled.publicSignals.layout.nPublic,
    });
    modelId = keccak256(toHex(`zkml:example-dapp:${compiled.manifest.model.sha256}`));
    await registerModel({
      client,
      registry,
      modelId,
      weightCommitment: compiled.weightCommitment,
      verifier: verifier.adapter,
      layout: compiled.publicSignals.layout,
      metadataURI: "ipfs://example-dapp/manifest.json",
    });

    lap("chain");
    // The page, built with Vite, with the artifacts and a config.json next to it.
    const outDir = join(tmp, "site");
    await build({
      configFile: join(APP, "vite.config.ts"),
      root: APP,
      logLevel: "warn",
      build: { outDir },
    });
    for (const file of [
      "manifest.json",
      "quantized.json",
      "model_js/model.wasm",
      "model.zkey",
      "verification_key.json",
    ]) {
      mkdirSync(dirname(join(outDir, "iris", file)), { recursive: true });
      copyFileSync(join(modelDir, file), join(outDir, "iris", file));
    }
    writeFileSync(
      join(outDir, "config.json"),
      JSON.stringify({
        rpcUrl,
        registry,
        modelId,
        artifacts: "iris/",
        inputLabels: [
          "sepal length (cm)",
          "sepal width (cm)",
          "petal length (cm)",
          "petal width (cm)",
        ],
        classNames: iris.classNames,
      }),
    );
    lap("vite build");
    const sitePort = await freePort();
    site = await preview({
      configFile: join(APP, "vite.config.ts"),
      root: APP,
      logLevel: "warn",
      build: { outDir },
      preview: { host: "127.0.0.1", port: sitePort, strictPort: true, open: false },
    });
    siteUrl = `http://127.0.0.1:${sitePort}/`;

    context = await chromium.launchPersistentContext(join(tmp, "chromium-profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
      viewport: { width: 900, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    lap("preview + chromium");
    page.on("request", (r) => requests.push(r));
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`${m.text()} (${m.location().url})`);
    });
  });

  after(async function () {
    if (timings.length) console.log(`    timings: ${timings.join(", ")}`);
    await context?.close().catch(() => {});
    await site?.close().catch(() => {});
    await rpc?.close().catch(() => {});
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Waits for the page's `data-state` to be `state` (or fails with the page's error). */
  async function waitForState(state: string, timeout = 90_000): Promise<void> {
    await page.waitForSelector(`body[data-state="${state}"], body[data-state="error"]`, {
      timeout,
    });
    if ((await page.getAttribute("body", "data-state")) === "error") {
      const shown = await page.locator(".error:not([hidden])").allTextContents();
      throw new Error(`the page shows an error: ${shown.join(" | ")} ${pageErrors.join(" | ")}`);
    }
  }

  it("proves the input in a worker, submits the proof and shows outputs equal to the evaluator's", async function () {
    const start = performance.now();
    await page.goto(`${siteUrl}?key=${USER_KEY}`);
    await waitForState("loaded");
    for (const [i, v] of input.entries()) await page.fill(`#input-${i}`, String(v));
    await page.click("#prove");
    await waitForState("proved");
    const stageItems = await page.locator("#stages li").all();
    const stageNames = await Promise.all(stageItems.map((li) => li.getAttribute("data-stage")));
    expect(stageNames).to.deep.equal([
      "loading artifacts",
      "witness",
      "proof",
      "verifying off-chain",
      "done",
    ]);
    const times = await page.locator("#stages li .time").allTextContents();
    const stages = stageNames.map((name, i) => `${name} ${times[i]}`);
    expect(stages.at(-1)).to.match(/total \d+\.\d\d s/);
    expect(await page.textContent("#proof-verified")).to.equal("valid");

    await page.click("#submit");
    await waitForState("verified");
    const proveAndSubmitMs = performance.now() - start;
    lap("page");

    // The outputs the page shows from the event: the quantized evaluator's, bit for bit.
    const model = compiled.quantized;
    const q = quantizeInput({ model, input });
    const expected = evaluateQuantized({ model, input: q }).outputs;
    const rows = await page.locator("#event-outputs tr[data-raw]").all();
    const shown = await Promise.all(
      rows.map(async (r) => (await r.getAttribute("data-raw")) ?? ""),
    );
    expect(shown.map(BigInt)).to.deep.equal(expected);
    expect(await page.textContent("#event-class")).to.contain(iris.classNames[iris.labels[ROW]]);

    // The registry recorded it (read from Node), from the page's account, bound to the input by
    // its commitment only.
    const predictionId = (await page.textContent("#event-prediction-id")) as Hex;
    const txHash = (await page.getAttribute("#event-tx", "data-tx")) as Hex;
    const recorded = await publicClient.readContract({
      address: registry,
      abi: modelRegistryAbi,
      functionName: "isPredictionVerified",
      args: [predictionId],
    });
    expect(recorded).to.equal(true);
    const events = await readVerifiedPredictions({ client: { publicClient }, registry, modelId });
    expect(events).to.have.length(1);
    expect(events[0].predictionId).to.equal(predictionId);
    expect(events[0].txHash).to.equal(txHash);
    expect(events[0].outputs.map(fromField)).to.deep.equal(expected);
    expect(events[0].submitter.toLowerCase()).to.equal(
      privateKeyToAccount(USER_KEY).address.toLowerCase(),
    );
    expect(BigInt(events[0].inputCommitment)).to.equal(inputCommitment({ model, input: q }));
    const receipt = await publicClient.getTransactionReceipt({ hash: txHash });
    expect(await page.getAttribute("#event-gas", "data-gas")).to.equal(String(receipt.gasUsed));

    // The input never left the browser: the page fetched only its own files and the artifacts,
    // and no JSON-RPC call carries an input value (as a 32-byte word or a decimal).
    const fetched = requests.filter((r) => /^https?:/.test(r.url()));
    const origins = new Set(fetched.map((r) => new URL(r.url()).origin));
    expect([...origins].sort()).to.deep.equal([new URL(siteUrl).origin, rpcUrl].sort());
    const bodies = fetched
      .map((r) => r.postData() ?? "")
      .join("\n")
      .toLowerCase();
    expect(bodies).to.contain("eth_sendrawtransaction");
    for (const v of q) {
      expect(bodies).to.not.contain(v.toString(16).padStart(64, "0"));
    }
    expect(pageErrors).to.deep.equal([]);

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(
      `    page: load + prove + submit ${(proveAndSubmitMs / 1000).toFixed(1)} s (${stages.join(" · ")}); screenshot ${SCREENSHOT}`,
    );
  });
});
