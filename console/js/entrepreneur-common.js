// What the entrepreneur's screens share: words for days, levels and
// certificates, skill labels, weekly schedules in words, requests that need
// headers api.js does not send (If-Match, Idempotency-Key), the error
// summary of a form, and the score of a candidate explained in words.
import { h } from "./dom.js";
import { t, addMessages, currentLanguage, formatDate, formatNumber } from "./i18n.js";
import { get, send } from "./api.js";
import { placeSummary } from "./forms.js";
import { heading, paragraph, facts, setFieldError } from "./ui.js";

addMessages({
  nl: {
    "day.mon": "maandag", "day.tue": "dinsdag", "day.wed": "woensdag", "day.thu": "donderdag",
    "day.fri": "vrijdag", "day.sat": "zaterdag", "day.sun": "zondag",
    "day.short.mon": "ma", "day.short.tue": "di", "day.short.wed": "wo", "day.short.thu": "do",
    "day.short.fri": "vr", "day.short.sat": "za", "day.short.sun": "zo",
    "schedule.none": "geen vaste uren",
    "schedule.hours": "{n} uur per week",
    "level.1": "1 – beginner",
    "level.2": "2 – basis",
    "level.3": "3 – zelfstandig",
    "level.4": "4 – gevorderd",
    "level.5": "5 – expert",
    "cefr.none": "geen eis",
    "cefr.none.seeker": "niet opgegeven",
    "cert.vca_basis": "VCA basis",
    "cert.vca_vol": "VCA VOL",
    "cert.rijbewijs_b": "rijbewijs B",
    "cert.bhv": "BHV",
    "summary.title": "Nog niet alles is goed ingevuld:",
    "summary.go": "Ga naar {field}",
    "problem.generic": "Dit is niet goed ingevuld.",
    "profile.title": "Kandidaat {pseudonym}",
    "profile.area": "Woongebied",
    "profile.available": "Beschikbaar",
    "profile.available.from": "vanaf {from}",
    "profile.available.range": "{from} tot {until}",
    "profile.hours": "Wil werken",
    "profile.hours.value": "hoogstens {n} uur per week",
    "profile.times": "Kan op",
    "profile.dutch": "Nederlands",
    "profile.certificates": "Certificaten",
    "profile.skills": "Kan al",
    "profile.goals": "Wil leren",
    "profile.skill": "{skill} (niveau {level})",
    "profile.none": "geen",
    "profile.hidden": "Over deze kandidaat zijn geen gegevens meer te zien.",
  },
  en: {
    "day.mon": "Monday", "day.tue": "Tuesday", "day.wed": "Wednesday", "day.thu": "Thursday",
    "day.fri": "Friday", "day.sat": "Saturday", "day.sun": "Sunday",
    "day.short.mon": "Mon", "day.short.tue": "Tue", "day.short.wed": "Wed", "day.short.thu": "Thu",
    "day.short.fri": "Fri", "day.short.sat": "Sat", "day.short.sun": "Sun",
    "schedule.none": "no set hours",
    "schedule.hours": "{n} hours a week",
    "level.1": "1 – beginner",
    "level.2": "2 – basic",
    "level.3": "3 – independent",
    "level.4": "4 – advanced",
    "level.5": "5 – expert",
    "cefr.none": "no requirement",
    "cefr.none.seeker": "not given",
    "cert.vca_basis": "VCA basic",
    "cert.vca_vol": "VCA full",
    "cert.rijbewijs_b": "driving licence B",
    "cert.bhv": "emergency response (BHV)",
    "summary.title": "Not everything is filled in correctly yet:",
    "summary.go": "Go to {field}",
    "problem.generic": "This is not filled in correctly.",
    "profile.title": "Candidate {pseudonym}",
    "profile.area": "Lives in area",
    "profile.available": "Available",
    "profile.available.from": "from {from}",
    "profile.available.range": "{from} to {until}",
    "profile.hours": "Wants to work",
    "profile.hours.value": "at most {n} hours a week",
    "profile.times": "Available on",
    "profile.dutch": "Dutch",
    "profile.certificates": "Certificates",
    "profile.skills": "Can already",
    "profile.goals": "Wants to learn",
    "profile.skill": "{skill} (level {level})",
    "profile.none": "none",
    "profile.hidden": "No details of this candidate can be shown any more.",
  },
});

