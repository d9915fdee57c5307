// "/reports": the academy's figures for its funders and partners (GET
// /v1/reports/...). The funnel and the time in each stage over a date
// range (the funnel per week, month or quarter, optionally per employer,
// occupation or portal); unmet demand by district and by occupation, the
// skills gap and the job seekers without a match as they are now. Each
// figure as a bar chart (charts.js) and in a table, and each table with a
// link to the same report as CSV: a plain link, as the console's session
// cookie goes with it and a GET needs no CSRF header. No report names a
// job seeker.
import { h, newId, announce } from "./dom.js";
import { t, addMessages, currentLanguage, formatDate, formatNumber } from "./i18n.js";
import { get } from "./api.js";
import { route } from "./router.js";
import { page, heading, paragraph, button, field, input, select, fill, link, facts } from "./ui.js";
import { showErrors, clearErrors } from "./forms.js";
import { ROLE, scrollable, row, cell, rowHeader, known } from "./coordinator-common.js";
import { barChart } from "./charts.js";

addMessages({
  nl: {
    "co.nav.reports": "Rapportages",
    "co.reports.title": "Rapportages",
    "co.reports.intro": "De cijfers van de academie voor financiers en partners. Geen rapportage noemt een werkzoekende: het zijn alleen aantallen.",
    "co.reports.csv": "CSV downloaden",
    "co.reports.none": "–",
    "co.reports.now": "Zoals het nu is: alle open leerplekken met een vrije plaats tegen alle actieve werkzoekenden die toestemming gaven om gekoppeld te worden.",

    // the choice
    "co.reports.range": "Periode",
    "co.reports.range.hint": "Voor de trechter en de tijd per stap. Data in Nederlandse tijd; de einddatum telt mee.",
    "co.reports.from": "Van",
    "co.reports.to": "Tot en met",
    "co.reports.period": "Per",
    "co.reports.period.week": "week",
    "co.reports.period.month": "maand",
    "co.reports.period.quarter": "kwartaal",
    "co.reports.group": "Uitsplitsen naar",
    "co.reports.group.none": "niet uitsplitsen",
    "co.reports.group.employer": "werkgever",
    "co.reports.group.occupation": "beroep",
    "co.reports.group.portal": "partnerportaal",
    "co.reports.show": "Tonen",
    "co.reports.shown": "De trechter en de tijd per stap van {from} tot en met {to}.",
    "co.reports.problem.date": "Vul een datum in, zoals 31-01-2027.",
    "co.reports.problem.order": "De einddatum mag niet voor de begindatum liggen.",

    // funnel
    "co.reports.funnel": "Trechter",
    "co.reports.funnel.intro": "Hoeveel matches in elke stap kwamen, van {from} tot en met {to}, en hoeveel doorstroomden naar de volgende stap.",
    "co.reports.funnel.empty": "In deze periode kwam geen enkele match in een stap.",
    "co.reports.funnel.chart": "Matches per stap, van {from} tot en met {to}",
    "co.reports.funnel.exits": "Afgevallen matches, van {from} tot en met {to}",
    "co.reports.funnel.conversion": "Doorstroom",
    "co.reports.funnel.table": "Trechter per {period}",
    "co.reports.funnel.table.group": "Trechter per {period} en {group}",
    "co.reports.funnel.total": "Totaal",
    "co.reports.col.period": "Periode",
    "co.reports.col.group.employer": "Werkgever",
    "co.reports.col.group.occupation": "Beroep",
    "co.reports.col.group.portal": "Partnerportaal",
    "co.reports.group.unknown": "onbekend",
    "co.reports.week": "week van {date}",
    "co.reports.quarter": "K{q} {year}",
    "co.reports.step.applied": "aangemeld",
    "co.reports.step.proposed": "voorgesteld",
    "co.reports.step.approved": "goedgekeurd",
    "co.reports.step.accepted": "geaccepteerd door werkgever",
    "co.reports.step.confirmed": "bevestigd",
    "co.reports.step.started": "gestart",
    "co.reports.step.completed": "afgerond",
    "co.reports.step.dropped_out": "uitgevallen",
    "co.reports.step.rejected": "afgewezen",
    "co.reports.step.declined": "geweigerd",
    "co.reports.step.withdrawn": "teruggetrokken",
    "co.reports.step.cancelled": "geannuleerd",
    "co.reports.conv.approved_from_submitted": "Goedgekeurd van aangemeld en voorgesteld",
    "co.reports.conv.confirmed_from_approved": "Bevestigd van goedgekeurd",
    "co.reports.conv.started_from_confirmed": "Gestart van bevestigd",
    "co.reports.conv.completed_from_started": "Afgerond van gestart",
    "co.reports.conv.short.approved_from_submitted": "% goedgekeurd",
    "co.reports.conv.short.confirmed_from_approved": "% bevestigd",
    "co.reports.conv.short.started_from_confirmed": "% gestart",
    "co.reports.conv.short.completed_from_started": "% afgerond",
    "co.reports.conv.nothing": "nog niets om door te stromen",

    // time in stage
    "co.reports.stage": "Tijd per stap",
    "co.reports.stage.intro": "Hoe lang matches in een stap bleven (mediaan en de 90 % snelste), voor verblijven die eindigden van {from} tot en met {to}.",
    "co.reports.stage.empty": "In deze periode eindigde geen enkel verblijf in een stap.",
    "co.reports.stage.chart": "Mediane tijd per stap",
    "co.reports.stage.table": "Mediaan en 90 % per stap",
    "co.reports.col.state": "Stap",
    "co.reports.col.stays": "Aantal keer",
    "co.reports.col.median": "Mediaan",
    "co.reports.col.p90": "90 % binnen",
    "co.reports.employers": "Hoe snel werkgevers antwoorden",
    "co.reports.employers.intro": "De tijd van goedkeuren tot het eerste antwoord van de werkgever (accepteren of weigeren). De traagste eerst; werkgevers zonder antwoord onderaan.",
    "co.reports.employers.empty": "Geen goedgekeurde matches in deze periode.",
    "co.reports.employers.table": "Antwoordtijd per werkgever",
    "co.reports.col.employer": "Werkgever",
    "co.reports.col.approved": "Goedgekeurd",
    "co.reports.col.responses": "Beantwoord",
    "co.reports.col.waiting": "Wacht nog",
    "co.reports.hours": "{n} uur",
    "co.reports.days": "{n} dag|{n} dagen",
    "co.reports.minutes": "{n} min.",

    // unmet demand
    "co.reports.unmet": "Niet-vervulde vraag",
    "co.reports.unmet.summary": "{unmet} van de {open} open leerplekken vinden nu geen passende werkzoekende, onder {seekers} actieve werkzoekenden.",
    "co.reports.unmet.summary.min": "{unmet} van de {open} open leerplekken vinden nu geen passende werkzoekende met een score van minstens {min}, onder {seekers} actieve werkzoekenden.",
    "co.reports.unmet.reasons": "Het getal achter een reden of vaardigheid is het aantal combinaties van leerplek en werkzoekende dat daarop afviel.",
    "co.reports.unmet.none": "Elke open leerplek heeft nu minstens één passende werkzoekende.",
    "co.reports.min_score": "Minimale score",
    "co.reports.min_score.hint": "Een leerplek telt ook als niet vervuld als de best passende werkzoekende lager scoort (0 tot 100).",
    "co.reports.min_score.problem": "Vul een heel getal van 0 tot en met 100 in.",
    "co.reports.count": "Opnieuw tellen",
    "co.reports.district": "Per wijk",
    "co.reports.district.chart": "Niet-vervulde leerplekken per wijk (postcode)",
    "co.reports.district.table": "Niet-vervulde vraag per wijk",
    "co.reports.occupation": "Per beroep",
    "co.reports.occupation.table": "Niet-vervulde vraag per beroep",
    "co.reports.col.district": "Wijk (postcode)",
    "co.reports.col.occupation": "Beroep",
    "co.reports.col.placements": "Leerplekken",
    "co.reports.col.reasons": "Meest voorkomende redenen",
    "co.reports.col.missing": "Ontbrekende vaardigheden",
    "co.reports.no_pairs": "geen werkzoekende om mee te vergelijken",
    "co.reports.no_pc4": "postcode onbekend",
    "co.reports.no_occupation": "zonder beroep",
    "co.reports.laak": "{area}, Laak",
    "co.reports.more": "en {n} meer",

    // reasons
    "co.reports.reason.placement_not_open": "Leerplek niet open of vol",
    "co.reports.reason.too_far": "Reisafstand te groot",
    "co.reports.reason.dates": "Data passen niet",
    "co.reports.reason.language": "Niveau Nederlands te laag",
    "co.reports.reason.certificate": "Certificaat ontbreekt",
    "co.reports.reason.essential_skill": "Onmisbare vaardigheid ontbreekt",
    "co.reports.reason.schedule": "Werktijden of uren passen niet",
    "co.reports.reason.below_min_score": "Score onder de minimale score",

    // skills gap
    "co.reports.gap": "Ontbrekende vaardigheden",
    "co.reports.gap.intro": "De onmisbare vaardigheden die actieve werkzoekenden het vaakst missen voor open leerplekken: de agenda voor de opleidingen. Geteld over {open} open leerplekken en {seekers} actieve werkzoekenden.",
    "co.reports.gap.empty": "Geen enkele open leerplek vraagt een onmisbare vaardigheid.",
    "co.reports.gap.chart": "Vaardigheden die het vaakst ontbreken (de {n} grootste)",
    "co.reports.gap.table": "Onmisbare vaardigheden die ontbreken",
    "co.reports.col.skill": "Vaardigheid",
    "co.reports.col.pairs_missing": "Ontbreekt (combinaties)",
    "co.reports.col.requiring": "Gevraagd door leerplekken",
    "co.reports.col.having": "Werkzoekenden die het hebben",

    // seekers without a match
    "co.reports.unplaced": "Werkzoekenden zonder passende leerplek",
    "co.reports.unplaced.intro": "Alleen aantallen, nooit wie.",
    "co.reports.unplaced.active": "Actieve werkzoekenden",
    "co.reports.unplaced.without": "Zonder passende leerplek",
    "co.reports.unplaced.open": "Open leerplekken",
    "co.reports.unplaced.none": "Elke actieve werkzoekende past nu bij minstens één open leerplek.",
    "co.reports.unplaced.nothing_open": "{n} werkzoekende had geen open leerplek om mee te vergelijken.|{n} werkzoekenden hadden geen open leerplek om mee te vergelijken.",
    "co.reports.unplaced.chart": "Werkzoekenden zonder passende leerplek, naar hun belangrijkste reden",
    "co.reports.unplaced.main.table": "Belangrijkste reden per werkzoekende",
    "co.reports.unplaced.main.intro": "Per werkzoekende de reden waarop de meeste leerplekken afvielen.",
    "co.reports.unplaced.reasons.table": "Alle redenen",
    "co.reports.unplaced.reasons.intro": "Hoe vaak elke reden een combinatie van werkzoekende en leerplek afwees; één combinatie kan op meer redenen afvallen.",
    "co.reports.unplaced.portals.table": "Per partnerportaal",
    "co.reports.col.reason": "Reden",
    "co.reports.col.seekers": "Werkzoekenden",
    "co.reports.col.pairs": "Combinaties",
    "co.reports.col.portal": "Partnerportaal",
    "co.reports.col.active": "Actief",
    "co.reports.col.without": "Zonder passende leerplek",
    "co.reports.col.main": "Belangrijkste reden",
  },
  en: {
    "co.nav.reports": "Reports",
    "co.reports.title": "Reports",
    "co.reports.intro": "The academy's figures for its funders and partners. No report names a job seeker: they are counts only.",
    "co.reports.csv": "Download CSV",
    "co.reports.none": "–",
    "co.reports.now": "As things are now: every open placement with a free place against every active job seeker who consented to matching.",

    "co.reports.range": "Period",
    "co.reports.range.hint": "For the funnel and the time in each stage. Dates in Dutch time; the last day counts.",
    "co.reports.from": "From",
    "co.reports.to": "To (inclusive)",
    "co.reports.period": "Per",
    "co.reports.period.week": "week",
    "co.reports.period.month": "month",
    "co.reports.period.quarter": "quarter",
    "co.reports.group": "Break down by",
    "co.reports.group.none": "no breakdown",
    "co.reports.group.employer": "employer",
    "co.reports.group.occupation": "occupation",
    "co.reports.group.portal": "partner portal",
    "co.reports.show": "Show",
    "co.reports.shown": "The funnel and the time in each stage from {from} to {to}.",
    "co.reports.problem.date": "Enter a date, like 31/01/2027.",
    "co.reports.problem.order": "The last day must not be before the first.",

    "co.reports.funnel": "Funnel",
    "co.reports.funnel.intro": "How many matches entered each stage from {from} to {to}, and how many went on to the next stage.",
    "co.reports.funnel.empty": "No match entered any stage in this period.",
    "co.reports.funnel.chart": "Matches per stage, {from} to {to}",
    "co.reports.funnel.exits": "Matches that fell away, {from} to {to}",
    "co.reports.funnel.conversion": "Conversion",
    "co.reports.funnel.table": "Funnel per {period}",
    "co.reports.funnel.table.group": "Funnel per {period} and {group}",
    "co.reports.funnel.total": "Total",
    "co.reports.col.period": "Period",
    "co.reports.col.group.employer": "Employer",
    "co.reports.col.group.occupation": "Occupation",
    "co.reports.col.group.portal": "Partner portal",
    "co.reports.group.unknown": "unknown",
    "co.reports.week": "week of {date}",
    "co.reports.quarter": "Q{q} {year}",
    "co.reports.step.applied": "applied",
    "co.reports.step.proposed": "proposed",
    "co.reports.step.approved": "approved",
    "co.reports.step.accepted": "accepted by employer",
    "co.reports.step.confirmed": "confirmed",
    "co.reports.step.started": "started",
    "co.reports.step.completed": "completed",
    "co.reports.step.dropped_out": "dropped out",
    "co.reports.step.rejected": "rejected",
    "co.reports.step.declined": "declined",
    "co.reports.step.withdrawn": "withdrawn",
    "co.reports.step.cancelled": "cancelled",
    "co.reports.conv.approved_from_submitted": "Approved of applied and proposed",
    "co.reports.conv.confirmed_from_approved": "Confirmed of approved",
    "co.reports.conv.started_from_confirmed": "Started of confirmed",
    "co.reports.conv.completed_from_started": "Completed of started",
    "co.reports.conv.short.approved_from_submitted": "% approved",
    "co.reports.conv.short.confirmed_from_approved": "% confirmed",
    "co.reports.conv.short.started_from_confirmed": "% started",
    "co.reports.conv.short.completed_from_started": "% completed",
    "co.reports.conv.nothing": "nothing to go on from yet",

    "co.reports.stage": "Time in each stage",
    "co.reports.stage.intro": "How long matches stayed in a stage (the median, and the time within which 90 % moved on), for stays that ended from {from} to {to}.",
    "co.reports.stage.empty": "No stay in a stage ended in this period.",
    "co.reports.stage.chart": "Median time per stage",
    "co.reports.stage.table": "Median and 90 % per stage",
    "co.reports.col.state": "Stage",
    "co.reports.col.stays": "Times",
    "co.reports.col.median": "Median",
    "co.reports.col.p90": "90 % within",
    "co.reports.employers": "How fast employers answer",
    "co.reports.employers.intro": "The time from approval to the employer's first answer (accept or decline). Slowest first; employers without an answer last.",
    "co.reports.employers.empty": "No approved matches in this period.",
    "co.reports.employers.table": "Response time per employer",
    "co.reports.col.employer": "Employer",
    "co.reports.col.approved": "Approved",
    "co.reports.col.responses": "Answered",
    "co.reports.col.waiting": "Still waiting",
    "co.reports.hours": "{n} hours",
    "co.reports.days": "{n} day|{n} days",
    "co.reports.minutes": "{n} min",

    "co.reports.unmet": "Unmet demand",
    "co.reports.unmet.summary": "{unmet} of the {open} open placements find no fitting job seeker now, among {seekers} active job seekers.",
    "co.reports.unmet.summary.min": "{unmet} of the {open} open placements find no fitting job seeker with a score of at least {min} now, among {seekers} active job seekers.",
    "co.reports.unmet.reasons": "The number after a reason or skill is how many combinations of placement and job seeker it excluded.",
    "co.reports.unmet.none": "Every open placement has at least one fitting job seeker now.",
    "co.reports.min_score": "Minimum score",
    "co.reports.min_score.hint": "A placement counts as unmet too when its best fitting job seeker scores lower (0 to 100).",
    "co.reports.min_score.problem": "Enter a whole number from 0 to 100.",
    "co.reports.count": "Count again",
    "co.reports.district": "By district",
    "co.reports.district.chart": "Unmet placements by district (postcode)",
    "co.reports.district.table": "Unmet demand by district",
    "co.reports.occupation": "By occupation",
    "co.reports.occupation.table": "Unmet demand by occupation",
    "co.reports.col.district": "District (postcode)",
    "co.reports.col.occupation": "Occupation",
    "co.reports.col.placements": "Placements",
    "co.reports.col.reasons": "Most common reasons",
    "co.reports.col.missing": "Missing skills",
    "co.reports.no_pairs": "no job seeker to compare with",
    "co.reports.no_pc4": "postcode unknown",
    "co.reports.no_occupation": "no occupation",
    "co.reports.laak": "{area}, Laak",
    "co.reports.more": "and {n} more",

    "co.reports.reason.placement_not_open": "Placement not open or full",
    "co.reports.reason.too_far": "Travel distance too long",
    "co.reports.reason.dates": "Dates do not fit",
    "co.reports.reason.language": "Dutch level too low",
    "co.reports.reason.certificate": "Certificate missing",
    "co.reports.reason.essential_skill": "Essential skill missing",
    "co.reports.reason.schedule": "Working hours do not fit",
    "co.reports.reason.below_min_score": "Score below the minimum",

    "co.reports.gap": "Skills gap",
    "co.reports.gap.intro": "The essential skills active job seekers lack most often for open placements: the agenda for training. Counted over {open} open placements and {seekers} active job seekers.",
    "co.reports.gap.empty": "No open placement asks for an essential skill.",
    "co.reports.gap.chart": "Skills missing most often (the top {n})",
    "co.reports.gap.table": "Essential skills missing",
    "co.reports.col.skill": "Skill",
    "co.reports.col.pairs_missing": "Missing (combinations)",
    "co.reports.col.requiring": "Asked by placements",
    "co.reports.col.having": "Job seekers who have it",

    "co.reports.unplaced": "Job seekers without a fitting placement",
    "co.reports.unplaced.intro": "Counts only, never who.",
    "co.reports.unplaced.active": "Active job seekers",
    "co.reports.unplaced.without": "Without a fitting placement",
    "co.reports.unplaced.open": "Open placements",
    "co.reports.unplaced.none": "Every active job seeker fits at least one open placement now.",
    "co.reports.unplaced.nothing_open": "{n} job seeker had no open placement to compare with.|{n} job seekers had no open placement to compare with.",
    "co.reports.unplaced.chart": "Job seekers without a fitting placement, by their main reason",
    "co.reports.unplaced.main.table": "Main reason per job seeker",
    "co.reports.unplaced.main.intro": "For each job seeker, the reason that excluded most placements.",
    "co.reports.unplaced.reasons.table": "All reasons",
    "co.reports.unplaced.reasons.intro": "How often each reason excluded a combination of job seeker and placement; one combination can fail on several.",
    "co.reports.unplaced.portals.table": "By partner portal",
    "co.reports.col.reason": "Reason",
    "co.reports.col.seekers": "Job seekers",
    "co.reports.col.pairs": "Combinations",
    "co.reports.col.portal": "Partner portal",
    "co.reports.col.active": "Active",
    "co.reports.col.without": "Without a fitting placement",
    "co.reports.col.main": "Main reason",
  },
});

