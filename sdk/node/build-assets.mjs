// Copies what the package ships besides compiled code: the circom template library (from the
// repository's top-level circuits/) and the circom worker. Run by `npm run build`, and by the
// repository's `npm test` so tests from source see the current templates.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const here = import.meta.dirname;
const circuits = join(here, "circuits");
rmSync(circuits, { recursive: true, force: true });
mkdirSync(circuits, { recursive: true });
for (const f of readdirSync(join(here, "../../circuits"))) {
  if (f.endsWith(".circom") || f === "README.md")
    copyFileSync(join(here, "../../circuits", f), join(circuits, f));
}
mkdirSync(join(here, "dist/circuit"), { recursive: true });
copyFileSync(
  join(here, "src/circuit/circomWorker.cjs"),
  join(here, "dist/circuit/circomWorker.cjs"),
);
