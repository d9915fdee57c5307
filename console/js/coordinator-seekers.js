// "/seekers": the job seekers (every read is audited by the API);
// "/seekers/:id": one seeker's profile, their consent per purpose with its
// history (coordinator-privacy.js), their matches, the open placements
// ranked for them with the explanation, the excluded ones with the rules
// that excluded them, "why not?" for any placement, "propose" on each
// eligible placement, and the download of their data and its erasure
// (coordinator-privacy.js). An erased seeker's page says so and shows what
// is left. A seeker's name is shown on the page, never in its title or
// address.
import { h, newId, announce } from "./dom.js";
import { t, addMessages, formatDate, formatNumber } from "./i18n.js";
import { get, getAll } from "./api.js";
import { route } from "./router.js";
import { page, heading, paragraph, button, field, input, select, table, facts, fill, badge, failure, alert } from "./ui.js";
import {
  ROLE, OPEN_STATES, lookups, employerLink, placementLink, placementTitle, matchLink, seekerLink, filterLabel,
  scrollable, scoreBlock, excludedList, proposeButton, liveMatchLine, tag, waitingText,
} from "./coordinator-common.js";
import { certificateLabel, cefrLabel, scheduleInWords, skillName, skillLabelNow, skillLabel } from "./entrepreneur-common.js";
import { statusMessage } from "./forms.js";
import {
  consentSection, exportSection, eraseSection, erasedBanner, erasedTag, isErased, seekerName, mayBeMatched,
} from "./coordinator-privacy.js";

