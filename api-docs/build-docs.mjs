// Builds what the daemon serves of its contract: openapi.yaml as it is, a
// readable HTML reference made from it (static: no scripts, nothing fetched
// at view time), and the Content-Security-Policy for that page, pinned to
// the hash of its one style sheet. Writes them as a C source file:
//
//   node api-docs/build-docs.mjs build/gen/api_docs.c
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error("usage: node build-docs.mjs OUTPUT.c");
  process.exit(2);
}
const yamlText = readFileSync(join(here, "openapi.yaml"), "utf8");
const doc = YAML.parse(yamlText);

const esc = (s) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// The little Markdown the document uses: paragraphs, lists, `code`, **bold**.
function markdown(text) {
  if (!text) return "";
  const inline = (s) =>
    esc(s)
      .replace(/`([^`]+)`/g, "<code>$1</code>")
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split("\n");
      if (lines.every((l) => /^\s*[-*] /.test(l)))
        return "<ul>" + lines.map((l) => `<li>${inline(l.replace(/^\s*[-*] /, ""))}</li>`).join("") + "</ul>";
      return `<p>${inline(lines.join(" "))}</p>`;
    })
    .join("\n");
}

const refName = (ref) => ref.split("/").pop();
const resolve = (ref) => ref.slice(2).split("/").reduce((node, key) => node[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);

function typeOf(schema) {
  if (!schema) return "any";
  if (schema.$ref) return `<a href="#schema-${esc(refName(schema.$ref))}">${esc(refName(schema.$ref))}</a>`;
  if (schema.allOf) return schema.allOf.map(typeOf).join(" + ");
  let t = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type ?? (schema.const !== undefined ? "const" : "any");
  if (t.includes("array")) t = t.replace("array", `array of ${typeOf(schema.items)}`);
  return esc(t).replace("array of &lt;", "array of <").replace(/&lt;(\/?a)/g, "<$1");
}

function constraints(schema) {
  if (!schema) return "";
  const parts = [];
  if (schema.enum) parts.push("one of " + schema.enum.map((v) => `<code>${esc(v)}</code>`).join(", "));
  if (schema.const !== undefined) parts.push(`<code>${esc(schema.const)}</code>`);
  for (const [key, label] of [["minimum", "≥"], ["maximum", "≤"], ["minLength", "length ≥"], ["maxLength", "length ≤"], ["maxItems", "items ≤"]])
    if (schema[key] !== undefined) parts.push(`${label} ${esc(schema[key])}`);
  if (schema.pattern) parts.push(`pattern <code>${esc(schema.pattern)}</code>`);
  if (schema.format) parts.push(`format ${esc(schema.format)}`);
  if (schema.default !== undefined) parts.push(`default <code>${esc(JSON.stringify(schema.default))}</code>`);
  return parts.join("; ");
}

function propertiesTable(schema) {
  const rows = [];
  const required = new Set(schema.required ?? []);
  for (const part of schema.allOf ?? []) if (part.$ref) rows.push(`<tr><td colspan="3">all of ${typeOf(part)}</td></tr>`);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const description = prop.description ?? (prop.$ref ? resolve(prop.$ref).description : "");
    rows.push(
      `<tr><td><code>${esc(name)}</code>${required.has(name) ? " <em>required</em>" : ""}</td>` +
        `<td>${typeOf(prop)}</td><td>${esc(description)}${description && constraints(prop) ? "; " : ""}${constraints(prop)}</td></tr>`,
    );
  }
  for (const name of required) if (!(schema.properties ?? {})[name] && !schema.allOf) rows.push(`<tr><td><code>${esc(name)}</code> <em>required</em></td><td></td><td></td></tr>`);
  if (schema.allOf && required.size) rows.push(`<tr><td colspan="3">required: ${[...required].map((n) => `<code>${esc(n)}</code>`).join(", ")}</td></tr>`);
  if (!rows.length) return `<p>${typeOf(schema)} ${constraints(schema)}</p>`;
  return `<table><tr><th>field</th><th>type</th><th>rules</th></tr>${rows.join("")}</table>`;
}

function operation(path, method, op) {
  const id = op.operationId;
  let html = `<section id="${esc(id)}"><h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>`;
  html += `<p>${esc(op.summary)}</p>${markdown(op.description)}`;
  const params = (op.parameters ?? []).map((p) => (p.$ref ? resolve(p.$ref) : p));
  if (params.length)
    html +=
      `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>rules</th></tr>` +
      params
        .map((p) => `<tr><td><code>${esc(p.name)}</code>${p.required ? " <em>required</em>" : ""}</td><td>${esc(p.in)}</td><td>${typeOf(p.schema)}</td><td>${esc(p.description ?? "")} ${constraints(p.schema)}</td></tr>`)
        .join("") +
      `</table>`;
  const body = op.requestBody?.content?.["application/json"];
  if (body) {
    html += `<h4>Request body</h4><p>${typeOf(body.schema)}</p>`;
    for (const example of Object.values(body.examples ?? {})) {
      const value = example.$ref ? resolve(example.$ref) : example;
      html += `<p>Example: ${esc(value.summary ?? "")}</p><pre>${esc(JSON.stringify(value.value, null, 2))}</pre>`;
    }
  }
  html += `<h4>Responses</h4><table><tr><th>status</th><th>meaning</th><th>body</th></tr>`;
  for (const [status, response] of Object.entries(op.responses)) {
    const r = response.$ref ? resolve(response.$ref) : response;
    const schema = r.content?.["application/json"]?.schema ?? r.content?.["text/plain"]?.schema;
    html += `<tr><td>${esc(status)}</td><td>${markdown(r.description)}</td><td>${schema ? typeOf(schema) : ""}</td></tr>`;
  }
  return html + `</table></section>`;
}

const css = `body{font:16px/1.5 system-ui,sans-serif;max-width:70rem;margin:auto;padding:1rem 2rem;color:#1b1b1b}
code,pre{font:14px ui-monospace,monospace;background:#f3f3f3;padding:0 .2em}pre{padding:.6em;overflow:auto}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#fafafa}h3{margin-top:2.2em}.method{display:inline-block;min-width:4.2em;color:#fff;border-radius:3px;padding:0 .4em;font-size:.85em}
.get{background:#2f6f9f}.post{background:#3d8b3d}.patch,.put{background:#a5771b}.delete{background:#b33a3a}nav li{margin:.1em 0}`;

const tagged = new Map((doc.tags ?? []).map((t) => [t.name, { tag: t, ops: [] }]));
for (const [path, item] of Object.entries(doc.paths))
  for (const [method, op] of Object.entries(item)) tagged.get(op.tags?.[0])?.ops.push([path, method, op]);

let html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`;
html += `<title>${esc(doc.info.title)} — API reference</title><style>${css}</style></head><body>`;
html += `<h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.summary)} Version ${esc(doc.info.version)}. The machine-readable contract: <a href="/openapi.yaml">/openapi.yaml</a>.</p>`;
html += markdown(doc.info.description);
html += `<nav><h2>Endpoints</h2><ul>`;
for (const { tag, ops } of tagged.values())
  html += `<li><strong>${esc(tag.name)}</strong><ul>${ops.map(([p, m, o]) => `<li><a href="#${esc(o.operationId)}">${m.toUpperCase()} ${esc(p)}</a> — ${esc(o.summary)}</li>`).join("")}</ul></li>`;
html += `<li><a href="#webhooks">Webhooks</a></li><li><a href="#schemas">Schemas</a></li><li><a href="#errors">Error codes</a></li></ul></nav>`;
for (const { tag, ops } of tagged.values()) {
  html += `<h2>${esc(tag.name)}</h2>${markdown(tag.description)}`;
  for (const [path, method, op] of ops) html += operation(path, method, op);
}
if (doc.webhooks) {
  html += `<h2 id="webhooks">Webhooks</h2><p>Calls the service makes to a portal's registered URL.</p>`;
  for (const [name, item] of Object.entries(doc.webhooks))
    for (const [method, op] of Object.entries(item)) html += operation(name, method, op);
}
html += `<h2 id="schemas">Schemas</h2>`;
for (const [name, schema] of Object.entries(doc.components.schemas))
  html += `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3>${markdown(schema.description)}${propertiesTable(schema)}</section>`;
