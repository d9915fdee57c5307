// What the coordinator's screens share: the words for actions, reasons,
// filters and actors; which action a coordinator may take in which state
// (the table of server/match_life.c and openapi.yaml); lookups of
// employers and placements by id; a score as bars with its explanation in
// words; and the "propose" button. All texts have keys starting "co." so
// they never collide with another module's.
import { h, announce } from "./dom.js";
import { t, addMessages, formatDate, formatAge } from "./i18n.js";
import { getAll, post } from "./api.js";
import { paragraph, link, button, alert, badge } from "./ui.js";
export { scoreBlock, excludedList, filterLabel } from "./score.js";

addMessages({
  nl: {
    "co.nav.overview": "Overzicht",
    "co.nav.queue": "Wachtrij",
    "co.nav.seekers": "Werkzoekenden",
    "co.nav.placements": "Leerplekken",
    "co.nav.employers": "Werkgevers",
    "co.nav.deliveries": "Meldingen",
    "co.nav.audit": "Auditlog",
    "co.nav.accounts": "Accounts",
    "co.nav.portals": "Partnerportalen",

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


    // actors
    "co.actor.coordinator": "coördinator {id}",
    "co.actor.employer": "de werkgever",
    "co.actor.portal": "partnerportaal (sleutel {id})",
    "co.actor.system": "het systeem",
    "co.actor.anonymous": "onbekend",
    "co.actor.operator": "beheerder",


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
    "co.nav.accounts": "Accounts",
    "co.nav.portals": "Partner portals",

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


    "co.actor.coordinator": "coordinator {id}",
    "co.actor.employer": "the employer",
    "co.actor.portal": "partner portal (key {id})",
    "co.actor.system": "the system",
    "co.actor.anonymous": "unknown",
    "co.actor.operator": "operator",


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

