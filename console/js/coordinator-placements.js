// "/placements": every placement, filtered by status and employer;
// "/placements/:id": one placement's details, its matches, and the active
// job seekers ranked for it with the explanation and "propose".
import { h, newId } from "./dom.js";
import { t, addMessages, formatDate, formatNumber } from "./i18n.js";
import { get, getAll } from "./api.js";
import { route } from "./router.js";
import { page, heading, paragraph, button, field, select, table, facts, fill, badge, failure } from "./ui.js";
import {
  ROLE, OPEN_STATES, HOLDS_PLACE, byId, employerLink, placementLink, matchLink, seekerLink,
  scrollable, scoreBlock, proposeButton, liveMatchLine, waitingText,
} from "./coordinator-common.js";
import { certificateLabel, cefrLabel, scheduleInWords, skillName, skillLabelNow, skillLabel } from "./entrepreneur-common.js";

addMessages({
  nl: {
    "co.placements.title": "Leerplekken",
    "co.placements.intro": "Alle werk-leerplekken van alle werkgevers.",
    "co.placements.status": "Status",
    "co.placements.employer": "Werkgever",
    "co.placements.show": "Tonen",
    "co.placements.caption": "Leerplekken",
    "co.placements.shown": "{n} leerplekken",
    "co.placements.none": "Geen leerplekken gevonden.",
    "co.placements.col.title": "Leerplek",
    "co.placements.col.employer": "Werkgever",
    "co.placements.col.status": "Status",
    "co.placements.col.period": "Periode",
    "co.placements.col.capacity": "Plaatsen",
    "co.placements.col.hours": "Uren per week",
    "co.placements.period": "{from} – {until}",
    "co.placement.details": "Gegevens",
    "co.placement.employer": "Werkgever",
    "co.placement.status": "Status",
    "co.placement.period": "Periode",
    "co.placement.hours": "Uren per week",
    "co.placement.capacity": "Plaatsen",
    "co.placement.capacity.value": "{taken} van de {capacity} bezet",
    "co.placement.schedule": "Weekrooster",
    "co.placement.postcode": "Postcode werkplek",
    "co.placement.dutch": "Nederlands minimaal",
    "co.placement.certificates": "Certificaten nodig",
    "co.placement.description": "Omschrijving",
    "co.placement.skills": "Vaardigheden",
    "co.placement.required": "Gevraagde vaardigheden",
    "co.placement.required.item": "{skill}: minimaal niveau {level}",
    "co.placement.essential": " (onmisbaar)",
    "co.placement.taught": "Wat je er leert",
    "co.placement.matches": "Matches",
    "co.placement.matches.none": "Nog geen matches.",
    "co.placement.col.match": "Match",
    "co.placement.col.seeker": "Werkzoekende",
    "co.placement.col.state": "Stand",
    "co.placement.col.since": "Sinds",
    "co.placement.candidates": "Kandidaten",
    "co.placement.candidates.intro": "Actieve werkzoekenden, de best passende eerst. Stel er een voor om de match in de wachtrij te zetten.",
    "co.placement.candidates.none": "Er is nu geen werkzoekende die past.",
    "co.placement.candidates.closed": "Deze leerplek is niet open, dus er zijn geen kandidaten.",
  },
  en: {
    "co.placements.title": "Placements",
    "co.placements.intro": "All work-learning places of all employers.",
    "co.placements.status": "Status",
    "co.placements.employer": "Employer",
    "co.placements.show": "Show",
    "co.placements.caption": "Placements",
    "co.placements.shown": "{n} placements",
    "co.placements.none": "No placements found.",
    "co.placements.col.title": "Placement",
    "co.placements.col.employer": "Employer",
    "co.placements.col.status": "Status",
    "co.placements.col.period": "Period",
    "co.placements.col.capacity": "Places",
    "co.placements.col.hours": "Hours a week",
    "co.placements.period": "{from} – {until}",
    "co.placement.details": "Details",
    "co.placement.employer": "Employer",
    "co.placement.status": "Status",
    "co.placement.period": "Period",
    "co.placement.hours": "Hours a week",
    "co.placement.capacity": "Places",
    "co.placement.capacity.value": "{taken} of {capacity} taken",
    "co.placement.schedule": "Weekly schedule",
    "co.placement.postcode": "Workplace postcode",
    "co.placement.dutch": "Minimum Dutch",
    "co.placement.certificates": "Certificates needed",
    "co.placement.description": "Description",
    "co.placement.skills": "Skills",
    "co.placement.required": "Required skills",
    "co.placement.required.item": "{skill}: at least level {level}",
    "co.placement.essential": " (essential)",
    "co.placement.taught": "What is learnt there",
    "co.placement.matches": "Matches",
    "co.placement.matches.none": "No matches yet.",
    "co.placement.col.match": "Match",
    "co.placement.col.seeker": "Job seeker",
    "co.placement.col.state": "State",
    "co.placement.col.since": "Since",
    "co.placement.candidates": "Candidates",
    "co.placement.candidates.intro": "Active job seekers, the best fit first. Propose one to put the match in the queue.",
    "co.placement.candidates.none": "No job seeker fits right now.",
    "co.placement.candidates.closed": "This placement is not open, so it has no candidates.",
  },
});