const FORWARD = ["applied", "proposed", "approved", "accepted", "confirmed", "started", "completed"];
const EXITS = ["rejected", "declined", "withdrawn", "dropped_out", "cancelled"];
const STEPS = [...FORWARD.slice(0, 7), "dropped_out", "rejected", "declined", "withdrawn", "cancelled"]; // the API's order
const CONVERSIONS = ["approved_from_submitted", "confirmed_from_approved", "started_from_confirmed", "completed_from_started"];
const SKILLS_SHOWN = 25; // the skills gap's `limit`
const CHART_BARS = 10;
const LIST_ITEMS = 3; // reasons and skills named per group

// --- words and numbers ---

const isoDay = (date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
function defaultRange() {
  const to = new Date();
  const from = new Date(to.getFullYear() - 1, to.getMonth(), to.getDate() + 1);
  return { from: isoDay(from), to: isoDay(to) };
}
// What the coordinator chose; kept while the console runs (a language switch redraws the screen).
const chosen = { ...defaultRange(), period: "month", group: "", minScore: "0" };

const locale = () => (currentLanguage() === "nl" ? "nl-NL" : "en-GB");
const num = (value) => (value === null || value === undefined ? t("co.reports.none") : formatNumber(value));
const percent = (share) =>
  share === null || share === undefined
    ? t("co.reports.none")
    : Number(share).toLocaleString(locale(), { style: "percent", maximumFractionDigits: 0 });

// Hours as minutes, hours or days, whichever reads best.
function duration(hours) {
  if (hours === null || hours === undefined) return t("co.reports.none");
  const value = Number(hours);
  if (value < 1) return t("co.reports.minutes", { n: formatNumber(Math.round(value * 60)) });
  if (value < 48) return t("co.reports.hours", { n: formatNumber(value, value < 10 ? 1 : 0) });
  const days = value / 24;
  return t("co.reports.days", { n: formatNumber(days, days < 10 ? 1 : 0) });
}

const stepLabel = (step) => known(`co.reports.step.${step}`, step);
const stepTitle = (step) => {
  const text = stepLabel(step);
  return text.charAt(0).toUpperCase() + text.slice(1);
};
const reasonLabel = (code) => known(`co.reports.reason.${code}`, String(code));

// A label in the console's language: {label_nl, label_en}, the other when one is missing.
const labelOf = (item, fallback) =>
  (currentLanguage() === "nl" ? item?.label_nl ?? item?.label_en : item?.label_en ?? item?.label_nl) ?? fallback;
const skillName = (skill) => labelOf(skill, String(skill?.uri ?? "").split("/").pop());

function periodLabel(start, period) {
  const date = new Date(`${start}T00:00:00`);
  if (Number.isNaN(date.getTime())) return String(start);
  if (period === "week") return t("co.reports.week", { date: formatDate(start) });
  if (period === "quarter") return t("co.reports.quarter", { q: Math.floor(date.getMonth() / 3) + 1, year: date.getFullYear() });
  return date.toLocaleDateString(locale(), { month: "long", year: "numeric" });
}

function districtLabel(d) {
  if (!d.pc4) return t("co.reports.no_pc4");
  const where = d.area ? t("co.reports.laak", { area: d.area }) : d.place;
  return where ? `${d.pc4} ${where}` : String(d.pc4);
}
const occupationLabel = (o) => (o.occupation_uri ? labelOf(o, String(o.occupation_uri).split("/").pop()) : t("co.reports.no_occupation"));

// --- building blocks ---

const query = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== undefined)).toString();

