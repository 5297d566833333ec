#!/usr/bin/env node
// The zkml command line: runs the built CLI (dist/, written by `npm run build`). A file that
// exists before the build, so npm links the bin when the workspace is installed. The CLI sets
// its V8 flags itself (src/cli/zkml.ts), so `npm run zkml` behaves as this launcher.
await import("../dist/cli/zkml.js");
