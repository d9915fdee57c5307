// Passwords and sessions in the browser, each with a fresh account (made
// through the API by a coordinator's invitation) so that the accounts the
// other tests log in with keep their passwords and sessions:
// - forgot password: the same answer for a known and an unknown address;
//   the link from the e-mail; a common password refused at the field; the
//   new one works, the old one no longer.
// - my account: the sessions, this one marked; end one, end all others
//   (those browsers are logged out); change the password (a wrong current
//   one refused at its field).
// Texts: console/js/public.js, account.js, password.js.
import assert from "node:assert/strict";
import {
  test, BASE, PHONE, newPage, loginAs, visit, settle, api, mailbox, mailLink, freshEmployerUser,
} from "./lib.mjs";

const TEXT = {
  forgot: "Wachtwoord vergeten?",
  forgotTitle: "Wachtwoord vergeten",
  email: "E-mailadres",
  send: "Stuur de link",
  sent: "Kijk in je mail",
  resetTitle: "Nieuw wachtwoord kiezen",
  newPassword: "Nieuw wachtwoord",
  save: "Wachtwoord opslaan",
  common: "Dit wachtwoord wordt veel gebruikt en is dus makkelijk te raden. Kies een ander.",
  tooShort: "Gebruik minstens 12 tekens.",
  saved: "Je nieuwe wachtwoord is opgeslagen. Log in met je nieuwe wachtwoord.",
  account: "Mijn account",
  sessions: "Waar je bent ingelogd",
  yourSessions: "Je sessies",
  thisDevice: "Dit apparaat",
  end: "Beëindigen",
  ended: /is beëindigd\./,
  endOthers: "Alle andere sessies beëindigen",
  endedOthers: /andere sessies? beëindigd\./,
  alone: "Je bent nergens anders ingelogd.",
  current: "Huidig wachtwoord",
  change: "Wachtwoord wijzigen",
  notCurrent: "Dit is niet je huidige wachtwoord.",
  changed: "Je wachtwoord is gewijzigd. Op je andere apparaten ben je uitgelogd.",
};

// The status of GET /v1/auth/me from a page (its session cookie).
const meStatus = (page) =>
  page.evaluate(async () => (await fetch("/v1/auth/me", { headers: { "X-BPA-Console": "1" } })).status);

test("password reset: forgot password, the e-mail's link, a new password; the same answer for an unknown address", async (t) => {
  t.allow(/status of 422 .*\/v1\/auth\/password-reset\/confirm\)$/);
  const account = await freshEmployerUser("reset");
  const { page } = await newPage(t, { viewport: PHONE, isMobile: true, hasTouch: true });
  await page.goto(`${BASE}/`);
  await page.getByRole("link", { name: TEXT.forgot }).first().tap();
  await page.getByRole("heading", { level: 1, name: TEXT.forgotTitle }).waitFor();
  await visit(t, page, "forgot");

  // an address nobody has: the same answer
  await page.getByLabel(TEXT.email).fill(`niemand-${process.pid}@example.org`);
  await page.getByRole("button", { name: TEXT.send }).tap();
  await page.getByRole("heading", { level: 1, name: TEXT.sent }).waitFor();
  const unknown = (await page.locator("main").innerText()).replace(/\S+@example\.org/g, "ADDRESS");
  await page.getByRole("button", { name: "Een ander adres proberen" }).tap();

  const before = mailbox();
  await page.getByLabel(TEXT.email).fill(account.email);
  await page.getByRole("button", { name: TEXT.send }).tap();
  await page.getByRole("heading", { level: 1, name: TEXT.sent }).waitFor();
  const known = (await page.locator("main").innerText()).replace(/\S+@example\.org/g, "ADDRESS");
  assert.equal(known, unknown, "the answer says nothing of whether the address is known");
  await visit(t, page, "forgot-sent");

  const { link, token } = await mailLink(account.email, "reset", before);
  assert.ok(link.startsWith(`${BASE}/#/reset/`), link);
  await page.goto(link);
  await page.getByRole("heading", { level: 1, name: TEXT.resetTitle }).waitFor();
  assert.ok(!page.url().includes(token), "the token left the address bar");
  const password = page.getByLabel(TEXT.newPassword, { exact: true });
  assert.equal(await password.getAttribute("autocomplete"), "new-password");
  await visit(t, page, "reset");

  // too short: said before asking the server; common: the server's 422 at the field
  await password.fill("kort");
  await page.getByRole("button", { name: TEXT.save }).tap();
  await page.getByText(TEXT.tooShort).first().waitFor();
  await password.fill("qwerty123456");
  await page.getByRole("button", { name: TEXT.save }).tap();
  await page.getByText(TEXT.common).first().waitFor();
  assert.equal(await password.getAttribute("aria-invalid"), "true");
  await visit(t, page, "reset-refused");

  const fresh = "een nieuwe lange zin na het vergeten";
  await password.fill(fresh);
  await page.getByRole("button", { name: TEXT.save }).tap();
  await page.getByText(TEXT.saved).first().waitFor();
  await visit(t, page, "reset-done");
  await loginAs(page, account.email, fresh, { viaPage: false });
  const old = await api("POST", "/v1/auth/login", { body: { email: account.email, password: account.password } });
  assert.equal(old.status, 401, `the old password no longer works: ${old.text}`);
}, { timeout: 60_000 });

