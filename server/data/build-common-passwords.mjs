// Compiles common-passwords.txt (beside this file) into a C source file: the
// entries lower-cased (ASCII letters), without duplicates, sorted bytewise as
// strcmp orders them, for bpa_password_is_common's bsearch
// (server/common_passwords.c). Node.js only, no packages:
//
//   node server/data/build-common-passwords.mjs build/gen/common_passwords.c
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error("usage: node build-common-passwords.mjs OUTPUT.c");
  process.exit(2);
}

const lines = readFileSync(join(here, "common-passwords.txt"), "utf8").split("\n");
const entries = new Set();
for (const [i, raw] of lines.entries()) {
  const line = raw.replace(/\r$/, "");
  if (line === "" || line.startsWith("#")) continue;
  if (/[\x00-\x1f\x7f]/.test(line)) {
    console.error(`common-passwords.txt:${i + 1}: a control character`);
    process.exit(1);
  }
  entries.add(line.replace(/[A-Z]/g, (c) => c.toLowerCase()));
}
const sorted = [...entries].map((e) => Buffer.from(e, "utf8")).sort(Buffer.compare);
const longest = Math.max(0, ...sorted.map((b) => b.length));

// Printable ASCII as it is (but " \ and ? for trigraphs), other bytes in octal.
const literal = (bytes) =>
  '"' +
  [...bytes]
    .map((b) => (b >= 0x20 && b < 0x7f && !'"\\?'.includes(String.fromCharCode(b)) ? String.fromCharCode(b) : "\\" + b.toString(8).padStart(3, "0")))
    .join("") +
  '"';

const c = [
  "/* Generated from server/data/common-passwords.txt by server/data/build-common-passwords.mjs: do not edit. */",
  '#include "common_passwords.h"',
  "",
  "const char *const bpa_common_passwords[] = {",
  ...sorted.map((b) => `    ${literal(b)},`),
  "};",
  `const size_t bpa_common_password_count = ${sorted.length};`,
  `const size_t bpa_common_password_longest = ${longest};`,
  "",
].join("\n");

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, c);