// The table as CSV, with the parameters it was made with: `table` names it
// in a report of several tables.
function csvLink(path, params, what, table) {
  return h("p", { class: "utrecht-paragraph report__csv" },
    h("a", { class: "utrecht-link", href: `${path}?${query({ ...params, format: "csv", table })}`, download: true },
      t("co.reports.csv"),
      h("span", { class: "visually-hidden" }, ` (${what})`)));
}

// A table of figures: columns [{label, numeric, cell(row)}]; the first
// column heads its row. `stack`: a card per row on a phone (each cell
// with its column's name) instead of scrolling sideways.
function figureTable(columns, rows, { caption, footer, stack = false, className }) {
  const head = h("thead", { class: "utrecht-table__header" },
    h("tr", { class: "utrecht-table__row" }, columns.map((c) =>
      h("th", { class: ["utrecht-table__header-cell", c.numeric ? "utrecht-table__header-cell--numeric-column" : null], scope: "col" }, c.label))));
  const line = (r) => row(...columns.map((c, i) => {
    const content = c.cell(r);
    const node = i === 0 ? rowHeader(content) : cell(content);
    if (c.numeric) node.classList.add(i === 0 ? "utrecht-table__header-cell--numeric-column" : "utrecht-table__cell--numeric-data");
    if (stack && i > 0) node.setAttribute("data-label", c.label);
    return node;
  }));
  const table = h("table", { class: ["utrecht-table", "report-table", stack ? "report-stack" : null, className] },
    h("caption", { class: "utrecht-table__caption" }, caption),
    head,
    h("tbody", { class: "utrecht-table__body" }, rows.map((r) => line(r))),
    footer ? h("tfoot", { class: "utrecht-table__footer" }, line(footer)) : null);
  return scrollable(table, caption);
}

