// What the browser tests share: the daemon's address and credentials (from
// scripts/test-browser.sh), the browser, API and SQL helpers, and `visit`,
// which screenshots a screen at both sizes and runs axe-core on it.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with scripts/test-browser.sh`);
  return value;
};

export const BASE = env("BPA_BROWSER_BASE_URL"); // http://127.0.0.1:PORT
export const DATABASE_URL = env("BPA_BROWSER_DATABASE_URL");
export const OUT = process.env.BPA_BROWSER_OUT ?? "build/browser";
export const creds = JSON.parse(readFileSync(env("BPA_BROWSER_CREDENTIALS"), "utf8"));
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
mkdirSync(OUT, { recursive: true });

// ---- the tests and their outcome -------------------------------------------

export const tests = [];
// test("name", async (t) => {...}, {timeout}): run in the order declared.
export function test(name, fn, { timeout = 30_000 } = {}) {
  tests.push({ name, fn, timeout });
}

// A test whose screens are not written yet ends as "pending", not failed.
export class Pending extends Error {}
export const pending = (why) => {
  throw new Pending(why);
};

// ---- the browser ----------------------------------------------------------

let browser = null;
export async function launch() {
  browser ??= await chromium.launch({
    executablePath: process.env.BPA_BROWSER_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox"], // the tests run as root in CI
  });
  return browser;
}
export async function closeBrowser() {
  await browser?.close();
  browser = null;
}

// A fresh context (cookies, storage) with the console's language Dutch, and
// every page in it watched for console errors, uncaught exceptions and CSP
// violations. `t.problems(page)` lists what was seen; the runner fails a
// test whose pages saw any that it did not allow with `t.allow(regex)`.
export async function newContext(t, options = {}) {
  const context = await (await launch()).newContext({ viewport: DESKTOP, locale: "nl-NL", ...options });
  t.contexts.push(context);
  context.setDefaultTimeout(10_000); // well inside a test's own time, so that a failure says where
  // Not subject to the page's CSP: added by the browser, not the page.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`));
  });
  context.on("page", (page) => watch(t, page));
  return context;
}

export async function newPage(t, options) {
  const context = await newContext(t, options);
  const page = await context.newPage();
  return { context, page };
}

