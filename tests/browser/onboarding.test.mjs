// The whole sign-up of a new entrepreneur, on a phone (390x844), without
// anyone touching the server's command line: sign up in the console, read
// the confirmation link from the e-mail the daemon wrote (--mail-dir), log
// in, be verified by the demo coordinator (at a desk), then make a
// placement and open it. Found by accessible names: the Dutch texts below
// are console/js/public.js's and entrepreneur*.js's.
import assert from "node:assert/strict";
import {
  test, BASE, PHONE, newPage, login, visit, settle, sql, mailbox, mailLink, eventually,
} from "./lib.mjs";

const TEXT = {
  signupLink: "Meld je bedrijf aan",
  orgName: "Naam van je bedrijf",
  kvk: "KvK-nummer",
  postcode: "Postcode",
  sector: "Branche (niet verplicht)",
  name: "Je naam",
  email: "Je e-mailadres",
  password: "Kies een wachtwoord",
  submit: "Aanmelden",
  summary: "Nog niet alles is goed ingevuld:",
  common: "Dit wachtwoord wordt veel gebruikt en is dus makkelijk te raden. Kies een ander.",
  sent: "Kijk in je mail",
  unconfirmed: "Bevestig eerst je e-mailadres",
  confirmed: "Je e-mailadres is bevestigd. Log in met je e-mailadres en wachtwoord.",
  deadLink: "Deze link werkt niet (meer)",
  notVerified: "De academie controleert je bedrijf nog.",
  employers: "Werkgevers",
  verify: "Verifiëren",
  verified: /is nu geverifieerd/,
  placements: "Leerplekken",
  newPlacement: "Nieuwe leerplek",
  title: "Titel van de leerplek",
  placePostcode: "Postcode van de werkplek",
  start: "Begindatum",
  end: "Einddatum",
  skillSearch: "Zoek een vaardigheid",
  addSkill: "Voeg toe: veilig werken op de bouwplaats",
  schedule: "Weekrooster",
  save: "Opslaan",
  saved: "De leerplek is opgeslagen.",
  open: "Leerplek openzetten",
  opened: "De leerplek staat open. De academie gaat kandidaten zoeken.",
};

const PID = process.pid;
const ORG = `Bakkerij Binck ${PID}`;
const EMAIL = `sanne-${PID}@bakkerij.example`;
const PASSWORD = "brood bakken voor de hele wijk";
const KVK = String(80000000 + (PID % 9999999)).padStart(8, "0");

