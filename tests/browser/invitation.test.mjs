// Invitations in the browser: an entrepreneur (a user of demo employer
// 90000001) invites a colleague from "Mijn bedrijf"; the colleague opens the
// link from the e-mail on their phone, sees who invites them for what,
// chooses a password and is logged in, at the same business. The link then
// works no more. Texts: console/js/invitations.js, public.js.
import assert from "node:assert/strict";
import { test, BASE, PHONE, newPage, login, visit, settle, sql, mailbox, mailLink, creds } from "./lib.mjs";

const TEXT = {
  organisation: "Mijn bedrijf",
  colleagues: "Collega's uitnodigen",
  email: "E-mailadres",
  name: "Naam (niet verplicht)",
  submit: "Uitnodiging versturen",
  sent: /Uitnodiging verstuurd naar/,
  open: "openstaand",
  accept: "Je account maken",
  yourName: "Je naam",
  password: "Kies een wachtwoord",
  create: "Account maken en inloggen",
  welcome: /Welkom, Kees Collega\. Je account is klaar\./,
  deadLink: "Deze link werkt niet (meer)",
};

test("invitation: an entrepreneur invites a colleague, who accepts on a phone and is logged in at the same business", async (t) => {
  t.allow(/status of 410 .*\/v1\/invitations\/preview\)$/);
  const colleague = `kees-${process.pid}@example.org`;
  const employerName = sql(`SELECT name FROM employers WHERE id = ${creds.employer.employer_id}`);

  // the entrepreneur invites, from their business's page
  const { page } = await newPage(t, { viewport: PHONE, isMobile: true, hasTouch: true });
  await login(page, "employer");
  await page.getByRole("navigation").getByRole("link", { name: TEXT.organisation, exact: true }).tap();
  await page.getByRole("link", { name: TEXT.colleagues }).tap();
  await page.getByLabel(TEXT.email, { exact: true }).waitFor();
  await settle(page);
  await visit(t, page, "colleagues");
  const before = mailbox();
  await page.getByLabel(TEXT.email, { exact: true }).fill(colleague);
  await page.getByLabel(TEXT.name).fill("Kees Collega");
  await page.getByRole("button", { name: TEXT.submit }).tap();
  await page.getByText(TEXT.sent).first().waitFor();
  const card = page.getByRole("listitem").filter({ hasText: colleague });
  await card.getByText(TEXT.open).first().waitFor();
  await settle(page);
  await visit(t, page, "colleagues-invited");
  assert.equal(sql(`SELECT employer_id FROM invitations WHERE lower(email) = lower('${colleague}')`), String(creds.employer.employer_id));

  // the colleague opens the link from the e-mail, in another browser
  const { link, token } = await mailLink(colleague, "invitation", before);
  assert.ok(link.startsWith(`${BASE}/#/invitation/`), link);
  const { page: phone } = await newPage(t, { viewport: PHONE, isMobile: true, hasTouch: true });
  await phone.goto(link);
  await phone.getByRole("heading", { level: 1, name: TEXT.accept }).waitFor();
  await phone.getByText(employerName, { exact: false }).first().waitFor();
  assert.ok(!phone.url().includes(token), "the token left the address bar");
  assert.equal(await phone.getByLabel(TEXT.yourName).inputValue(), "Kees Collega", "the name from the invitation");
  const password = phone.getByLabel(TEXT.password, { exact: true });
  assert.equal(await password.getAttribute("autocomplete"), "new-password");
  await visit(t, phone, "invitation-accept");
  await password.fill("koffie zetten voor het hele team");
  await phone.getByRole("button", { name: TEXT.create }).tap();
  await phone.getByRole("button", { name: "Uitloggen" }).waitFor();
  await phone.getByText(TEXT.welcome).first().waitFor();
  await phone.getByRole("heading", { name: employerName }).waitFor();
  await settle(phone);
  await visit(t, phone, "invitation-accepted");
  assert.equal(sql(`SELECT employer_id FROM accounts WHERE lower(email) = lower('${colleague}')`), String(creds.employer.employer_id));

  // the link is used up
  const { page: late } = await newPage(t);
  await late.goto(link);
  await late.getByRole("heading", { level: 1, name: TEXT.deadLink }).waitFor();
}, { timeout: 60_000 });
