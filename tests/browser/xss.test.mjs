// Whatever people typed is shown as text: a seeker and a placement whose
// names are HTML show that HTML as letters, and no script runs.
import assert from "node:assert/strict";
import { test, BASE, PHONE, newPage, login, visit, settle, createSeeker, createPlacement, screensWritten, pending } from "./lib.mjs";

const PAYLOAD = "<img src=x onerror=alert(1)>";

// Opens #PATH and checks that PAYLOAD shows as text there; false when the
// console has no such screen ("Pagina niet gevonden").
async function shownAsText(t, page, path, name) {
  await page.goto(`${BASE}/#${path}`);
  const h1 = page.locator("main h1").first();
  await h1.waitFor();
  await settle(page);
  if ((await h1.textContent()).includes("Pagina niet gevonden")) return false;
  const shown = page.getByText(PAYLOAD, { exact: false }).first();
  await shown.waitFor({ timeout: 10_000 });
  assert.ok(await shown.isVisible(), `${name}: the name is visible as text`);
  assert.equal(await page.locator('img[src="x"]').count(), 0, `${name}: no <img> was made from the name`);
  assert.equal(await page.locator("main script").count(), 0, `${name}: no <script> in the page`);
  await visit(t, page, `xss-${name}`);
  return true;
}

let placement = null;
const xssPlacement = async () =>
  (placement ??= await createPlacement({ title: PAYLOAD, description: `${PAYLOAD} <script>alert(2)</script>` }));

test("XSS (entrepreneur): a placement titled <img src=x onerror=alert(1)> is text in the list and on its page", async (t) => {
  const p = await xssPlacement();
  const { page } = await newPage(t, { viewport: PHONE, isMobile: true, hasTouch: true });
  await login(page, "employer");
  const missing = [];
  for (const [path, name] of [["/placements", "entrepreneur-placements"], [`/placements/${p.id}`, "entrepreneur-placement"]])
    if (!(await shownAsText(t, page, path, name))) missing.push(`#${path}`);
  await page.waitForTimeout(300); // an onerror would have fired by now
  assert.deepEqual(t.dialogs, [], "no dialog opened");
  if (missing.length) {
    if (!(await screensWritten("entrepreneur"))) pending(`no entrepreneur screen at ${missing.join(" and ")} yet`);
    assert.fail(`the entrepreneur has no screen at ${missing.join(" and ")}`);
  }
});

test("XSS (coordinator): a seeker and a placement named <img src=x onerror=alert(1)> are text on their pages", async (t) => {
  const seeker = await createSeeker({ name: PAYLOAD, external_ref: `xss-${process.pid}` }, { as: "coordinator" });
  const p = await xssPlacement();
  const { page } = await newPage(t);
  await login(page, "coordinator");
  const missing = [];
  for (const [path, name] of [[`/seekers/${seeker.id}`, "coordinator-seeker"], [`/placements/${p.id}`, "coordinator-placement"]])
    if (!(await shownAsText(t, page, path, name))) missing.push(`#${path}`);
  await page.waitForTimeout(300);
  assert.deepEqual(t.dialogs, [], "no dialog opened");
  if (missing.length) {
    if (!(await screensWritten("coordinator"))) pending(`no coordinator screen at ${missing.join(" and ")} yet`);
    assert.fail(`the coordinator has no screen at ${missing.join(" and ")}`);
  }
});
