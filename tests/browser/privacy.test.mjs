// A seeker's personal data, at a coordinator's desk (1280x800), on seekers
// made here through the demo portal's key (the shared demo seekers stay):
// - consents per purpose with their history; withdrawing matching, which
//   cancels the seeker's open match;
// - the export, downloaded as a file with the seeker and their consents;
// - erasure behind a confirmation that names the seeker (the final button
//   works once the name is typed), its summary, and the seeker's page
//   showing the seeker erased;
// - the retention screen: the periods and the dry run, in Dutch and English.
// Texts: console/js/coordinator-privacy.js and coordinator-retention.js.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  test, BASE, newPage, login, visit, settle, sql, api, call, token, portalKey,
  createSeeker, createPlacement, apply, eventually,
} from "./lib.mjs";

const TEXT = {
  consentTitle: "Toestemming",
  matching: "Koppelen aan leerplekken",
  given: "gegeven",
  withdrawn: "ingetrokken",
  purpose: "Waarvoor",
  what: "Wat heeft de werkzoekende gezegd?",
  withdraw: "Trekt toestemming in",
  version: "Versie van de tekst",
  cancelsMatches: /annuleert meteen alle lopende matches/,
  withdrawButton: /^Intrekken en 1 lopende match annuleren$/,
  withdrawnDone: /toestemming voor koppelen aan leerplekken is ingetrokken/i,
  history: "Geschiedenis van de toestemming",
  you: "Jij",
  cancelled: "geannuleerd",
  noConsent: /geen toestemming gegeven om gekoppeld te worden/,
  propose: "Voorstellen",
  download: "Gegevens downloaden (JSON)",
  downloaded: /is gedownload/,
  eraseLink: "Gegevens wissen…",
  eraseTitle: (name) => `Gegevens van ${name} wissen`,
  irreversible: /kan niet ongedaan worden gemaakt/,
  stays: /Wat blijft/,
  typeName: /Typ de naam van de werkzoekende/,
  openCancelled: /nu 1 lopende match: die wordt geannuleerd/,
  noConsentAfter: /Sinds het wissen geldt er geen toestemming meer/,
  eraseButton: /definitief wissen$/,
  erasedDone: /zijn gewist op/,
  erasedTitle: "Gegevens gewist",
  back: "Terug naar de werkzoekende",
  erasedBanner: /De gegevens van deze werkzoekende zijn gewist op/,
  retention: "Bewaartermijnen",
  dryRun: /Wat gaat er bij de volgende ronde weg/,
  periods: "Termijnen",
  throttle: "Mislukte inlogpogingen en remmen",
  english: "English",
  retentionEn: "Retention periods",
};

const seekerPage = async (page, id) => {
  await page.goto(`${BASE}/#/seekers/${id}`);
  await page.getByRole("heading", { level: 2, name: TEXT.consentTitle, exact: true }).waitFor();
  await settle(page);
};