// "Reisafstand te groot (4)", the first few, as a list.
function countedList(items, label, count) {
  if (!items?.length) return null;
  const shown = items.slice(0, LIST_ITEMS);
  return h("ul", { class: "report-list" },
    shown.map((item) => h("li", {}, `${label(item)} (${num(count(item))})`)),
    items.length > shown.length ? h("li", { class: "muted" }, t("co.reports.more", { n: num(items.length - shown.length) })) : null);
}

const section = (id, title, ...children) =>
  h("section", { class: "report", "aria-labelledby": id }, Object.assign(heading(2, title), { id }), ...children);
const subheading = (title) => heading(3, title);

// --- funnel ---

function funnel(doc, params) {
  const range = { from: formatDate(doc.from), to: formatDate(doc.to) };
  const totals = doc.totals?.entered ?? {};
  const any = STEPS.some((s) => Number(totals[s]) > 0);
  const intro = paragraph(t("co.reports.funnel.intro", range));
  if (!any) return [intro, paragraph(h("strong", {}, t("co.reports.funnel.empty")))];
  const grouped = doc.group ? t(`co.reports.col.group.${doc.group}`) : null;
  const caption = doc.group
    ? t("co.reports.funnel.table.group", { period: t(`co.reports.period.${doc.period}`), group: t(`co.reports.group.${doc.group}`) })
    : t("co.reports.funnel.table", { period: t(`co.reports.period.${doc.period}`) });
  const columns = [
    { label: t("co.reports.col.period"), cell: (r) => (r.total ? t("co.reports.funnel.total") : periodLabel(r.period_start, doc.period)) },
    grouped ? { label: grouped, cell: (r) => (r.total ? "" : r.group?.label ?? r.group?.key ?? t("co.reports.group.unknown")) } : null,
    ...STEPS.map((s) => ({ label: stepTitle(s), numeric: true, cell: (r) => num(r.entered?.[s] ?? 0) })),
    ...CONVERSIONS.map((c) => ({ label: t(`co.reports.conv.short.${c}`), numeric: true, cell: (r) => percent(r.conversion?.[c]) })),
  ].filter(Boolean);
  const conversion = doc.totals?.conversion ?? {};
  return [
    intro,
    h("div", { class: "report-charts" },
      barChart({
        title: t("co.reports.funnel.chart", range),
        bars: FORWARD.map((s) => ({ label: stepTitle(s), value: Number(totals[s]) || 0, text: num(totals[s] ?? 0) })),
      }),
      barChart({
        title: t("co.reports.funnel.exits", range),
        kind: "exit",
        bars: EXITS.map((s) => ({ label: stepTitle(s), value: Number(totals[s]) || 0, text: num(totals[s] ?? 0) })),
      })),
    subheading(t("co.reports.funnel.conversion")),
    facts(CONVERSIONS.map((c) => [t(`co.reports.conv.${c}`),
      conversion[c] === null || conversion[c] === undefined ? t("co.reports.conv.nothing") : percent(conversion[c])])),
    subheading(caption),
    figureTable(columns, doc.rows ?? [], { caption, footer: { total: true, ...doc.totals }, className: "report-table--funnel" }),
    csvLink("/v1/reports/funnel", params, caption),
  ];
}