function watch(t, page) {
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const where = message.location()?.url ?? "";
    t.seen.push({ page, text: `console error: ${message.text()}${where ? ` (${where})` : ""}` });
  });
  page.on("pageerror", (error) => t.seen.push({ page, text: `uncaught: ${error.message}` }));
  page.on("dialog", (dialog) => {
    t.seen.push({ page, text: `dialog (${dialog.type()}): ${dialog.message()}` });
    t.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
}

// ---- the console ----------------------------------------------------------

// Logs in through the login page; waits for the shell (its "Uitloggen").
export async function login(page, who, { viaPage = true } = {}) {
  const account = creds[who];
  if (viaPage) await page.goto(`${BASE}/`);
  await page.getByLabel("E-mailadres").fill(account.email);
  await page.getByLabel("Wachtwoord").fill(account.password);
  await page.getByRole("button", { name: "Inloggen", exact: true }).click();
  await page.getByRole("button", { name: "Uitloggen" }).waitFor();
}

// The console's page title (its h1), once a screen has rendered.
export async function heading(page) {
  const h1 = page.locator("main h1").first();
  await h1.waitFor();
  return (await h1.textContent()).trim();
}

// Whether the console still has only the placeholder of a role's screens
// (coordinator.js and entrepreneur.js as the shell left them, one route
// each): then that role's stories are pending, not failed. Asks the served
// modules, so it follows the build under test.
const screenCache = new Map();
// BPA_BROWSER_FORCE=1 runs those stories all the same (to see how far they get).
export async function screensWritten(role) {
  if (process.env.BPA_BROWSER_FORCE === "1") return true;
  if (screenCache.has(role)) return screenCache.get(role);
  const html = await (await fetch(`${BASE}/`)).text();
  const build = /\/assets\/([^/]+)\/app\.js/.exec(html)?.[1];
  const prefix = role === "coordinator" ? "coordinator" : "entrepreneur";
  let routes = 0;
  // the shell's module and any companions (coordinator-queue.js ...)
  const app = await (await fetch(`${BASE}/assets/${build}/app.js`)).text();
  const names = new Set([`${prefix}.js`]);
  for (const m of app.matchAll(new RegExp(`["']\\./(${prefix}[\\w-]*\\.js)["']`, "g"))) names.add(m[1]);
  for (const name of names) {
    const response = await fetch(`${BASE}/assets/${build}/${name}`);
    if (!response.ok) continue;
    const source = await response.text();
    routes += (source.match(/\broute\(/g) ?? []).length;
    for (const m of source.matchAll(new RegExp(`["']\\./(${prefix}[\\w-]*\\.js)["']`, "g"))) {
      if (names.has(m[1])) continue;
      names.add(m[1]);
      const more = await fetch(`${BASE}/assets/${build}/${m[1]}`);
      if (more.ok) routes += ((await more.text()).match(/\broute\(/g) ?? []).length;
    }
  }
  const written = routes > 1;
  screenCache.set(role, written);
  return written;
}
export async function needScreens(role) {
  if (!(await screensWritten(role)))
    pending(`the ${role}'s screens are not in the console yet (console/js/${role === "coordinator" ? "coordinator" : "entrepreneur"}*.js hold a placeholder)`);
}

// ---- screenshots and axe-core ----------------------------------------------

export const axeResults = {}; // screen name -> {impact: count, rules: [...]}
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// Every screen the tests visit: a screenshot at 1280x800 and at 390x844
// (build/browser/NAME-WIDTH.png, and NAME-WIDTH-top.png of what shows
// before scrolling) and an axe-core run; serious and critical
// violations fail the test. The page keeps its size afterwards.
export async function visit(t, page, name) {
  await page.locator("main h1, main [role=alert]").first().waitFor();
  await settle(page);
  const size = page.viewportSize();
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: join(OUT, `${name}-${viewport.width}.png`), fullPage: true });
    // what the screen shows first, without scrolling: for the README
    await page.screenshot({ path: join(OUT, `${name}-${viewport.width}-top.png`) });
  }
  await page.setViewportSize(size);
  await axe(t, page, name);
  // a value the screen forgot to put in words
  const words = await page.locator("main").innerText();
  const leaked = words.match(/(^|[\s(:])(null|undefined|NaN|\[object Object\]|Invalid Date)(?=$|[\s).,])/m);
  if (leaked) {
    const at = words.indexOf(leaked[2]);
    t.failures.push(`${name}: the screen shows "${leaked[2]}": …${words.slice(Math.max(0, at - 80), at + 20).replace(/\s+/g, " ")}…`);
  }
}

// Waits until the console shows no "loading" status any more.
export async function settle(page) {
  await page.waitForFunction(() => !document.querySelector("main .loading"), null, { timeout: 10_000 }).catch(() => {});
}

// axe-core in the page as it is, under its CSP: page.evaluate runs through
// the DevTools protocol, which the page's script-src does not govern (an
// injected <script> would be refused and reported as a violation).
export async function axe(t, page, name) {
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  if (!loaded) await page.evaluate(`${axeSource}\n;void 0`);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      resultTypes: ["violations"],
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      count: v.nodes.length,
    }));
  });
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of result) counts[v.impact ?? "minor"] += v.count;
  axeResults[name] = { ...counts, violations: result };
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length)
    t.failures.push(`axe on ${name}: ${bad.map((v) => `${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(", ")}`).join("; ")}`);
}

// ---- the API and the database -----------------------------------------------

// A call from outside the browser: {status, json, headers}.
export async function api(method, path, { token, body, headers = {} } = {}) {
  const h = { Accept: "application/json", ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h["Content-Type"] = "application/json";
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, json, text, headers: response.headers };
}

