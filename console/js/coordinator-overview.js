// "/overview": what asks for the coordinator's attention, as counts with a
// link each: matches waiting for a decision, employers who have not
// answered approved matches (and for how long), notifications that did not
// arrive, employers not yet verified.
import { h, replace } from "./dom.js";
import { t, addMessages, formatAge, formatNumber } from "./i18n.js";
import { get, getAll } from "./api.js";
import { route } from "./router.js";
import { page, heading, paragraph, link, table, fill } from "./ui.js";
import { ROLE, byId, employerLink, scrollable } from "./coordinator-common.js";

addMessages({
  nl: {
    "co.overview.title": "Overzicht",
    "co.overview.intro": "Wat nu op jou wacht.",
    "co.overview.queue": "Wacht op jouw besluit",
    "co.overview.queue.count": "{n} match|{n} matches",
    "co.overview.queue.more": "{n} of meer matches",
    "co.overview.queue.split": "{decide} om goed te keuren of af te wijzen, {start} om te starten.",
    "co.overview.queue.oldest": "Wacht het langst: {age}.",
    "co.overview.queue.link": "Naar de wachtrij",
    "co.overview.employers": "Werkgever heeft nog niet geantwoord",
    "co.overview.employers.count": "{n} goedgekeurde match|{n} goedgekeurde matches",
    "co.overview.employers.who": "Bij {n} werkgever; het langst: {age}.|Bij {n} werkgevers; het langst: {age}.",
    "co.overview.employers.link": "Bekijk ze in de wachtrij",
    "co.overview.employers.table": "Werkgevers die nog niet antwoordden",
    "co.overview.employers.col.employer": "Werkgever",
    "co.overview.employers.col.count": "Matches zonder antwoord",
    "co.overview.employers.col.age": "Wacht al",
    "co.overview.employers.none": "Alle werkgevers hebben geantwoord.",
    "co.overview.deliveries": "Meldingen die niet aankwamen",
    "co.overview.deliveries.count": "{n} melding|{n} meldingen",
    "co.overview.deliveries.split": "{failed} mislukt (wordt opnieuw geprobeerd), {dead} definitief mislukt.",
    "co.overview.deliveries.link": "Naar de meldingen",
    "co.overview.unverified": "Werkgevers nog niet geverifieerd",
    "co.overview.unverified.count": "{n} werkgever|{n} werkgevers",
    "co.overview.unverified.text": "Hun leerplekken kunnen pas open als je ze verifieert.",
    "co.overview.unverified.link": "Naar de werkgevers om te verifiëren",
  },
  en: {
    "co.overview.title": "Overview",
    "co.overview.intro": "What is waiting for you now.",
    "co.overview.queue": "Waiting for your decision",
    "co.overview.queue.count": "{n} match|{n} matches",
    "co.overview.queue.more": "{n} or more matches",
    "co.overview.queue.split": "{decide} to approve or reject, {start} to start.",
    "co.overview.queue.oldest": "Longest waiting: {age}.",
    "co.overview.queue.link": "To the queue",
    "co.overview.employers": "Employer has not answered yet",
    "co.overview.employers.count": "{n} approved match|{n} approved matches",
    "co.overview.employers.who": "At {n} employer; the longest: {age}.|At {n} employers; the longest: {age}.",
    "co.overview.employers.link": "See them in the queue",
    "co.overview.employers.table": "Employers who have not answered yet",
    "co.overview.employers.col.employer": "Employer",
    "co.overview.employers.col.count": "Matches without an answer",
    "co.overview.employers.col.age": "Waiting for",
    "co.overview.employers.none": "Every employer has answered.",
    "co.overview.deliveries": "Notifications that did not arrive",
    "co.overview.deliveries.count": "{n} notification|{n} notifications",
    "co.overview.deliveries.split": "{failed} failed (will be retried), {dead} failed for good.",
    "co.overview.deliveries.link": "To the notifications",
    "co.overview.unverified": "Employers not yet verified",
    "co.overview.unverified.count": "{n} employer|{n} employers",
    "co.overview.unverified.text": "Their placements can open only once you verify them.",
    "co.overview.unverified.link": "To the employers to verify",
  },
});

const earliest = (matches) =>
  matches.reduce((a, m) => (!a || Date.parse(m.state_since) < Date.parse(a) ? m.state_since : a), null);

