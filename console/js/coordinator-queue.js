// "/queue" and "/queue/:filter": the matches under way, filtered by state
// (or "waits for you", "waits for the employer", "waits for the job
// seeker"), employer, placement and waiting time, and sorted. Everything is
// fetched once (a getAll per open state, plus the employers and placements
// for their names) and every row is built once; filtering and sorting only
// re-order the rows that exist, so a thousand rows stay quick.
import { h, announce } from "./dom.js";
import { t, addMessages, formatNumber, formatDateTime } from "./i18n.js";
import { getAll } from "./api.js";
import { route } from "./router.js";
import { page, paragraph, field, select, fill, badge } from "./ui.js";
import {
  ROLE, OPEN_STATES, lookups, employerName, placementTitle, employerLink, placementLink,
  seekerLink, matchLink, tableShell, row, cell, rowHeader, scrollable, waitingText,
} from "./coordinator-common.js";

addMessages({
  nl: {
    "co.queue.title": "Wachtrij",
    "co.queue.intro": "Matches die nog lopen. Wat het langst wacht, staat bovenaan.",
    "co.queue.filters": "Filters en volgorde",
    "co.queue.state": "Wat",
    "co.queue.state.mine": "Wacht op jou (goedkeuren of starten)",
    "co.queue.state.employer": "Wacht op antwoord van de werkgever",
    "co.queue.state.seeker": "Wacht op bevestiging van de werkzoekende",
    "co.queue.state.all": "Alle lopende matches",
    "co.queue.state.only": "Alleen: {state}",
    "co.queue.employer": "Werkgever",
    "co.queue.placement": "Leerplek",
    "co.queue.any": "Alle",
    "co.queue.wait": "Wacht minstens",
    "co.queue.wait.any": "Maakt niet uit",
    "co.queue.wait.days": "{n} dagen",
    "co.queue.wait.day": "1 dag",
    "co.queue.sort": "Volgorde",
    "co.queue.sort.wait_desc": "Langst wachtend eerst",
    "co.queue.sort.wait_asc": "Kortst wachtend eerst",
    "co.queue.sort.score_desc": "Hoogste score eerst",
    "co.queue.sort.score_asc": "Laagste score eerst",
    "co.queue.sort.newest": "Nieuwste match eerst",
    "co.queue.col.match": "Match",
    "co.queue.col.state": "Stand",
    "co.queue.col.placement": "Leerplek",
    "co.queue.col.employer": "Werkgever",
    "co.queue.col.seeker": "Werkzoekende",
    "co.queue.col.score": "Score",
    "co.queue.col.waiting": "Wacht al",
    "co.queue.caption": "Matches in de wachtrij",
    "co.queue.shown": "{n} van de {total} lopende matches",
    "co.queue.empty": "Er wacht hier niets. Kies een ander filter.",
    "co.queue.waits.employer": "wacht op de werkgever",
    "co.queue.waits.seeker": "wacht op de werkzoekende",
    "co.queue.loaded": "Bijgewerkt: {time}.",
  },
  en: {
    "co.queue.title": "Queue",
    "co.queue.intro": "Matches under way. What has waited longest is at the top.",
    "co.queue.filters": "Filters and order",
    "co.queue.state": "What",
    "co.queue.state.mine": "Waiting for you (approve or start)",
    "co.queue.state.employer": "Waiting for the employer's answer",
    "co.queue.state.seeker": "Waiting for the job seeker's confirmation",
    "co.queue.state.all": "All matches under way",
    "co.queue.state.only": "Only: {state}",
    "co.queue.employer": "Employer",
    "co.queue.placement": "Placement",
    "co.queue.any": "All",
    "co.queue.wait": "Waiting at least",
    "co.queue.wait.any": "Any time",
    "co.queue.wait.days": "{n} days",
    "co.queue.wait.day": "1 day",
    "co.queue.sort": "Order",
    "co.queue.sort.wait_desc": "Longest waiting first",
    "co.queue.sort.wait_asc": "Shortest waiting first",
    "co.queue.sort.score_desc": "Highest score first",
    "co.queue.sort.score_asc": "Lowest score first",
    "co.queue.sort.newest": "Newest match first",
    "co.queue.col.match": "Match",
    "co.queue.col.state": "State",
    "co.queue.col.placement": "Placement",
    "co.queue.col.employer": "Employer",
    "co.queue.col.seeker": "Job seeker",
    "co.queue.col.score": "Score",
    "co.queue.col.waiting": "Waiting for",
    "co.queue.caption": "Matches in the queue",
    "co.queue.shown": "{n} of the {total} matches under way",
    "co.queue.empty": "Nothing is waiting here. Choose another filter.",
    "co.queue.waits.employer": "waiting for the employer",
    "co.queue.waits.seeker": "waiting for the job seeker",
    "co.queue.loaded": "Updated: {time}.",
  },
});

