// A pair's score, explained: the total and one meter per component, the
// reasons in words, and the hard filters that excluded it. The coordinator's
// and the entrepreneur's screens show it alike.
import { h, newId } from "./dom.js";
import { t, addMessages, formatNumber } from "./i18n.js";
import { paragraph, alert } from "./ui.js";
import { skillLabel, skillLabelNow } from "./entrepreneur-common.js";

addMessages({
  nl: {
    "score.excluded": "Valt af omdat:",
    "filter.placement_not_open": "de leerplek niet open of al vol is",
    "filter.too_far": "de reisafstand groter is dan de werkzoekende wil reizen",
    "filter.dates": "de data niet passen",
    "filter.language": "het niveau Nederlands lager is dan gevraagd",
    "filter.certificate": "een gevraagd certificaat ontbreekt",
    "filter.essential_skill": "een onmisbare vaardigheid helemaal ontbreekt",
    "filter.schedule": "de beschikbaarheid of het aantal uren niet genoeg past",
    "score.total": "Score {score} van 100",
    "score.why": "Waarom deze score?",
    "score.value": "{n} van 100",
    "score.part.skills": "Vaardigheden",
    "score.part.schedule": "Weekrooster",
    "score.part.distance": "Reisafstand",
    "score.part.learning": "Leerdoelen",
    "score.weight": "Weegt voor {pct}% mee in de score.",
    "score.skills.none": "De leerplek vraagt geen vaardigheden; dit deel telt volledig mee.",
    "score.skills.has": "Heeft {skill} op niveau {have} (nodig: {need})",
    "score.skills.low": "{skill}: niveau {have}, nodig is {need}",
    "score.skills.missing": "Mist {skill} (nodig: niveau {need})",
    "score.essential": "onmisbaar",
    "score.schedule": "Beschikbaar voor {overlap} van de {total} uur per week van de leerplek.",
    "score.distance": "Reisafstand {km} km.",
    "score.distance.max": "Reisafstand {km} km; wil maximaal {max} km reizen.",
    "score.learning": "{n} van de {m} vaardigheden die de leerplek leert, staan in de leerdoelen.",
    "score.learning.none": "De leerplek noemt geen vaardigheden om te leren; dit deel telt half mee.",
    "score.rules": "Berekend met rekenregels versie {version}.",
  },
  en: {
    "score.excluded": "Excluded because:",
    "filter.placement_not_open": "the placement is not open or is full",
    "filter.too_far": "the distance is longer than the job seeker wants to travel",
    "filter.dates": "the dates do not fit",
    "filter.language": "the Dutch level is below what is asked",
    "filter.certificate": "a required certificate is missing",
    "filter.essential_skill": "an essential skill is missing entirely",
    "filter.schedule": "the availability or the number of hours does not fit well enough",
    "score.total": "Score {score} out of 100",
    "score.why": "Why this score?",
    "score.value": "{n} out of 100",
    "score.part.skills": "Skills",
    "score.part.schedule": "Weekly schedule",
    "score.part.distance": "Travel distance",
    "score.part.learning": "Learning goals",
    "score.weight": "Counts for {pct}% of the score.",
    "score.skills.none": "The placement asks for no skills; this part counts in full.",
    "score.skills.has": "Has {skill} at level {have} (needed: {need})",
    "score.skills.low": "{skill}: level {have}, {need} is needed",
    "score.skills.missing": "Lacks {skill} (needed: level {need})",
    "score.essential": "essential",
    "score.schedule": "Available for {overlap} of the placement's {total} hours a week.",
    "score.distance": "Travel distance {km} km.",
    "score.distance.max": "Travel distance {km} km; willing to travel up to {max} km.",
    "score.learning": "{n} of the {m} skills the placement teaches are among the learning goals.",
    "score.learning.none": "The placement lists no skills to learn; this part counts for half.",
    "score.rules": "Computed with scoring rules version {version}.",
  },
});

