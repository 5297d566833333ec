#!/usr/bin/env node
// The zkml command line: runs the built CLI (dist/, written by `npm run build`). A file that
// exists before the build, so npm links the bin when the workspace is installed.
// First the V8 flags for proving (sdk/node/src/util/v8Flags.ts: keeps a model's huge witness
// function out of TurboFan), set before any WebAssembly is compiled.
const { useProverV8Flags } = await import("../dist/util/v8Flags.js");
useProverV8Flags();
await import("../dist/cli/zkml.js");
