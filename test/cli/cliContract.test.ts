import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { join } from "node:path";
import { ROOT, ZKML_CLI } from "../helpers/root.ts";
import { runZkml } from "../helpers/zkmlCli.ts";
import type { ZkmlRun } from "../helpers/zkmlCli.ts";
import { buildOnnx } from "../helpers/buildOnnx.ts";
import { COMMANDS } from "../../sdk/node/src/cli/commandTable.ts";
import { errorReport } from "../../sdk/node/src/cli/exitCode.ts";
import { EXIT } from "../../sdk/node/src/cli/command.ts";
import { UsageError } from "../../sdk/core/src/errors.ts";

// The CLI contract of the README's CLI section: exit codes (0 ok, 1 a check failed, 2 bad
// usage, 3 an error), one line naming the cause, suggestions for misspelt names, complete
// output on a pipe. Each case is a command as a user or a script runs it, in its own process.

const WORK = join(ROOT, "build/test/cli-contract");
const IRIS = join(ROOT, "models/iris-mlp.onnx");
const REGISTRY = "0x0000000000000000000000000000000000000001";
const zkml = (...args: string[]) => runZkml(args);

/** An error run: the exit code, and stderr is a few lines starting with `error:`, no stack trace. */
function expectError(r: ZkmlRun, code: number, message: RegExp) {
  expect(r.code, r.stderr).to.equal(code);
  const lines = r.stderr.trim().split("\n");
  const errorLine = lines.findIndex((l) => l.startsWith("error: "));
  expect(errorLine, r.stderr).to.be.at.least(0);
  expect(lines[errorLine]).to.match(message);
  expect(r.stderr).to.not.match(/\n\s+at .+:\d+:\d+/); // no stack frames
}

