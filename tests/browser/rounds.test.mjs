// A cohort round at a coordinator's desk (1280x800): the demo world's job
// seekers (a list of their numbers) over every open placement, computed
// both ways and compared side by side; one pair's explanation; a pair left
// out; the round committed behind its confirmation, and the proposed
// matches it made, linking to the match screen; a second commit is not
// offered (and the API refuses it); the other round gone stale when a
// placement changed, computed again, and the old one read-only.
// Texts: console/js/coordinator-rounds.js.
import assert from "node:assert/strict";
import { test, BASE, newPage, login, visit, settle, sql, api, call, token } from "./lib.mjs";

const TEXT = {
  nav: "Rondes",
  title: "Rondes",
  name: "Naam van de ronde (niet verplicht)",
  seekers: "Welke werkzoekenden?",
  list: "Een lijst van werkzoekenden",
  ids: "Nummers van de werkzoekenden",
  run: "Beide manieren berekenen",
  compare: "Stabiel en optimaal naast elkaar",
  figures: /^Stabiel en optimaal vergeleken/,
  differs: "Wie verschilt",
  differsNone: "Beide manieren geven iedereen dezelfde plek.",
  differsTable: /^Werkzoekenden die een andere plek krijgen/,
  openStable: /^Stabiele ronde openen \(ronde \d+\)$/,
  pairs: /^Paren in ronde \d+/,
  why: /^Toelichting/,
  drop: /^Weglaten/,
  undrop: /^Terugzetten/,
  leftOut: "weggelaten",
  commitGo: "Ronde vastleggen…",
  confirm: /^Ronde \d+ vastleggen\?$/,
  commitYes: /^Ja, \d+ match(es)? voorstellen$/,
  done: /^Vastgelegd: \d+ match(es)? voorgesteld\./,
  created: /^Voorgestelde matches uit ronde \d+/,
  committed: /Deze ronde is vastgelegd op/,
  proposed: "voorgesteld",
  english: "English",
  summary: "Nog niet alles is goed ingevuld:",
  idsProblem: /Nummers van de werkzoekenden: Vul een of meer nummers in/,
  stale: /De gegevens zijn veranderd sinds deze ronde is berekend/,
  recompute: "Opnieuw berekenen",
  recomputed: /^Opnieuw berekend als ronde \d+\. Ronde \d+ is vervangen\.$/,
  superseded: /Deze ronde is opnieuw berekend en vervangen door ronde \d+/,
};

// A figure as the console writes it in Dutch (1.234; 71,5).
const nl = (value, digits = 0) =>
  Number(value).toLocaleString("nl-NL", { minimumFractionDigits: digits, maximumFractionDigits: digits });