// A hard filter's code in words (the code itself when it is a new one).
export function filterLabel(code) {
  const key = `filter.${code}`;
  const text = t(key);
  return text === key ? code : text;
}

// --- the score: one bar per component, and why in words ---

const PARTS = ["skills", "schedule", "distance", "learning"];

function skillLine(c, key) {
  const say = (name) => {
    const text = t(key, { skill: name, have: c.seeker_level, need: c.required_level });
    return c.essential ? `${text}, ${t("score.essential")}.` : `${text}.`;
  };
  const span = h("span", {}, say(skillLabelNow(c.uri)));
  skillLabel(c.uri).then((name) => (span.textContent = say(name)));
  return span;
}

function partWords(name, e, maxTravelKm) {
  if (name === "skills") {
    const lines = [
      ...(e.matched_skills ?? []).map((c) => skillLine(c, "score.skills.has")),
      ...(e.missing_skills ?? []).map((c) =>
        skillLine(c, c.seeker_level > 0 ? "score.skills.low" : "score.skills.missing")),
    ];
    if (!lines.length) return [t("score.skills.none")];
    return [h("ul", { class: "utrecht-unordered-list" },
      lines.map((line) => h("li", { class: "utrecht-unordered-list__item" }, line)))];
  }
  if (name === "schedule")
    return [t("score.schedule", { overlap: e.overlap_hours_per_week ?? 0, total: e.placement_schedule_hours ?? 0 })];
  if (name === "distance") {
    const km = formatNumber(e.distance_km ?? 0, 1);
    return [maxTravelKm
      ? t("score.distance.max", { km, max: formatNumber(maxTravelKm) })
      : t("score.distance", { km })];
  }
  return [e.taught_skills
    ? t("score.learning", { n: e.taught_skills_among_goals ?? 0, m: e.taught_skills })
    : t("score.learning.none")];
}

// A meter from 0 to 100 with its number beside it, labelled by `labelId`.
export function meter(value, labelId, describedBy) {
  const n = Math.max(0, Math.min(100, Math.round(Number(value) || 0)));
  return [
    h("meter", { class: "score-part__meter", min: "0", max: "100", low: "34", high: "67", optimum: "100", value: n,
      "aria-labelledby": labelId, "aria-describedby": describedBy }, t("score.value", { n })),
    h("span", { class: "score-part__value" }, t("score.value", { n })),
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
        h("span", { id: labelId, class: "score-part__label" }, t(`score.part.${name}`)),
        meter(100 * Number(components[name] ?? 0), labelId, wordsId)),
      h("div", { id: wordsId, class: "score-component__why" },
        paragraph(t("score.weight", { pct: Math.round((100 * Number(weights[name] ?? 0)) / total) })),
        ...partWords(name, e, maxTravelKm).map((w) => (typeof w === "string" ? paragraph(w) : w))));
  });
  return h("div", { class: "score" },
    h("div", { class: "score-bar" },
      h(`h${level}`, { class: `utrecht-heading-${level} score__total`, id: totalId }, t("score.total", { score })),
      meter(score, totalId)),
    excluded?.length
      ? alert("warning", paragraph(t("score.excluded")),
          h("ul", { class: "utrecht-unordered-list" },
            excluded.map((code) => h("li", { class: "utrecht-unordered-list__item" }, filterLabel(code)))))
      : null,
    h("details", { class: "score__details", open },
      h("summary", { class: "score__summary" }, t("score.why")),
      ...parts,
      (e.rules_version ?? null) !== null ? paragraph(t("score.rules", { version: e.rules_version })) : null));
}

// Why a pair is excluded, as a list (without the score).
export function excludedList(codes) {
  return h("div", { class: "excluded" },
    paragraph(t("score.excluded")),
    h("ul", { class: "utrecht-unordered-list" },
      (codes ?? []).map((code) => h("li", { class: "utrecht-unordered-list__item" }, filterLabel(code)))));
}
