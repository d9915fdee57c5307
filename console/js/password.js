// Password fields: the right autocomplete ("new-password" for a password
// being chosen, so a password manager offers a strong one; "current-password"
// for one being typed), the rules under a new one (12 characters or more, no
// common passwords: server/auth.c), a "show password" switch for small
// screens, and the server's problems in words.
import { h, newId } from "./dom.js";
import { t, addMessages } from "./i18n.js";
import { field, input } from "./ui.js";

addMessages({
  nl: {
    "pw.rules": "Minstens 12 tekens. Een zin van een paar woorden werkt goed, zoals “fiets naar de markt op zaterdag”. Veelgebruikte wachtwoorden worden geweigerd.",
    "pw.show": "Wachtwoord tonen",
    "pw.too_short": "Gebruik minstens 12 tekens.",
    "pw.too_long": "Dit wachtwoord is te lang. Gebruik hoogstens 1024 tekens.",
    "pw.spaces": "Een wachtwoord van alleen spaties kan niet.",
    "pw.common": "Dit wachtwoord wordt veel gebruikt en is dus makkelijk te raden. Kies een ander.",
    "pw.not_current": "Dit is niet je huidige wachtwoord.",
    "pw.missing": "Vul je wachtwoord in.",
  },
  en: {
    "pw.rules": "At least 12 characters. A sentence of a few words works well, like “cycle to the market on Saturday”. Common passwords are refused.",
    "pw.show": "Show password",
    "pw.too_short": "Use at least 12 characters.",
    "pw.too_long": "This password is too long. Use at most 1024 characters.",
    "pw.spaces": "A password of only spaces will not do.",
    "pw.common": "This password is used a lot, so it is easy to guess. Choose another one.",
    "pw.not_current": "This is not your current password.",
    "pw.missing": "Fill in your password.",
  },
});

export const PASSWORD_MIN = 12;

// A password field: {element, input, id}. `choosing`: a new password (its
// rules shown, autocomplete "new-password"), else the current one.
export function passwordField(label, { choosing = true, name = choosing ? "new-password" : "current-password" } = {}) {
  const control = input({
    type: "password", name, required: true, spellcheck: "false", autocapitalize: "none",
    autocomplete: choosing ? "new-password" : "current-password", maxlength: "1024",
  });
  const element = field(label, control, { description: choosing ? t("pw.rules") : undefined });
  const showId = newId("show");
  const show = h("input", {
    type: "checkbox", id: showId, class: "utrecht-checkbox utrecht-checkbox--html-input",
    "aria-controls": control.id,
    onchange: () => (control.type = show.checked ? "text" : "password"),
  });
  element.classList.add("password-field");
  element.append(h("div", { class: "utrecht-form-field utrecht-form-field--checkbox password-field__show" },
    show, h("label", { class: "utrecht-form-label utrecht-form-label--checkbox", for: showId }, t("pw.show"))));
  return { element, input: control, id: control.id };
}

// What is wrong with a new password before the server is asked (or null).
export function localProblem(value) {
  if (!value) return "missing";
  if ([...value].length < PASSWORD_MIN) return "must be at least 12 characters";
  if (!value.trim()) return "must not be only spaces";
  return null;
}

// The server's problem with a password (server/auth.c's words) in ours.
export function passwordHint(problem) {
  const p = String(problem ?? "");
  if (/missing|required/.test(p)) return t("pw.missing");
  if (/at least/.test(p)) return t("pw.too_short");
  if (/at most|too long/.test(p)) return t("pw.too_long");
  if (/spaces/.test(p)) return t("pw.spaces");
  if (/common/.test(p)) return t("pw.common");
  if (/current/.test(p)) return t("pw.not_current");
  return t("forms.generic");
}
