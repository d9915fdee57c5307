// Not part of `make test`: how fast the coordinator's queue renders with
// 1,000 matches waiting, and how many bytes a first visit transfers.
//
//   scripts/test-browser.sh --bench [BPA_SERVER_BINARY]
//
// Prints the time from following the queue's menu link to its last row
// being rendered (and visible once scrolled to), and the bytes of the first
// load of / with its assets (response bodies, uncompressed).
import { BASE, PHONE, creds, call, token, createPlacement, createSeeker, newContext, login, closeBrowser, portalKey } from "./lib.mjs";

const MATCHES = Number(process.env.BENCH_MATCHES ?? 1000);
const PLACEMENTS = 5;
const QUEUE_LINK = /wachtrij|te beoordelen|beslissen|queue/i; // as in coordinator.test.mjs

async function inParallel(items, width, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    while (queue.length) await fn(queue.shift());
  }));
}

const t = { contexts: [], seen: [], dialogs: [], failures: [], allowed: [], allow() {} };

// 1. the first visit's bytes
{
  const context = await newContext(t);
  const page = await context.newPage();
  const sizes = [];
  page.on("response", async (response) => {
    try {
      sizes.push({ url: response.url(), bytes: (await response.body()).length });
    } catch {
      /* a redirect or a response without a body */
    }
  });
  await page.goto(`${BASE}/`, { waitUntil: "networkidle" });
  await page.getByRole("button", { name: "Inloggen", exact: true }).waitFor();
  await page.waitForTimeout(200);
  const total = sizes.reduce((s, r) => s + r.bytes, 0);
  console.log(`first visit: ${total} bytes in ${sizes.length} responses (uncompressed bodies)`);
  for (const r of sizes.sort((a, b) => b.bytes - a.bytes))
    console.log(`  ${String(r.bytes).padStart(8)}  ${new URL(r.url).pathname}`);
  await context.close();
}

// 2. 1,000 matches waiting: PLACEMENTS places times MATCHES/PLACEMENTS seekers
const coordinator = await token("coordinator");
await call("PUT", `/v1/portals/${creds.portal.id}/rate-limit`, { token: coordinator, body: { requests_per_minute: 100000 } });
const started = Date.now();
const placements = [];
for (let i = 0; i < PLACEMENTS; i++) placements.push(await createPlacement({ title: `Benchmark-leerplek ${i + 1}`, capacity: 100 }));
const seekers = [];
await inParallel(Array.from({ length: Math.ceil(MATCHES / PLACEMENTS) }, (_, i) => i), 8, async (i) => {
  seekers.push(await createSeeker({ name: `Benchmark Werkzoekende ${i + 1}`, external_ref: `bench-${process.pid}-${i}` }));
});
const pairs = [];
for (const s of seekers) for (const p of placements) if (pairs.length < MATCHES) pairs.push([s.id, p.id]);
await inParallel(pairs, 8, async ([seeker, placement]) => {
  await call("POST", "/v1/matches", { token: portalKey(), body: { seeker_id: seeker, placement_id: placement } }, 201);
});
const waiting = (await call("GET", "/v1/matches/queue?limit=500", { token: coordinator }));
console.log(`made ${pairs.length} applications in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
  `the queue's first page holds ${(waiting.items ?? []).length}`);

// 3. the queue screen
const context = await newContext(t);
const page = await context.newPage();
await login(page, "coordinator");
const link = page.getByRole("navigation").getByRole("link", { name: QUEUE_LINK });
if (!(await link.count())) {
  console.log("queue screen: not in the console yet (no menu link named like " + QUEUE_LINK + ")");
} else {
  const href = await link.first().getAttribute("href");
  // in the page: follow the link, then watch the rows until they stop changing for a second
  const result = await page.evaluate(async (href) => {
    const rows = () => document.querySelectorAll("main tbody tr, main [role=row], main ol > li, main ul > li");
    const t0 = performance.now();
    location.hash = href.replace(/^#/, "");
    let count = -1;
    let changed = t0;
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const n = rows().length;
      const now = performance.now();
      if (n !== count) {
        count = n;
        changed = now;
      } else if (n > 0 && now - changed > 1000 && !document.querySelector("main .loading")) break;
      if (now - t0 > 30000) break;
    }
    const all = rows();
    const last = all[all.length - 1];
    last?.scrollIntoView();
    await new Promise((r) => requestAnimationFrame(r));
    const box = last?.getBoundingClientRect();
    return { ms: changed - t0, rows: count, lastVisible: !!box && box.height > 0 && box.bottom > 0 && box.top < innerHeight };
  }, href);
  console.log(`queue screen: ${result.rows} rows rendered in ${result.ms.toFixed(0)} ms ` +
    `(navigation to the last row; last row visible: ${result.lastVisible})`);
  await page.setViewportSize(PHONE);
}
await context.close();
await closeBrowser();