test("sign-up: a new entrepreneur signs up, confirms through the e-mail's link, is verified, logs in and opens a placement", async (t) => {
  // what the browser logs for the answers this story provokes on purpose
  t.allow(/status of 422 .*\/v1\/signup\)$/);
  t.allow(/status of 403 .*\/v1\/auth\/login\)$/);
  t.allow(/status of 410 .*\/v1\/signup\/confirm\)$/);
  const { page } = await newPage(t, { viewport: PHONE, isMobile: true, hasTouch: true });
  await page.goto(`${BASE}/`);
  await visit(t, page, "login");
  await page.getByRole("link", { name: TEXT.signupLink }).tap();
  await page.getByLabel(TEXT.orgName).waitFor();
  await visit(t, page, "signup");

  // sent empty: every problem at its field, summed up at the top
  await page.getByRole("button", { name: TEXT.submit, exact: true }).tap();
  await page.getByText(TEXT.summary).first().waitFor();
  assert.equal(await page.getByLabel(TEXT.orgName).getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel(TEXT.password, { exact: true }).getAttribute("aria-invalid"), "true");
  await visit(t, page, "signup-errors");

  await page.getByLabel(TEXT.orgName).fill(ORG);
  await page.getByLabel(TEXT.kvk).fill(KVK);
  await page.getByLabel(TEXT.postcode, { exact: true }).fill("2516 BA");
  await page.getByLabel(TEXT.sector).fill("Bakkerij");
  await page.getByLabel(TEXT.name).fill("Sanne de Vries");
  await page.getByLabel(TEXT.email).fill(EMAIL);
  const password = page.getByLabel(TEXT.password, { exact: true });
  assert.equal(await password.getAttribute("autocomplete"), "new-password");
  assert.equal(await password.getAttribute("type"), "password");

  // a password from the list of common ones: the server's 422, at the field
  await password.fill("qwerty123456");
  await page.getByRole("button", { name: TEXT.submit, exact: true }).tap();
  await page.getByText(TEXT.common).first().waitFor();
  assert.equal(await password.getAttribute("aria-invalid"), "true");
  await visit(t, page, "signup-common-password");
  assert.equal(sql(`SELECT count(*) FROM accounts WHERE lower(email) = lower('${EMAIL}')`), "0", "nothing made yet");

  // a good one: "check your e-mail"
  const before = mailbox();
  await password.fill(PASSWORD);
  await page.getByRole("button", { name: TEXT.submit, exact: true }).tap();
  await page.getByRole("heading", { level: 1, name: TEXT.sent }).waitFor();
  await page.getByText(EMAIL).first().waitFor();
  await visit(t, page, "signup-sent");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("bpa-signup-draft")), null, "the draft is gone");

  // not confirmed yet: the right password is refused with the reason
  await page.getByRole("link", { name: "Naar inloggen" }).tap();
  await page.getByLabel("E-mailadres").fill(EMAIL);
  await page.getByLabel("Wachtwoord", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Inloggen", exact: true }).tap();
  await page.getByText(TEXT.unconfirmed).first().waitFor();
  await visit(t, page, "login-unconfirmed");

  // the link from the e-mail
  const { link, token } = await mailLink(EMAIL, "confirm", before);
  assert.ok(link.startsWith(`${BASE}/#/confirm/`), `the link points at the console: ${link}`);
  await page.goto(link);
  await page.getByText(TEXT.confirmed).first().waitFor();
  assert.ok(!page.url().includes(token), `the token left the address bar: ${page.url()}`);
  assert.equal(await page.getByLabel("E-mailadres").inputValue(), EMAIL, "the address is filled in");
  await visit(t, page, "signup-confirmed");

  // a link works once
  const again = await page.context().newPage();
  await again.goto(link);
  await again.getByRole("heading", { level: 1, name: TEXT.deadLink }).waitFor();
  await visit(t, again, "link-used");
  await again.close();

  // logged in: the business is there, not verified yet
  await page.getByLabel("Wachtwoord", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Inloggen", exact: true }).tap();
  await page.getByRole("button", { name: "Uitloggen" }).waitFor();
  await page.getByText(TEXT.notVerified).first().waitFor();
  await page.getByRole("heading", { name: ORG }).waitFor();
  await settle(page);
  await visit(t, page, "signup-first-login");
  const employerId = Number(sql(`SELECT id FROM employers WHERE kvk_number = '${KVK}'`));
  assert.ok(employerId > 0, "the employer exists");
  assert.equal(sql(`SELECT verified FROM employers WHERE id = ${employerId}`), "f");

  // the demo coordinator verifies the business, in the console
  const { page: desk } = await newPage(t);
  await login(desk, "coordinator");
  await desk.getByRole("navigation").getByRole("link", { name: TEXT.employers }).click();
  const row = desk.getByRole("row").filter({ hasText: ORG });
  await row.first().getByRole("link", { name: ORG }).click();
  await desk.getByRole("button", { name: TEXT.verify, exact: true }).click();
  await desk.getByText(TEXT.verified).first().waitFor();
  await eventually(() => sql(`SELECT verified FROM employers WHERE id = ${employerId}`) === "t", { what: "the employer verified" });

  // the entrepreneur makes a placement and opens it
  await page.getByRole("navigation").getByRole("link", { name: TEXT.placements, exact: true }).tap();
  await page.getByRole("button", { name: TEXT.newPlacement }).tap();
  const title = `Bakker in opleiding ${PID}`;
  await page.getByLabel(TEXT.title).fill(title);
  await page.getByLabel(TEXT.placePostcode).fill("2516 BA");
  const iso = (days) => new Date(Date.now() + days * 864e5).toISOString().slice(0, 10);
  await page.getByLabel(TEXT.start).fill(iso(5));
  await page.getByLabel(TEXT.end).fill(iso(60));
  await page.getByLabel(TEXT.skillSearch).fill("veilig werken");
  await page.getByRole("button", { name: TEXT.addSkill }).tap();
  const grid = page.getByRole("group", { name: TEXT.schedule });
  for (const day of ["maandag", "dinsdag"])
    for (const hour of [8, 9, 10, 11])
      await grid.getByRole("button", { name: `${day} ${String(hour).padStart(2, "0")}:00`, exact: true }).tap();
  await page.getByRole("button", { name: TEXT.save, exact: true }).tap();
  await page.getByText(TEXT.saved).first().waitFor();
  await page.getByRole("button", { name: TEXT.open }).tap();
  await page.getByText(TEXT.opened).first().waitFor();
  assert.equal(sql(`SELECT status FROM placements WHERE employer_id = ${employerId} AND title = '${title}'`), "open");
  await settle(page);
  await visit(t, page, "signup-placement-open");
}, { timeout: 90_000 });

test("sign-up and forgot password in English: the whole screen switches, nothing left in Dutch", async (t) => {
  const { page } = await newPage(t, { viewport: PHONE, isMobile: true, hasTouch: true });
  await page.goto(`${BASE}/#/signup`);
  await page.getByLabel(TEXT.orgName).waitFor();
  await page.getByRole("button", { name: "English" }).tap();
  await page.getByRole("heading", { level: 1, name: "Sign up your business" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  for (const dutch of ["Je bedrijf", "Kies een wachtwoord", "Aanmelden", "Wachtwoord tonen"])
    assert.equal(await page.getByText(dutch, { exact: true }).count(), 0, `no "${dutch}" left`);
  await page.getByLabel("Choose a password", { exact: true }).waitFor();
  await visit(t, page, "signup-en");
  await page.goto(`${BASE}/#/forgot`);
  await page.getByRole("heading", { level: 1, name: "Forgot your password" }).waitFor();
  await visit(t, page, "forgot-en");
  await page.getByRole("button", { name: "Nederlands" }).tap();
  await page.getByRole("heading", { level: 1, name: "Wachtwoord vergeten" }).waitFor();
});