const STATUSES = ["draft", "open", "closed"];
const ORDER = { open: 0, draft: 1, closed: 2 };
const hours = (n) => formatNumber(n ?? 0, Number.isInteger(Number(n)) ? 0 : 1);
const list = (nodes) => nodes.length
  ? h("ul", { class: "utrecht-unordered-list" }, nodes.map((n) => h("li", { class: "utrecht-unordered-list__item" }, n)))
  : t("co.none");

// The table of placements (also on an employer's page).
export function placementsTable(placements, employers, { caption, withEmployer = true } = {}) {
  const rows = [...placements].sort((a, b) =>
    (ORDER[a.status] ?? 3) - (ORDER[b.status] ?? 3) ||
    String(a.start_date).localeCompare(String(b.start_date)) || a.id - b.id);
  const columns = [
    { label: t("co.placements.col.title"), cell: (p) => placementLink(byId([p]), p.id) },
    withEmployer ? { label: t("co.placements.col.employer"), cell: (p) => employerLink(employers, p.employer_id) } : null,
    { label: t("co.placements.col.status"), cell: (p) => badge(p.status) },
    { label: t("co.placements.col.period"), cell: (p) => t("co.placements.period", { from: formatDate(p.start_date), until: formatDate(p.end_date) }) },
    { label: t("co.placements.col.capacity"), cell: (p) => formatNumber(p.capacity) },
    { label: t("co.placements.col.hours"), cell: (p) => hours(p.hours_per_week) },
  ].filter(Boolean);
  const label = caption ?? t("co.placements.caption");
  return scrollable(table(columns, rows, { caption: label, empty: t("co.placements.none") }), label);
}

// --- the list ---

const listChoice = { status: "open", employer: "" };

async function placementsPage(main) {
  const results = h("div", { class: "placements__results" });
  page(main, t("co.placements.title"), paragraph(t("co.placements.intro")), results);
  await fill(results, async () => {
    const employers = byId(await getAll("/v1/employers"));
    const status = select([["", t("co.all")], ...STATUSES.map((s) => [s, t(`state.${s}`)])], { name: "status", value: listChoice.status });
    const employerOptions = [...employers.values()].map((e) => [String(e.id), e.name]).sort((a, b) => a[1].localeCompare(b[1]));
    if (!employers.has(Number(listChoice.employer))) listChoice.employer = "";
    const employer = select([["", t("co.all")], ...employerOptions], { name: "employer_id", value: listChoice.employer });
    const found = h("div", { class: "placements__found" });
    const form = h("form", { class: "queue-filters", novalidate: true },
      field(t("co.placements.status"), status),
      field(t("co.placements.employer"), employer),
      button(t("co.placements.show"), undefined, { kind: "primary", type: "submit" }));
    const show = () => {
      Object.assign(listChoice, { status: status.value, employer: employer.value });
      const query = new URLSearchParams();
      if (listChoice.status) query.set("status", listChoice.status);
      if (listChoice.employer) query.set("employer_id", listChoice.employer);
      const key = query.toString();
      return fill(found, async () => {
        const items = await getAll(`/v1/placements${key ? `?${key}` : ""}`);
        return [
          h("p", { class: "utrecht-paragraph", role: "status" }, t("co.placements.shown", { n: formatNumber(items.length) })),
          placementsTable(items, employers),
        ];
      });
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      show();
    });
    show();
    return [form, found];
  });
}

// --- one placement ---

