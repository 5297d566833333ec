import { expect } from "chai";
import { execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "../helpers/root.ts";

/**
 * The published packages as a user gets them: `npm pack` each workspace, install the tarballs
 * into a fresh project outside the repository, and use them there with plain Node (no
 * TypeScript loader, no zkml-source condition), `tsc --strict`, esbuild for the browser, and
 * the `zkml` bin on the Iris model. Set ZKML_KEEP_CONSUMER=1 to keep the scratch project.
 */

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment of every child: no NODE_OPTIONS (the test runs with zkml-source), no npm
 * lifecycle state of the repository's `npm test`; `node` on PATH is the Node running the test. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env))
    if (/^(npm_package_|npm_lifecycle_|npm_config_(local_|global_)?prefix$|INIT_CWD$)/.test(k))
      delete env[k];
  env.PATH = [dirname(process.execPath), env.PATH].join(delimiter);
  return env;
}

/** Children still running (killed by the suite's `after`). */
const live = new Set<number>();
const killGroup = (pid: number) => {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
};

/** Runs a command to its end; rejects if it does not exit by itself within `timeoutMs`. */
function run(
  cmd: string,
  args: string[],
  o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Run> {
  const t0 = Date.now();
  const timeoutMs = o.timeoutMs ?? 180_000;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: o.cwd,
      env: o.env ?? childEnv(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(child.pid!);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      killGroup(child.pid!);
      reject(
        new Error(
          `${basename(cmd)} ${args.join(" ")} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      live.delete(child.pid!);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** The npm that runs the tests (npm_execpath), else npm from PATH. */
function npm(): [string, string[]] {
  const execpath = process.env.npm_execpath;
  if (execpath && /\.[cm]?js$/.test(execpath)) {
    const cli = basename(execpath).startsWith("npx")
      ? join(dirname(execpath), "npm-cli.js")
      : execpath;
    return [process.env.npm_node_execpath ?? process.execPath, [cli]];
  }
  return ["npm", []];
}
const NPM = npm();
const npmRun = (args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }) =>
  run(NPM[0], [...NPM[1], ...args], o);

/** Newest modification time under the given paths (files or folders). */
function newest(paths: string[]): number {
  let t = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
    else t = Math.max(t, s.mtimeMs);
  };
  paths.forEach(walk);
  return t;
}

/** Apparent size of a folder (symlinks not followed). */
function folderBytes(dir: string): number {
  const s = lstatSync(dir);
  if (!s.isDirectory()) return s.size;
  return readdirSync(dir).reduce((sum, f) => sum + folderBytes(join(dir, f)), 0);
}

/** Every file under a folder, relative to it. */
function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return lstatSync(p).isDirectory() ? listFiles(p, `${prefix}${f}/`) : [`${prefix}${f}`];
  });
}

const PACKAGES = [
  {
    name: "@zkml-verify/core",
    dir: "sdk/core",
    inputs: ["sdk/core/src", "sdk/core/tsconfig.build.json", "sdk/build-types.mjs"],
  },
  {
    name: "@zkml-verify/node",
    dir: "sdk/node",
    inputs: [
      "sdk/node/src",
      "sdk/node/tsconfig.build.json",
      "sdk/node/build-assets.mjs",
      "sdk/build-types.mjs",
      "circuits",
    ],
  },
  { name: "@zkml-verify/contracts", dir: "contracts", inputs: [] },
];

/** What every published export promises (checked by name under plain Node). */
const IMPORT_CHECK = `
const [pkg, ...extra] = process.argv.slice(1);
import(pkg).then((m) => {
  const fns = ["loadModel", "evaluateQuantized", "quantizeInput", "verifyProof", "submitPrediction", "releaseSnarkjs", ...extra];
  const errors = ["ZkmlError", "InputError", "ProofError", "ChainError", "UntrustedKeyError"];
  const missing = fns.filter((n) => typeof m[n] !== "function");
  const badErrors = errors.filter((n) => !(typeof m[n] === "function" && new m[n]("x") instanceof m.ZkmlError));
  console.log(JSON.stringify({ missing, badErrors, node: process.version }));
});`;

/** A consumer's TypeScript: both packages, typed arguments, viem clients as a dApp builds them. */
const CONSUMER_TS = `import { readFileSync } from "node:fs";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import {
  loadModel,
  submitPrediction,
  ZkmlError,
  type LoadedModel,
  type ModelProof,
  type SubmitPredictionReturnType,
} from "@zkml-verify/core";
import { compileModel, type CompileModelReturnType } from "@zkml-verify/node";

const built: CompileModelReturnType = await compileModel({
  model: "iris-mlp.onnx",
  outDir: "build/typed",
  calibration: [[5.1, 3.5, 1.4, 0.2]],
  inputVisibility: "public",
});
const dir: string = built.outDir;
const model: LoadedModel = await loadModel({
  artifacts: {
    manifest: readFileSync(\`\${dir}/manifest.json\`),
    quantized: built.quantized,
    wasm: new URL("https://example.org/model.wasm"),
    zkey: "/model.zkey",
    verificationKey: readFileSync(\`\${dir}/verification_key.json\`),
  },
  system: "groth16",
});
const proof: ModelProof = await model.prove({ input: [6.3, 3.3, 6, 2.5] });
const predicted: number = proof.outputs.predictedClass;
const account = privateKeyToAccount(\`0x\${"11".repeat(32)}\`);
const publicClient = createPublicClient({ chain: hardhat, transport: http() });
const walletClient = createWalletClient({ account, chain: hardhat, transport: http() });
try {
  const r: SubmitPredictionReturnType = await submitPrediction({
    client: { publicClient, walletClient },
    registry: "0x0000000000000000000000000000000000000001",
    modelId: "0x01",
    proof: proof.proofBytes,
    publicSignals: proof.publicSignals,
  });
  const gas: bigint = r.gasUsed;
  console.log(predicted, gas, r.txHash);
} catch (e) {
  if (e instanceof ZkmlError) console.error(e.name, e.message);
  await model.verify({ proof: proof.proof, publicSignals: proof.publicSignals });
}
`;

const IRIS_ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [4.9, 3.0, 1.4, 0.2],
  [7.0, 3.2, 4.7, 1.4],
  [6.4, 3.2, 4.5, 1.5],
  [6.3, 3.3, 6.0, 2.5],
  [5.8, 2.7, 5.1, 1.9],
  [7.7, 3.8, 6.7, 2.2],
  [4.3, 3.0, 1.1, 0.1],
];

/** Node 20 (the machine's /usr/bin/node), when present: the packages support it without Hardhat. */
function node20(): string | undefined {
  try {
    const v = execFileSync("/usr/bin/node", ["--version"], { encoding: "utf8" });
    return v.startsWith("v20.") ? "/usr/bin/node" : undefined;
  } catch {
    return undefined;
  }
}

describe("consumer: the packed packages in a fresh project", function () {
  this.timeout(240_000);
  let work = "";
  let packs = "";
  let app = "";
  let cache = "";
  let cliEnv: NodeJS.ProcessEnv = {};
  const tarballs = new Map<string, { filename: string; files: string[] }>();
  let typeCheck: Promise<Run> | undefined;

  before(async function () {
    work = mkdtempSync(join(tmpdir(), "zkml-consumer-"));
    packs = join(work, "packs");
    app = join(work, "app");
    cache = join(work, "zkml-cache");
    cliEnv = childEnv({ ZKML_CACHE_DIR: cache });
    // 1. build what is stale (core before node: node's declarations import core's), then pack;
    // the repository's own build does not count against the consumer checks' time
    this.timeout(900_000);
    let rebuilt = false;
    for (const p of PACKAGES.filter((x) => x.inputs.length > 0)) {
      const out = join(ROOT, p.dir, "dist/index.js");
      const inputs = [...p.inputs, join(p.dir, "package.json"), "tsconfig.json"];
      const stale =
        !existsSync(out) ||
        rebuilt ||
        newest(inputs.map((i) => join(ROOT, i))) > statSync(out).mtimeMs;
      if (!stale) continue;
      const r = await npmRun(["run", "build", "--workspace", p.name], {
        cwd: ROOT,
        timeoutMs: 420_000,
      });
      expect(r.code, `build ${p.name}\n${r.stdout}\n${r.stderr}`).to.equal(0);
      console.log(`      rebuilt ${p.name} (stale dist/): ${(r.ms / 1000).toFixed(1)} s`);
      rebuilt = true;
    }
    this.timeout(240_000);
    mkdirSync(packs, { recursive: true });
    for (const p of PACKAGES) {
      const r = await npmRun(["pack", "--json", "--pack-destination", packs], {
        cwd: join(ROOT, p.dir),
      });
      expect(r.code, r.stderr).to.equal(0);
      const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
      tarballs.set(p.name, { filename: info.filename, files: info.files.map((f) => f.path) });
    }

    // 2. a fresh ESM project outside the repository, installing only the tarballs
    mkdirSync(app, { recursive: true });
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "zkml-consumer", private: true, type: "module" }, null, 2),
    );
    const r = await npmRun(
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        ...[...tarballs.values()].map((t) => join(packs, t.filename)),
      ],
      { cwd: app },
    );
    expect(r.code, `npm install\n${r.stdout}\n${r.stderr}`).to.equal(0);
    const mb = folderBytes(join(app, "node_modules")) / 1e6;
    console.log(
      `      scratch node_modules: ${mb.toFixed(0)} MB (npm install ${(r.ms / 1000).toFixed(1)} s)`,
    );
    expect(mb, "node_modules MB").to.be.below(300);

    copyFileSync(join(ROOT, "models/iris-mlp.onnx"), join(app, "iris-mlp.onnx"));
    writeFileSync(join(app, "cal.json"), JSON.stringify({ input_data: IRIS_ROWS }));
    writeFileSync(join(app, "input.json"), JSON.stringify({ input_data: IRIS_ROWS[4] }));
    writeFileSync(join(app, "consumer.ts"), CONSUMER_TS);
    writeFileSync(
      join(app, "browser.js"),
      `import { loadModel } from "@zkml-verify/core";\nexport { loadModel };\n`,
    );
    // 4. started now (it is the slowest check), awaited by its own test below
    typeCheck = run(
      process.execPath,
      [
        join(ROOT, "node_modules/typescript/bin/tsc"),
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--target",
        "es2022",
        "--noEmit",
        "--strict",
        "consumer.ts",
      ],
      { cwd: app, timeoutMs: 240_000 },
    );
    typeCheck.catch(() => undefined);
  });

  after(function () {
    live.forEach(killGroup);
    if (work && !process.env.ZKML_KEEP_CONSUMER) rmSync(work, { recursive: true, force: true });
  });

  it("the tarballs hold the built code, the typings, the circuits and the Solidity, not the sources", function () {
    const core = tarballs.get("@zkml-verify/core")!.files;
    const node = tarballs.get("@zkml-verify/node")!.files;
    const contracts = tarballs.get("@zkml-verify/contracts")!.files;
    expect(core).to.include.members([
      "dist/index.js",
      "dist/index.d.ts",
      "dist/types/snarkjs.d.ts",
    ]);
    expect(node).to.include.members([
      "dist/index.js",
      "dist/index.d.ts",
      "dist/cli/zkml.js",
      "dist/circuit/circomWorker.cjs",
      "circuits/README.md",
    ]);
    expect(node.some((f) => f.startsWith("circuits/") && f.endsWith(".circom"))).to.equal(true);
    expect(contracts).to.include("ModelRegistry.sol");
    expect([...core, ...node].filter((f) => f.startsWith("src/"))).to.deep.equal([]);
    // relative specifiers in declarations end in .js, as for any published package
    const dts = readFileSync(join(app, "node_modules/@zkml-verify/core/dist/index.d.ts"), "utf8");
    expect(dts).not.to.match(/from "\.[^"]*\.ts"/);
  });

  it("every package a published module imports is declared (dependency or peer)", function () {
    // static imports, bare side-effect imports, import("x"), require("x"), require.resolve("x")
    const specifiers =
      /^\s*(?:import|export)\b[^;"']*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']|\b(?:import|require|require\.resolve)\(\s*["']([^"']+)["']\s*\)/gm;
    // imported inside a try/catch, only when the user's project has it
    const guarded = new Set(["prettier"]);
    for (const p of PACKAGES.filter((x) => x.inputs.length > 0)) {
      const dir = join(app, "node_modules", p.name);
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      const declared = new Set([
        p.name,
        ...Object.keys(pkg.dependencies ?? {}),
        ...Object.keys(pkg.peerDependencies ?? {}),
      ]);
      const undeclared = new Set<string>();
      for (const f of listFiles(join(dir, "dist")).filter((x) => /\.c?js$/.test(x))) {
        for (const m of readFileSync(join(dir, "dist", f), "utf8").matchAll(specifiers)) {
          const spec = m[1] ?? m[2] ?? m[3];
          // relative, Node built-ins, and Solidity import lines inside generated sources
          if (/^(\.|node:)/.test(spec) || builtinModules.includes(spec) || spec.endsWith(".sol"))
            continue;
          const name = spec
            .split("/")
            .slice(0, spec.startsWith("@") ? 2 : 1)
            .join("/");
          if (!declared.has(name) && !guarded.has(name)) undeclared.add(`${name} (${f})`);
        }
      }
      expect([...undeclared], p.name).to.deep.equal([]);
    }
  });

  it("declarations import only what every consumer has; optional peers behind @ts-ignore", function () {
    // a viem-only @zkml-verify/core project has no ethers: tsc --strict must not fail on it
    for (const p of PACKAGES.filter((x) => x.inputs.length > 0)) {
      const dir = join(app, "node_modules", p.name);
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
        peerDependenciesMeta?: Record<string, { optional?: boolean }>;
      };
      const optional = new Set(
        Object.keys(pkg.peerDependenciesMeta ?? {}).filter(
          (n) => pkg.peerDependenciesMeta![n].optional,
        ),
      );
      const always = new Set([
        p.name,
        ...Object.keys(pkg.dependencies ?? {}),
        ...Object.keys(pkg.peerDependencies ?? {}).filter((n) => !optional.has(n)),
      ]);
      const bad: string[] = [];
      for (const f of listFiles(join(dir, "dist")).filter((x) => x.endsWith(".d.ts"))) {
        const lines = readFileSync(join(dir, "dist", f), "utf8").split("\n");
        lines.forEach((line, i) => {
          for (const m of line.matchAll(/(?:from |import\()"([^".][^"]*)"/g)) {
            const name = m[1]
              .split("/")
              .slice(0, m[1].startsWith("@") ? 2 : 1)
              .join("/");
            if (always.has(name)) continue;
            if (optional.has(name) && lines[i - 1]?.includes("@ts-ignore")) continue;
            bad.push(`${f}:${i + 1} ${m[1]}`);
          }
        });
      }
      expect(bad, p.name).to.deep.equal([]);
    }
  });

  it("installs from the registry only: no Hardhat, no onnxruntime-node (optional peers)", function () {
    for (const pkg of ["hardhat", "onnxruntime-node", "@nomicfoundation/hardhat-ethers"])
      expect(existsSync(join(app, "node_modules", pkg)), pkg).to.equal(false);
    for (const p of PACKAGES)
      expect(lstatSync(join(app, "node_modules", p.name)).isSymbolicLink(), p.name).to.equal(false);
  });

  const nodes: [string, () => string | undefined][] = [
    ["the test's Node", () => process.execPath],
    ["Node 20 (/usr/bin/node)", node20],
  ];
  for (const [label, which] of nodes) {
    it(`imports @zkml-verify/core and @zkml-verify/node under plain ${label}`, async function () {
      const bin = which();
      if (!bin) this.skip();
      const checks = [
        ["@zkml-verify/core", []],
        ["@zkml-verify/node", ["compileModel", "setupModelDir", "loadModelDir"]],
      ] as const;
      const runs = await Promise.all(
        checks.map(([pkg, extra]) =>
          run(bin, ["-e", IMPORT_CHECK, pkg, ...extra], { cwd: app, timeoutMs: 60_000 }),
        ),
      );
      checks.forEach(([pkg], i) => {
        const r = runs[i];
        expect(r.code, `${pkg}\n${r.stderr}`).to.equal(0);
        const out = JSON.parse(r.stdout) as { missing: string[]; badErrors: string[] };
        expect(out.missing, pkg).to.deep.equal([]);
        expect(out.badErrors, pkg).to.deep.equal([]);
      });
    });
  }

  it("bundles a browser entry with esbuild: no Node polyfills, no node: import", async function () {
    const r = await build({
      absWorkingDir: app,
      entryPoints: ["browser.js"],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    expect(r.errors).to.deep.equal([]);
    const [out] = Object.values(r.metafile.outputs);
    expect(out.imports, "unbundled imports").to.deep.equal([]);
    const text = r.outputFiles[0].text;
    expect(text).not.to.match(/["']node:[a-z_/]+["']/);
    // snarkjs through its browser build
    expect(Object.keys(r.metafile.inputs)).to.include("node_modules/snarkjs/build/browser.esm.js");
  });

  it("runs npx zkml compile, setup, prove, verify on Iris; each exits by itself", async function () {
    const before = listFiles(join(app, "node_modules/@zkml-verify"));
    const zkml = (...args: string[]) =>
      npmRun(["exec", "--no", "--", "zkml", ...args], {
        cwd: app,
        env: cliEnv,
        timeoutMs: 120_000,
      });
    const steps = [
      ["compile", "iris-mlp.onnx", "--out", "build/iris", "--calibration", "cal.json"],
      ["setup", "build/iris", "--system", "groth16"],
      ["prove", "build/iris", "--input", "input.json"],
      ["verify", "build/iris", "--proof", "build/iris/proofs/proof.json"],
    ];
    const times: string[] = [];
    let last: Run | undefined;
    for (const s of steps) {
      last = await zkml(...s);
      expect(last.code, `zkml ${s.join(" ")}\n${last.stdout}\n${last.stderr}`).to.equal(0);
      times.push(`${s[0]} ${(last.ms / 1000).toFixed(1)} s`);
    }
    console.log(`      ${times.join(", ")}`);
    expect(last!.stdout).to.match(/groth16 valid/);
    // the cache went to ZKML_CACHE_DIR; the installed packages are unchanged
    expect(readdirSync(cache)).to.include.members(["ptau", "zkey"]);
    expect(listFiles(join(app, "node_modules/@zkml-verify"))).to.deep.equal(before);

    const old = node20();
    if (old) {
      const bin = join(app, "node_modules/@zkml-verify/node/dist/cli/zkml.js");
      const r = await run(
        old,
        [bin, "verify", "build/iris", "--proof", "build/iris/proofs/proof.json"],
        {
          cwd: app,
          env: cliEnv,
          timeoutMs: 120_000,
        },
      );
      expect(r.code, `Node 20: zkml verify\n${r.stdout}\n${r.stderr}`).to.equal(0);
    }
  });

  it("type-checks a consumer file with tsc --strict (no skipLibCheck)", async function () {
    const r = await typeCheck!;
    expect(r.code, `tsc --strict consumer.ts\n${r.stdout}\n${r.stderr}`).to.equal(0);
    console.log(`      tsc ${(r.ms / 1000).toFixed(1)} s`);
  });
});