/** A TCP port nothing listens on (bound, then closed). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe("the zkml CLI contract: exit codes, messages, pipes", function () {
  before(function () {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
  });

  it("the command table (what zkml --help lists without loading any command) names every command module", async function () {
    const files = readdirSync(join(ROOT, "sdk/node/src/cli/commands"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.slice(0, -3));
    expect(Object.keys(COMMANDS).sort()).to.deep.equal(files.sort());
    for (const [name, entry] of Object.entries(COMMANDS)) {
      expect((await entry.load()).command.name).to.equal(name);
    }
    const help = await zkml("--help");
    expect(help.code).to.equal(0);
    for (const name of files) expect(help.stdout).to.contain(`  ${name} `);
  });

  it("usage errors exit 2 and name the wrong or missing option and the nearest valid one", async function () {
    const dir = join(WORK, "none");
    const cases: [string[], RegExp][] = [
      [["compil"], /unknown command "compil" \(did you mean zkml compile\?\)/],
      [["prove", dir], /zkml prove: missing --input <input\.json>/],
      [["prove", dir, "--input", "x.json", "--system", "groth17"], /did you mean groth16\?/],
      [["prove", dir, "--inptu", "x.json"], /unknown option --inptu \(did you mean --input\?\)/],
      [["verify", dir, "--proof"], /--proof needs a value/],
      [["audit", "--registry", "0xnotanaddress"], /--registry must be a 20-byte hex address/],
      [["compile", IRIS], /zkml compile: missing --out <dir>/],
      [["ptau", "nwe"], /unknown subcommand "nwe" \(did you mean new\?\)/],
      [["setup", dir, "a", "b"], /unexpected argument "a"/],
    ];
    const runs = await Promise.all(cases.map(([args]) => zkml(...args)));
    runs.forEach((r, i) => expectError(r, EXIT.usage, cases[i][1]));
  });

  it("errors exit 3 with one line naming the cause: a proof file that is not one, a NaN weight, a huge input", async function () {
    const empty = join(WORK, "empty-proof.json");
    writeFileSync(empty, "{}");
    const nanModel = join(WORK, "nan-weight.onnx");
    writeFileSync(
      nanModel,
      buildOnnx({
        inputs: [{ name: "x", shape: [1, 2] }],
        outputs: [{ name: "y", shape: [1, 2] }],
        initializers: [{ name: "fc.weight", shape: [2, 2], data: [1, NaN, 0, 1] }],
        nodes: [
          {
            opType: "Gemm",
            name: "fc",
            inputs: ["x", "fc.weight"],
            outputs: ["y"],
            attributes: { transB: 1 },
          },
        ],
      }),
    );
    const hugeModel = join(WORK, "huge-input.onnx");
    writeFileSync(
      hugeModel,
      buildOnnx({
        inputs: [{ name: "x", shape: [1, 2_000_000_000] }],
        outputs: [{ name: "y", shape: [1, 2_000_000_000] }],
        nodes: [{ opType: "Relu", name: "relu", inputs: ["x"], outputs: ["y"] }],
      }),
    );
    const [proof, nan, huge] = await Promise.all([
      zkml("verify", join(WORK, "none"), "--proof", empty),
      zkml("compile", nanModel, "--out", join(WORK, "nan")),
      zkml("compile", hugeModel, "--out", join(WORK, "huge")),
    ]);
    expectError(proof, EXIT.error, /InputError: .*empty-proof\.json is not a proof file.*proof/);
    expectError(nan, EXIT.error, /InvalidWeightError: Gemm node fc: tensor fc\.weight holds NaN/);
    expect(nan.stderr)
      .to.match(/op: Gemm/)
      .and.match(/node: fc/)
      .and.match(/tensor: fc\.weight/);
    expectError(huge, EXIT.error, /ShapeError: input x has 2000000000 elements \[1, 2000000000\]/);
  });

  it("chain connection errors exit 3 naming the network: unknown name, refused, silent endpoint, stopped node", async function () {
    const port = await freePort();
    // An endpoint that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    const silentPort = (silent.address() as { port: number }).port;
    const localhostFree = await new Promise<boolean>((done) => {
      const probe = createServer();
      probe.once("error", () => done(false));
      probe.listen(8545, "127.0.0.1", () => probe.close(() => done(true)));
    });
    try {
      const audit = (...args: string[]) => zkml("audit", "--registry", REGISTRY, ...args);
      const [unknown, refused, hung, stopped] = await Promise.all([
        audit("--network", "localhots"),
        audit("--rpc-url", `http://127.0.0.1:${port}/v2/SECRET-API-KEY`),
        audit("--rpc-url", `http://127.0.0.1:${silentPort}`, "--rpc-timeout", "1"),
        localhostFree ? audit("--network", "localhost") : undefined,
      ]);
      expectError(
        unknown,
        EXIT.error,
        /no network "localhots" in hardhat\.config\.ts \(did you mean localhost\?\)/,
      );
      expectError(refused, EXIT.error, /127\.0\.0\.1:\d+ refused the connection/);
      expect(refused.stderr, "the URL's path can hold an API key").to.not.contain("SECRET");
      expectError(hung, EXIT.error, /did not answer eth_chainId within 1 s \(--rpc-timeout\)/);
      if (stopped) {
        expectError(stopped, EXIT.error, /cannot connect to network "localhost"/);
      }
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((done) => silent.close(done));
    }
  });

  it("an unexpected exception maps to exit 3 and one line; usage errors to 2", function () {
    const crash = errorReport(new TypeError("Cannot read properties of undefined (reading 'map')"));
    expect(crash.code).to.equal(EXIT.error);
    expect(crash.text).to.equal(
      "error: unexpected TypeError: Cannot read properties of undefined (reading 'map') (set ZKML_DEBUG=1 for the stack)",
    );
    const usage = errorReport(new UsageError("zkml prove: missing --input <input.json>"), "prove");
    expect(usage).to.deep.equal({
      code: EXIT.usage,
      text: "error: zkml prove: missing --input <input.json> (zkml prove --help for details)",
    });
  });

  it("the README's CLI examples run as written: compile with its calibration rows, setup, prove its input, verify", async function () {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const block = /## CLI\n\n```sh\n([\s\S]*?)```/.exec(readme)![1];
    const lines = block
      .split("\n")
      .filter((l) => l.startsWith("npx zkml "))
      .map((l) =>
        l
          .replace(/\s+#.*$/, "")
          .split(/\s+/)
          .slice(2),
      );
    const flow = ["compile", "setup", "prove", "verify"].map((name) =>
      lines.find((args) => args[0] === name)!,
    );
    expect(flow[0]).to.include("--calibration"); // a real Iris row is outside random [0, 1] scales
    rmSync(join(ROOT, flow[0][flow[0].indexOf("--out") + 1]), { recursive: true, force: true });
    for (const args of flow) {
      const r = await zkml(...args);
      expect(r.code, `zkml ${args.join(" ")}\n${r.stderr}`).to.equal(0);
      expect(r.stdout + r.stderr).to.not.contain("\x1b"); // circom2's colours dropped off a terminal
      if (args.includes("--json")) JSON.parse(r.stdout);
    }
  });

  it("--json output is complete through a slow pipe (more than the 64 KB pipe buffer and 128 KB)", async function () {
    const out = join(WORK, "fidelity.json");
    const command = [process.execPath, ...ZKML_CLI, "fidelity", IRIS, "--random", "1000", "--json"]
      .map((a) => `'${a}'`)
      .join(" ");
    // The reader starts late, so the pipe is full while the CLI finishes: it must wait.
    const stderr = await new Promise<string>((done, fail) =>
      execFile(
        "sh",
        ["-c", `${command} | (sleep 2; cat > '${out}')`],
        { cwd: ROOT },
        (error, _stdout, err) => (error ? fail(error) : done(err)),
      ),
    );
    const text = readFileSync(out, "utf8");
    expect(text.length).to.be.greaterThan(131_072);
    expect(JSON.parse(text).rows).to.equal(1000);
    // Progress stays on stderr in --json mode, without terminal control codes.
    expect(stderr).to.contain("» float vs quantized on 1000 rows");
    expect(stderr + text).to.not.contain("\x1b");
  });
});