// --- time in stage ---

function timeInStage(doc, params) {
  const range = { from: formatDate(doc.from), to: formatDate(doc.to) };
  const states = doc.states ?? [];
  const employers = doc.employer_response ?? [];
  const stageTable = t("co.reports.stage.table");
  const employerTable = t("co.reports.employers.table");
  return [
    paragraph(t("co.reports.stage.intro", range)),
    states.length
      ? [
          barChart({
            title: t("co.reports.stage.chart"),
            bars: states.map((s) => ({ label: stepTitle(s.state), value: Number(s.median_hours) || 0, text: duration(s.median_hours) })),
          }),
          figureTable([
            { label: t("co.reports.col.state"), cell: (s) => stepTitle(s.state) },
            { label: t("co.reports.col.stays"), numeric: true, cell: (s) => num(s.stays) },
            { label: t("co.reports.col.median"), numeric: true, cell: (s) => duration(s.median_hours) },
            { label: t("co.reports.col.p90"), numeric: true, cell: (s) => duration(s.p90_hours) },
          ], states, { caption: stageTable, stack: true }),
          csvLink("/v1/reports/time-in-stage", params, stageTable, "states"),
        ]
      : paragraph(t("co.reports.stage.empty")),
    subheading(t("co.reports.employers")),
    paragraph(t("co.reports.employers.intro")),
    employers.length
      ? [
          figureTable([
            { label: t("co.reports.col.employer"), cell: (e) => link(`#/employers/${e.employer_id}`, e.employer_name ?? t("co.employer.n", { id: e.employer_id })) },
            { label: t("co.reports.col.approved"), numeric: true, cell: (e) => num(e.approved) },
            { label: t("co.reports.col.responses"), numeric: true, cell: (e) => num(e.responses) },
            { label: t("co.reports.col.median"), numeric: true, cell: (e) => duration(e.median_hours) },
            { label: t("co.reports.col.p90"), numeric: true, cell: (e) => duration(e.p90_hours) },
            { label: t("co.reports.col.waiting"), numeric: true, cell: (e) => num(e.waiting) },
          ], employers, { caption: employerTable, stack: true }),
          csvLink("/v1/reports/time-in-stage", params, employerTable, "employer_response"),
        ]
      : paragraph(t("co.reports.employers.empty")),
  ];
}

