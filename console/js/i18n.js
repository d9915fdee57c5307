// Texts per language (Dutch first, English second); the choice stays with
// the browser (localStorage). Dates as "28 nov. 2026", times as "14:05".
import { messages as nl } from "./messages-nl.js";
import { messages as en } from "./messages-en.js";

const catalogues = { nl: { ...nl }, en: { ...en } };

// Each screen module brings its own texts: addMessages({nl: {...}, en: {...}}).
export function addMessages(more) {
  for (const code of Object.keys(catalogues)) Object.assign(catalogues[code], more[code] ?? {});
}
let language = (() => {
  const stored = localStorage.getItem("bpa-language");
  return stored in catalogues ? stored : "nl";
})();

export const currentLanguage = () => language;

export function setLanguage(code) {
  if (!(code in catalogues)) return;
  language = code;
  localStorage.setItem("bpa-language", code);
  document.documentElement.lang = code;
}
document.documentElement.lang = language;

// t("queue.title"), t("match.waiting", {days: 3}): "{days}" is filled in.
// A text with a "|" has a singular and a plural form ("{n} melding|{n}
// meldingen"), chosen by params.n.
export function t(key, params = {}) {
  let text = catalogues[language][key] ?? catalogues.nl[key] ?? key;
  if (text.includes("|") && "n" in params) {
    const [one, other] = text.split("|");
    text = Number(String(params.n).replace(/\D/g, "")) === 1 ? one : other;
  }
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

// An API error (its code) as a sentence in the chosen language.
export function errorText(code, fallback) {
  const key = `error.${code}`;
  const text = t(key);
  return text === key ? fallback || t("error.unknown") : text;
}

const locale = () => (language === "nl" ? "nl-NL" : "en-GB");

// A date alone ("2027-02-01") is a calendar day, not midnight UTC: read in
// local time, or it would show as the day before west of Greenwich.
const asDate = (value) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00`) : new Date(value);

export function formatDate(value) {
  if (!value) return "";
  const date = asDate(value);
  return Number.isNaN(date.getTime())
    ? String(value)
    : date.toLocaleDateString(locale(), { day: "numeric", month: "short", year: "numeric" });
}

export function formatDateTime(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${formatDate(value)} ${date.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" })}`;
}

export const formatNumber = (value, digits = 0) =>
  Number(value).toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });

// "3 dagen" / "3 days" since `value`.
export function formatAge(value) {
  const hours = Math.max(0, (Date.now() - new Date(value).getTime()) / 3.6e6);
  return hours < 48 ? t("age.hours", { n: Math.round(hours) }) : t("age.days", { n: Math.round(hours / 24) });
}
