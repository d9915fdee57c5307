// What the daemon says about the console page and its assets, and that the
// page loads cleanly under its own policy.
import assert from "node:assert/strict";
import { test, BASE, newPage, visit } from "./lib.mjs";

// "default-src 'self'; script-src 'self'" -> {"default-src": ["'self'"], ...}
function parseCsp(header) {
  const directives = {};
  for (const part of header.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives[name.toLowerCase()] = values;
  }
  return directives;
}

test("headers: the page's CSP is strict and assets are immutable", async () => {
  const page = await fetch(`${BASE}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type"), /^text\/html/);
  const header = page.headers.get("content-security-policy");
  assert.ok(header, "GET / has a Content-Security-Policy");
  const csp = parseCsp(header);
  assert.deepEqual(csp["default-src"], ["'self'"], `default-src: ${header}`);
  assert.deepEqual(csp["frame-ancestors"], ["'none'"], `frame-ancestors: ${header}`);
  assert.ok(!/'unsafe-inline'|'unsafe-eval'/.test(header), `no unsafe-inline or unsafe-eval: ${header}`);
  for (const d of ["script-src", "style-src"])
    if (csp[d]) assert.ok(csp[d].every((v) => v === "'self'" || v === "'none'"), `${d} only 'self': ${header}`);
  // the page names the build's assets; it must not be cached itself
  const cache = page.headers.get("cache-control") ?? "";
  assert.ok(!/immutable/.test(cache), `the page itself is not immutable: ${cache}`);

  const html = await page.text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  assert.ok(assets.length > 0, "the page loads assets from /assets/");
  for (const path of assets) {
    const asset = await fetch(`${BASE}${path}`);
    assert.equal(asset.status, 200, path);
    assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable", path);
  }
  // another build's URL is not served (a stale page must not get new code under old names)
  const wrong = await fetch(`${BASE}${assets[0].replace(/\/assets\/[^/]+\//, "/assets/000000000000/")}`);
  assert.equal(wrong.status, 404);
});

test("headers: the login page loads with no console errors and no CSP violations", async (t) => {
  const { page } = await newPage(t);
  const failed = [];
  page.on("requestfailed", (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  const response = await page.goto(`${BASE}/`);
  assert.equal(response.status(), 200);
  await page.getByRole("button", { name: "Inloggen", exact: true }).waitFor();
  await page.getByLabel("E-mailadres").waitFor();
  await page.getByLabel("Wachtwoord").waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "nl");
  await visit(t, page, "login");
  // the language switch, both ways
  await page.getByRole("button", { name: "English" }).click();
  await page.getByLabel(/e-mail/i).waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  await visit(t, page, "login-en");
  await page.getByRole("button", { name: "Nederlands" }).click();
  await page.getByLabel("E-mailadres").waitFor();
  assert.deepEqual(failed, [], "no request failed");
});

// Browsers ask for /favicon.ico unless the page names its icon; a 404 there
// is a console error on every first visit. (Chromium asks once per run, so
// this is checked here rather than by watching the console.)
test("headers: the page names its icon, or /favicon.ico exists", async () => {
  const html = await (await fetch(`${BASE}/`)).text();
  const named = /<link[^>]+rel="(shortcut )?icon"[^>]*>/i.exec(html);
  if (named) {
    const href = /href="([^"]+)"/.exec(named[0])?.[1] ?? "";
    if (!href.startsWith("data:")) assert.equal((await fetch(new URL(href, `${BASE}/`))).status, 200, `the icon ${href}`);
    return;
  }
  const status = (await fetch(`${BASE}/favicon.ico`)).status;
  assert.equal(status, 200,
    `GET /favicon.ico is ${status} and the page names no icon: give console/index.html a <link rel="icon"> (an asset under /assets/, or href="data:,")`);
});