// --- unmet demand ---

function unmetColumns(first) {
  return [
    first,
    { label: t("co.reports.col.placements"), numeric: true, cell: (g) => num(g.placements) },
    { label: t("co.reports.col.reasons"), cell: (g) => countedList(g.reasons, (r) => reasonLabel(r.code), (r) => r.pairs) ?? t("co.reports.no_pairs") },
    { label: t("co.reports.col.missing"), cell: (g) => countedList(g.missing_skills, skillName, (s) => s.pairs) ?? t("co.reports.none") },
  ];
}

function unmet(doc, params) {
  const figures = { unmet: num(doc.unmet_placements), open: num(doc.open_placements), seekers: num(doc.active_seekers), min: num(doc.min_score) };
  const summary = paragraph(h("strong", {}, t(doc.min_score ? "co.reports.unmet.summary.min" : "co.reports.unmet.summary", figures)));
  if (!doc.unmet_placements) return [summary, paragraph(t("co.reports.unmet.none"))];
  const districts = doc.by_district ?? [];
  const occupations = doc.by_occupation ?? [];
  const districtTable = t("co.reports.district.table");
  const occupationTable = t("co.reports.occupation.table");
  return [
    summary,
    paragraph(t("co.reports.unmet.reasons")),
    subheading(t("co.reports.district")),
    barChart({
      title: t("co.reports.district.chart"),
      bars: districts.slice(0, CHART_BARS).map((d) => ({ label: districtLabel(d), value: d.placements, text: num(d.placements) })),
    }),
    figureTable(unmetColumns({ label: t("co.reports.col.district"), cell: districtLabel }), districts, { caption: districtTable, stack: true }),
    csvLink("/v1/reports/unmet-demand", params, districtTable, "by_district"),
    subheading(t("co.reports.occupation")),
    figureTable(unmetColumns({ label: t("co.reports.col.occupation"), cell: occupationLabel }), occupations, { caption: occupationTable, stack: true }),
    csvLink("/v1/reports/unmet-demand", params, occupationTable, "by_occupation"),
  ];
}

