// The initial JavaScript's gzipped size: the entry chunk and the chunks it imports statically (from Vite's
// manifest). Fails above the budget (issue 20: 250 KB gzipped).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const BUDGET = 250 * 1024;
const dist = new URL("../dist/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));
const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
if (!entry) throw new Error("no entry chunk in dist/.vite/manifest.json");

const files = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || files.has(chunk.file)) return;
  files.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entry);

let raw = 0;
let gzipped = 0;
for (const file of files) {
  const bytes = readFileSync(join(dist, file));
  raw += bytes.length;
  gzipped += gzipSync(bytes, { level: 9 }).length;
}
const kb = (n) => (n / 1024).toFixed(1);
console.log(`console: initial JavaScript ${kb(gzipped)} KB gzipped (${kb(raw)} KB raw, ${files.size} file(s)), budget ${kb(BUDGET)} KB`);
if (gzipped > BUDGET) {
  console.error(`console: initial JavaScript is over the budget of ${kb(BUDGET)} KB gzipped`);
  process.exit(1);
}
