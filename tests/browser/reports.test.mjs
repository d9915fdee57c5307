// The reports screen at a coordinator's desk: the demo world's funnel,
// unmet demand by district and the skills gap, each figure checked against
// the API; each table downloaded as CSV (the API's own CSV, its first row
// the table's first row); the funnel per week and employer; a range that
// ends before it starts refused at its field; the screen in English.
// The world gets one match that was applied for and rejected (so the funnel
// has something whether or not earlier tests made matches) and one open
// placement in the Binckhorst that no job seeker can fill (it asks an
// essential skill nobody has), closed again at the end.
// Texts: console/js/coordinator-reports.js.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  test, newPage, login, visit, settle, sql, call, token, createSeeker, createPlacement, apply, transition,
} from "./lib.mjs";

const TEXT = {
  nav: "Rapportages",
  title: "Rapportages",
  from: "Van",
  to: "Tot en met",
  period: "Per",
  group: "Uitsplitsen naar",
  show: "Tonen",
  funnel: "Trechter",
  funnelTable: "Trechter per maand",
  funnelWeekTable: "Trechter per week en werkgever",
  funnelChart: /^Matches per stap/,
  unmet: "Niet-vervulde vraag",
  districtTable: "Niet-vervulde vraag per wijk",
  districtChart: /^Niet-vervulde leerplekken per wijk/,
  gap: "Ontbrekende vaardigheden",
  gapTable: "Onmisbare vaardigheden die ontbreken",
  gapChart: /^Vaardigheden die het vaakst ontbreken/,
  csv: (table) => `CSV downloaden (${table})`,
  summary: "Nog niet alles is goed ingevuld:",
  order: /De einddatum mag niet voor de begindatum liggen/,
  english: "English",
};

// A figure as the console writes it in Dutch (1.234).
const nl = (value) => Number(value).toLocaleString("nl-NL");
const en = (value) => Number(value).toLocaleString("en-GB");
const STEPS = ["applied", "proposed", "approved", "accepted", "confirmed", "started", "completed",
  "dropped_out", "rejected", "declined", "withdrawn", "cancelled"];
// a skill of the reference fixture that no job seeker has (the demo world teaches it)
const NOBODY_HAS = "http://data.europa.eu/esco/skill/792789aa-6122-4dd7-be50-bcdb46f85725";

// RFC 4180, enough for the reports: quoted fields with "" inside.
function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\r" && text[i + 1] === "\n") { row.push(field); rows.push(row); row = []; field = ""; i++; }
    else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((name, i) => [name, r[i]])));
}

// The cells of a table's first body row (and of its footer), as text.
const cells = async (locator) => (await locator.locator("th, td").allInnerTexts()).map((s) => s.trim());

// Clicks a "Download CSV" link; answers the file's rows.
async function download(page, name) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name, exact: true }).click()]);
  assert.match(file.suggestedFilename(), /\.csv$/, `${name}: a .csv file`);
  const text = readFileSync(await file.path(), "utf8");
  assert.ok(text.includes("\r\n"), `${name}: CSV records end with CRLF`);
  return { rows: parseCsv(text), text, filename: file.suggestedFilename() };
}

