// What the coordinator's screens share: the words for actions, reasons,
// filters and actors; which action a coordinator may take in which state
// (the table of server/match_life.c and openapi.yaml); lookups of
// employers and placements by id; a score as bars with its explanation in
// words; and the "propose" button. All texts have keys starting "co." so
// they never collide with another module's.
import { h, newId, announce } from "./dom.js";
import { t, addMessages, formatNumber, formatDate, formatAge } from "./i18n.js";
import { getAll, post } from "./api.js";
import { paragraph, link, button, alert, badge } from "./ui.js";
import { skillLabel, skillLabelNow } from "./entrepreneur-common.js";

addMessages({
  nl: {
    "co.nav.overview": "Overzicht",
    "co.nav.queue": "Wachtrij",
    "co.nav.seekers": "Werkzoekenden",
    "co.nav.placements": "Leerplekken",
    "co.nav.employers": "Werkgevers",
    "co.nav.deliveries": "Meldingen",
    "co.nav.audit": "Auditlog",

    "co.yes": "ja",
    "co.no": "nee",
    "co.none": "geen",
    "co.all": "Alle",
    "co.match.n": "Match {id}",
    "co.seeker.n": "Werkzoekende {id}",
    "co.placement.n": "Leerplek {id}",
    "co.employer.n": "Werkgever {id}",
    "co.portal.n": "Partnerportaal {id}",
    "co.waiting": "{age}, sinds {date}",
    "co.table.scroll": "{caption} (schuift opzij)",
    "co.count": "{n} van {total}",

    // what a coordinator may do (buttons)
    "co.action.approve": "Goedkeuren",
    "co.action.reject": "Afwijzen",
    "co.action.start": "Starten",
    "co.action.complete": "Afronden",
    "co.action.drop_out": "Uitval melden",
    "co.action.cancel": "Match annuleren",
    "co.action.accept": "Accepteren",
    "co.action.decline": "Weigeren",
    "co.action.confirm": "Bevestigen",
    "co.action.withdraw": "Terugtrekken",
    // what happened (history, messages)
    "co.did.apply": "Aangemeld",
    "co.did.propose": "Voorgesteld",
    "co.did.approve": "Goedgekeurd",
    "co.did.reject": "Afgewezen",
    "co.did.accept": "Geaccepteerd door de werkgever",
    "co.did.decline": "Geweigerd door de werkgever",
    "co.did.confirm": "Bevestigd door de werkzoekende",
    "co.did.withdraw": "Teruggetrokken door de werkzoekende",
    "co.did.start": "Gestart",
    "co.did.complete": "Afgerond",
    "co.did.drop_out": "Uitgevallen",
    "co.did.cancel": "Geannuleerd",

    // reason codes a coordinator can choose (the API takes any a-z_ code)
    "co.reason.choose": "Kies een reden",
    "co.reason.skills_mismatch": "Vaardigheden passen niet",
    "co.reason.schedule_mismatch": "Werktijden passen niet",
    "co.reason.too_far": "Reisafstand te groot",
    "co.reason.language": "Taalniveau past niet",
    "co.reason.placement_filled": "Leerplek is al vergeven",
    "co.reason.placement_cancelled": "Leerplek gaat niet door",
    "co.reason.seeker_unavailable": "Werkzoekende is niet beschikbaar",
    "co.reason.seeker_stopped": "Werkzoekende is gestopt",
    "co.reason.employer_unavailable": "Werkgever is niet bereikbaar",
    "co.reason.employer_stopped": "Werkgever is gestopt",
    "co.reason.illness": "Ziekte",
    "co.reason.not_suitable": "Bleek niet passend",
    "co.reason.duplicate": "Dubbele match",
    "co.reason.other": "Andere reden (zie notitie)",
    // reasons the employer's screen uses
    "co.reason.no_capacity": "Werkgever heeft nu geen tijd of plek",

    // hard filters
    "co.excluded": "Valt af omdat:",
    "co.filter.placement_not_open": "de leerplek niet open of al vol is",
    "co.filter.too_far": "de reisafstand groter is dan de werkzoekende wil reizen",
    "co.filter.dates": "de data niet passen",
    "co.filter.language": "het niveau Nederlands lager is dan gevraagd",
    "co.filter.certificate": "een gevraagd certificaat ontbreekt",
    "co.filter.essential_skill": "een onmisbare vaardigheid helemaal ontbreekt",
    "co.filter.schedule": "de beschikbaarheid of het aantal uren niet genoeg past",

    // actors
    "co.actor.coordinator": "coördinator {id}",
    "co.actor.employer": "de werkgever",
    "co.actor.portal": "partnerportaal (sleutel {id})",
    "co.actor.system": "het systeem",
    "co.actor.anonymous": "onbekend",
    "co.actor.operator": "beheerder",

    // score and explanation
    "co.score.total": "Score {score} van 100",
    "co.score.why": "Waarom deze score?",
    "co.score.value": "{n} van 100",
    "co.score.part.skills": "Vaardigheden",
    "co.score.part.schedule": "Weekrooster",
    "co.score.part.distance": "Reisafstand",
    "co.score.part.learning": "Leerdoelen",
    "co.score.weight": "Weegt voor {pct}% mee in de score.",
    "co.score.skills.none": "De leerplek vraagt geen vaardigheden; dit deel telt volledig mee.",
    "co.score.skills.has": "Heeft {skill} op niveau {have} (nodig: {need})",
    "co.score.skills.low": "{skill}: niveau {have}, nodig is {need}",
    "co.score.skills.missing": "Mist {skill} (nodig: niveau {need})",
    "co.score.essential": "onmisbaar",
    "co.score.schedule": "Beschikbaar voor {overlap} van de {total} uur per week van de leerplek.",
    "co.score.distance": "Reisafstand {km} km.",
    "co.score.distance.max": "Reisafstand {km} km; wil maximaal {max} km reizen.",
    "co.score.learning": "{n} van de {m} vaardigheden die de leerplek leert, staan in de leerdoelen.",
    "co.score.learning.none": "De leerplek noemt geen vaardigheden om te leren; dit deel telt half mee.",
    "co.score.rules": "Berekend met rekenregels versie {version}.",

    // propose
    "co.propose": "Voorstellen",
    "co.proposed": "Voorgesteld als",
    "co.proposed.announce": "Voorgesteld: match {id} staat in de wachtrij.",
    "co.live_match": "Er loopt al een match:",
  },
  en: {
    "co.nav.overview": "Overview",
    "co.nav.queue": "Queue",
    "co.nav.seekers": "Job seekers",
    "co.nav.placements": "Placements",
    "co.nav.employers": "Employers",
    "co.nav.deliveries": "Notifications",
    "co.nav.audit": "Audit trail",

    "co.yes": "yes",
    "co.no": "no",
    "co.none": "none",
    "co.all": "All",
    "co.match.n": "Match {id}",
    "co.seeker.n": "Job seeker {id}",
    "co.placement.n": "Placement {id}",
    "co.employer.n": "Employer {id}",
    "co.portal.n": "Partner portal {id}",
    "co.waiting": "{age}, since {date}",
    "co.table.scroll": "{caption} (scrolls sideways)",
    "co.count": "{n} of {total}",

    "co.action.approve": "Approve",
    "co.action.reject": "Reject",
    "co.action.start": "Start",
    "co.action.complete": "Complete",
    "co.action.drop_out": "Report drop-out",
    "co.action.cancel": "Cancel match",
    "co.action.accept": "Accept",
    "co.action.decline": "Decline",
    "co.action.confirm": "Confirm",
    "co.action.withdraw": "Withdraw",
    "co.did.apply": "Applied",
    "co.did.propose": "Proposed",
    "co.did.approve": "Approved",
    "co.did.reject": "Rejected",
    "co.did.accept": "Accepted by the employer",
    "co.did.decline": "Declined by the employer",
    "co.did.confirm": "Confirmed by the job seeker",
    "co.did.withdraw": "Withdrawn by the job seeker",
    "co.did.start": "Started",
    "co.did.complete": "Completed",
    "co.did.drop_out": "Dropped out",
    "co.did.cancel": "Cancelled",

    "co.reason.choose": "Choose a reason",
    "co.reason.skills_mismatch": "Skills do not fit",
    "co.reason.schedule_mismatch": "Working hours do not fit",
    "co.reason.too_far": "Travel distance too long",
    "co.reason.language": "Language level does not fit",
    "co.reason.placement_filled": "Placement has been filled",
    "co.reason.placement_cancelled": "Placement is not going ahead",
    "co.reason.seeker_unavailable": "Job seeker is not available",
    "co.reason.seeker_stopped": "Job seeker has stopped",
    "co.reason.employer_unavailable": "Employer cannot be reached",
    "co.reason.employer_stopped": "Employer has stopped",
    "co.reason.illness": "Illness",
    "co.reason.not_suitable": "Turned out not to fit",
    "co.reason.duplicate": "Duplicate match",
    "co.reason.other": "Another reason (see note)",
    "co.reason.no_capacity": "Employer has no time or room right now",

    "co.excluded": "Excluded because:",
    "co.filter.placement_not_open": "the placement is not open or is full",
    "co.filter.too_far": "the distance is longer than the job seeker wants to travel",
    "co.filter.dates": "the dates do not fit",
    "co.filter.language": "the Dutch level is below what is asked",
    "co.filter.certificate": "a required certificate is missing",
    "co.filter.essential_skill": "an essential skill is missing entirely",
    "co.filter.schedule": "the availability or the number of hours does not fit well enough",

    "co.actor.coordinator": "coordinator {id}",
    "co.actor.employer": "the employer",
    "co.actor.portal": "partner portal (key {id})",
    "co.actor.system": "the system",
    "co.actor.anonymous": "unknown",
    "co.actor.operator": "operator",

    "co.score.total": "Score {score} out of 100",
    "co.score.why": "Why this score?",
    "co.score.value": "{n} out of 100",
    "co.score.part.skills": "Skills",
    "co.score.part.schedule": "Weekly schedule",
    "co.score.part.distance": "Travel distance",
    "co.score.part.learning": "Learning goals",
    "co.score.weight": "Counts for {pct}% of the score.",
    "co.score.skills.none": "The placement asks for no skills; this part counts in full.",
    "co.score.skills.has": "Has {skill} at level {have} (needed: {need})",
    "co.score.skills.low": "{skill}: level {have}, {need} is needed",
    "co.score.skills.missing": "Lacks {skill} (needed: level {need})",
    "co.score.essential": "essential",
    "co.score.schedule": "Available for {overlap} of the placement's {total} hours a week.",
    "co.score.distance": "Travel distance {km} km.",
    "co.score.distance.max": "Travel distance {km} km; willing to travel up to {max} km.",
    "co.score.learning": "{n} of the {m} skills the placement teaches are among the learning goals.",
    "co.score.learning.none": "The placement lists no skills to learn; this part counts for half.",
    "co.score.rules": "Computed with scoring rules version {version}.",

    "co.propose": "Propose",
    "co.proposed": "Proposed as",
    "co.proposed.announce": "Proposed: match {id} is in the queue.",
    "co.live_match": "A match is already under way:",
  },
});

