// What the account screens' forms share (sign-up, invitations, passwords,
// portals): a form's problems at its fields and summed up at the top, the
// way the placement form shows them, for field paths such as
// "organisation.name"; a key for Idempotency-Key; a status line that takes
// the focus; a radio group; and what a refused request says in words.
import { h, newId, announce } from "./dom.js";
import { t, addMessages, currentLanguage } from "./i18n.js";
import { alert, paragraph, setFieldError } from "./ui.js";

addMessages({
  nl: {
    "forms.summary": "Nog niet alles is goed ingevuld:",
    "forms.generic": "Dit is niet goed ingevuld.",
    "forms.required": "Dit moet je nog invullen.",
    "forms.email": "Vul een geldig e-mailadres in, zoals naam@bedrijf.nl.",
    "forms.optional": "{label} (niet verplicht)",
    "forms.wait.minutes": "Probeer het over {n} minuut opnieuw.|Probeer het over {n} minuten opnieuw.",
    "forms.wait.later": "Probeer het later opnieuw.",
    "forms.language.nl": "Nederlands",
    "forms.language.en": "Engels",
  },
  en: {
    "forms.summary": "Not everything is filled in correctly yet:",
    "forms.generic": "This is not filled in correctly.",
    "forms.required": "Please fill this in.",
    "forms.email": "Enter a valid e-mail address, like name@company.com.",
    "forms.optional": "{label} (optional)",
    "forms.wait.minutes": "Try again in {n} minute.|Try again in {n} minutes.",
    "forms.wait.later": "Try again later.",
    "forms.language.nl": "Dutch",
    "forms.language.en": "English",
  },
});

export const optional = (label) => t("forms.optional", { label });

// The languages an account's e-mails can be in, as select() options.
export const LANGUAGES = () => [["nl", t("forms.language.nl")], ["en", t("forms.language.en")]];

// A plausible e-mail address (the server decides; this only saves a round trip).
export const looksLikeEmail = (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

// `fields`: {path: {id, label, hint}}, where hint is a text or a function of
// the server's problem ("must be at least 12 characters") giving the text.
// `details`: [{field, problem}] (an ApiError's, or made by the form itself).
// Every field is cleared first; the summary lists the problems as buttons
// that move to their field, and takes the focus.
export function showErrors(summary, details, fields, { message } = {}) {
  for (const f of Object.values(fields)) setFieldError(f.id, "");
  const items = [];
  const seen = new Set();
  for (const detail of details ?? []) {
    const path = String(detail.field ?? "");
    const known = fields[path] ?? fields[path.split(/[.[]/)[0]];
    const hint = typeof known?.hint === "function" ? known.hint(String(detail.problem ?? "")) : known?.hint;
    const text = hint ?? (currentLanguage() === "en" && detail.problem ? detail.problem : t("forms.generic"));
    if (known && seen.has(known.id)) continue;
    if (known) {
      seen.add(known.id);
      setFieldError(known.id, text);
    }
    items.push({ id: known?.id ?? null, label: known?.label ?? path, message: text });
  }
  placeSummary(summary, items, t("forms.summary"), message ?? t("error.unknown"));
}

// The error summary above a form: `title` and a link to each problem's
// field ({id, label, message}; id null: no field to go to), or `fallback`
// when there are none; focused and announced.
export function placeSummary(summary, items, title, fallback) {
  const list = items.length
    ? h("ul", { class: "utrecht-unordered-list form-summary__list" },
        items.map((item) => h("li", { class: "utrecht-unordered-list__item" },
          item.id
            ? h("button", {
                type: "button",
                class: "utrecht-link-button utrecht-link-button--html-button form-summary__link",
                onclick: () => document.getElementById(item.id)?.focus(),
              }, `${item.label}: ${item.message}`)
            : `${item.label}: ${item.message}`)))
    : null;
  const box = alert("error", paragraph(items.length ? title : fallback), list);
  box.classList.add("form-summary");
  box.tabIndex = -1;
  summary.replaceChildren(box);
  box.focus();
  announce(items.length ? `${title} ${items.map((i) => i.label).join(", ")}` : fallback ?? "");
}

export function clearErrors(summary, fields) {
  summary.replaceChildren();
  for (const f of Object.values(fields)) setFieldError(f.id, "");
}

// What a refused request says: the error's sentence, and for a 429 how
// long to wait (`tooMany`: what to say of a 429 instead of the error's
// sentence, which speaks of wrong passwords).
export function refusal(error, tooMany) {
  if (error?.status !== 429) return error?.message ?? t("error.unknown");
  const wait = error.retryAfter ? t("forms.wait.minutes", { n: Math.max(1, Math.ceil(error.retryAfter / 60)) }) : t("forms.wait.later");
  return `${tooMany ?? error.message} ${wait}`;
}

// A message that takes the focus (after an action that redraws the page).
export function statusMessage(kind, ...children) {
  const box = alert(kind, ...children);
  box.tabIndex = -1;
  return box;
}
export function showStatus(holder, kind, text) {
  const box = statusMessage(kind, paragraph(text));
  holder.replaceChildren(box);
  box.focus();
  announce(text);
  return box;
}

// A group of radio buttons: {element, value(), inputs}.
export function radioGroup(legend, options, { name = newId("radio"), value, onchange } = {}) {
  const inputs = options.map(([v, label]) => {
    const id = newId("radio");
    const input = h("input", {
      type: "radio", id, name, value: v, checked: v === value,
      class: "utrecht-radio-button utrecht-radio-button--html-input", onchange,
    });
    return { input, element: h("div", { class: "utrecht-form-field utrecht-form-field--radio" },
      input, h("label", { class: "utrecht-form-label utrecht-form-label--radio", for: id }, label)) };
  });
  const element = h("fieldset", { class: "utrecht-form-fieldset" },
    h("legend", { class: "utrecht-form-fieldset__legend" }, legend),
    inputs.map((i) => i.element));
  return { element, inputs: inputs.map((i) => i.input), value: () => inputs.find((i) => i.input.checked)?.input.value ?? "" };
}

// A key for Idempotency-Key: a retried request (a lost answer) is done once.
export function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