// The minimum score of the unmet demand, its own small form.
function minScoreForm(reload) {
  const summary = h("div", { class: "form-summary-holder" });
  const min = input({ type: "number", name: "min_score", min: "0", max: "100", step: "1", inputmode: "numeric",
    value: chosen.minScore, class: "utrecht-textbox utrecht-textbox--html-input utrecht-textbox--sm" });
  min.id = newId("report-min");
  const fields = { min_score: { id: min.id, label: t("co.reports.min_score"), hint: t("co.reports.min_score.problem") } };
  return h("form", {
    class: "report-form report-form--inline", novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      const value = min.value.trim() || "0";
      if (!/^\d{1,3}$/.test(value) || Number(value) > 100) {
        showErrors(summary, [{ field: "min_score" }], fields);
        return;
      }
      clearErrors(summary, fields);
      chosen.minScore = String(Number(value));
      await reload();
    },
  },
  summary,
  h("div", { class: "report-form__row" },
    field(t("co.reports.min_score"), min, { description: t("co.reports.min_score.hint") }),
    h("div", { class: "form-actions" }, button(t("co.reports.count"), undefined, { type: "submit" }))));
}

// --- skills gap ---

function skillsGap(doc, params) {
  const skills = doc.skills ?? [];
  const intro = paragraph(t("co.reports.gap.intro", { open: num(doc.open_placements), seekers: num(doc.active_seekers) }));
  if (!skills.length) return [intro, paragraph(t("co.reports.gap.empty"))];
  const caption = t("co.reports.gap.table");
  const top = skills.slice(0, CHART_BARS);
  return [
    intro,
    barChart({
      title: t("co.reports.gap.chart", { n: num(top.length) }),
      bars: top.map((s) => ({ label: skillName(s), value: s.pairs_missing, text: num(s.pairs_missing) })),
    }),
    figureTable([
      { label: t("co.reports.col.skill"), cell: skillName },
      { label: t("co.reports.col.pairs_missing"), numeric: true, cell: (s) => num(s.pairs_missing) },
      { label: t("co.reports.col.requiring"), numeric: true, cell: (s) => num(s.placements_requiring) },
      { label: t("co.reports.col.having"), numeric: true, cell: (s) => num(s.seekers_having) },
    ], skills, { caption, stack: true }),
    csvLink("/v1/reports/skills-gap", params, caption),
  ];
}

// --- seekers without a match ---

function unplaced(doc, params) {
  const main = doc.main_reasons ?? [];
  const reasons = doc.reasons ?? [];
  const portals = doc.by_portal ?? [];
  const counted = main.reduce((sum, r) => sum + (Number(r.seekers) || 0), 0);
  const nothingOpen = Math.max(0, (Number(doc.without_match) || 0) - counted);
  const mainTable = t("co.reports.unplaced.main.table");
  const reasonTable = t("co.reports.unplaced.reasons.table");
  const portalTable = t("co.reports.unplaced.portals.table");
  const href = "/v1/reports/seekers-without-match";
  return [
    paragraph(t("co.reports.unplaced.intro")),
    facts([
      [t("co.reports.unplaced.active"), num(doc.active_seekers)],
      [t("co.reports.unplaced.without"), num(doc.without_match)],
      [t("co.reports.unplaced.open"), num(doc.open_placements)],
    ]),
    doc.without_match ? null : paragraph(t("co.reports.unplaced.none")),
    nothingOpen ? paragraph(t("co.reports.unplaced.nothing_open", { n: num(nothingOpen) })) : null,
    main.length
      ? [
          barChart({
            title: t("co.reports.unplaced.chart"),
            bars: main.map((r) => ({ label: reasonLabel(r.code), value: r.seekers, text: num(r.seekers) })),
          }),
          subheading(mainTable),
          paragraph(t("co.reports.unplaced.main.intro")),
          figureTable([
            { label: t("co.reports.col.reason"), cell: (r) => reasonLabel(r.code) },
            { label: t("co.reports.col.seekers"), numeric: true, cell: (r) => num(r.seekers) },
          ], main, { caption: mainTable }),
          csvLink(href, params, mainTable, "main_reasons"),
        ]
      : null,
    reasons.length
      ? [
          subheading(reasonTable),
          paragraph(t("co.reports.unplaced.reasons.intro")),
          figureTable([
            { label: t("co.reports.col.reason"), cell: (r) => reasonLabel(r.code) },
            { label: t("co.reports.col.pairs"), numeric: true, cell: (r) => num(r.pairs) },
          ], reasons, { caption: reasonTable }),
          csvLink(href, params, reasonTable, "reasons"),
        ]
      : null,
    portals.length
      ? [
          subheading(portalTable),
          figureTable([
            { label: t("co.reports.col.portal"), cell: (p) => p.portal_name ?? t("co.portal.n", { id: p.portal_id }) },
            { label: t("co.reports.col.active"), numeric: true, cell: (p) => num(p.active_seekers) },
            { label: t("co.reports.col.without"), numeric: true, cell: (p) => num(p.without_match) },
            { label: t("co.reports.col.main"), cell: (p) => (p.main_reasons?.[0] ? reasonLabel(p.main_reasons[0].code) : t("co.reports.none")) },
          ], portals, { caption: portalTable, stack: true }),
          csvLink(href, params, portalTable, "by_portal"),
        ]
      : null,
  ];
}