addMessages({
  nl: {
    "co.seekers.title": "Werkzoekenden",
    "co.seekers.intro": "Werkzoekenden die partnerportalen hebben aangemeld. Elke keer dat je ze bekijkt, komt in het auditlog.",
    "co.seekers.status": "Status",
    "co.seekers.area": "Postcodegebied",
    "co.seekers.area.hint": "De eerste 1 tot 4 cijfers, bijvoorbeeld 2521.",
    "co.seekers.name": "Naam bevat",
    "co.seekers.name.hint": "Zoekt alleen in wat je hieronder ziet.",
    "co.seekers.show": "Tonen",
    "co.seekers.caption": "Werkzoekenden",
    "co.seekers.shown": "{n} werkzoekenden",
    "co.seekers.none": "Geen werkzoekenden gevonden.",
    "co.seekers.col.name": "Naam",
    "co.seekers.col.postcode": "Postcode",
    "co.seekers.col.status": "Status",
    "co.seekers.col.from": "Beschikbaar vanaf",
    "co.seekers.col.travel": "Reist maximaal",
    "co.seekers.col.portal": "Partnerportaal",
    "co.seekers.km": "{km} km",
    "co.seeker.status.active": "actief",
    "co.seeker.status.paused": "gepauzeerd",
    "co.seeker.status.placed": "geplaatst",
    "co.seeker.status.left": "vertrokken",
    "co.seeker.title": "Werkzoekende {id}",
    "co.seeker.profile": "Profiel",
    "co.seeker.name": "Naam",
    "co.seeker.email": "E-mail",
    "co.seeker.phone": "Telefoon",
    "co.seeker.postcode": "Postcode",
    "co.seeker.ref": "Kenmerk bij het partnerportaal",
    "co.seeker.portal": "Partnerportaal",
    "co.seeker.available": "Beschikbaar",
    "co.seeker.available.from": "vanaf {from}",
    "co.seeker.available.range": "{from} tot en met {until}",
    "co.seeker.hours": "Uren per week",
    "co.seeker.hours.value": "maximaal {n} uur",
    "co.seeker.times": "Beschikbaarheid",
    "co.seeker.travel": "Reisafstand",
    "co.seeker.travel.value": "maximaal {n} km",
    "co.seeker.dutch": "Nederlands",
    "co.seeker.certificates": "Certificaten",
    "co.seeker.skills": "Vaardigheden",
    "co.seeker.skill": "{skill} (niveau {level})",
    "co.seeker.goals": "Leerdoelen",
    "co.seeker.matches": "Matches",
    "co.seeker.matches.none": "Nog geen matches.",
    "co.seeker.col.match": "Match",
    "co.seeker.col.placement": "Leerplek",
    "co.seeker.col.state": "Stand",
    "co.seeker.col.since": "Sinds",
    "co.seeker.ranked": "Passende leerplekken",
    "co.seeker.ranked.intro": "Open leerplekken, de best passende eerst. Stel er een voor om hem in de wachtrij te zetten.",
    "co.seeker.ranked.none": "Er is nu geen open leerplek die past.",
    "co.seeker.excluded": "Leerplekken die afvallen",
    "co.seeker.excluded.intro": "De dichtstbijzijnde open leerplekken die niet passen, met de regel waardoor ze afvallen.",
    "co.seeker.excluded.none": "Er vallen geen open leerplekken af.",
    "co.seeker.whynot": "Waarom (niet)?",
    "co.seeker.whynot.intro": "Kies een leerplek om te zien hoe hij scoort voor deze werkzoekende, of waarom hij afvalt.",
    "co.seeker.whynot.placement": "Leerplek",
    "co.seeker.whynot.choose": "Kies een leerplek",
    "co.seeker.whynot.show": "Uitleg tonen",
    "co.seeker.whynot.eligible": "Deze leerplek past: hij komt in aanmerking.",
    "co.seeker.whynot.not_open": "(niet open)",
    "co.seeker.employer": "Werkgever: ",
    "co.seeker.no_consent": "Deze werkzoekende heeft geen toestemming gegeven om gekoppeld te worden. Leerplekken zoeken en voorstellen kan pas weer als er opnieuw toestemming is.",
  },
  en: {
    "co.seekers.title": "Job seekers",
    "co.seekers.intro": "Job seekers registered by partner portals. Every time you view them, it goes into the audit trail.",
    "co.seekers.status": "Status",
    "co.seekers.area": "Postcode area",
    "co.seekers.area.hint": "The first 1 to 4 digits, for example 2521.",
    "co.seekers.name": "Name contains",
    "co.seekers.name.hint": "Searches only what is shown below.",
    "co.seekers.show": "Show",
    "co.seekers.caption": "Job seekers",
    "co.seekers.shown": "{n} job seekers",
    "co.seekers.none": "No job seekers found.",
    "co.seekers.col.name": "Name",
    "co.seekers.col.postcode": "Postcode",
    "co.seekers.col.status": "Status",
    "co.seekers.col.from": "Available from",
    "co.seekers.col.travel": "Travels up to",
    "co.seekers.col.portal": "Partner portal",
    "co.seekers.km": "{km} km",
    "co.seeker.status.active": "active",
    "co.seeker.status.paused": "paused",
    "co.seeker.status.placed": "placed",
    "co.seeker.status.left": "left",
    "co.seeker.title": "Job seeker {id}",
    "co.seeker.profile": "Profile",
    "co.seeker.name": "Name",
    "co.seeker.email": "E-mail",
    "co.seeker.phone": "Phone",
    "co.seeker.postcode": "Postcode",
    "co.seeker.ref": "Reference at the partner portal",
    "co.seeker.portal": "Partner portal",
    "co.seeker.available": "Available",
    "co.seeker.available.from": "from {from}",
    "co.seeker.available.range": "{from} to {until}",
    "co.seeker.hours": "Hours a week",
    "co.seeker.hours.value": "at most {n} hours",
    "co.seeker.times": "Availability",
    "co.seeker.travel": "Travel distance",
    "co.seeker.travel.value": "at most {n} km",
    "co.seeker.dutch": "Dutch",
    "co.seeker.certificates": "Certificates",
    "co.seeker.skills": "Skills",
    "co.seeker.skill": "{skill} (level {level})",
    "co.seeker.goals": "Learning goals",
    "co.seeker.matches": "Matches",
    "co.seeker.matches.none": "No matches yet.",
    "co.seeker.col.match": "Match",
    "co.seeker.col.placement": "Placement",
    "co.seeker.col.state": "State",
    "co.seeker.col.since": "Since",
    "co.seeker.ranked": "Fitting placements",
    "co.seeker.ranked.intro": "Open placements, the best fit first. Propose one to put it in the queue.",
    "co.seeker.ranked.none": "No open placement fits right now.",
    "co.seeker.excluded": "Excluded placements",
    "co.seeker.excluded.intro": "The nearest open placements that do not fit, with the rule that excludes them.",
    "co.seeker.excluded.none": "No open placements are excluded.",
    "co.seeker.whynot": "Why (not)?",
    "co.seeker.whynot.intro": "Choose a placement to see how it scores for this job seeker, or why it is excluded.",
    "co.seeker.whynot.placement": "Placement",
    "co.seeker.whynot.choose": "Choose a placement",
    "co.seeker.whynot.show": "Show explanation",
    "co.seeker.whynot.eligible": "This placement fits: it is eligible.",
    "co.seeker.whynot.not_open": "(not open)",
    "co.seeker.employer": "Employer: ",
    "co.seeker.no_consent": "This job seeker has not given consent to be matched. Finding and proposing placements is only possible again once consent is given again.",
  },
});