html += `<h2 id="errors">Error codes</h2><p>Every error has the envelope <a href="#schema-Error">Error</a>; its <code>code</code> is one of:</p><ul>`;
for (const [, response] of Object.entries(doc.components.responses)) html += `<li>${markdown(response.description).replace(/^<p>|<\/p>$/g, "")}</li>`;
html += `</ul><p>Skill and occupation data: ESCO classification of the European Commission. Postcode data: GeoNames (geonames.org), CC BY 4.0.</p></body></html>`;

const styleHash = createHash("sha256").update(css).digest("base64");
const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

// Bytes as C string literals, one source line per input line.
function cString(text) {
  const bytes = Buffer.from(text, "utf8");
  let line = '"';
  const lines = [];
  for (const b of bytes) {
    if (b === 0x0a) {
      lines.push(line + '\\n"');
      line = '"';
    } else if (b === 0x22 || b === 0x5c) line += "\\" + String.fromCharCode(b);
    else if (b < 0x20 || b > 0x7e || b === 0x3f) line += "\\" + b.toString(8).padStart(3, "0");
    else line += String.fromCharCode(b);
    if (line.length > 2000) {
      lines.push(line + '"');
      line = '"';
    }
  }
  lines.push(line + '"');
  return { literal: lines.join("\n    "), length: bytes.length };
}

const parts = [
  ["bpa_openapi_yaml", yamlText],
  ["bpa_docs_html", html],
  ["bpa_docs_csp", csp],
];
let c = "/* Generated from api-docs/openapi.yaml by api-docs/build-docs.mjs: do not edit. */\n#include <stddef.h>\n\n";
for (const [name, text] of parts) {
  const { literal, length } = cString(text);
  c += `const char ${name}[] =\n    ${literal};\nconst size_t ${name}_len = ${length};\n\n`;
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, c);
console.log(`  GEN  ${out} (openapi.yaml ${Buffer.byteLength(yamlText)} bytes, docs ${Buffer.byteLength(html)} bytes)`);
