import { defaultClientConditions, defineConfig } from "vite";

/**
 * The example dApp. `zkml-source` resolves @zkml-verify/core to its TypeScript sources (in the
 * repository, without a build); an app that installs the package drops it and gets dist/.
 * Build: `npx vite build scripts/example-dapp` (root = this folder).
 */
export default defineConfig({
  base: "./",
  resolve: { conditions: ["zkml-source", ...defaultClientConditions] },
  // The prover runs in a module worker (snarkjs is an ES module and starts its own workers).
  worker: { format: "es" },
  build: { target: "es2022", emptyOutDir: true, chunkSizeWarningLimit: 4096 },
});