test("personal data: a seeker's consents with their history; withdrawing matching cancels the open match; the export downloaded", async (t) => {
  const name = `Privacy Proef ${process.pid}`;
  const seeker = await createSeeker({ name });
  const placement = await createPlacement({ title: "Leerplek voor de privacytest" });
  const match = await apply(seeker.id, placement.id);

  const { page } = await newPage(t);
  await login(page, "coordinator");
  await seekerPage(page, seeker.id);

  // now: matching and sharing contact given (the seeker's first consent), e-mail updates never asked
  const current = page.getByRole("table", { name: /Toestemming per doel/ });
  await current.getByRole("row").filter({ hasText: TEXT.matching }).getByText(TEXT.given, { exact: true }).waitFor();
  const history = page.getByRole("table", { name: /Geschiedenis van de toestemming/ });
  await history.waitFor();
  assert.equal(await history.locator("tbody tr").count(), 2, "two consents recorded with the seeker");
  await visit(t, page, "coordinator-seeker-consents");

  // withdraw matching: the form says it cancels the open match before it is sent
  await page.getByRole("group", { name: TEXT.purpose }).getByLabel(TEXT.matching).check();
  await page.getByRole("group", { name: TEXT.what }).getByLabel(TEXT.withdraw).check();
  await page.getByText(TEXT.cancelsMatches).waitFor();
  await page.getByLabel(TEXT.version, { exact: true }).fill("browser-2");
  await visit(t, page, "coordinator-seeker-consent-withdraw");
  await page.getByRole("button", { name: TEXT.withdrawButton }).click();
  await page.getByText(TEXT.withdrawnDone).waitFor();
  await settle(page);

  await eventually(() => sql(`SELECT state FROM matches WHERE id = ${match.id}`) === "cancelled", { what: "the open match cancelled", timeout: 10_000 });
  const after = await call("GET", `/v1/seekers/${seeker.id}/consents`, { token: portalKey() });
  assert.equal(after.current.matching.given, false, "matching withdrawn");
  assert.equal(after.current.matching.text_version, "browser-2");
  assert.equal(after.history[0].recorded_by.role, "coordinator", "recorded by the coordinator");
  // on the page: the state, the history's newest row, the match cancelled
  await current.getByRole("row").filter({ hasText: TEXT.matching }).getByText(TEXT.withdrawn, { exact: true }).waitFor();
  assert.equal(await history.locator("tbody tr").count(), 3, "the withdrawal in the history");
  const newest = history.locator("tbody tr").first();
  for (const text of [TEXT.matching, TEXT.withdrawn, "browser-2", TEXT.you])
    assert.ok((await newest.innerText()).includes(text), `the newest history row says ${text}`);
  await page.getByRole("table", { name: "Matches" }).getByText(TEXT.cancelled).waitFor();
  // the ranking still explains, but offers no proposal without consent
  await page.getByText(TEXT.noConsent).first().waitFor();
  assert.equal(await page.locator(".seeker__ranking").getByRole("button", { name: TEXT.propose }).count(), 0, "nothing to propose");
  await visit(t, page, "coordinator-seeker-consent-withdrawn");

  // the export: a file with the seeker, the consents and the match
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: TEXT.download }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `seeker-${seeker.id}-export.json`);
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(Number(exported.seeker?.id), Number(seeker.id), "the export is of the seeker");
  assert.equal(exported.seeker.name, name);
  assert.ok(exported.exported_at, "when it was exported");
  assert.equal(exported.consents?.current?.matching?.given, false, "the consents now");
  assert.equal(exported.consents?.history?.length, 3, "the consents' history");
  assert.ok((exported.matches ?? []).some((m) => Number(m.id) === Number(match.id)), "the seeker's match");
  await page.getByText(TEXT.downloaded).waitFor();

  // the same page in English
  await page.getByRole("button", { name: TEXT.english }).click();
  await page.getByRole("heading", { level: 2, name: "Consent", exact: true }).waitFor();
  await settle(page);
  await visit(t, page, "coordinator-seeker-consents-en");
  // the erasure's confirmation in English (no open match left to cancel); not erased
  await page.getByRole("link", { name: "Erase the data…" }).click();
  await page.getByRole("heading", { level: 1, name: `Erase the data of ${name}` }).waitFor();
  assert.ok(await page.getByRole("button", { name: /for good$/ }).isDisabled());
  await visit(t, page, "coordinator-erase-confirm-en");
  assert.equal(sql(`SELECT erased_at IS NULL FROM seekers WHERE id = ${seeker.id}`), "t");
  await eventually(() => Number(sql(`SELECT count(*) FROM audit_log WHERE action = 'seeker.export' AND resource_id = '${seeker.id}'`)) >= 1,
    { what: "the export audited", timeout: 10_000 });
}, { timeout: 60_000 });

