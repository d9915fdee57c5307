// Runs every tests/browser/*.test.mjs in one browser, one test after the
// other (they share the daemon and its database), and prints a line per
// test and a summary. A test fails when it throws, when one of its pages
// logged a console error, an uncaught exception, a CSP violation or a
// dialog it did not allow, or when axe-core found a serious or critical
// violation on a screen it visited. Exits 1 when any failed.
//
//   node tests/browser/run.mjs        (scripts/test-browser.sh sets it up)
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tests, Pending, axeResults, closeBrowser, OUT } from "./lib.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.env.BPA_BROWSER_ONLY ?? "";
for (const file of readdirSync(here).filter((f) => f.endsWith(".test.mjs")).sort())
  await import(join(here, file));

const started = Date.now();
const outcome = { passed: [], failed: [], pending: [] };
for (const test of tests.filter((t) => t.name.includes(only))) {
  const t = {
    contexts: [],
    seen: [], // {page, text}: console errors, exceptions, dialogs
    dialogs: [],
    failures: [], // axe and other soft failures
    // The shell asks GET /v1/auth/me to learn whether a session exists;
    // without one the 401 is the answer, and Chromium logs every 4xx.
    // The missing icon has a test of its own (headers.test.mjs).
    allowed: [/status of 401 .*\/v1\/auth\/me\)$/, /\/favicon\.ico\)$/],
    allow(pattern) {
      this.allowed.push(pattern);
    },
  };
  const t0 = Date.now();
  let error = null;
  let timer;
  try {
    await Promise.race([
      test.fn(t),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${test.timeout / 1000} s`)), test.timeout);
      }),
    ]);
  } catch (e) {
    error = e;
  } finally {
    clearTimeout(timer);
  }
  // what the pages showed when the test failed
  if (error && !(error instanceof Pending)) {
    let n = 0;
    const base = test.name.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 60);
    for (const context of t.contexts)
      for (const page of context.pages())
        await page.screenshot({ path: join(OUT, `FAILED-${base}-${++n}.png`), fullPage: true, timeout: 5_000 }).catch(() => {});
  }
  for (const context of t.contexts) await context.close().catch(() => {});
  const unexpected = t.seen.map((s) => s.text).filter((text) => !t.allowed.some((p) => p.test(text)));
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (error instanceof Pending) {
    outcome.pending.push(test.name);
    console.log(`pending  ${test.name} (${seconds} s): ${error.message}`);
    continue;
  }
  const problems = [...(error ? [error.stack ?? String(error)] : []), ...t.failures, ...unexpected];
  if (problems.length) {
    outcome.failed.push(test.name);
    console.log(`FAIL     ${test.name} (${seconds} s)`);
    for (const p of problems) console.log(`    ${String(p).split("\n").slice(0, 8).join("\n    ")}`);
  } else {
    outcome.passed.push(test.name);
    console.log(`ok       ${test.name} (${seconds} s)`);
  }
}
await closeBrowser();

// axe-core's findings per screen, counted by impact.
const totals = { critical: 0, serious: 0, moderate: 0, minor: 0 };
for (const r of Object.values(axeResults)) for (const k of Object.keys(totals)) totals[k] += r[k];
writeFileSync(join(OUT, "axe.json"), JSON.stringify({ totals, screens: axeResults }, null, 2) + "\n");

const screens = Object.keys(axeResults).length;
console.log(
  `browser: ${outcome.passed.length} passed, ${outcome.failed.length} failed, ${outcome.pending.length} pending ` +
    `in ${((Date.now() - started) / 1000).toFixed(1)} s; axe on ${screens} screens: ` +
    `${totals.critical} critical, ${totals.serious} serious, ${totals.moderate} moderate, ${totals.minor} minor ` +
    `(${OUT}/axe.json, screenshots in ${OUT}/)`,
);
// Every screen is written now: a story that finds its screens missing is a
// failure too, so nothing can pass by being skipped.
process.exit(outcome.failed.length || outcome.pending.length ? 1 : 0);