const SEEKER_STATES = ["active", "paused", "placed", "left"];
const statusTag = (status) => tag(t(`co.seeker.status.${status}`), status === "active" ? "open" : null);

// --- the list ---

const listChoice = { status: "active", area: "", name: "" };

async function seekersPage(main) {
  const status = select([["", t("co.all")], ...SEEKER_STATES.map((s) => [s, t(`co.seeker.status.${s}`)])],
    { name: "status", value: listChoice.status });
  const area = input({ name: "postcode_area", inputmode: "numeric", pattern: "[1-9][0-9]{0,3}", maxlength: "4", value: listChoice.area, autocomplete: "off" });
  const name = input({ name: "name", type: "search", value: listChoice.name, autocomplete: "off" });
  const results = h("div", { class: "seekers__results" });
  const form = h("form", { class: "queue-filters", novalidate: true },
    field(t("co.seekers.status"), status),
    field(t("co.seekers.area"), area, { description: t("co.seekers.area.hint") }),
    field(t("co.seekers.name"), name, { description: t("co.seekers.name.hint") }),
    button(t("co.seekers.show"), undefined, { kind: "primary", type: "submit" }));
  page(main, t("co.seekers.title"), paragraph(t("co.seekers.intro")), form, results);

  let loaded = [];
  let loadedFor = null;
  const show = async () => {
    Object.assign(listChoice, { status: status.value, area: area.value.trim(), name: name.value.trim() });
    const query = new URLSearchParams();
    if (listChoice.status) query.set("status", listChoice.status);
    if (/^[1-9][0-9]{0,3}$/.test(listChoice.area)) query.set("postcode_area", listChoice.area);
    const key = query.toString();
    await fill(results, async () => {
      if (key !== loadedFor) {
        loaded = await getAll(`/v1/seekers${key ? `?${key}` : ""}`);
        loadedFor = key;
      }
      const needle = listChoice.name.toLocaleLowerCase();
      const rows = loaded
        .filter((s) => !needle || (!isErased(s) && String(s.name ?? "").toLocaleLowerCase().includes(needle)))
        .sort((a, b) => String(a.name ?? "").localeCompare(String(b.name ?? "")) || a.id - b.id);
      return [
        h("p", { class: "utrecht-paragraph", role: "status" }, t("co.seekers.shown", { n: formatNumber(rows.length) })),
        scrollable(table([
          { label: t("co.seekers.col.name"), cell: (s) => isErased(s)
            ? [seekerLink(s.id, t("co.seeker.n", { id: s.id })), " ", erasedTag()]
            : seekerLink(s.id, s.name) },
          { label: t("co.seekers.col.postcode"), cell: (s) => s.postcode ?? "" },
          { label: t("co.seekers.col.status"), cell: (s) => statusTag(s.status) },
          { label: t("co.seekers.col.from"), cell: (s) => formatDate(s.available_from) },
          { label: t("co.seekers.col.travel"), cell: (s) => t("co.seekers.km", { km: formatNumber(s.max_travel_km ?? 0) }) },
          { label: t("co.seekers.col.portal"), cell: (s) => t("co.portal.n", { id: s.portal_id }) },
        ], rows, { caption: t("co.seekers.caption"), empty: t("co.seekers.none") }), t("co.seekers.caption")),
      ];
    });
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  await show();
}

// --- one seeker ---

const list = (nodes) => nodes.length
  ? h("ul", { class: "utrecht-unordered-list" }, nodes.map((n) => h("li", { class: "utrecht-unordered-list__item" }, n)))
  : t("co.none");

function skillWithLevel(s) {
  const span = h("span", {}, t("co.seeker.skill", { skill: skillLabelNow(s.uri), level: s.level }));
  skillLabel(s.uri).then((label) => (span.textContent = t("co.seeker.skill", { skill: label, level: s.level })));
  return span;
}

function profile(s) {
  return facts([
    [t("co.seeker.name"), seekerName(s)],
    [t("co.seekers.status"), isErased(s) ? [statusTag(s.status), " ", erasedTag()] : statusTag(s.status)],
    [t("co.seeker.email"), s.email],
    [t("co.seeker.phone"), s.phone],
    [t("co.seeker.postcode"), s.postcode],
    [t("co.seeker.portal"), t("co.portal.n", { id: s.portal_id })],
    [t("co.seeker.ref"), s.external_ref],
    [t("co.seeker.available"), s.available_until
      ? t("co.seeker.available.range", { from: formatDate(s.available_from), until: formatDate(s.available_until) })
      : t("co.seeker.available.from", { from: formatDate(s.available_from) })],
    [t("co.seeker.hours"), t("co.seeker.hours.value", { n: formatNumber(s.max_hours_per_week ?? 0) })],
    [t("co.seeker.times"), scheduleInWords(s.availability)],
    [t("co.seeker.travel"), t("co.seeker.travel.value", { n: formatNumber(s.max_travel_km ?? 0) })],
    [t("co.seeker.dutch"), cefrLabel(s.dutch_level, true)],
    [t("co.seeker.certificates"), s.certificates?.length ? s.certificates.map(certificateLabel).join(", ") : t("co.none")],
    [t("co.seeker.skills"), list((s.skills ?? []).map(skillWithLevel))],
    [t("co.seeker.goals"), list((s.learning_goals ?? []).map(skillName))],
  ]);
}

// A placement in the ranking: its title, employer, score with explanation,
// and "propose" (or the match already under way).
function rankedCard(seeker, item, names, live, eligible, mayPropose = true) {
  const titleId = newId("placement");
  const p = names.placements.get(Number(item.placement_id));
  const existing = live.get(Number(item.placement_id));
  return h("li", { class: "placement-card" },
    h("h3", { class: "utrecht-heading-3", id: titleId }, placementLink(names.placements, item.placement_id)),
    p ? paragraph(t("co.seeker.employer"), employerLink(names.employers, p.employer_id)) : null,
    eligible
      ? scoreBlock(item, { level: 4, maxTravelKm: seeker.max_travel_km })
      : excludedList(item.excluded_by),
    eligible
      ? existing ? liveMatchLine(existing) : !mayPropose ? null : proposeButton(seeker.id, item.placement_id, {
          describedBy: titleId, onProposed: (m) => live.set(Number(item.placement_id), m) })
      : null);
}

const noConsent = () => alert("warning", paragraph(t("co.seeker.no_consent")));

async function seekerPage(main, id, me) {
  const body = h("div", { class: "seeker" });
  page(main, t("co.seeker.title", { id }), body);
  // drawn again after a change of consent (matches and rankings change
  // with it), with what was done in the consent section, focused
  const draw = async (notice) => {
    await fill(body, () => seekerParts(id, me, draw, notice));
    const said = body.querySelector(".seeker__said [tabindex='-1']");
    if (said) {
      said.focus();
      announce(said.textContent);
    }
  };
  await draw(null);
}

async function seekerParts(id, me, draw, notice) {
  const enc = encodeURIComponent(id);
  const seekerAsked = get(`/v1/seekers/${enc}`);
  const [seeker, matches, ranking, names, consents] = await Promise.all([
    seekerAsked,
    getAll(`/v1/matches?seeker_id=${enc}`),
    // an erased seeker, or one without consent for matching, is in no
    // ranking (the API refuses: consent_missing): not asked; a refusal
    // spoils only the ranking's sections
    seekerAsked.then((s) => isErased(s) || s.consents?.matching?.given !== true ? null
      : get(`/v1/seekers/${enc}/matches?include_excluded=true&limit=50`).catch((error) => error)),
    lookups(),
    // a refusal spoils only the consent section
    get(`/v1/seekers/${enc}/consents`).catch((error) => error),
  ]);
  const erased = isErased(seeker);
  // without consent for matching the API refuses proposals (consent_missing)
  const mayMatch = mayBeMatched(seeker, consents);
  const live = new Map(matches.filter((m) => OPEN_STATES.includes(m.state)).map((m) => [Number(m.placement_id), m]));
  const rankingFailed = ranking instanceof Error;
  const unranked = !erased && ranking === null; /* no consent for matching */
  const ranked = erased || unranked ? null : rankingFailed ? failure(ranking) : h("ol", { class: "placement-list seeker__ranked" },
    ranking.items.map((item) => rankedCard(seeker, item, names, live, true, mayMatch)));
  const excluded = erased || unranked || rankingFailed ? null : h("ul", { class: "placement-list seeker__excluded" },
    (ranking.excluded ?? []).map((item) => rankedCard(seeker, item, names, live, false)));

  // why (not): any placement, scored or excluded
  const options = [...names.placements.values()]
    .sort((a, b) => String(a.title).localeCompare(String(b.title)))
    .map((p) => [String(p.id), p.status === "open" ? p.title : `${p.title} ${t("co.seeker.whynot.not_open")}`]);
  const which = select([["", t("co.seeker.whynot.choose")], ...options], { name: "placement_id" });
  const answer = h("div", { class: "seeker__whynot-answer" });
  const whyForm = h("form", { class: "queue-filters", novalidate: true },
    field(t("co.seeker.whynot.placement"), which),
    button(t("co.seeker.whynot.show"), undefined, { type: "submit" }));
  whyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!which.value) return which.focus();
    const pid = which.value;
    await fill(answer, async () => {
      const pair = await get(`/v1/seekers/${enc}/matches/${encodeURIComponent(pid)}`);
      const existing = live.get(Number(pid));
      announce(pair.eligible
        ? `${placementTitle(names.placements, pid)}: ${t("score.total", { score: pair.score })}`
        : `${placementTitle(names.placements, pid)}: ${t("score.excluded")} ${(pair.excluded_by ?? []).map(filterLabel).join(", ")}`);
      return h("div", { class: "placement-card" },
        h("h3", { class: "utrecht-heading-3", id: `whynot-${pid}` }, placementLink(names.placements, pid)),
        pair.eligible ? paragraph(t("co.seeker.whynot.eligible")) : null,
        scoreBlock(pair, { level: 4, open: true, maxTravelKm: seeker.max_travel_km }),
        pair.eligible
          ? existing ? liveMatchLine(existing) : !mayMatch ? noConsent() : proposeButton(seeker.id, pid, {
              describedBy: `whynot-${pid}`, onProposed: (m) => live.set(Number(pid), m) })
          : null);
    });
  });

  const consent = consentSection(seeker, consents, matches, { me, onRecorded: (message) => draw(message) });
  if (notice) consent.querySelector("h2").after(h("div", { class: "status-holder seeker__said" }, statusMessage("ok", paragraph(notice))));

  return [
    erased ? erasedBanner(seeker) : null,
    h("section", { class: "seeker__profile" }, heading(2, t("co.seeker.profile")), profile(seeker)),
    consent,
    h("section", { class: "seeker__matches" }, heading(2, t("co.seeker.matches")),
      scrollable(table([
        { label: t("co.seeker.col.match"), cell: (m) => matchLink(m.id) },
        { label: t("co.seeker.col.placement"), cell: (m) => placementLink(names.placements, m.placement_id) },
        { label: t("co.seeker.col.state"), cell: (m) => badge(m.state) },
        { label: t("co.seeker.col.since"), cell: (m) => waitingText(m.state_since) },
      ], [...matches].sort((a, b) => b.id - a.id), { caption: t("co.seeker.matches"), empty: t("co.seeker.matches.none") }),
      t("co.seeker.matches"))),
    erased ? null : h("section", { class: "seeker__ranking" }, heading(2, t("co.seeker.ranked")),
      paragraph(t("co.seeker.ranked.intro")),
      mayMatch ? null : noConsent(),
      unranked ? null : rankingFailed || ranking.items.length ? ranked : paragraph(t("co.seeker.ranked.none"))),
    erased || unranked || rankingFailed ? null : h("section", { class: "seeker__excluded-section" }, heading(2, t("co.seeker.excluded")),
      paragraph(t("co.seeker.excluded.intro")),
      (ranking.excluded ?? []).length ? excluded : paragraph(t("co.seeker.excluded.none"))),
    erased ? null : h("section", { class: "seeker__whynot" }, heading(2, t("co.seeker.whynot")),
      paragraph(t("co.seeker.whynot.intro")), whyForm, answer),
    exportSection(seeker),
    eraseSection(seeker),
  ];
}

route("/seekers", (params, main) => seekersPage(main), ROLE);
route("/seekers/:id", (params, main, me) => seekerPage(main, params.id, me), ROLE);
