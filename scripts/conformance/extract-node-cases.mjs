// Lists every test case of mediasoup's Node test suite (node/lib/test/*.js in the npm tarball) as
// "<file>\t<test name>" lines, sorted by file then source order. Usage: node extract-node-cases.mjs <test-dir>
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
if (!dir) { console.error("usage: node extract-node-cases.mjs <node/lib/test dir>"); process.exit(2); }
const lines = [];
for (const file of fs.readdirSync(dir).filter((f) => /^test-.*\.js$/.test(f)).sort()) {
  const source = fs.readFileSync(path.join(dir, file), "utf8");
  // test('name', ...) / test("name", ...) / test(`name`, ...) with escapes inside the quotes.
  const re = /^\s*test\(\s*(['"`])((?:\\.|(?!\1).)*)\1\s*,/gm;
  for (const m of source.matchAll(re)) {
    const name = m[2].replace(/\\(.)/g, "$1");
    lines.push(`${file}\t${name}`);
  }
}
process.stdout.write(lines.join("\n") + "\n");
