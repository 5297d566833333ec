// Run from a package folder after tsc. Makes dist/**/*.d.ts usable by a consumer's
// `tsc --strict` (without skipLibCheck) and by older TypeScript versions:
// - relative `.ts` specifiers (kept as written by tsc in declaration files) become `.js`;
// - the hand-written module typings (src/types/*.d.ts, for snarkjs / ffjavascript / r1csfile,
//   which ship none) are copied into dist/types/ and referenced from dist/index.d.ts and from
//   every declaration file that imports one of those modules (so `internal/*` imports see them
//   too). @zkml-verify/node has no typings of its own: it references @zkml-verify/core's;
// - a type import from an optional peer dependency (ethers for @zkml-verify/core) gets a
//   `// @ts-ignore`, so a project without it (viem only) type-checks: those types are then `any`,
//   as under skipLibCheck; with the peer installed they are its real types.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";

const dist = join(process.cwd(), "dist");
const pkg = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8"));
const optionalPeers = Object.entries(pkg.peerDependenciesMeta ?? {})
  .filter(([, meta]) => meta.optional)
  .map(([name]) => name.replace(/[/.]/g, "\\$&"));
const optionalImport = optionalPeers.length
  ? new RegExp(`(from |import\\()"(${optionalPeers.join("|")})(/[^"]*)?"`)
  : undefined;
const IGNORE = "// @ts-ignore optional peer dependency (types are any when it is not installed)";

/** Puts IGNORE before each line that imports types from an optional peer. */
const guardOptional = (text) =>
  !optionalImport
    ? text
    : text
        .split("\n")
        .flatMap((line, i, lines) =>
          optionalImport.test(line) && !lines[i - 1]?.includes("@ts-ignore")
            ? [`${line.match(/^\s*/)[0]}${IGNORE}`, line]
            : [line],
        )
        .join("\n");
const src = join(process.cwd(), "src/types");
const out = join(dist, "types");

/** Every .d.ts under a folder. */
const declarations = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? declarations(p) : p.endsWith(".d.ts") ? [p] : [];
  });

let typings = [];
if (existsSync(src)) {
  mkdirSync(out, { recursive: true });
  typings = readdirSync(src).filter((f) => f.endsWith(".d.ts"));
  for (const f of typings) copyFileSync(join(src, f), join(out, f));
}

/** The reference lines a declaration file at `file` needs for the untyped modules. */
const references = (file) => {
  if (typings.length === 0) return `/// <reference types="@zkml-verify/core/types" />`;
  return typings
    .map((f) => {
      const rel = relative(dirname(file), join(out, f)).split(sep).join("/");
      return `/// <reference path="${rel.startsWith(".") ? rel : `./${rel}`}" />`;
    })
    .join("\n");
};

const untyped =
  /from "(snarkjs|ffjavascript|r1csfile)"|import\("(snarkjs|ffjavascript|r1csfile)"\)/;
const tsSpecifier = /((?:from|import)\s*\(?\s*)(["'])(\.\.?\/[^"']*?)\.ts\2/g;
const index = join(dist, "index.d.ts");

for (const file of declarations(dist)) {
  if (file.startsWith(out + sep)) continue;
  const text = readFileSync(file, "utf8");
  let next = guardOptional(text.replace(tsSpecifier, "$1$2$3.js$2"));
  if ((file === index || untyped.test(next)) && !next.startsWith("/// <reference"))
    next = `${references(file)}\n${next}`;
  if (next !== text) writeFileSync(file, next);
}