test("reports: the demo world's funnel, unmet demand by district and the skills gap, checked against the API, each downloaded as CSV; per week and employer; in English", async (t) => {
  const coordinator = await token("coordinator");
  const placement = await createPlacement({
    title: "Browser reports placement",
    postcode: "2516",
    capacity: 1,
    required_skills: [{ uri: NOBODY_HAS, min_level: 2, essential: true }],
  });
  try {
    const seeker = await createSeeker();
    const demoPlacement = sql("SELECT min(id) FROM placements WHERE status = 'open' AND title = 'Houtbewerking in de werkplaats'");
    const match = await apply(seeker.id, Number(demoPlacement));
    await transition("coordinator", match.id, "reject", { reason_code: "not_suitable" });

    const { page } = await newPage(t);
    await login(page, "coordinator");
    await page.getByRole("navigation").getByRole("link", { name: TEXT.nav, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: TEXT.title }).waitFor();
    await page.getByRole("table", { name: TEXT.funnelTable }).waitFor();
    await settle(page);
    const from = await page.getByLabel(TEXT.from, { exact: true }).inputValue();
    const to = await page.getByLabel(TEXT.to, { exact: true }).inputValue();
    assert.match(from, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(to, /^\d{4}-\d{2}-\d{2}$/);

    // the funnel: the chart and the table are the API's figures
    const funnel = await call("GET", `/v1/reports/funnel?from=${from}&to=${to}&period=month`, { token: coordinator });
    assert.ok(funnel.totals.entered.applied >= 1 && funnel.totals.entered.rejected >= 1, "the match made here counts");
    const chart = await page.getByRole("img", { name: TEXT.funnelChart }).getAttribute("aria-label");
    assert.match(chart, new RegExp(`Aangemeld: ${nl(funnel.totals.entered.applied)}\\b`));
    assert.match(chart, new RegExp(`Goedgekeurd: ${nl(funnel.totals.entered.approved)}\\b`));
    const funnelTable = page.getByRole("table", { name: TEXT.funnelTable });
    assert.equal(await funnelTable.locator("tbody tr").count(), funnel.rows.length, "a row per month with anything in it");
    const firstFunnel = await cells(funnelTable.locator("tbody tr").first());
    assert.deepEqual(firstFunnel.slice(1, 13), STEPS.map((s) => nl(funnel.rows[0].entered[s])), "the first month's figures");
    const totalFunnel = await cells(funnelTable.locator("tfoot tr"));
    assert.equal(totalFunnel[0], "Totaal");
    assert.deepEqual(totalFunnel.slice(1, 13), STEPS.map((s) => nl(funnel.totals.entered[s])), "the totals");

    // unmet demand by district: the Binckhorst placement made here is in it
    const unmet = await call("GET", "/v1/reports/unmet-demand", { token: coordinator });
    const binckhorst = unmet.by_district.find((d) => d.pc4 === "2516");
    assert.ok(binckhorst && binckhorst.area === "Binckhorst", "the placement nobody can fill, in 2516");
    await page.getByRole("img", { name: TEXT.districtChart }).waitFor();
    const districtTable = page.getByRole("table", { name: TEXT.districtTable });
    assert.equal(await districtTable.locator("tbody tr").count(), unmet.by_district.length, "a row per district");
    const firstDistrict = await cells(districtTable.locator("tbody tr").first());
    assert.ok(firstDistrict[0].startsWith(String(unmet.by_district[0].pc4)), `the first district: ${firstDistrict[0]}`);
    assert.equal(firstDistrict[1], nl(unmet.by_district[0].placements));
    const binckhorstRow = await cells(districtTable.getByRole("row").filter({ hasText: "2516 Binckhorst, Laak" }));
    assert.equal(binckhorstRow[1], nl(binckhorst.placements));
    assert.match(binckhorstRow[2], /Onmisbare vaardigheid ontbreekt \(\d+\)/, "the reason in words");
    await page.getByText(new RegExp(`^${nl(unmet.unmet_placements)} van de ${nl(unmet.open_placements)} open leerplekken`)).waitFor();

    // the skills gap: the skill nobody has, and the table's first row
    const gap = await call("GET", "/v1/reports/skills-gap?limit=25", { token: coordinator });
    assert.ok(gap.skills.some((s) => s.uri === NOBODY_HAS), "the skill nobody has is missing");
    await page.getByRole("img", { name: TEXT.gapChart }).waitFor();
    const gapTable = page.getByRole("table", { name: TEXT.gapTable });
    assert.equal(await gapTable.locator("tbody tr").count(), gap.skills.length, "a row per skill");
    const firstGap = await cells(gapTable.locator("tbody tr").first());
    assert.deepEqual(firstGap, [gap.skills[0].label_nl ?? gap.skills[0].label_en, nl(gap.skills[0].pairs_missing),
      nl(gap.skills[0].placements_requiring), nl(gap.skills[0].seekers_having)]);
    await visit(t, page, "coordinator-reports");

    // each table as CSV: the API's file, its first row the table's first row
    const funnelCsv = await download(page, TEXT.csv(TEXT.funnelTable));
    assert.ok(funnelCsv.text.startsWith("period_start,group_key,group_label,applied,"), "the funnel's header row");
    assert.equal(funnelCsv.rows[0].period_start, funnel.rows[0].period_start);
    assert.deepEqual(STEPS.map((s) => nl(funnelCsv.rows[0][s])), firstFunnel.slice(1, 13), "the CSV's first row is the table's");
    assert.equal(funnelCsv.rows.at(-1).period_start, "total");
    assert.deepEqual(STEPS.map((s) => nl(funnelCsv.rows.at(-1)[s])), totalFunnel.slice(1, 13), "and its last the totals");

    const unmetCsv = await download(page, TEXT.csv(TEXT.districtTable));
    assert.ok(unmetCsv.text.startsWith("grouping,key,label,area,placements,item,item_code,item_label,pairs,label_nl,item_label_nl"), "the unmet demand's header row");
    const districtRows = unmetCsv.rows;
    assert.ok(districtRows.every((r) => r.grouping === "district"), "the districts' table as CSV holds the districts alone");
    assert.equal(unmetCsv.filename, "unmet-demand-by_district.csv");
    assert.equal(districtRows[0].key, String(unmet.by_district[0].pc4));
    assert.ok(firstDistrict[0].startsWith(districtRows[0].key), "the first district of the CSV is the table's");
    assert.equal(nl(districtRows[0].placements), firstDistrict[1]);
    assert.equal(new Set(districtRows.map((r) => r.key)).size, unmet.by_district.length, "every district of the table");
    const binckhorstCsv = districtRows.filter((r) => r.key === "2516");
    assert.ok(binckhorstCsv.some((r) => r.item === "reason" && r.item_code === "essential_skill"), "the reason of the Binckhorst placement");
    assert.ok(binckhorstCsv.some((r) => r.item === "missing_skill" && r.item_code === NOBODY_HAS), "and the skill it misses");

    const gapCsv = await download(page, TEXT.csv(TEXT.gapTable));
    assert.ok(gapCsv.text.startsWith("uri,label_en,label_nl,pairs_missing,placements_requiring,seekers_having"), "the skills gap's header row");
    assert.equal(gapCsv.rows.length, gap.skills.length, "a CSV row per table row");
    const g = gapCsv.rows[0];
    assert.deepEqual([g.label_nl || g.label_en, nl(g.pairs_missing), nl(g.placements_requiring), nl(g.seekers_having)], firstGap,
      "the CSV's first row is the table's");

    // a range that ends before it starts: said at the field, nothing asked
    await page.getByLabel(TEXT.to, { exact: true }).fill("2020-01-01");
    await page.getByRole("button", { name: TEXT.show }).click();
    await page.getByText(TEXT.summary).waitFor();
    await page.getByText(TEXT.order).first().waitFor();
    assert.equal(await page.getByLabel(TEXT.to, { exact: true }).getAttribute("aria-invalid"), "true");
    await page.getByLabel(TEXT.to, { exact: true }).fill(to);

    // per week and employer
    await page.getByLabel(TEXT.period, { exact: true }).selectOption("week");
    await page.getByLabel(TEXT.group, { exact: true }).selectOption("employer");
    await page.getByRole("button", { name: TEXT.show }).click();
    const weekTable = page.getByRole("table", { name: TEXT.funnelWeekTable });
    await weekTable.waitFor();
    await settle(page);
    const weekly = await call("GET", `/v1/reports/funnel?from=${from}&to=${to}&period=week&group=employer`, { token: coordinator });
    assert.equal(await weekTable.locator("tbody tr").count(), weekly.rows.length, "a row per week and employer");
    const firstWeek = await cells(weekTable.locator("tbody tr").first());
    assert.equal(firstWeek[1], weekly.rows[0].group.label, "the employer's name");
    assert.deepEqual(firstWeek.slice(2, 14), STEPS.map((s) => nl(weekly.rows[0].entered[s])));
    const weekCsv = await download(page, TEXT.csv(TEXT.funnelWeekTable));
    assert.equal(weekCsv.rows[0].group_label, weekly.rows[0].group.label, "the CSV has the same breakdown");
    assert.deepEqual(STEPS.map((s) => nl(weekCsv.rows[0][s])), firstWeek.slice(2, 14));
    await visit(t, page, "coordinator-reports-week");

    // in English: the same figures, the skills by their English names
    await page.getByRole("button", { name: TEXT.english }).click();
    await page.getByRole("heading", { level: 1, name: "Reports" }).waitFor();
    await page.getByRole("table", { name: "Funnel per week and employer" }).waitFor();
    await page.getByRole("heading", { level: 2, name: "Unmet demand" }).waitFor();
    await page.getByRole("table", { name: "Unmet demand by district" }).getByRole("row").filter({ hasText: "2516 Binckhorst, Laak" })
      .getByText(/Essential skill missing \(\d+\)/).waitFor();
    const gapEn = page.getByRole("table", { name: "Essential skills missing" });
    await gapEn.waitFor();
    await settle(page);
    assert.deepEqual((await cells(gapEn.locator("tbody tr").first())).slice(0, 2),
      [gap.skills[0].label_en ?? gap.skills[0].label_nl, en(gap.skills[0].pairs_missing)]);
    await page.getByRole("link", { name: "Download CSV (Essential skills missing)", exact: true }).waitFor();
    await visit(t, page, "coordinator-reports-en");
    await page.getByRole("button", { name: "Nederlands" }).click();
    await page.getByRole("heading", { level: 1, name: TEXT.title }).waitFor();
  } finally {
    await call("POST", `/v1/placements/${placement.id}/close`, { token: coordinator }, 200);
  }
}, { timeout: 90_000 });