export const ROLE = { roles: ["coordinator"] };

// Which action a coordinator may take from which state (server/match_life.c).
export const COORDINATOR_ACTIONS = {
  applied: ["approve", "reject", "cancel"],
  proposed: ["approve", "reject", "cancel"],
  approved: ["reject", "cancel"],
  confirmed: ["start", "reject", "cancel"],
  started: ["complete", "drop_out", "cancel"],
};
// Actions the API refuses without a reason_code.
export const NEEDS_REASON = new Set(["reject", "decline", "withdraw", "drop_out", "cancel"]);
// The reason codes offered (openapi.yaml documents none: any a-z_ code).
export const REASONS = [
  "skills_mismatch", "schedule_mismatch", "too_far", "language", "placement_filled",
  "placement_cancelled", "seeker_unavailable", "seeker_stopped", "employer_unavailable",
  "employer_stopped", "illness", "not_suitable", "duplicate", "other",
];
// States of a match that is still under way (one per pair).
export const OPEN_STATES = ["applied", "proposed", "approved", "confirmed", "started"];
export const HOLDS_PLACE = new Set(["approved", "confirmed", "started"]);

// A text from a key, or `fallback` when the catalogue lacks it.
export function known(key, fallback, params) {
  const text = t(key, params);
  return text === key ? fallback : text;
}

