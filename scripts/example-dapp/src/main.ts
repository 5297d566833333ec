// The example dApp's page: reads its configuration, starts the prover worker, builds the input
// form from the model, shows each proving stage with its time, submits the proof with a viem
// wallet client and shows the registry's PredictionVerified event.
import { fromField, readVerifiedPredictions, submitPrediction } from "@zkml-verify/core";
import type { ProofSystem } from "@zkml-verify/core";
import { createPublicClient, createWalletClient, custom, defineChain, http } from "viem";
import type { Account, Chain, EIP1193Provider, Hex, Transport, WalletClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { FromWorker, ModelInfo, ProofResult, Stage, ToWorker } from "./messages.ts";

/** config.json next to the page, each field overridable by a query parameter. */
interface DappConfig {
  /** JSON-RPC URL of the chain (`?rpc=`). */
  rpcUrl: string;
  /** ModelRegistry address (`?registry=`). */
  registry: Hex;
  /** bytes32 model id the registry knows the model by (`?model=`). */
  modelId: Hex;
  /** Base URL of the compiled model's artifacts (`?artifacts=`), relative to the page. */
  artifacts: string;
  /** Default groth16 (`?system=`). */
  system?: ProofSystem;
  /**
   * Test and demo only (`?key=`): a local account signs in the page. A real dApp leaves it out
   * and uses the user's wallet (window.ethereum).
   */
  privateKey?: Hex;
  /** Labels of the input fields (default `<input name>[i]`). */
  inputLabels?: string[];
  /** Class names for the outputs (default `class i`). */
  classNames?: string[];
  /** Values to prefill the form with. */
  defaultInput?: number[];
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const setState = (s: string) => (document.body.dataset.state = s);
const short = (h: string) => (h.length > 20 ? `${h.slice(0, 10)}…${h.slice(-8)}` : h);

async function readConfig(): Promise<DappConfig> {
  const q = new URLSearchParams(location.search);
  let file: Partial<DappConfig> = {};
  const res = await fetch(q.get("config") ?? "config.json").catch(() => undefined);
  if (res?.ok) file = (await res.json()) as Partial<DappConfig>;
  const pick = <K extends keyof DappConfig>(key: K, param: string) =>
    (q.get(param) as DappConfig[K] | null) ?? file[key];
  const cfg = {
    ...file,
    rpcUrl: pick("rpcUrl", "rpc"),
    registry: pick("registry", "registry"),
    modelId: pick("modelId", "model"),
    artifacts: pick("artifacts", "artifacts"),
    system: pick("system", "system") ?? "groth16",
    privateKey: pick("privateKey", "key"),
  };
  const missing = (["rpcUrl", "registry", "modelId", "artifacts"] as const).filter((k) => !cfg[k]);
  if (missing.length) {
    throw new Error(
      `missing configuration: ${missing.join(", ")} (config.json or ?rpc=&registry=&model=&artifacts=)`,
    );
  }
  return cfg as DappConfig;
}

/** The stage list: one line per stage, the running one with a live elapsed time. */
class Progress {
  private list = $("stages");
  private current?: { li: HTMLLIElement; start: number };
  private timer?: ReturnType<typeof setInterval>;
  private begin = 0;

  /** Starts a new run; the artifacts' loading line stays (they are loaded once). */
  reset(): void {
    for (const li of this.list.querySelectorAll("li")) {
      if (li.dataset.stage !== "loading artifacts") li.remove();
    }
    this.begin = performance.now();
    this.current = undefined;
  }

  stage(stage: Stage): void {
    const now = performance.now();
    this.finishCurrent(now);
    const li = document.createElement("li");
    li.dataset.stage = stage;
    const name = document.createElement("span");
    const time = document.createElement("span");
    time.className = "time";
    li.append(name, time);
    this.list.append(li);
    if (stage === "done") {
      name.textContent = "done";
      time.textContent = `total ${seconds(now - this.begin)}`;
      li.className = "finished";
      this.stop();
      return;
    }
    name.textContent = STAGE_TEXT[stage];
    li.className = "running";
    this.current = { li, start: now };
    this.timer ??= setInterval(() => this.tick(), 100);
    this.tick();
  }

  /** Ends the running stage (a stage that is not followed by another, e.g. loading). */
  finish(): void {
    this.finishCurrent(performance.now());
    this.stop();
  }

  fail(): void {
    this.current?.li.classList.remove("running");
    this.current = undefined;
    this.stop();
  }

  private tick(): void {
    if (this.current) {
      this.current.li.querySelector(".time")!.textContent = seconds(
        performance.now() - this.current.start,
      );
    }
  }

  private finishCurrent(now: number): void {
    if (!this.current) return;
    this.current.li.className = "finished";
    this.current.li.querySelector(".time")!.textContent = seconds(now - this.current.start);
    this.current = undefined;
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

const STAGE_TEXT: Record<Stage, string> = {
  "loading artifacts": "loading artifacts (manifest, quantized model, wasm, zkey, key)",
  witness: "witness (model.wasm)",
  proof: "proof (snarkjs)",
  "verifying off-chain": "verifying off-chain",
  done: "done",
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  setState("starting");
  const cfg = await readConfig();
  const artifacts = new URL(cfg.artifacts, location.href).href;
  $("model-artifacts").textContent = artifacts;
  $("chain-info").textContent = `${cfg.registry} · model ${short(cfg.modelId)} · ${cfg.rpcUrl}`;

  const wallet = await connectWallet(cfg);
  $("account").textContent = wallet.account.address;

  const worker = new Worker(new URL("./prover.worker.ts", import.meta.url), { type: "module" });
  const post = (m: ToWorker) => worker.postMessage(m);
  const progress = new Progress();
  let info: ModelInfo | undefined;
  let proof: ProofResult | undefined;

  const proveButton = $<HTMLButtonElement>("prove");
  const submitButton = $<HTMLButtonElement>("submit");
  const proveError = $("prove-error");

  worker.addEventListener("message", (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.type === "stage") {
      progress.stage(m.stage);
    } else if (m.type === "loaded") {
      progress.finish();
      info = m.info;
      showModel(cfg, info);
      proveButton.disabled = false;
      setState("loaded");
    } else if (m.type === "proved") {
      proof = m.result;
      showProof(cfg, info!, proof);
      proveButton.disabled = false;
      submitButton.disabled = false;
      setState("proved");
    } else {
      progress.fail();
      proveError.textContent = `${m.name}: ${m.message}`;
      proveError.hidden = false;
      proveButton.disabled = !info;
      setState("error");
    }
  });
  worker.addEventListener("error", (e) => {
    progress.fail();
    proveError.textContent = `worker error: ${e.message}`;
    proveError.hidden = false;
    setState("error");
  });

  progress.reset();
  $("model-status").textContent = "loading artifacts…";
  post({ type: "load", artifacts, system: cfg.system ?? "groth16" });

  proveButton.addEventListener("click", () => {
    const fields = [...document.querySelectorAll<HTMLInputElement>("#input-form input")];
    const input = fields.map((f) => Number(f.value));
    const bad = fields.findIndex((f) => f.value.trim() === "" || !Number.isFinite(Number(f.value)));
    if (bad >= 0) {
      proveError.textContent = `${fields[bad].name}: enter a number`;
      proveError.hidden = false;
      return;
    }
    proveError.hidden = true;
    $("proof-section").hidden = true;
    $("event-section").hidden = true;
    submitButton.disabled = true;
    proveButton.disabled = true;
    proof = undefined;
    progress.reset();
    setState("proving");
    // The only place the input goes: the worker, in this page.
    post({ type: "prove", input, submitter: wallet.account.address });
  });

  submitButton.addEventListener("click", () => {
    if (!proof || !info) return;
    submitButton.disabled = true;
    setState("submitting");
    submit(cfg, wallet, info, proof).then(
      () => setState("verified"),
      (error: unknown) => {
        const err = error instanceof Error ? error : new Error(String(error));
        $("submit-status").textContent = "";
        $("submit-error").textContent = `${err.name}: ${err.message}`;
        $("submit-error").hidden = false;
        submitButton.disabled = false;
        setState("error");
      },
    );
  });
}

type Wallet = WalletClient<Transport, Chain, Account> & { account: Account };

/**
 * A viem wallet client on the configured chain: a local account from `privateKey` (tests and
 * demos), else the user's injected wallet (window.ethereum), as a real dApp does.
 */
async function connectWallet(cfg: DappConfig): Promise<Wallet> {
  const probe = createPublicClient({ transport: http(cfg.rpcUrl) });
  const id = await probe.getChainId();
  const chain = defineChain({
    id,
    name: `chain ${id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [cfg.rpcUrl] } },
  });
  if (cfg.privateKey) {
    return createWalletClient({
      chain,
      account: privateKeyToAccount(cfg.privateKey),
      transport: http(cfg.rpcUrl),
    }) as Wallet;
  }
  const injected = (window as { ethereum?: EIP1193Provider }).ethereum;
  if (!injected) throw new Error("no wallet: install one, or pass ?key= for a local dev account");
  const [address] = await createWalletClient({
    chain,
    transport: custom(injected),
  }).requestAddresses();
  return createWalletClient({ chain, account: address, transport: custom(injected) }) as Wallet;
}

function showModel(cfg: DappConfig, info: ModelInfo): void {
  $("model-status").textContent = "loaded, hashes match the manifest";
  $("model-circuit").textContent =
    `${info.constraints.toLocaleString("en")} constraints · ${info.nInputs} inputs → ` +
    `${info.nOutputs} ${info.outputKind} at 2^-${info.outputFrac}`;
  const v = info.visibility;
  $("model-visibility").textContent =
    `input ${v.input} · output ${v.output} · weights ${v.weights}` +
    (v.input === "public" ? " (this build publishes the input in the public signals)" : "");
  const form = $("input-form");
  form.replaceChildren();
  for (let i = 0; i < info.nInputs; i++) {
    const label = document.createElement("label");
    label.textContent = cfg.inputLabels?.[i] ?? `${info.inputName}[${i}]`;
    const field = document.createElement("input");
    field.type = "number";
    field.step = "any";
    field.name = `${info.inputName}[${i}]`;
    field.id = `input-${i}`;
    field.required = true;
    field.title = `calibrated range ±${info.maxAbsInput.toFixed(2)}`;
    if (cfg.defaultInput?.[i] !== undefined) field.value = String(cfg.defaultInput[i]);
    label.append(field);
    form.append(label);
  }
}

function showProof(cfg: DappConfig, info: ModelInfo, p: ProofResult): void {
  $("proof-size").textContent =
    `${p.proofSize} bytes (${cfg.system ?? "groth16"}), proved in ${seconds(p.ms)}`;
  $("proof-verified").innerHTML = p.verified
    ? '<span class="ok">valid</span>'
    : '<span class="error">INVALID</span>';
  $("public-signals").replaceChildren(
    ...p.publicSignals.map((s, i) => {
      const line = document.createElement("div");
      line.textContent = `${info.publicSignalNames[i] ?? `signal ${i}`} = ${short(s.toString())}`;
      return line;
    }),
  );
  const classes = p.outputs.map((_, i) => className(cfg, i));
  $("proof-outputs").textContent =
    `${classes[p.predictedClass]} (${p.outputs.map((v) => toFloat(v, info).toFixed(3)).join(", ")})`;
  $("proof-section").hidden = false;
}

async function submit(cfg: DappConfig, wallet: Wallet, info: ModelInfo, p: ProofResult) {
  $("submit-error").hidden = true;
  $("submit-status").textContent = "sending the transaction…";
  const publicClient = createPublicClient({ chain: wallet.chain, transport: http(cfg.rpcUrl) });
  const start = performance.now();
  const r = await submitPrediction({
    client: { publicClient, walletClient: wallet } as Parameters<
      typeof submitPrediction
    >[0]["client"],
    registry: cfg.registry,
    modelId: cfg.modelId,
    proof: p.proofBytes,
    publicSignals: p.publicSignals,
  });
  $("submit-status").textContent =
    `mined in block ${r.blockNumber} after ${seconds(performance.now() - start)}`;
  // The event as the chain recorded it: read back from the registry's logs of that block.
  const block = BigInt(r.blockNumber);
  const events = await readVerifiedPredictions({
    client: { publicClient } as Parameters<typeof readVerifiedPredictions>[0]["client"],
    registry: cfg.registry,
    modelId: cfg.modelId,
    fromBlock: block,
    toBlock: block,
  });
  const ev = events.find((e) => e.predictionId === r.predictionId);
  if (!ev) throw new Error(`no PredictionVerified event for ${r.predictionId} in block ${block}`);
  const raw = ev.outputs.map(fromField);
  $("event-prediction-id").textContent = ev.predictionId;
  $("event-model").textContent = `${ev.modelId} / v${ev.version}`;
  $("event-input-commitment").textContent = ev.inputCommitment;
  const table = $("event-outputs");
  const head = document.createElement("tr");
  head.innerHTML = `<th>class</th><th>raw (× 2^-${info.outputFrac})</th><th>value</th>`;
  const predicted = raw.indexOf(raw.reduce((m, v) => (v > m ? v : m), raw[0]));
  table.replaceChildren(
    head,
    ...raw.map((v, i) => {
      const tr = document.createElement("tr");
      if (info.outputKind === "logits" && i === predicted) tr.className = "predicted";
      const cells = [className(cfg, i), v.toString(), toFloat(v, info).toFixed(4)];
      for (const text of cells) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      tr.cells[1].className = "raw mono";
      tr.dataset.raw = v.toString();
      return tr;
    }),
  );
  $("event-class").textContent =
    info.outputKind === "argmax"
      ? className(cfg, Number(raw[0]))
      : `${className(cfg, predicted)} (class ${predicted})`;
  $("event-submitter").textContent = ev.submitter;
  $("event-tx").textContent = `${ev.txHash} (block ${ev.blockNumber})`;
  $("event-tx").dataset.tx = ev.txHash;
  $("event-gas").textContent =
    `${r.gasUsed.toLocaleString("en")} gas · ${r.calldataBytes} bytes of calldata`;
  $("event-gas").dataset.gas = r.gasUsed.toString();
  $("event-section").hidden = false;
}

const className = (cfg: DappConfig, i: number) => cfg.classNames?.[i] ?? `class ${i}`;
const toFloat = (v: bigint, info: ModelInfo) => Number(v) / 2 ** info.outputFrac;

main().catch((error: unknown) => {
  const err = error instanceof Error ? error : new Error(String(error));
  $("model-status").innerHTML = "";
  const span = document.createElement("span");
  span.className = "error";
  span.textContent = `${err.name}: ${err.message}`;
  $("model-status").append(span);
  setState("error");
});
