// Run from a package folder after tsc: copies the hand-written module typings (src/types/*.d.ts,
// for snarkjs / ffjavascript / r1csfile, which ship none) into dist/types/ and references them
// from dist/index.d.ts, so a consumer's `tsc --strict` sees them.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

const src = join(process.cwd(), "src/types");
const out = join(process.cwd(), "dist/types");
if (existsSync(src)) {
  mkdirSync(out, { recursive: true });
  const files = readdirSync(src).filter((f) => f.endsWith(".d.ts"));
  for (const f of files) copyFileSync(join(src, f), join(out, f));
  const index = join(process.cwd(), "dist/index.d.ts");
  const refs = files.map((f) => `/// <reference path="./types/${f}" />`).join("\n");
  const text = readFileSync(index, "utf8");
  if (!text.startsWith("/// <reference")) writeFileSync(index, `${refs}\n${text}`);
} else {
  // @zkml-verify/node: the typings come with @zkml-verify/core
  const index = join(process.cwd(), "dist/index.d.ts");
  const text = readFileSync(index, "utf8");
  const ref = `/// <reference types="@zkml-verify/core/types" />`;
  if (!text.startsWith(ref)) writeFileSync(index, `${ref}\n${text}`);
}