// --- the screen ---

function rangeForm(onShow) {
  const summary = h("div", { class: "form-summary-holder" });
  const from = input({ type: "date", name: "from", value: chosen.from, required: true });
  const to = input({ type: "date", name: "to", value: chosen.to, required: true });
  const period = select(["week", "month", "quarter"].map((p) => [p, t(`co.reports.period.${p}`)]), { name: "period", value: chosen.period });
  const group = select([["", t("co.reports.group.none")], ...["employer", "occupation", "portal"].map((g) => [g, t(`co.reports.group.${g}`)])],
    { name: "group", value: chosen.group });
  from.id = newId("report-from");
  to.id = newId("report-to");
  const fields = {
    from: { id: from.id, label: t("co.reports.from"), hint: t("co.reports.problem.date") },
    to: { id: to.id, label: t("co.reports.to"), hint: (problem) => (/before/.test(problem) ? t("co.reports.problem.order") : t("co.reports.problem.date")) },
  };
  const hint = h("p", { class: "utrecht-paragraph utrecht-form-field-description", id: newId("report-range-hint") }, t("co.reports.range.hint"));
  return h("form", {
    class: "report-form", novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      const problems = [];
      const day = /^\d{4}-\d{2}-\d{2}$/;
      if (!day.test(from.value)) problems.push({ field: "from" });
      if (!day.test(to.value)) problems.push({ field: "to" });
      if (!problems.length && from.value > to.value) problems.push({ field: "to", problem: "must not be before from" });
      if (problems.length) {
        showErrors(summary, problems, fields);
        return;
      }
      clearErrors(summary, fields);
      Object.assign(chosen, { from: from.value, to: to.value, period: period.value, group: group.value });
      await onShow();
      announce(t("co.reports.shown", { from: formatDate(chosen.from), to: formatDate(chosen.to) }));
    },
  },
  summary,
  h("fieldset", { class: "utrecht-form-fieldset", "aria-describedby": hint.id },
    h("legend", { class: "utrecht-form-fieldset__legend" }, t("co.reports.range")),
    hint,
    h("div", { class: "report-form__row" },
      field(t("co.reports.from"), from),
      field(t("co.reports.to"), to),
      field(t("co.reports.period"), period),
      field(t("co.reports.group"), group),
      h("div", { class: "form-actions" }, button(t("co.reports.show"), undefined, { kind: "primary", type: "submit" })))));
}

async function reportsPage(main) {
  const funnelBox = h("div", { class: "report__body" });
  const stageBox = h("div", { class: "report__body" });
  const unmetBox = h("div", { class: "report__body" });
  const gapBox = h("div", { class: "report__body" });
  const unplacedBox = h("div", { class: "report__body" });

  const ranged = () => {
    const funnelParams = { from: chosen.from, to: chosen.to, period: chosen.period, group: chosen.group };
    const stageParams = { from: chosen.from, to: chosen.to };
    return Promise.all([
      fill(funnelBox, async () => funnel(await get(`/v1/reports/funnel?${query(funnelParams)}`), funnelParams)),
      fill(stageBox, async () => timeInStage(await get(`/v1/reports/time-in-stage?${query(stageParams)}`), stageParams)),
    ]);
  };
  const unmetNow = () => {
    const params = { min_score: chosen.minScore === "0" ? "" : chosen.minScore };
    return fill(unmetBox, async () => unmet(await get(`/v1/reports/unmet-demand?${query(params)}`), params));
  };
  const gapParams = { limit: String(SKILLS_SHOWN) };
  const unplacedParams = { group: "portal" };

  page(main, t("co.reports.title"),
    paragraph(t("co.reports.intro")),
    rangeForm(ranged),
    section("report-funnel", t("co.reports.funnel"), funnelBox),
    section("report-stage", t("co.reports.stage"), stageBox),
    section("report-unmet", t("co.reports.unmet"), paragraph(t("co.reports.now")), minScoreForm(unmetNow), unmetBox),
    section("report-gap", t("co.reports.gap"), gapBox),
    section("report-unplaced", t("co.reports.unplaced"), unplacedBox));
  await Promise.all([
    ranged(),
    unmetNow(),
    fill(gapBox, async () => skillsGap(await get(`/v1/reports/skills-gap?${query(gapParams)}`), gapParams)),
    fill(unplacedBox, async () => unplaced(await get(`/v1/reports/seekers-without-match?${query(unplacedParams)}`), unplacedParams)),
  ]);
}

route("/reports", (params, main) => reportsPage(main), ROLE);