// The state filter: a named group, or one state.
const GROUPS = {
  mine: (m) => m.state === "applied" || m.state === "proposed" || m.state === "confirmed",
  employer: (m) => m.state === "approved" && !m.employer_accepted,
  seeker: (m) => m.state === "approved" && !m.seeker_confirmed,
  all: () => true,
};
const stateTest = (filter) => GROUPS[filter] ?? ((m) => m.state === filter);
const validFilter = (filter) => filter in GROUPS || OPEN_STATES.includes(filter);

const DAY = 86400;
const WAITS = [0, 1, 3, 7, 14];

// Waiting time in seconds now (waiting_seconds was measured when fetched).
const waited = (m, fetchedAt) =>
  m.state_since ? (Date.now() - Date.parse(m.state_since)) / 1000 : (m.waiting_seconds ?? 0) + (Date.now() - fetchedAt) / 1000;

const SORTS = {
  wait_desc: (a, b) => Date.parse(a.m.state_since) - Date.parse(b.m.state_since) || a.m.id - b.m.id,
  wait_asc: (a, b) => Date.parse(b.m.state_since) - Date.parse(a.m.state_since) || a.m.id - b.m.id,
  score_desc: (a, b) => b.m.score - a.m.score || Date.parse(a.m.state_since) - Date.parse(b.m.state_since),
  score_asc: (a, b) => a.m.score - b.m.score || Date.parse(a.m.state_since) - Date.parse(b.m.state_since),
  newest: (a, b) => b.m.id - a.m.id,
};

// The order of the last queue shown, for "next match" on a match's page.
let lastOrder = [];
export const nextInQueue = (id) => {
  const i = lastOrder.indexOf(Number(id));
  return i >= 0 && i + 1 < lastOrder.length ? lastOrder[i + 1] : null;
};

// The filters chosen stay while the console is open (not in the URL, but
// the state group is: it holds no personal data).
const chosen = { employer: "", placement: "", wait: "0", sort: "wait_desc" };

function buildRow(m, names) {
  const waits = m.state === "approved"
    ? !m.employer_accepted ? t("co.queue.waits.employer") : !m.seeker_confirmed ? t("co.queue.waits.seeker") : null
    : null;
  return row(
    rowHeader(matchLink(m.id)),
    cell(badge(m.state), waits ? h("span", { class: "queue__waits" }, " ", waits) : null),
    cell(placementLink(names.placements, m.placement_id)),
    cell(employerLink(names.employers, m.employer_id)),
    cell(seekerLink(m.seeker_id)),
    cell(formatNumber(m.score)),
    cell(waitingText(m.state_since)),
  );
}

