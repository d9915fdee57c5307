// The entrepreneur's story, on a phone (390x844): log in, make a placement
// with two skills found by searching and a schedule tapped on the grid, open
// it, see a candidate, accept a match the coordinator approved, and see the
// seeker's contact once the seeker confirmed (the portal's part, through the
// API). Found by accessible names: the texts below follow
// /work/shared/guide/console.md's words; match them to
// console/js/entrepreneur*.js when the screens change.
import assert from "node:assert/strict";
import {
  test, PHONE, newPage, login, visit, settle, sql, createSeeker, apply, transition, needScreens, SKILL,
} from "./lib.mjs";

const TEXT = {
  placements: "Leerplekken", // the menu item
  newPlacement: "Nieuwe leerplek",
  title: "Titel van de leerplek",
  postcode: "Postcode van de werkplek",
  start: "Begindatum",
  end: "Einddatum",
  skillSearch: "Zoek een vaardigheid",
  addSkill: (label) => `Voeg toe: ${label}`,
  schedule: "Weekrooster",
  hour: (day, hour) => `${day} ${String(hour).padStart(2, "0")}:00`, // a grid button, "maandag 09:00"
  save: "Opslaan",
  saved: "De leerplek is opgeslagen.",
  open: "Leerplek openzetten",
  opened: "De leerplek staat open. De academie gaat kandidaten zoeken.",
  candidates: "Kandidaten",
  matches: "Matches", // the menu item
  accept: "Accepteren",
  accepted: "Je hebt de match geaccepteerd.",
  contact: "Contactgegevens",
};
const TITLE = `Monteur in opleiding ${process.pid}`;
const SEEKER = { name: "Ondernemer Verhaal Kandidaat", email: "kandidaat@example.org", phone: "+31 70 555 0123" };

test("entrepreneur: placement with searched skills and a tapped schedule, open it, candidate, accept, contact", async (t) => {
  await needScreens("entrepreneur");
  // a seeker who fits such a place, and whose contact must stay hidden until confirmed
  const seeker = await createSeeker(SEEKER);
  const { page } = await newPage(t, { viewport: PHONE, isMobile: true, hasTouch: true });
  await login(page, "employer");
  await visit(t, page, "entrepreneur-home");

  // a new placement
  await page.getByRole("navigation").getByRole("link", { name: TEXT.placements, exact: true }).tap();
  await settle(page);
  await visit(t, page, "entrepreneur-placements");
  await page.getByRole("button", { name: TEXT.newPlacement }).tap();
  await page.getByLabel(TEXT.title).waitFor();
  await visit(t, page, "entrepreneur-placement-new");
  await page.getByLabel(TEXT.title).fill(TITLE);
  await page.getByLabel(TEXT.postcode).fill("2516");
  const iso = (days) => new Date(Date.now() + days * 864e5).toISOString().slice(0, 10);
  await page.getByLabel(TEXT.start).fill(iso(3));
  await page.getByLabel(TEXT.end).fill(iso(45));

  // two skills, each found by searching
  for (const [query, label] of [["veilig werken", "veilig werken op de bouwplaats"], ["meten", "meten met meetinstrumenten"]]) {
    await page.getByLabel(TEXT.skillSearch).fill(query);
    await page.getByRole("button", { name: TEXT.addSkill(label) }).tap();
  }
  // the schedule: Monday to Wednesday, 8 to 12, tapped on the grid
  const grid = page.getByRole("group", { name: TEXT.schedule });
  for (const day of ["maandag", "dinsdag", "woensdag"])
    for (const hour of [8, 9, 10, 11]) {
      const cell = grid.getByRole("button", { name: TEXT.hour(day, hour), exact: true });
      await cell.tap();
      assert.equal(await cell.getAttribute("aria-pressed"), "true", `${day} ${hour}:00 is on`);
    }
  await visit(t, page, "entrepreneur-placement-filled");
  await page.getByRole("button", { name: TEXT.save, exact: true }).tap();

  // saved: the placement's page
  await page.getByText(TEXT.saved).waitFor({ timeout: 10_000 });
  await page.getByRole("heading", { level: 1, name: TITLE }).waitFor();
  const placementId = Number(sql(`SELECT id FROM placements WHERE title = '${TITLE}'`));
  assert.ok(placementId > 0, "the placement is stored");
  const skills = sql(`SELECT skill_uri FROM placement_required_skills WHERE placement_id = ${placementId} ORDER BY 1`).split("\n");
  assert.deepEqual(skills, [SKILL.site, SKILL.measure].sort(), "the two skills found by search");
  assert.equal(Number(sql(`SELECT hours_per_week FROM placements WHERE id = ${placementId}`)), 12, "12 hours tapped");
  await settle(page);
  await visit(t, page, "entrepreneur-placement");

  // open it; the candidates appear, without names
  await page.getByRole("button", { name: TEXT.open }).tap();
  await page.getByText(TEXT.opened).first().waitFor();
  assert.equal(sql(`SELECT status FROM placements WHERE id = ${placementId}`), "open");
  const candidates = page.getByRole("region", { name: TEXT.candidates }).or(page.locator("section.candidates")).first();
  await candidates.getByRole("listitem").first().waitFor({ timeout: 10_000 });
  await settle(page);
  assert.equal(await page.getByText(SEEKER.name).count(), 0, "no seeker's name among the candidates");
  assert.equal(await page.getByText(SEEKER.email).count(), 0, "no contact among the candidates");
  await visit(t, page, "entrepreneur-candidates");

  // the portal applies, the coordinator approves: the entrepreneur accepts
  const match = await apply(seeker.id, placementId);
  await transition("coordinator", match.id, "approve");
  await page.getByRole("navigation").getByRole("link", { name: TEXT.matches, exact: true }).tap();
  const card = page.getByRole("article", { name: TITLE });
  await card.getByRole("button", { name: TEXT.accept, exact: true }).waitFor({ timeout: 10_000 });
  await settle(page);
  assert.equal(await page.getByText(SEEKER.email).count(), 0, "no contact before the seeker confirmed");
  assert.equal(await page.getByText(SEEKER.name).count(), 0, "no name before the seeker confirmed");
  await visit(t, page, "entrepreneur-matches");
  await card.getByRole("button", { name: TEXT.accept, exact: true }).tap();
  await page.getByText(TEXT.accepted).first().waitFor();
  assert.equal(sql(`SELECT employer_accepted FROM matches WHERE id = ${match.id}`), "t");

  // the seeker confirms (through the portal): the contact appears
  await transition("portal", match.id, "confirm");
  await page.reload();
  const confirmed = page.getByRole("article", { name: TITLE });
  await confirmed.getByRole("heading", { name: TEXT.contact }).waitFor({ timeout: 10_000 });
  await confirmed.getByText(SEEKER.email).first().waitFor();
  await confirmed.getByText(SEEKER.name).first().waitFor();
  await settle(page);
  await visit(t, page, "entrepreneur-contact");
}, { timeout: 60_000 });