export const yesNo = (value) => t(value ? "co.yes" : "co.no");
export const actionLabel = (action) => known(`co.action.${action}`, action);
export const didLabel = (action) => known(`co.did.${action}`, action);
export const reasonLabel = (code) => (code ? known(`co.reason.${code}`, known(`reason.${code}`, code)) : "");
export const filterLabel = (code) => known(`co.filter.${code}`, code);
export const actorLabel = (kind, id) => known(`co.actor.${kind}`, kind, { id: id ?? "?" });
export const waitingText = (since) => (since ? t("co.waiting", { age: formatAge(since), date: formatDate(since) }) : "");

// Items by id.
export const byId = (items) => new Map(items.map((item) => [Number(item.id), item]));

// Employers and placements by id, for names in lists (one getAll each,
// never a request per row).
export async function lookups({ employers = true, placements = true, placementQuery = "" } = {}) {
  const [e, p] = await Promise.all([
    employers ? getAll("/v1/employers") : [],
    placements ? getAll(`/v1/placements${placementQuery}`) : [],
  ]);
  return { employers: byId(e), placements: byId(p) };
}

export const employerName = (map, id) => map?.get(Number(id))?.name ?? t("co.employer.n", { id });
export const placementTitle = (map, id) => map?.get(Number(id))?.title ?? t("co.placement.n", { id });

