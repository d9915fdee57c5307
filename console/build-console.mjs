// Builds what the daemon serves at / and /assets/: the console's HTML page,
// its scripts and style sheets (ours, and the NL Design System's from
// node_modules at the versions package-lock.json pins), compiled into a C
// file. Every asset is served under /assets/<build>/, where <build> is a
// hash of all of them: a new build has new URLs, so browsers may keep an
// asset for a year, and relative imports between the modules still work.
//
//   node console/build-console.mjs build/gen/console_assets.c
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error("usage: node build-console.mjs OUTPUT.c");
  process.exit(2);
}

// Third-party style sheets, in the order the page loads them: served as
// /assets/<build>/<name>. Their licences: console/README.md.
// Utrecht's components, only those the console uses (each its own package,
// pinned through @utrecht/component-library-css), then The Hague's theme:
// the custom properties those components read, under .denhaag-theme.
const vendor = [
  ["utrecht-document.css", "node_modules/@utrecht/document-css/dist/index.css"],
  ["utrecht-body.css", "node_modules/@utrecht/body-css/dist/index.css"],
  ["utrecht-heading-1.css", "node_modules/@utrecht/heading-1-css/dist/index.css"],
  ["utrecht-heading-2.css", "node_modules/@utrecht/heading-2-css/dist/index.css"],
  ["utrecht-heading-3.css", "node_modules/@utrecht/heading-3-css/dist/index.css"],
  ["utrecht-paragraph.css", "node_modules/@utrecht/paragraph-css/dist/index.css"],
  ["utrecht-link.css", "node_modules/@utrecht/link-css/dist/index.css"],
  ["utrecht-button.css", "node_modules/@utrecht/button-css/dist/index.css"],
  ["utrecht-button-link.css", "node_modules/@utrecht/button-link-css/dist/index.css"],
  ["utrecht-link-button.css", "node_modules/@utrecht/link-button-css/dist/index.css"],
  ["utrecht-form-field.css", "node_modules/@utrecht/form-field-css/dist/index.css"],
  ["utrecht-form-label.css", "node_modules/@utrecht/form-label-css/dist/index.css"],
  ["utrecht-form-field-description.css", "node_modules/@utrecht/form-field-description-css/dist/index.css"],
  ["utrecht-form-field-error-message.css", "node_modules/@utrecht/form-field-error-message-css/dist/index.css"],
  ["utrecht-form-fieldset.css", "node_modules/@utrecht/form-fieldset-css/dist/index.css"],
  ["utrecht-textbox.css", "node_modules/@utrecht/textbox-css/dist/index.css"],
  ["utrecht-textarea.css", "node_modules/@utrecht/textarea-css/dist/index.css"],
  ["utrecht-select.css", "node_modules/@utrecht/select-css/dist/index.css"],
  ["utrecht-checkbox.css", "node_modules/@utrecht/checkbox-css/dist/index.css"],
  ["utrecht-radio-button.css", "node_modules/@utrecht/radio-button-css/dist/index.css"],
  ["utrecht-table.css", "node_modules/@utrecht/table-css/dist/index.css"],
  ["utrecht-alert.css", "node_modules/@utrecht/alert-css/dist/index.css"],
  ["utrecht-status-badge.css", "node_modules/@utrecht/status-badge-css/dist/index.css"],
  ["utrecht-unordered-list.css", "node_modules/@utrecht/unordered-list-css/dist/index.css"],
  ["utrecht-ordered-list.css", "node_modules/@utrecht/ordered-list-css/dist/index.css"],
  ["denhaag-theme.css", "node_modules/@gemeente-denhaag/design-tokens-components/dist/theme/index.css"],
];

const types = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
const assets = [];
for (const [name, path] of vendor) assets.push({ name, bytes: readFileSync(join(here, path)) });
for (const dir of ["css", "js"].filter((d) => existsSync(join(here, d))))
  for (const file of readdirSync(join(here, dir)).sort())
    if (file.endsWith(".js") || file.endsWith(".css"))
      assets.push({ name: file, bytes: readFileSync(join(here, dir, file)) });
const names = new Set();
for (const asset of assets) {
  if (names.has(asset.name)) throw new Error(`two assets named ${asset.name}`);
  names.add(asset.name);
  asset.type = types[asset.name.slice(asset.name.lastIndexOf("."))];
}

const hash = createHash("sha256");
for (const asset of assets) hash.update(asset.name).update("\0").update(asset.bytes);
const build = hash.digest("hex").slice(0, 12);

const sheets = [...vendor.map(([name]) => name), ...assets.filter((a) => a.name.endsWith(".css") && !vendor.some(([n]) => n === a.name)).map((a) => a.name)];
const index = readFileSync(join(here, "index.html"), "utf8")
  .replace("<!-- STYLESHEETS -->", sheets.map((n) => `<link rel="stylesheet" href="/assets/${build}/${n}">`).join("\n"))
  .replaceAll("/assets/BUILD/", `/assets/${build}/`);

const cBytes = (bytes) => {
  const lines = [];
  for (let i = 0; i < bytes.length; i += 24)
    lines.push("    " + Array.from(bytes.subarray(i, i + 24), (b) => `0x${b.toString(16).padStart(2, "0")},`).join(""));
  return lines.join("\n");
};
const cString = (s) => JSON.stringify(s);

let c = `/* Generated by console/build-console.mjs: do not edit. */\n#include "handlers/console_assets.h"\n\n`;
c += `const char bpa_console_build[] = ${cString(build)};\n\n`;
const indexBytes = Buffer.from(index, "utf8");
c += `static const unsigned char index_bytes[] = {\n${cBytes(indexBytes)}\n    0x00};\n`;
c += `const struct bpa_console_asset bpa_console_index = {"index.html", "text/html; charset=utf-8", index_bytes, ${indexBytes.length}};\n\n`;
assets.forEach((asset, i) => {
  c += `static const unsigned char asset_${i}[] = {\n${cBytes(asset.bytes)}\n    0x00};\n`;
});
c += `\nconst struct bpa_console_asset bpa_console_assets[] = {\n`;
assets.forEach((asset, i) => {
  c += `    {${cString(asset.name)}, ${cString(asset.type)}, asset_${i}, ${asset.bytes.length}},\n`;
});
c += `};\nconst size_t bpa_console_asset_count = ${assets.length};\n`;
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, c);