function requiredSkill(r) {
  const say = (name) => t("co.placement.required.item", { skill: name, level: r.min_level }) + (r.essential ? t("co.placement.essential") : "");
  const span = h("span", {}, say(skillLabelNow(r.uri)));
  skillLabel(r.uri).then((name) => (span.textContent = say(name)));
  return span;
}

function candidateCard(placement, item, live) {
  const titleId = newId("candidate");
  const existing = live.get(Number(item.seeker_id));
  return h("li", { class: "candidate-card" },
    h("h3", { class: "utrecht-heading-3", id: titleId }, seekerLink(item.seeker_id)),
    scoreBlock(item, { level: 4 }),
    existing ? liveMatchLine(existing) : proposeButton(item.seeker_id, placement.id, {
      describedBy: titleId, onProposed: (m) => live.set(Number(item.seeker_id), m) }));
}

async function placementPage(main, id) {
  const enc = encodeURIComponent(id);
  let placement;
  try {
    placement = await get(`/v1/placements/${enc}`);
  } catch (error) {
    return page(main, t("co.placement.n", { id }), failure(error));
  }
  const body = h("div", { class: "placement" });
  page(main, placement.title || t("co.placement.n", { id }), body);
  await fill(body, async () => {
    const [employer, matches, ranking] = await Promise.all([
      get(`/v1/employers/${placement.employer_id}`).catch(() => null),
      getAll(`/v1/matches?placement_id=${enc}`),
      placement.status === "open" ? get(`/v1/placements/${enc}/candidates?limit=50`) : null,
    ]);
    const employers = new Map(employer ? [[Number(employer.id), employer]] : []);
    const taken = matches.filter((m) => HOLDS_PLACE.has(m.state)).length;
    const live = new Map(matches.filter((m) => OPEN_STATES.includes(m.state)).map((m) => [Number(m.seeker_id), m]));
    return [
      h("section", { class: "placement__details" }, heading(2, t("co.placement.details")),
        facts([
          [t("co.placement.employer"), employerLink(employers, placement.employer_id)],
          [t("co.placement.status"), badge(placement.status)],
          [t("co.placement.period"), t("co.placements.period", { from: formatDate(placement.start_date), until: formatDate(placement.end_date) })],
          [t("co.placement.hours"), hours(placement.hours_per_week)],
          [t("co.placement.capacity"), t("co.placement.capacity.value", { taken, capacity: placement.capacity })],
          [t("co.placement.schedule"), scheduleInWords(placement.schedule)],
          [t("co.placement.postcode"), placement.postcode],
          [t("co.placement.dutch"), cefrLabel(placement.min_dutch_level)],
          [t("co.placement.certificates"), placement.certificates?.length ? placement.certificates.map(certificateLabel).join(", ") : t("co.none")],
          [t("co.placement.description"), placement.description],
        ])),
      h("section", { class: "placement__skills" }, heading(2, t("co.placement.skills")),
        facts([
          [t("co.placement.required"), list((placement.required_skills ?? []).map(requiredSkill))],
          [t("co.placement.taught"), list((placement.taught_skills ?? []).map(skillName))],
        ])),
      h("section", { class: "placement__matches" }, heading(2, t("co.placement.matches")),
        scrollable(table([
          { label: t("co.placement.col.match"), cell: (m) => matchLink(m.id) },
          { label: t("co.placement.col.seeker"), cell: (m) => seekerLink(m.seeker_id) },
          { label: t("co.placement.col.state"), cell: (m) => badge(m.state) },
          { label: t("co.placement.col.since"), cell: (m) => waitingText(m.state_since) },
        ], [...matches].sort((a, b) => b.id - a.id), { caption: t("co.placement.matches"), empty: t("co.placement.matches.none") }),
        t("co.placement.matches"))),
      h("section", { class: "placement__candidates" }, heading(2, t("co.placement.candidates")),
        !ranking
          ? paragraph(t("co.placement.candidates.closed"))
          : ranking.items.length
            ? [paragraph(t("co.placement.candidates.intro")),
                h("ol", { class: "candidate-list" }, ranking.items.map((item) => candidateCard(placement, item, live)))]
            : paragraph(t("co.placement.candidates.none"))),
    ];
  });
}

route("/placements", (params, main) => placementsPage(main), ROLE);
route("/placements/:id", (params, main) => placementPage(main, params.id), ROLE);