export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
export const CERTIFICATES = ["vca_basis", "vca_vol", "rijbewijs_b", "bhv"];
export const CEFR = ["none", "A1", "A2", "B1", "B2", "C1", "C2"];

export const certificateLabel = (code) => {
  const text = t(`cert.${code}`);
  return text === `cert.${code}` ? code : text;
};
export const cefrLabel = (level, forSeeker = false) =>
  !level || level === "none" ? t(forSeeker ? "cefr.none.seeker" : "cefr.none") : level;

// A message for the next screen ("saved"), shown once.
let flash = null;
export const setFlash = (kind, text) => (flash = { kind, text });
export function takeFlash() {
  const taken = flash;
  flash = null;
  return taken;
}

// --- skills: labels by URI, in the chosen language, fetched once ---

const labels = new Map(); // uri -> {label_nl, label_en} or a promise of it

export function rememberSkill(skill) {
  if (skill?.uri) labels.set(skill.uri, { label_nl: skill.label_nl, label_en: skill.label_en });
}

function pick(entry, uri) {
  const first = currentLanguage() === "en" ? entry?.label_en : entry?.label_nl;
  const second = currentLanguage() === "en" ? entry?.label_nl : entry?.label_en;
  return first || second || uri.slice(uri.lastIndexOf("/") + 1);
}

// The label at once when known (else the URI's last segment).
export const skillLabelNow = (uri) => {
  const entry = labels.get(uri);
  return pick(entry && !(entry instanceof Promise) ? entry : null, uri);
};

// The label, asking the API when it is not known yet.
export async function skillLabel(uri) {
  let entry = labels.get(uri);
  if (!entry) {
    const id = uri.slice(uri.lastIndexOf("/") + 1);
    entry = get(`/v1/skills/${encodeURIComponent(id)}`).then(
      (skill) => ({ label_nl: skill.label_nl, label_en: skill.label_en }),
      () => ({}),
    );
    labels.set(uri, entry);
  }
  const resolved = await entry;
  labels.set(uri, resolved);
  return pick(resolved, uri);
}

// A text node-holding span that shows the skill's label once it is known.
export function skillName(uri) {
  const span = h("span", { class: "skill-name" }, skillLabelNow(uri));
  skillLabel(uri).then((label) => (span.textContent = label));
  return span;
}

// --- weekly schedules: 7 days x 24 one-hour slots ---

export const emptyWeek = () => DAYS.map(() => new Array(24).fill(false));

const minutes = (text) => {
  const [hh, mm] = String(text).split(":").map(Number);
  return hh * 60 + (mm || 0);
};

// Intervals [{day, from, to}] to slots: an hour counts when the interval
// covers at least 30 minutes of it (the API's rule).
export function slotsFromIntervals(intervals) {
  const week = emptyWeek();
  for (const interval of intervals ?? []) {
    const d = DAYS.indexOf(interval.day);
    if (d < 0) continue;
    const from = minutes(interval.from);
    const to = minutes(interval.to);
    for (let hour = 0; hour < 24; hour++)
      if (Math.min(to, (hour + 1) * 60) - Math.max(from, hour * 60) >= 30) week[d][hour] = true;
  }
  return week;
}

const hhmm = (hour) => `${String(hour).padStart(2, "0")}:00`;