test("rounds: the demo world computed both ways side by side; a pair explained and left out; committed once into proposed matches; a stale round computed again", async (t) => {
  const coordinator = await token("coordinator");
  const demo = sql("SELECT string_agg(id::text, ', ' ORDER BY id) FROM seekers WHERE external_ref LIKE 'demo-%'");
  assert.ok(demo, "the demo world's job seekers");
  const name = `Cohort browser ${process.pid}`;
  const roundsBefore = sql("SELECT count(*) FROM rounds");

  const { page } = await newPage(t);
  await login(page, "coordinator");
  await page.getByRole("navigation").getByRole("link", { name: TEXT.nav, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: TEXT.title }).waitFor();
  await settle(page);
  await visit(t, page, "coordinator-rounds");

  // the choice: the demo seekers by number, every open placement; a
  // number that is not one is said at the top and at its field first
  await page.getByLabel(TEXT.name).fill(name);
  await page.getByRole("group", { name: TEXT.seekers }).getByLabel(TEXT.list).check();
  await page.getByLabel(TEXT.ids).fill(`${demo}, twaalf`);
  await page.getByRole("button", { name: TEXT.run }).click();
  await page.getByText(TEXT.summary).waitFor();
  await page.getByRole("button", { name: TEXT.idsProblem }).waitFor();
  assert.equal(await page.getByLabel(TEXT.ids).getAttribute("aria-invalid"), "true");
  assert.equal(sql("SELECT count(*) FROM rounds"), roundsBefore, "nothing computed");
  await visit(t, page, "coordinator-rounds-invalid");
  await page.getByLabel(TEXT.ids).fill(demo);
  await page.getByRole("button", { name: TEXT.run }).click();

  // side by side: the figures are the API's
  await page.getByRole("heading", { level: 1, name: TEXT.compare }).waitFor();
  await settle(page);
  const { items } = await call("GET", "/v1/rounds?limit=2", { token: coordinator });
  const [optimalId, stableId] = items.map((r) => r.id);
  const stable = await call("GET", `/v1/rounds/${stableId}`, { token: coordinator });
  const optimal = await call("GET", `/v1/rounds/${optimalId}`, { token: coordinator });
  assert.equal(stable.mode, "stable");
  assert.equal(optimal.mode, "optimal");
  assert.equal(stable.name, name);
  assert.deepEqual(stable.params.seeker_ids, demo.split(", ").map(Number), "the seekers chosen by number");
  const figures = page.getByRole("table", { name: TEXT.figures });
  const rowText = async (label) => (await figures.getByRole("row").filter({ hasText: label }).first().innerText()).split("\t").map((s) => s.trim());
  assert.deepEqual(await rowText("Geplaatst"), ["Geplaatst", nl(stable.totals.placed), nl(optimal.totals.placed)]);
  assert.deepEqual(await rowText("Totaalscore"), ["Totaalscore", nl(stable.totals.total_score), nl(optimal.totals.total_score)]);
  assert.deepEqual(await rowText("Gemiddelde score"), ["Gemiddelde score", nl(stable.totals.mean_score, 1), nl(optimal.totals.mean_score, 1)]);
  assert.deepEqual(await rowText("Blokkerende paren"), ["Blokkerende paren", "0", nl(optimal.totals.blocking_pairs)]);
  // who differs: as many rows as the comparison counts
  const differ = stable.comparison.seekers_placed_differently;
  if (differ) assert.equal(await page.getByRole("table", { name: TEXT.differsTable }).locator("tbody tr").count(), differ);
  else await page.getByText(TEXT.differsNone).waitFor();
  await visit(t, page, "coordinator-rounds-compare");

  // the stable round: its pairs, one explained
  await page.getByRole("link", { name: TEXT.openStable }).click();
  await page.getByRole("heading", { level: 1, name: `Ronde ${stableId}` }).waitFor();
  await settle(page);
  const pairs = page.getByRole("table", { name: TEXT.pairs });
  assert.equal(await pairs.locator("tbody tr:not([hidden])").count(), stable.pairs.length, "a row per pair");
  assert.ok(stable.pairs.length >= 2, "the demo world places at least two job seekers");
  await visit(t, page, "coordinator-round");
  const first = stable.pairs[0];
  await pairs.getByRole("button", { name: TEXT.why }).first().click();
  await pairs.getByRole("heading", { name: `Score ${first.score} van 100` }).waitFor();
  await visit(t, page, "coordinator-round-explanation");

  // leave the last pair out
  const last = stable.pairs[stable.pairs.length - 1];
  const lastRow = pairs.getByRole("row").filter({ has: page.getByRole("link", { name: `Werkzoekende ${last.seeker_id}`, exact: true }) });
  await lastRow.getByRole("button", { name: TEXT.drop }).click();
  await lastRow.getByRole("button", { name: TEXT.undrop }).waitFor();
  await lastRow.getByText(TEXT.leftOut, { exact: true }).waitFor();
  assert.equal(sql(`SELECT dropped FROM round_pairs WHERE round_id = ${stableId} AND seeker_id = ${last.seeker_id}`), "t");
  await visit(t, page, "coordinator-round-dropped");

  // commit, behind its confirmation
  await page.getByRole("button", { name: TEXT.commitGo }).click();
  const confirm = page.getByRole("group", { name: TEXT.confirm });
  await confirm.waitFor();
  const yes = confirm.getByRole("button", { name: TEXT.commitYes });
  assert.equal((await yes.innerText()).trim(), `Ja, ${stable.pairs.length - 1} matches voorstellen`);
  await visit(t, page, "coordinator-round-confirm");
  await yes.click();

  // the answer: the proposed matches, each a link to its match
  await page.getByText(TEXT.done).waitFor();
  await settle(page);
  const after = await call("GET", `/v1/rounds/${stableId}`, { token: coordinator });
  assert.equal(after.status, "committed");
  const created = after.commit.created;
  assert.equal(created.length + after.commit.skipped.length, stable.pairs.length - 1, "every pair kept: proposed or skipped");
  assert.ok(created.length >= 1, "at least one match proposed");
  assert.ok(!created.some((c) => Number(c.seeker_id) === Number(last.seeker_id)), "the pair left out is not proposed");
  for (const c of created)
    assert.equal(sql(`SELECT state || ' ' || seeker_id || ' ' || placement_id FROM matches WHERE id = ${c.match_id}`),
      `proposed ${c.seeker_id} ${c.placement_id}`);
  const table = page.getByRole("table", { name: TEXT.created });
  assert.equal(await table.locator("tbody tr").count(), created.length);
  await page.getByText(TEXT.committed).waitFor();
  await visit(t, page, "coordinator-round-committed");

  // a second commit: not offered, and refused by the API
  const offered = async () => (await page.getByRole("button", { name: TEXT.commitGo }).count())
    + (await page.getByRole("button", { name: TEXT.drop }).count()) + (await page.getByRole("button", { name: TEXT.undrop }).count());
  assert.equal(await offered(), 0, "no commit, leave out or put back on a committed round");
  await page.reload();
  await page.getByText(TEXT.committed).waitFor();
  await settle(page);
  assert.equal(await offered(), 0, "nor after a reload");
  const again = await api("POST", `/v1/rounds/${stableId}/commit`, { token: coordinator });
  assert.equal(again.status, 409);
  assert.equal(again.json?.error?.code, "round_committed");

  // the same round in English
  await page.getByRole("button", { name: TEXT.english }).click();
  await page.getByRole("heading", { level: 1, name: `Round ${stableId}` }).waitFor();
  await page.getByText(/This round was committed on/).waitFor();
  await settle(page);
  await visit(t, page, "coordinator-round-committed-en");
  await page.getByRole("button", { name: "Nederlands" }).click();
  await page.getByRole("heading", { level: 1, name: `Ronde ${stableId}` }).waitFor();

  // a proposed match, on the match screen the console already has
  await table.getByRole("link", { name: `Match ${created[0].match_id}`, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: `Match ${created[0].match_id}` }).waitFor();
  await page.getByText(TEXT.proposed, { exact: true }).first().waitFor();

  // the optimal round goes stale when a placement in it changes (one more
  // place), and is computed again; the old one stays, read-only
  const placement = optimal.placements_left[0]?.placement_id ?? optimal.pairs[0].placement_id;
  sql(`UPDATE placements SET capacity = capacity + 1 WHERE id = ${placement}`);
  try {
    await page.goto(`${BASE}/#/rounds/${optimalId}`);
    await page.getByText(TEXT.stale).waitFor();
    await settle(page);
    await visit(t, page, "coordinator-round-stale");
    await page.getByRole("button", { name: TEXT.recompute }).click();
    await page.getByText(TEXT.recomputed).waitFor();
    await settle(page);
    const newest = (await call("GET", "/v1/rounds?limit=1", { token: coordinator })).items[0];
    assert.ok(newest.id > optimalId, "a new round");
    assert.equal(newest.mode, "optimal");
    await page.getByRole("heading", { level: 1, name: `Ronde ${newest.id}` }).waitFor();
    assert.equal(await page.getByText(TEXT.stale).count(), 0, "the new round is not stale");
    await page.getByRole("button", { name: TEXT.commitGo }).waitFor();
    await visit(t, page, "coordinator-round-recomputed");
    assert.equal((await call("GET", `/v1/rounds/${optimalId}`, { token: coordinator })).status, "superseded");
    await page.goto(`${BASE}/#/rounds/${optimalId}`);
    await page.getByText(TEXT.superseded).waitFor();
    await settle(page);
    assert.equal(await page.getByText(TEXT.stale).count(), 0, "a superseded round is not offered again");
    assert.equal(await offered(), 0, "a superseded round is only shown");

    // the list: the stable round committed, the optimal one superseded, the new one computed
    await page.goto(`${BASE}/#/rounds`);
    const list = page.getByRole("table", { name: /^Eerdere rondes/ });
    await list.waitFor();
    await settle(page);
    const state = (id) => list.getByRole("row").filter({ has: page.getByRole("link", { name: `Ronde ${id}`, exact: true }) });
    await state(stableId).getByText("vastgelegd", { exact: true }).waitFor();
    await state(optimalId).getByText("vervangen", { exact: true }).waitFor();
    await state(newest.id).getByText("berekend", { exact: true }).waitFor();
    await visit(t, page, "coordinator-rounds-list");
  } finally {
    sql(`UPDATE placements SET capacity = capacity - 1 WHERE id = ${placement}`);
  }
}, { timeout: 90_000 });
