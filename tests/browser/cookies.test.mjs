// The console's session lives in an HttpOnly, SameSite=Strict cookie that
// scripts in the page never see, and the login answer carries no token.
import assert from "node:assert/strict";
import { test, BASE, newPage, login, visit } from "./lib.mjs";

test("cookie flags: bpa_session is HttpOnly and SameSite=Strict, unseen by scripts; no token in the body", async (t) => {
  const { context, page } = await newPage(t);
  await page.goto(`${BASE}/`);
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === "/v1/auth/login");
  await login(page, "coordinator", { viaPage: false });
  const response = await answered;
  assert.equal(response.status(), 200);
  const request = response.request();
  assert.equal(request.headers()["x-bpa-console"], "1", "the console sends X-BPA-Console: 1");
  const body = await response.text();
  assert.ok(!/"token"/.test(body), `the login answer has no token: ${body}`);
  assert.ok(!/bpa_s_/.test(body), "no session token anywhere in the body");
  const setCookie = (await response.headerValue("set-cookie")) ?? "";
  assert.match(setCookie, /^bpa_session=/);
  assert.match(setCookie, /;\s*HttpOnly/i);
  assert.match(setCookie, /;\s*SameSite=Strict/i);
  assert.match(setCookie, /;\s*Path=\//i);

  const cookies = await context.cookies(BASE);
  const session = cookies.find((c) => c.name === "bpa_session");
  assert.ok(session, `the context holds bpa_session: ${cookies.map((c) => c.name)}`);
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Strict");
  assert.match(session.value, /^bpa_s_/);
  const visible = await page.evaluate(() => document.cookie);
  assert.ok(!visible.includes("bpa_session") && !visible.includes(session.value), `document.cookie: "${visible}"`);
  // nor in storage
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.ok(!stored.includes(session.value), "the token is in no storage the page can read");
  await visit(t, page, "home-coordinator");

  // logging out clears the cookie
  await page.getByRole("button", { name: "Uitloggen" }).click();
  await page.getByText("Je bent uitgelogd.").waitFor();
  const after = (await context.cookies(BASE)).find((c) => c.name === "bpa_session");
  assert.ok(!after, "the cookie is gone after logging out");
});
