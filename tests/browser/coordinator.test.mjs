// The coordinator's story, at a desk (1280x800): log in, open the queue,
// open a match, read its explanation, approve it; verify an employer; try a
// dead delivery again; log out. Found by accessible names: the texts below
// follow /work/shared/guide/console.md's words; match them to
// console/js/coordinator*.js when the screens change.
import assert from "node:assert/strict";
import {
  test, newPage, login, visit, settle, sql, call, token, creds,
  createSeeker, createPlacement, apply, needScreens, eventually,
} from "./lib.mjs";

const TEXT = {
  queue: /wachtrij|te beoordelen|beslissen|queue/i, // the menu item of the queue
  explanation: /toelichting/i,
  approve: /^goedkeuren/i,
  approved: /goedgekeurd/i,
  employers: /werkgevers|ondernemers|bedrijven/i, // the menu item
  verify: /verifi[eë]ren|geverifieerd/i, // the button, or a switch named "Geverifieerd"
  verified: /geverifieerd/i,
  deliveries: /meldingen|bezorging|verzending/i, // the menu item of the deliveries
  dead: /mislukt|opgegeven|dood|dead/i,
  retry: /opnieuw (proberen|versturen)/i,
  loggedOut: "Je bent uitgelogd.",
};

test("coordinator: queue, match, explanation, approve; verify an employer; retry a dead delivery; log out", async (t) => {
  await needScreens("coordinator");
  // what waits: an application, an unverified employer, a dead webhook
  const seeker = await createSeeker({ name: "Coordinator Verhaal" });
  const placement = await createPlacement({ title: "Leerplek voor het coördinatorverhaal" });
  const match = await apply(seeker.id, placement.id);
  const kvk = String(70000000 + (process.pid % 9999999)).padStart(8, "0");
  const employer = await call("POST", "/v1/employers", {
    token: await token("coordinator"),
    body: { kvk_number: kvk, name: "Nog Te Verifiëren BV", postcode: "2516" },
  }, 201);
  const delivery = sql(`INSERT INTO notifications (event_id, event_type, match_id, channel, recipient_kind,
      recipient_id, payload, status, attempts, last_error)
    VALUES ('browser-dead-${process.pid}', 'application_received', ${match.id}, 'webhook', 'portal',
      ${creds.portal.id}, '{}', 'dead', 8, 'connection refused (made dead by the browser tests)')
    RETURNING id`);

  const { page } = await newPage(t);
  await login(page, "coordinator");
  await visit(t, page, "coordinator-home");

  // the queue, and in it the application
  await page.getByRole("navigation").getByRole("link", { name: TEXT.queue }).click();
  await settle(page);
  await visit(t, page, "coordinator-queue");
  const row = page.getByRole("row").filter({ hasText: "Leerplek voor het coördinatorverhaal" });
  await row.first().waitFor();
  await row.first().getByRole("link").first().click();

  // the match: its explanation, then approve
  await page.getByRole("heading", { name: TEXT.explanation }).or(page.getByText(TEXT.explanation)).first().waitFor();
  await settle(page);
  await visit(t, page, "coordinator-match");
  await page.getByRole("button", { name: TEXT.approve }).click();
  await page.getByText(TEXT.approved).first().waitFor();
  await eventually(() => sql(`SELECT state FROM matches WHERE id = ${match.id}`) === "approved", { what: "the match approved" });
  await visit(t, page, "coordinator-match-approved");

  // verify the employer
  await page.getByRole("navigation").getByRole("link", { name: TEXT.employers }).click();
  await settle(page);
  await visit(t, page, "coordinator-employers");
  const employerRow = page.getByRole("row").filter({ hasText: "Nog Te Verifiëren BV" });
  await employerRow.first().waitFor();
  const inRow = employerRow.first().getByRole("button", { name: TEXT.verify });
  if (await inRow.count()) await inRow.first().click();
  else {
    await employerRow.first().getByRole("link").first().click();
    await settle(page);
    await visit(t, page, "coordinator-employer");
    const control = page.getByRole("button", { name: TEXT.verify }).or(page.getByRole("checkbox", { name: TEXT.verify }))
      .or(page.getByRole("switch", { name: TEXT.verify }));
    await control.first().click();
  }
  await eventually(() => sql(`SELECT verified FROM employers WHERE id = ${employer.id}`) === "t", { what: "the employer verified" });
  await page.getByText(TEXT.verified).first().waitFor();

  // the dead delivery, tried again
  await page.getByRole("navigation").getByRole("link", { name: TEXT.deliveries }).click();
  await settle(page);
  await visit(t, page, "coordinator-deliveries");
  const deadRow = page.getByRole("row").filter({ hasText: "made dead by the browser tests" });
  await deadRow.first().waitFor();
  await deadRow.first().getByRole("button", { name: TEXT.retry }).click();
  await eventually(() => Number(sql(`SELECT attempts FROM notifications WHERE id = ${delivery}`)) < 8,
    { what: "the delivery queued again" });
  await visit(t, page, "coordinator-deliveries-retried");

  // log out
  await page.getByRole("button", { name: "Uitloggen" }).click();
  await page.getByText(TEXT.loggedOut).waitFor();
  await page.getByLabel("E-mailadres").waitFor();
  const me = await page.evaluate(async () => (await fetch("/v1/auth/me", { headers: { "X-BPA-Console": "1" } })).status);
  assert.equal(me, 401, "the session is over");
}, { timeout: 60_000 });