export const employerLink = (map, id) => link(`#/employers/${id}`, employerName(map, id));
export const placementLink = (map, id) => link(`#/placements/${id}`, placementTitle(map, id));
export const seekerLink = (id, name) => link(`#/seekers/${id}`, name || t("co.seeker.n", { id }));
export const matchLink = (id) => link(`#/matches/${id}`, t("co.match.n", { id }));

// A table that scrolls sideways on a narrow screen; the region is
// focusable so a keyboard can scroll it. Every table here sits under a
// heading that says the same as its caption, so the caption is kept for
// screen readers but not shown twice.
export function scrollable(tableNode, label) {
  if (tableNode.tagName !== "TABLE") return tableNode;
  tableNode.querySelector("caption")?.classList.add("visually-hidden");
  return h("div", { class: "table-scroll", role: "region", tabindex: "0", "aria-label": label }, tableNode);
}

// A table whose rows are built by the caller (rows: <tr> elements), so a
// screen can keep them and re-order or filter them without rebuilding.
export function tableShell(columns, { caption } = {}) {
  const tbody = h("tbody", { class: "utrecht-table__body" });
  const node = h("table", { class: "utrecht-table" },
    caption ? h("caption", { class: "utrecht-table__caption" }, caption) : null,
    h("thead", { class: "utrecht-table__header" },
      h("tr", { class: "utrecht-table__row" },
        columns.map((label) => h("th", { class: "utrecht-table__header-cell", scope: "col" }, label)))),
    tbody);
  return { table: node, tbody };
}
export const row = (...cells) => h("tr", { class: "utrecht-table__row" }, ...cells);
export const cell = (...children) => h("td", { class: "utrecht-table__cell" }, ...children);
export const rowHeader = (...children) => h("th", { class: "utrecht-table__header-cell", scope: "row" }, ...children);

// A small label in the badge style for things that are not match states.
export const tag = (text, kind) => h("span", { class: ["utrecht-status-badge", kind ? `state-${kind}` : null] }, text);

// --- the score: one bar per component, and why in words ---

const PARTS = ["skills", "schedule", "distance", "learning"];

function skillLine(c, key) {
  const say = (name) => {
    const text = t(key, { skill: name, have: c.seeker_level, need: c.required_level });
    return c.essential ? `${text}, ${t("co.score.essential")}.` : `${text}.`;
  };
  const span = h("span", {}, say(skillLabelNow(c.uri)));
  skillLabel(c.uri).then((name) => (span.textContent = say(name)));
  return span;
}

function partWords(name, e, maxTravelKm) {
  if (name === "skills") {
    const lines = [
      ...(e.matched_skills ?? []).map((c) => skillLine(c, "co.score.skills.has")),
      ...(e.missing_skills ?? []).map((c) =>
        skillLine(c, c.seeker_level > 0 ? "co.score.skills.low" : "co.score.skills.missing")),
    ];
    if (!lines.length) return [t("co.score.skills.none")];
    return [h("ul", { class: "utrecht-unordered-list" },
      lines.map((line) => h("li", { class: "utrecht-unordered-list__item" }, line)))];
  }
  if (name === "schedule")
    return [t("co.score.schedule", { overlap: e.overlap_hours_per_week ?? 0, total: e.placement_schedule_hours ?? 0 })];
  if (name === "distance") {
    const km = formatNumber(e.distance_km ?? 0, 1);
    return [maxTravelKm
      ? t("co.score.distance.max", { km, max: formatNumber(maxTravelKm) })
      : t("co.score.distance", { km })];
  }
  return [e.taught_skills
    ? t("co.score.learning", { n: e.taught_skills_among_goals ?? 0, m: e.taught_skills })
    : t("co.score.learning.none")];
}