test("my account: sessions listed with this one marked, end one and all others, change the password", async (t) => {
  t.allow(/status of 422 .*\/v1\/auth\/password\)$/);
  t.allow(/status of 401 /); // the other browsers, logged out
  const account = await freshEmployerUser("account");
  const { page: first } = await newPage(t);
  await loginAs(first, account.email, account.password);
  const { page: second } = await newPage(t, { viewport: PHONE, isMobile: true, hasTouch: true });
  await loginAs(second, account.email, account.password);
  const { page } = await newPage(t);
  await loginAs(page, account.email, account.password);

  await page.getByRole("link", { name: TEXT.account }).click();
  await page.getByRole("heading", { level: 1, name: TEXT.account }).waitFor();
  await page.getByRole("heading", { name: TEXT.sessions }).waitFor();
  await settle(page);
  const sessions = page.getByRole("list", { name: TEXT.yourSessions });
  assert.ok((await sessions.getByRole("listitem").count()) >= 3, "three browsers (and the API's session)");
  assert.equal(await sessions.getByText(TEXT.thisDevice, { exact: true }).count(), 1, "this session marked once");
  await visit(t, page, "account");

  // end one, then all the others
  await sessions.getByRole("button", { name: TEXT.end, exact: true }).first().click();
  await page.getByText(TEXT.ended).first().waitFor();
  await page.getByRole("button", { name: TEXT.endOthers }).click();
  await page.getByText(TEXT.endedOthers).first().waitFor();
  await page.getByText(TEXT.alone).first().waitFor();
  assert.equal(await sessions.getByRole("listitem").count(), 1, "only this session is left");
  assert.equal(await meStatus(first), 401, "the first browser is logged out");
  assert.equal(await meStatus(second), 401, "the second browser is logged out");
  assert.equal(await meStatus(page), 200, "this one is not");
  await visit(t, page, "account-sessions-ended");

  // change the password: the current one is checked
  const current = page.getByLabel(TEXT.current, { exact: true });
  const next = page.getByLabel(TEXT.newPassword, { exact: true });
  assert.equal(await current.getAttribute("autocomplete"), "current-password");
  assert.equal(await next.getAttribute("autocomplete"), "new-password");
  await current.fill("niet mijn wachtwoord");
  await next.fill("een ander wachtwoord van mij");
  await page.getByRole("button", { name: TEXT.change }).click();
  await page.getByText(TEXT.notCurrent).first().waitFor();
  assert.equal(await current.getAttribute("aria-invalid"), "true");
  await visit(t, page, "account-password-refused");
  await current.fill(account.password);
  await page.getByRole("button", { name: TEXT.change }).click();
  await page.getByText(TEXT.changed).first().waitFor();
  assert.equal(await meStatus(page), 200, "still logged in here");
  await visit(t, page, "account-password-changed");
  const login = await api("POST", "/v1/auth/login", { body: { email: account.email, password: "een ander wachtwoord van mij" } });
  assert.equal(login.status, 200, `the new password works: ${login.text}`);
}, { timeout: 60_000 });