// Like api(), but the status must be `expect` (a number or a list).
export async function call(method, path, options = {}, expect = [200, 201, 204]) {
  const r = await api(method, path, options);
  const ok = [expect].flat();
  assert.ok(ok.includes(r.status), `${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

// A bearer token (a login without the console's header returns it).
const tokens = {};
export async function token(who) {
  if (tokens[who]) return tokens[who];
  const r = await call("POST", "/v1/auth/login", { body: { email: creds[who].email, password: creds[who].password } });
  assert.ok(r.token, "a login without X-BPA-Console returns the token");
  return (tokens[who] = r.token);
}
export const portalKey = () => creds.portal.api_key;

// One SQL statement through psql; its rows as text lines.
export function sql(statement) {
  return execFileSync("psql", [DATABASE_URL, "-v", "ON_ERROR_STOP=1", "-Atqc", statement], { encoding: "utf8" }).trim();
}

// Polls `probe` until it returns something truthy (or throws at the end).
export async function eventually(probe, { timeout = 5_000, every = 100, what = "condition" } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

// ---- test data ------------------------------------------------------------

const day = (offset) => new Date(Date.now() + offset * 864e5).toISOString().slice(0, 10);
export const dates = { day };
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"];
export const weekdays = (from = "08:00", to = "16:00") => WEEKDAYS.map((d) => ({ day: d, from, to }));

export const SKILL = {
  site: "http://data.europa.eu/esco/skill/86df7af2-f9f3-4c06-a500-7f1fba9e78fe", // veilig werken op de bouwplaats
  measure: "http://data.europa.eu/esco/skill/b92758d4-4591-4df1-9ceb-f907aa71ebd9", // meten met meetinstrumenten
  electric: "http://data.europa.eu/esco/skill/52797dce-911c-4e6d-b0cb-491f6469014f",
};

let serial = 0;
// A seeker of the demo portal, through the portal's key (or a coordinator's
// token naming the portal); available every weekday, from today.
export async function createSeeker(fields = {}, { as = "portal" } = {}) {
  const body = {
    external_ref: `browser-${process.pid}-${++serial}`,
    name: "Browser Test Seeker",
    email: `seeker${serial}@example.org`,
    phone: "+31 70 000 0000",
    postcode: "2522",
    skills: [{ uri: SKILL.site, level: 3 }, { uri: SKILL.measure, level: 2 }],
    learning_goals: [SKILL.electric],
    availability: weekdays("07:00", "18:00"),
    available_from: day(0),
    max_hours_per_week: 40,
    max_travel_km: 15,
    dutch_level: "B1",
    certificates: ["vca_basis"],
    consent: { purpose: "matching with work-learning places of the Binck Praktijk Academie", text_version: "browser-1", given_at: new Date().toISOString() },
    ...fields,
  };
  if (as === "coordinator") {
    body.portal_id = creds.portal.id;
    return call("POST", "/v1/seekers", { token: await token("coordinator"), body }, 201);
  }
  return call("POST", "/v1/seekers", { token: portalKey(), body }, 201);
}

// An open placement of the browser tests' employer (demo employer 90000001).
export async function createPlacement(fields = {}, { open = true } = {}) {
  const coordinator = await token("coordinator");
  const placement = await call("POST", "/v1/placements", {
    token: coordinator,
    body: {
      employer_id: creds.employer.employer_id,
      title: "Browser test placement",
      description: "Made by the browser tests.",
      postcode: "2516",
      schedule: weekdays("08:00", "16:00"),
      hours_per_week: 24,
      start_date: day(3),
      end_date: day(60),
      capacity: 3,
      min_dutch_level: "A2",
      certificates: [],
      required_skills: [{ uri: SKILL.site, min_level: 2, essential: true }],
      taught_skills: [SKILL.electric],
      ...fields,
    },
  }, 201);
  if (open) await call("POST", `/v1/placements/${placement.id}/open`, { token: coordinator }, 200);
  return placement;
}

// The portal applies for its seeker: a match in state "applied".
export const apply = async (seekerId, placementId) =>
  call("POST", "/v1/matches", { token: portalKey(), body: { seeker_id: seekerId, placement_id: placementId } }, 201);

export const transition = async (who, matchId, action, extra = {}) =>
  call("POST", `/v1/matches/${matchId}/transitions`, {
    token: who === "portal" ? portalKey() : await token(who),
    body: { action, ...extra },
  }, 200);

// ---- e-mail: the daemon writes each one as MAIL_DIR/<id>.eml ------------------

export const MAIL_DIR = process.env.BPA_BROWSER_MAIL_DIR ?? "";

// The files there now (to tell the e-mails of an action from earlier ones).
export function mailbox() {
  if (!MAIL_DIR) throw new Error("BPA_BROWSER_MAIL_DIR is not set: run the tests with scripts/test-browser.sh");
  return new Set(readdirSync(MAIL_DIR).filter((f) => f.endsWith(".eml")));
}

// An e-mail's headers and text, the body decoded (quoted-printable, base64).
export function readMail(file) {
  const raw = readFileSync(join(MAIL_DIR, file), "utf8").replace(/\r\n/g, "\n");
  const split = raw.indexOf("\n\n");
  const head = split < 0 ? raw : raw.slice(0, split);
  let body = split < 0 ? "" : raw.slice(split + 2);
  const headers = {};
  for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers["content-transfer-encoding"] ?? "").toLowerCase();
  if (encoding === "quoted-printable")
    body = Buffer.from(body.replace(/=\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, x) => String.fromCharCode(parseInt(x, 16))), "latin1").toString("utf8");
  else if (encoding === "base64") body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return { file, headers, body };
}

// Waits for a new e-mail (not in `before`, a mailbox()) to `to` with a link
// "#/KIND/TOKEN" (confirm, invitation, reset) and answers {mail, link, token}.
export async function mailLink(to, kind, before, { timeout = 20_000 } = {}) {
  const pattern = new RegExp(`(https?://[^\\s<>"]+)?#/${kind}/(bpa_t_[A-Za-z0-9_-]+)`);
  return eventually(() => {
    const files = [...mailbox()].filter((f) => !before.has(f))
      .map((f) => ({ f, at: statSync(join(MAIL_DIR, f)).mtimeMs })).sort((a, b) => b.at - a.at);
    for (const { f } of files) {
      const mail = readMail(f);
      if (!(mail.headers.to ?? "").toLowerCase().includes(to.toLowerCase())) continue;
      const found = pattern.exec(mail.body);
      if (found) return { mail, link: found[0], token: found[2] };
    }
    return null;
  }, { timeout, every: 200, what: `an e-mail to ${to} with a #/${kind}/ link in ${MAIL_DIR}` });
}

// A fresh employer user of the browser tests' employer, made through the API
// (a coordinator's invitation, accepted with the token from its e-mail):
// for the stories that change passwords or end sessions, which must not
// touch the accounts other tests log in with. Answers {email, password, id}.
export async function freshEmployerUser(tag) {
  const email = `${tag}-${process.pid}-${Date.now() % 100000}@example.org`;
  const password = `een lange zin voor ${tag} ${process.pid}`;
  const before = mailbox();
  await call("POST", "/v1/invitations", {
    token: await token("coordinator"),
    body: { email, role: "employer", employer_id: creds.employer.employer_id, name: `Test ${tag}`, language: "nl" },
  }, 201);
  const { token: invitation } = await mailLink(email, "invitation", before);
  const session = await call("POST", "/v1/invitations/accept", { body: { token: invitation, password, name: `Test ${tag}` } }, 201);
  return { email, password, id: session?.principal?.account_id ?? null };
}

// Logs in through the login page with an e-mail address and password.
export async function loginAs(page, email, password, { viaPage = true } = {}) {
  if (viaPage) await page.goto(`${BASE}/`);
  await page.getByLabel("E-mailadres").fill(email);
  await page.getByLabel("Wachtwoord", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Inloggen", exact: true }).click();
  await page.getByRole("button", { name: "Uitloggen" }).waitFor();
}
