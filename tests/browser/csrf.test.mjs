// Cookie-authenticated changes need the console's header and origin: a form
// on another site cannot make them, nor can a script that leaves out the
// header, while the session itself keeps working.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { test, BASE, newPage, login, sql } from "./lib.mjs";

// A second origin (http://localhost:PORT is another site than the
// console's http://127.0.0.1:PORT) serving pages that post to the console.
async function attacker(pages) {
  const server = createServer((req, res) => {
    const html = pages[new URL(req.url, "http://x").pathname];
    if (!html) return res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { origin: `http://localhost:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

const form = (action, fields, enctype = "application/x-www-form-urlencoded") => `<!doctype html>
<html><body><form method="POST" action="${action}" enctype="${enctype}">
${Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${k}" value='${v}'>`).join("\n")}
</form><script>document.forms[0].submit()</script></body></html>`;

test("CSRF: another site's auto-submitting forms change nothing; the session still works", async (t) => {
  const { context, page } = await newPage(t);
  await login(page, "coordinator");
  const employersBefore = sql("SELECT count(*) FROM employers");
  // a JSON body smuggled in a text/plain form: {"kvk_number":"66666666",...,"x":"="}
  const json = `{"kvk_number":"66666666","name":"CSRF BV","postcode":"2516","x":"`;
  const evil = await attacker({
    "/logout.html": form(`${BASE}/v1/auth/logout`, { a: "b" }),
    "/employer.html": form(`${BASE}/v1/employers`, { [json]: `"}` }, "text/plain"),
  });
  try {
    for (const [name, path] of [["logout", "/v1/auth/logout"], ["employer", "/v1/employers"]]) {
      const other = await context.newPage();
      const answered = other.waitForResponse((r) => new URL(r.url()).pathname === path);
      await other.goto(`${evil.origin}/${name}.html`);
      const response = await answered;
      const sentCookie = (await response.request().allHeaders()).cookie ?? "";
      // SameSite=Strict keeps the cookie home (401); were it sent, the CSRF check refuses it (403)
      if (sentCookie.includes("bpa_session")) {
        assert.equal(response.status(), 403, `${path}: the cookie went along, so the daemon must refuse`);
        assert.match(await response.text(), /csrf_refused/);
      } else {
        // unauthenticated (401), or refused for its form body first (415)
        assert.ok([401, 415].includes(response.status()), `${path}: without the cookie: ${response.status()}`);
      }
      await other.close();
    }
  } finally {
    await evil.close();
  }
  // the error pages of the other tabs are not the console's
  t.allow(/status of 4(01|03|15) .*\/v1\/(auth\/logout|employers)\)$/);
  assert.equal(sql("SELECT count(*) FROM employers"), employersBefore, "no employer was created");
  assert.equal(sql("SELECT count(*) FROM employers WHERE kvk_number = '66666666'"), "0");

  // the session survived the logout form
  const me = await page.evaluate(async () => {
    const r = await fetch("/v1/auth/me", { headers: { "X-BPA-Console": "1" } });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(me.status, 200);
  assert.equal(me.body.role, "coordinator");

  // same origin, the cookie, but no X-BPA-Console: refused, nothing made
  const bare = await page.evaluate(async () => {
    const r = await fetch("/v1/employers", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kvk_number: "66666667", name: "Zonder Kop BV", postcode: "2516" }),
    });
    return { status: r.status, body: await r.text() };
  });
  assert.equal(bare.status, 403, bare.body);
  assert.equal(JSON.parse(bare.body).error.code, "csrf_refused");
  t.allow(/status of 403 .*\/v1\/employers\)$/);
  const logoutBare = await page.evaluate(async () => (await fetch("/v1/auth/logout", { method: "POST" })).status);
  assert.equal(logoutBare, 403, "a logout without the header is refused too");
  t.allow(/status of 403 .*\/v1\/auth\/logout\)$/);
  assert.equal(sql("SELECT count(*) FROM employers WHERE kvk_number = '66666667'"), "0");
  // and with the header the same session may still act
  const ok = await page.evaluate(async () => (await fetch("/v1/auth/me", { headers: { "X-BPA-Console": "1" } })).status);
  assert.equal(ok, 200);
});