// Slots to the API's intervals, adjacent hours merged.
export function intervalsFromSlots(week) {
  const intervals = [];
  week.forEach((hours, d) => {
    let start = -1;
    for (let hour = 0; hour <= 24; hour++) {
      const on = hour < 24 && hours[hour];
      if (on && start < 0) start = hour;
      if (!on && start >= 0) {
        intervals.push({ day: DAYS[d], from: hhmm(start), to: hhmm(hour) });
        start = -1;
      }
    }
  });
  return intervals;
}

export const slotCount = (week) => week.reduce((sum, hours) => sum + hours.filter(Boolean).length, 0);

// "ma 08:00–17:00, wo 08:00–12:00" (merged intervals, whole days named short).
export function scheduleInWords(intervals) {
  const merged = intervalsFromSlots(slotsFromIntervals(intervals));
  if (!merged.length) return t("schedule.none");
  const byDay = new Map();
  for (const i of merged) {
    if (!byDay.has(i.day)) byDay.set(i.day, []);
    byDay.get(i.day).push(`${i.from}–${i.to}`);
  }
  return [...byDay].map(([day, spans]) => `${t(`day.short.${day}`)} ${spans.join(", ")}`).join("; ");
}

// --- requests with extra headers (If-Match, Idempotency-Key) ---

// answers {body, etag}
export const request = (method, path, body, headers = {}) => send(method, path, body, { headers });

export function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// --- a form's errors: at the fields and summarised at the top ---

// `fields`: {apiField: {id, label, hint}}; `resolve(path)` may map a detail's
// field path ("required_skills[1].min_level") to a control's id. Fills
// `summary` and moves focus there.
export function showFormErrors(summary, error, fields, resolve = () => null) {
  for (const f of Object.values(fields)) setFieldError(f.id, "");
  const items = [];
  const seen = new Set();
  for (const detail of error?.details ?? []) {
    const path = String(detail.field ?? "");
    const top = path.split(/[.[]/)[0];
    const known = fields[top];
    const id = resolve(path) ?? known?.id ?? null;
    const message = known?.hint ?? (currentLanguage() === "en" && detail.problem ? detail.problem : t("problem.generic"));
    if (id && !seen.has(id)) {
      seen.add(id);
      setFieldError(id, message);
      items.push({ id, label: known?.label ?? path, message });
    } else if (!id) items.push({ id: null, label: path, message });
  }
  placeSummary(summary, items, t("summary.title"), error?.message ?? t("error.unknown"));
}

// A pseudonymous candidate: what an employer may see before the seeker
// confirmed. `level` is the heading level.
export function candidateProfile(candidate, level = 3) {
  if (!candidate) return paragraph(t("profile.hidden"));
  const list = (items) => items.length
    ? h("ul", { class: "utrecht-unordered-list profile__list" },
        items.map((node) => h("li", { class: "utrecht-unordered-list__item" }, node)))
    : t("profile.none");
  return h("div", { class: "profile" },
    heading(level, t("profile.title", { pseudonym: candidate.pseudonym })),
    facts([
      [t("profile.area"), candidate.postcode_area],
      [t("profile.available"), candidate.available_until
        ? t("profile.available.range", { from: formatDate(candidate.available_from), until: formatDate(candidate.available_until) })
        : t("profile.available.from", { from: formatDate(candidate.available_from) })],
      [t("profile.hours"), t("profile.hours.value", { n: formatNumber(candidate.max_hours_per_week) })],
      [t("profile.times"), scheduleInWords(candidate.availability)],
      [t("profile.dutch"), cefrLabel(candidate.dutch_level, true)],
      [t("profile.certificates"), candidate.certificates?.length
        ? candidate.certificates.map(certificateLabel).join(", ") : t("profile.none")],
      [t("profile.skills"), list((candidate.skills ?? []).map((s) => {
        const span = h("span", {}, t("profile.skill", { skill: skillLabelNow(s.uri), level: s.level }));
        skillLabel(s.uri).then((label) => (span.textContent = t("profile.skill", { skill: label, level: s.level })));
        return span;
      }))],
      [t("profile.goals"), list((candidate.learning_goals ?? []).map(skillName))],
    ]));
}