async function queuePage(main, filter) {
  const state = validFilter(filter) ? filter : "mine";
  const body = h("div", { class: "queue" });
  page(main, t("co.queue.title"), paragraph(t("co.queue.intro")), body);
  await fill(body, async () => {
    const [lists, names] = await Promise.all([
      Promise.all(OPEN_STATES.map((s) => getAll(`/v1/matches?state=${s}`))),
      lookups(),
    ]);
    const fetchedAt = Date.now();
    const entries = lists.flat().map((m) => ({ m, tr: buildRow(m, names) }));

    // only employers and placements that occur, sorted by name
    const present = (key, nameOf) =>
      [...new Set(entries.map((e) => e.m[key]))]
        .map((id) => [String(id), nameOf(id)])
        .sort((a, b) => a[1].localeCompare(b[1]));
    const employers = present("employer_id", (id) => employerName(names.employers, id));
    const placements = present("placement_id", (id) => placementTitle(names.placements, id));
    if (!employers.some(([id]) => id === chosen.employer)) chosen.employer = "";
    if (!placements.some(([id]) => id === chosen.placement)) chosen.placement = "";

    const stateSelect = select([
      ...Object.keys(GROUPS).map((g) => [g, t(`co.queue.state.${g}`)]),
      ...OPEN_STATES.map((s) => [s, t("co.queue.state.only", { state: t(`state.${s}`) })]),
    ], { name: "state", value: state });
    const employerSelect = select([["", t("co.queue.any")], ...employers], { name: "employer", value: chosen.employer });
    const placementSelect = select([["", t("co.queue.any")], ...placements], { name: "placement", value: chosen.placement });
    const waitSelect = select(WAITS.map((n) => [String(n),
      n === 0 ? t("co.queue.wait.any") : n === 1 ? t("co.queue.wait.day") : t("co.queue.wait.days", { n })]),
    { name: "wait", value: chosen.wait });
    const sortSelect = select(Object.keys(SORTS).map((s) => [s, t(`co.queue.sort.${s}`)]), { name: "sort", value: chosen.sort });

    const { table, tbody } = tableShell([
      t("co.queue.col.match"), t("co.queue.col.state"), t("co.queue.col.placement"), t("co.queue.col.employer"),
      t("co.queue.col.seeker"), t("co.queue.col.score"), t("co.queue.col.waiting"),
    ], { caption: t("co.queue.caption") });
    const shown = h("p", { class: "utrecht-paragraph queue__count" });
    const empty = h("p", { class: "utrecht-paragraph queue__empty", hidden: true }, t("co.queue.empty"));
    const region = scrollable(table, t("co.queue.caption"));

    const apply = (speak) => {
      const test = stateTest(stateSelect.value);
      const employer = employerSelect.value;
      const placement = placementSelect.value;
      const minimum = Number(waitSelect.value) * DAY;
      const visible = entries.filter(({ m }) =>
        test(m) &&
        (!employer || String(m.employer_id) === employer) &&
        (!placement || String(m.placement_id) === placement) &&
        (!minimum || waited(m, fetchedAt) >= minimum));
      visible.sort(SORTS[sortSelect.value] ?? SORTS.wait_desc);
      tbody.replaceChildren(...visible.map((e) => e.tr));
      lastOrder = visible.map((e) => e.m.id);
      region.hidden = visible.length === 0;
      empty.hidden = visible.length !== 0;
      const text = t("co.queue.shown", { n: formatNumber(visible.length), total: formatNumber(entries.length) });
      shown.textContent = text;
      if (speak) announce(text);
    };
    const changed = () => {
      Object.assign(chosen, {
        employer: employerSelect.value, placement: placementSelect.value, wait: waitSelect.value, sort: sortSelect.value,
      });
      // the state group goes into the address (no hashchange: no reload)
      history.replaceState(null, "", `#/queue/${stateSelect.value}`);
      apply(true);
    };
    for (const control of [stateSelect, employerSelect, placementSelect, waitSelect, sortSelect])
      control.addEventListener("change", changed);
    apply(false);

    const form = h("form", { class: "queue-filters", "aria-label": t("co.queue.filters") },
      field(t("co.queue.state"), stateSelect),
      field(t("co.queue.employer"), employerSelect),
      field(t("co.queue.placement"), placementSelect),
      field(t("co.queue.wait"), waitSelect),
      field(t("co.queue.sort"), sortSelect));
    form.addEventListener("submit", (event) => event.preventDefault());
    return [form, shown, empty, region,
      h("p", { class: "utrecht-paragraph queue__loaded" }, t("co.queue.loaded", { time: formatDateTime(new Date().toISOString()) }))];
  });
}

route("/queue", (params, main) => queuePage(main, "mine"), ROLE);
route("/queue/:filter", (params, main) => queuePage(main, params.filter), ROLE);