// A meter from 0 to 100 with its number beside it, labelled by `labelId`.
export function meter(value, labelId, describedBy) {
  const n = Math.max(0, Math.min(100, Math.round(Number(value) || 0)));
  return [
    h("meter", { class: "score-part__meter", min: "0", max: "100", low: "34", high: "67", optimum: "100", value: n,
      "aria-labelledby": labelId, "aria-describedby": describedBy }, t("co.score.value", { n })),
    h("span", { class: "score-part__value" }, t("co.score.value", { n })),
  ];
}

// The total as a bar, the four components as bars with their words, the
// hard filters that excluded the pair, and the rules' version.
// `level`: the heading level of the total; `open`: the details shown at once.
export function scoreBlock({ score, explanation, excluded_by: excluded }, { level = 3, open = false, maxTravelKm } = {}) {
  const e = explanation ?? {};
  const components = e.components ?? {};
  const weights = e.weights ?? { skills: 40, schedule: 25, distance: 20, learning: 15 };
  const total = PARTS.reduce((sum, name) => sum + Number(weights[name] ?? 0), 0) || 1;
  const totalId = newId("score");
  const parts = PARTS.map((name) => {
    const labelId = newId("part");
    const wordsId = newId("why");
    return h("div", { class: "score-component" },
      h("div", { class: "score-part" },
        h("span", { id: labelId, class: "score-part__label" }, t(`co.score.part.${name}`)),
        meter(100 * Number(components[name] ?? 0), labelId, wordsId)),
      h("div", { id: wordsId, class: "score-component__why" },
        paragraph(t("co.score.weight", { pct: Math.round((100 * Number(weights[name] ?? 0)) / total) })),
        ...partWords(name, e, maxTravelKm).map((w) => (typeof w === "string" ? paragraph(w) : w))));
  });
  return h("div", { class: "score" },
    h("div", { class: "score-bar" },
      h(`h${level}`, { class: `utrecht-heading-${level} score__total`, id: totalId }, t("co.score.total", { score })),
      meter(score, totalId)),
    excluded?.length
      ? alert("warning", paragraph(t("co.excluded")),
          h("ul", { class: "utrecht-unordered-list" },
            excluded.map((code) => h("li", { class: "utrecht-unordered-list__item" }, filterLabel(code)))))
      : null,
    h("details", { class: "score__details", open },
      h("summary", { class: "score__summary" }, t("co.score.why")),
      ...parts,
      (e.rules_version ?? null) !== null ? paragraph(t("co.score.rules", { version: e.rules_version })) : null));
}

// Why a pair is excluded, as a list (without the score).
export function excludedList(codes) {
  return h("div", { class: "excluded" },
    paragraph(t("co.excluded")),
    h("ul", { class: "utrecht-unordered-list" },
      (codes ?? []).map((code) => h("li", { class: "utrecht-unordered-list__item" }, filterLabel(code)))));
}

// "Voorstellen": POST /v1/matches (a coordinator's match starts as
// `proposed`). On success the button gives way to a link to the new match,
// which gets the focus. `describedBy`: the id of what the button is about.
export function proposeButton(seekerId, placementId, { describedBy, onProposed } = {}) {
  const box = h("div", { class: "propose" });
  const problem = h("div", { class: "propose__problem", role: "alert" });
  const go = button(t("co.propose"), async () => {
    go.disabled = true;
    problem.replaceChildren();
    try {
      const match = await post("/v1/matches", { seeker_id: Number(seekerId), placement_id: Number(placementId) });
      const to = matchLink(match.id);
      box.replaceChildren(paragraph(t("co.proposed"), " ", to, " ", badge(match.state)));
      announce(t("co.proposed.announce", { id: match.id }));
      to.focus();
      onProposed?.(match);
    } catch (error) {
      go.disabled = false;
      problem.replaceChildren(alert("error", paragraph(error.message)));
    }
  });
  if (describedBy) go.setAttribute("aria-describedby", describedBy);
  box.append(go, problem);
  return box;
}

// The live match of a pair, if any, as a line with a link.
export const liveMatchLine = (match) =>
  paragraph(t("co.live_match"), " ", matchLink(match.id), " ", badge(match.state));

