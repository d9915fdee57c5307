// A session ended on the server (revoked, or timed out) sends the console
// back to its login page with a word of explanation at the next request,
// and what was being typed is not lost.
import assert from "node:assert/strict";
import { test, PHONE, newPage, login, sql, visit, screensWritten, pending, creds } from "./lib.mjs";

const EXPIRED = "Je sessie is verlopen. Log opnieuw in.";

// Ends the account's newest session: the console's, just made by login()
// (the API token other tests keep stays valid).
function revoke(who) {
  const revoked = sql(`UPDATE sessions SET revoked_at = now() WHERE token_hash = (
      SELECT token_hash FROM sessions WHERE revoked_at IS NULL AND account_id =
        (SELECT id FROM accounts WHERE lower(email) = lower('${creds[who].email}'))
      ORDER BY created_at DESC LIMIT 1)
    RETURNING 1`);
  assert.ok(revoked.length > 0, "a session was revoked");
}

// Follows the menu's links in turn until one screen asks the server.
async function actUntilExpired(page) {
  const expired = page.getByText(EXPIRED);
  const hrefs = [];
  for (const l of await page.getByRole("navigation").getByRole("link").all()) hrefs.push(await l.getAttribute("href"));
  for (const href of [...hrefs.slice(1), ...hrefs]) {
    const link = page.getByRole("navigation").locator(`a[href="${href}"]`);
    if (!(await link.count())) break; // the shell is gone: the login page is there
    await link.click();
    await expired.waitFor({ timeout: 1_000 }).catch(() => {});
    if (await expired.isVisible()) return true;
  }
  return expired.isVisible();
}

for (const [who, role] of [["coordinator", "coordinator"], ["employer", "entrepreneur"]]) {
  test(`session expiry (${role}): after the server ends the session, the next action shows the login page and why`, async (t) => {
    const { page } = await newPage(t);
    await login(page, who);
    revoke(who);
    t.allow(/status of 401 /); // the request that finds the session gone
    if (!(await actUntilExpired(page))) {
      if (!(await screensWritten(role))) pending(`no ${role} screen asks the server yet (placeholder screens)`);
      assert.fail(`no screen of the ${role}'s menu noticed the revoked session`);
    }
    await page.getByLabel("E-mailadres").waitFor();
    assert.equal(await page.getByRole("button", { name: "Uitloggen" }).count(), 0, "the shell is gone");
    await visit(t, page, `login-expired-${role}`);
    await login(page, who, { viaPage: false }); // and logging in again works
  });
}

test("session expiry (entrepreneur): a form being filled in survives the expired session", async (t) => {
  if (!(await screensWritten("entrepreneur"))) pending("the entrepreneur's screens are not in the console yet");
  const { page } = await newPage(t, { viewport: PHONE, isMobile: true, hasTouch: true });
  await login(page, "employer");
  await page.getByRole("navigation").getByRole("link", { name: "Leerplekken", exact: true }).tap();
  await page.getByRole("button", { name: "Nieuwe leerplek" }).tap();
  const title = `Half ingevuld ${process.pid}`;
  await page.getByLabel("Titel van de leerplek").fill(title);
  await page.getByLabel("Postcode van de werkplek").fill("2516");
  const iso = (days) => new Date(Date.now() + days * 864e5).toISOString().slice(0, 10);
  await page.getByLabel("Begindatum").fill(iso(7));
  await page.getByLabel("Einddatum").fill(iso(40));
  for (const hour of [9, 10, 11]) await page.getByRole("button", { name: `donderdag ${String(hour).padStart(2, "0")}:00`, exact: true }).tap();
  revoke("employer");
  t.allow(/status of 401 /);
  await page.getByRole("button", { name: "Opslaan", exact: true }).tap();
  await page.getByText(EXPIRED).waitFor();
  await login(page, "employer", { viaPage: false });
  // back where they were, with what they typed
  await page.getByLabel("Titel van de leerplek").waitFor();
  assert.equal(await page.getByLabel("Titel van de leerplek").inputValue(), title);
  assert.equal(await page.getByLabel("Postcode van de werkplek").inputValue(), "2516");
  assert.equal(await page.getByRole("button", { name: "donderdag 10:00", exact: true }).getAttribute("aria-pressed"), "true");
  assert.equal(sql(`SELECT count(*) FROM placements WHERE title = '${title}'`), "0", "nothing was stored");
});