test("personal data: erase a seeker after typing the name; the summary; the seeker's page shows the seeker erased", async (t) => {
  const name = `Wis Mij ${process.pid}`;
  const seeker = await createSeeker({ name, email: `wis-mij-${process.pid}@example.org` });
  const placement = await createPlacement({ title: "Leerplek voor de wistest" });
  await apply(seeker.id, placement.id);

  const { page } = await newPage(t);
  await login(page, "coordinator");
  await seekerPage(page, seeker.id);
  await page.getByRole("link", { name: TEXT.eraseLink }).click();

  // the confirmation names the seeker, on the page only
  await page.getByRole("heading", { level: 1, name: TEXT.eraseTitle(name) }).waitFor();
  assert.ok(!(await page.title()).includes(name), "the name is not in the window's title");
  assert.ok(!decodeURIComponent(page.url()).includes(name), "nor in the address");
  await page.getByText(TEXT.irreversible).waitFor();
  await page.getByRole("heading", { name: TEXT.stays }).waitFor();
  await page.getByText(TEXT.openCancelled).waitFor();
  const erase = page.getByRole("button", { name: TEXT.eraseButton });
  assert.ok(await erase.isDisabled(), "the final button waits for the confirmation");
  await visit(t, page, "coordinator-erase-confirm");

  const confirm = page.getByLabel(TEXT.typeName);
  await confirm.fill(name.split(" ").slice(0, 2).join(" "));
  assert.ok(await erase.isDisabled(), "part of the name is not enough");
  await confirm.fill(name.toLocaleLowerCase());
  await eventually(async () => !(await erase.isDisabled()), { what: "the button enabled by the name", timeout: 10_000 });
  assert.equal(sql(`SELECT erased_at IS NULL FROM seekers WHERE id = ${seeker.id}`), "t", "nothing erased before the click");
  await erase.click();

  // the summary the API gave
  await page.getByText(TEXT.erasedDone).first().waitFor();
  await page.getByRole("heading", { level: 1, name: TEXT.erasedTitle }).waitFor();
  assert.equal(await page.getByText(name).count(), 0, "the name is gone from the page");
  assert.equal(sql(`SELECT erased_at IS NOT NULL AND email IS NULL FROM seekers WHERE id = ${seeker.id}`), "t", "erased in the database");
  await visit(t, page, "coordinator-erase-done");

  // the seeker's page: erased, nothing to erase or rank any more
  await page.getByRole("link", { name: TEXT.back }).first().click();
  await page.getByText(TEXT.erasedBanner).waitFor();
  await settle(page);
  assert.equal(await page.getByText(name).count(), 0, "the name is nowhere on the seeker's page");
  assert.equal(await page.getByRole("link", { name: TEXT.eraseLink }).count(), 0, "no second erasure");
  await page.getByText(TEXT.noConsentAfter).waitFor();
  await page.getByRole("table", { name: "Matches" }).getByText(TEXT.cancelled).waitFor();
  await visit(t, page, "coordinator-seeker-erased");

  // a second erasure through the API: idempotent
  const again = await call("POST", `/v1/seekers/${seeker.id}/erase`, { token: await token("coordinator") });
  assert.equal(again.already_erased, true);
}, { timeout: 60_000 });

test("personal data: the retention screen: the periods and what the next run would remove, in Dutch and English", async (t) => {
  // three failed logins of three days ago: past the 1 day they are kept
  // (the daemon's first run, 2 s after its start, has been; the next is an hour away)
  sql(`INSERT INTO login_failures (subject, at)
    SELECT 'browser-retention-' || g, now() - interval '3 days' FROM generate_series(1, 3) g`);
  const { page } = await newPage(t);
  await login(page, "coordinator");
  await page.getByRole("navigation").getByRole("link", { name: TEXT.retention }).click();
  await page.getByRole("heading", { level: 1, name: TEXT.retention }).waitFor();
  await page.getByRole("heading", { level: 2, name: TEXT.dryRun }).waitFor();
  await settle(page);
  const report = (await api("GET", "/v1/retention/report", { token: await token("coordinator") })).json;
  assert.ok(report?.kinds?.length, "the report has kinds");
  const dry = page.getByRole("table", { name: /Wat de volgende opruimronde weghaalt/ });
  assert.equal(await dry.locator("tbody tr").count(), report.kinds.length, "a row per kind");
  const throttle = report.kinds.find((k) => k.kind === "throttle");
  const count = throttle?.would_remove ?? throttle?.would_affect;
  assert.ok(count >= 3, `the old failed logins counted (${JSON.stringify(throttle)})`);
  const line = await dry.getByRole("row").filter({ hasText: TEXT.throttle }).innerText();
  assert.match(line, /ouder dan 1 dag\b/, "the rule in Dutch, with the period");
  assert.match(line, new RegExp(`\\b${count}\\s*$`), "the count the report gives");
  await page.getByRole("heading", { level: 2, name: TEXT.periods }).waitFor();
  await visit(t, page, "coordinator-retention");

  await page.getByRole("button", { name: TEXT.english }).click();
  await page.getByRole("heading", { level: 1, name: TEXT.retentionEn }).waitFor();
  await settle(page);
  await visit(t, page, "coordinator-retention-en");
}, { timeout: 40_000 });