const count = (text) => h("p", { class: "utrecht-paragraph overview-card__count" }, text);

// A card: its heading, and its content once loaded.
function card(title, load) {
  const content = h("div", { class: "overview-card__content" });
  const node = h("section", { class: "overview-card" }, heading(2, title), content);
  return { node, done: fill(content, load) };
}

async function overviewPage(main) {
  const grid = h("div", { class: "overview" });
  const waitingSection = h("section", { class: "overview-waiting" });
  page(main, t("co.overview.title"), paragraph(t("co.overview.intro")), grid, waitingSection);

  // approved matches without the employer's answer, and the employers' names
  const approved = Promise.all([getAll("/v1/matches?state=approved"), getAll("/v1/employers")]).then(
    ([matches, employers]) => ({ waiting: matches.filter((m) => !m.employer_accepted), employers: byId(employers) }));

  const cards = [
    card(t("co.overview.queue"), async () => {
      const { items } = await get("/v1/matches/queue?limit=500");
      const decide = items.filter((m) => m.state === "applied" || m.state === "proposed").length;
      const start = items.filter((m) => m.state === "confirmed").length;
      const oldest = earliest(items);
      return [
        count(items.length >= 500 ? t("co.overview.queue.more", { n: 500 }) : t("co.overview.queue.count", { n: items.length })),
        paragraph(t("co.overview.queue.split", { decide, start })),
        oldest ? paragraph(t("co.overview.queue.oldest", { age: formatAge(oldest) })) : null,
        paragraph(link("#/queue", t("co.overview.queue.link"))),
      ];
    }),
    card(t("co.overview.employers"), async () => {
      const { waiting } = await approved;
      const employers = new Set(waiting.map((m) => m.employer_id));
      const oldest = earliest(waiting);
      return [
        count(t("co.overview.employers.count", { n: waiting.length })),
        oldest ? paragraph(t("co.overview.employers.who", { n: employers.size, age: formatAge(oldest) })) : null,
        paragraph(link("#/queue/employer", t("co.overview.employers.link"))),
      ];
    }),
    card(t("co.overview.deliveries"), async () => {
      const [failed, dead] = await Promise.all([
        get("/v1/notifications/deliveries?status=failed&limit=500"),
        get("/v1/notifications/deliveries?status=dead&limit=500"),
      ]);
      const f = failed.items.length;
      const d = dead.items.length;
      return [
        count(t("co.overview.deliveries.count", { n: formatNumber(f + d) })),
        paragraph(t("co.overview.deliveries.split", { failed: f, dead: d })),
        paragraph(link("#/deliveries", t("co.overview.deliveries.link"))),
      ];
    }),
    card(t("co.overview.unverified"), async () => {
      const items = await getAll("/v1/employers?verified=false");
      return [
        count(t("co.overview.unverified.count", { n: items.length })),
        paragraph(t("co.overview.unverified.text")),
        paragraph(link("#/employers/unverified", t("co.overview.unverified.link"))),
      ];
    }),
  ];
  replace(grid, ...cards.map((c) => c.node));

  // per employer: how many approved matches wait for their answer, and how long
  const waitingBody = h("div");
  replace(waitingSection, heading(2, t("co.overview.employers.table")), waitingBody);
  await Promise.all([
    ...cards.map((c) => c.done),
    fill(waitingBody, async () => {
      const { waiting, employers } = await approved;
      const per = new Map();
      for (const m of waiting) {
        const entry = per.get(m.employer_id) ?? { id: m.employer_id, n: 0, oldest: m.state_since };
        entry.n += 1;
        if (Date.parse(m.state_since) < Date.parse(entry.oldest)) entry.oldest = m.state_since;
        per.set(m.employer_id, entry);
      }
      const rows = [...per.values()].sort((a, b) => Date.parse(a.oldest) - Date.parse(b.oldest));
      return scrollable(table([
        { label: t("co.overview.employers.col.employer"), cell: (r) => employerLink(employers, r.id) },
        { label: t("co.overview.employers.col.count"), cell: (r) => formatNumber(r.n) },
        { label: t("co.overview.employers.col.age"), cell: (r) => formatAge(r.oldest) },
      ], rows, { caption: t("co.overview.employers.table"), empty: t("co.overview.employers.none") }),
      t("co.overview.employers.table"));
    }),
  ]);
}

route("/overview", (params, main) => overviewPage(main), ROLE);
