// Holds the responses the integration tests received against the OpenAPI
// document: each must be a documented status of its operation, and its
// JSON body must validate against that response's schema.
//
//   node api-docs/check-responses.mjs RESPONSES.jsonl
// Each line: {"method", "path", "status", "content_type", "body"}.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const doc = YAML.parse(readFileSync(join(here, "openapi.yaml"), "utf8"));
const file = process.argv[2];
if (!file) {
  console.error("usage: node check-responses.mjs RESPONSES.jsonl");
  process.exit(2);
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: "openapi", components: doc.components });

const pointer = (ref) => ref.slice(2).split("/").reduce((node, key) => node[key.replace(/~1/g, "/")], doc);
const templates = Object.keys(doc.paths).map((template) => ({
  template,
  regex: new RegExp("^" + template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+") + "$"),
}));
const errorSchema = ajv.compile({ $ref: "openapi#/components/schemas/Error" });
const validators = new Map();

function validatorFor(schema, where) {
  if (!validators.has(where)) {
    // Component refs resolve against the registered document.
    const text = JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/');
    validators.set(where, ajv.compile(JSON.parse(text)));
  }
  return validators.get(where);
}

const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
const failures = [];
const seen = new Map();
for (const line of lines) {
  const r = JSON.parse(line);
  const method = r.method === "HEAD" ? "get" : r.method.toLowerCase();
  const match = templates.find((t) => t.regex.test(r.path));
  const op = match && doc.paths[match.template][method];
  let body;
  const isJson = r.content_type.startsWith("application/json");
  if (isJson && r.body) {
    try {
      body = JSON.parse(r.body);
    } catch {
      failures.push(`${r.method} ${r.path} ${r.status}: the body is not JSON`);
      continue;
    }
  }
  if (!op) {
    // Unrouted paths and methods: the error envelope with 404 or 405.
    if (![404, 405].includes(r.status) || (r.body && !errorSchema(body)))
      failures.push(`${r.method} ${r.path} ${r.status}: not in the document`);
    continue;
  }
  const key = `${method.toUpperCase()} ${match.template} ${r.status}`;
  seen.set(key, (seen.get(key) ?? 0) + 1);
  let response = op.responses[String(r.status)];
  if (!response) {
    failures.push(`${key}: status not documented for ${op.operationId}`);
    continue;
  }
  if (response.$ref) response = pointer(response.$ref);
  const content = response.content;
  if (!content) {
    if (r.body) failures.push(`${key}: documented without a body, got one`);
    continue;
  }
  if (r.method === "HEAD") continue;
  const mediaType = Object.keys(content).find((type) => r.content_type.startsWith(type));
  if (!mediaType) {
    failures.push(`${key}: content type ${r.content_type} not documented (${Object.keys(content)})`);
    continue;
  }
  if (!mediaType.endsWith("json")) continue;
  const validate = validatorFor(content[mediaType].schema, `${key} ${mediaType}`);
  if (!validate(body))
    failures.push(`${key}: ${ajv.errorsText(validate.errors, { dataVar: "body" })}\n    ${r.body.slice(0, 300)}`);
}

console.log(`conformance: ${lines.length} responses, ${seen.size} operation/status pairs checked against openapi.yaml`);
if (failures.length) {
  console.log(`FAILED: ${failures.length} responses do not match the document:`);
  for (const f of failures.slice(0, 40)) console.log("  " + f);
  process.exit(1);
}
console.log("conformance: every response matches the document");
