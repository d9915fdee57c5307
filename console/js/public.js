// The screens without a login (routes for the role "public"; app.js shows
// them, logged in or not, where it would show the login page):
//   #/signup            an entrepreneur signs up their business
//   #/confirm/TOKEN     the link in the confirmation e-mail
//   #/invitation/TOKEN  accept an invitation: name and password, and in
//   #/forgot            forgot password: an e-mail address
//   #/reset/TOKEN       the link in the reset e-mail: a new password
// The one-time token of a link leaves the address bar and the browser's
// history at once (#/reset/TOKEN becomes #/reset); the screen keeps it in
// memory until it is used.
import { h } from "./dom.js";
import { t, addMessages, currentLanguage, setLanguage, formatDate } from "./i18n.js";
import { post, ApiError } from "./api.js";
import { route } from "./router.js";
import { page, field, input, select, button, paragraph, link, alert, facts, loading } from "./ui.js";
import { showErrors, clearErrors, refusal, optional, looksLikeEmail, LANGUAGES } from "./forms.js";
import { passwordField, localProblem, passwordHint } from "./password.js";

addMessages({
  nl: {
    "pub.to_login": "Naar inloggen",
    "pub.back_to_login": "Terug naar inloggen",
    "pub.academy": "Binck Praktijk Academie",

    "pub.signup.title": "Je bedrijf aanmelden",
    "pub.signup.intro": "Bied werk-leerplekken aan via de Binck Praktijk Academie. Meld je bedrijf aan, bevestig je e-mailadres, en de academie controleert je bedrijf. Daarna kun je leerplekken openzetten.",
    "pub.signup.kept": "Wat je invult, blijft op dit toestel bewaard tot je het verstuurt (je wachtwoord niet).",
    "pub.signup.organisation": "Je bedrijf",
    "pub.signup.org_name": "Naam van je bedrijf",
    "pub.signup.kvk": "KvK-nummer",
    "pub.signup.kvk.description": "8 cijfers. Je vindt het op je uittreksel van de Kamer van Koophandel.",
    "pub.signup.postcode": "Postcode",
    "pub.signup.postcode.description": "Bijvoorbeeld 2516 BA",
    "pub.signup.address": "Straat en huisnummer",
    "pub.signup.sector": "Branche",
    "pub.signup.sector.description": "Bijvoorbeeld: bakkerij, garage, installatiebedrijf",
    "pub.signup.contact": "Jij, de contactpersoon",
    "pub.signup.name": "Je naam",
    "pub.signup.email": "Je e-mailadres",
    "pub.signup.email.description": "Hiermee log je in. We sturen er een link heen om het te bevestigen.",
    "pub.signup.phone": "Telefoonnummer",
    "pub.signup.language": "Taal van de e-mails",
    "pub.signup.password": "Kies een wachtwoord",
    "pub.signup.submit": "Aanmelden",
    "pub.signup.sending": "Bezig met versturen…",
    "pub.signup.have_account": "Heb je al een account?",
    "pub.hint.org_name": "Vul de naam van je bedrijf in (hoogstens 200 tekens).",
    "pub.hint.kvk": "Vul het KvK-nummer in: 8 cijfers.",
    "pub.hint.postcode": "Vul een bestaande postcode in, bijvoorbeeld 2516 BA.",
    "pub.hint.address": "Gebruik hoogstens 300 tekens.",
    "pub.hint.sector": "Gebruik hoogstens 100 tekens.",
    "pub.hint.name": "Vul je naam in (hoogstens 200 tekens).",
    "pub.hint.phone": "Vul een telefoonnummer in, of laat het leeg.",
    "pub.hint.language": "Kies Nederlands of Engels.",
    "pub.hint.too_many": "Er zijn te veel aanmeldingen gedaan vanaf deze verbinding of met dit e-mailadres.",
    "pub.hint.too_many_resets": "Er is te vaak een nieuw wachtwoord aangevraagd vanaf deze verbinding of voor dit e-mailadres.",

    "pub.sent.title": "Kijk in je mail",
    "pub.sent.text": "We sturen een e-mail naar {email}. Klik op de link in die e-mail om je e-mailadres te bevestigen. Daarna kun je inloggen.",
    "pub.sent.next": "De academie controleert daarna je bedrijf. Zodra je bedrijf geverifieerd is, kun je leerplekken openzetten. Klaarzetten kan meteen al.",
    "pub.sent.none": "Geen e-mail gekregen? Kijk in je map met ongewenste e-mail (spam). Staat je bedrijf al bij de academie, dan krijgen de contactpersonen van je bedrijf bericht: vraag een collega je uit te nodigen.",

    "pub.confirm.title": "E-mailadres bevestigen",
    "pub.confirm.busy": "We bevestigen je e-mailadres…",
    "pub.confirm.done": "Je e-mailadres is bevestigd. Log in met je e-mailadres en wachtwoord.",
    "pub.confirm.retry": "Opnieuw proberen",

    "pub.link.title": "Deze link werkt niet (meer)",
    "pub.link.text": "De link is onbekend, verlopen of al gebruikt. Elke link werkt maar één keer en een beperkte tijd.",
    "pub.link.confirm": "Heb je al eerder op de link geklikt? Dan is je e-mailadres al bevestigd: log gewoon in. Is de link verlopen? Meld je dan opnieuw aan.",
    "pub.link.signup": "Opnieuw aanmelden",
    "pub.link.invitation": "Vraag wie je uitnodigde om je opnieuw uit te nodigen. Heb je de uitnodiging al aangenomen? Log dan in.",
    "pub.link.reset": "Vraag een nieuwe link aan. Je kunt ook inloggen als je je wachtwoord weer weet.",
    "pub.link.missing": "Deze link is niet compleet. Open de link uit je e-mail opnieuw, of kopieer hem helemaal.",

    "pub.invite.title": "Je account maken",
    "pub.invite.coordinator": "Je bent uitgenodigd als coördinator van de Binck Praktijk Academie.",
    "pub.invite.employer": "Je bent uitgenodigd om voor {employer} werk-leerplekken te beheren bij de Binck Praktijk Academie.",
    "pub.invite.employer.unnamed": "Je bent uitgenodigd om voor een werkgever werk-leerplekken te beheren bij de Binck Praktijk Academie.",
    "pub.invite.email": "Je e-mailadres",
    "pub.invite.expires": "Uitnodiging geldig tot",
    "pub.invite.intro": "Kies je naam en een wachtwoord. Daarna ben je meteen ingelogd.",
    "pub.invite.name": "Je naam",
    "pub.invite.password": "Kies een wachtwoord",
    "pub.invite.submit": "Account maken en inloggen",
    "pub.invite.exists": "Er is al een account met dit e-mailadres. Log in, of vraag een nieuw wachtwoord aan als je het niet meer weet.",
    "pub.invite.welcome": "Welkom, {name}. Je account is klaar.",
    "pub.invite.welcome.anonymous": "Welkom. Je account is klaar.",

    "pub.forgot.title": "Wachtwoord vergeten",
    "pub.forgot.intro": "Vul je e-mailadres in. We sturen je een e-mail met een link om een nieuw wachtwoord te kiezen.",
    "pub.forgot.email": "E-mailadres",
    "pub.forgot.submit": "Stuur de link",
    "pub.forgot.sent": "Als er een account bij {email} hoort, sturen we daarheen een e-mail met een link. De link werkt een uur.",
    "pub.forgot.none": "Geen e-mail gekregen? Kijk in je map met ongewenste e-mail (spam), of controleer het adres.",
    "pub.forgot.again": "Een ander adres proberen",

    "pub.reset.title": "Nieuw wachtwoord kiezen",
    "pub.reset.intro": "Kies een nieuw wachtwoord. Je wordt daarna op al je apparaten uitgelogd en logt opnieuw in.",
    "pub.reset.password": "Nieuw wachtwoord",
    "pub.reset.submit": "Wachtwoord opslaan",
    "pub.reset.done": "Je nieuwe wachtwoord is opgeslagen. Log in met je nieuwe wachtwoord.",
    "pub.reset.forgot": "Vraag een nieuwe link aan",
  },
  en: {
    "pub.to_login": "To log in",
    "pub.back_to_login": "Back to log in",
    "pub.academy": "Binck Praktijk Academie",

    "pub.signup.title": "Sign up your business",
    "pub.signup.intro": "Offer work-learning places through the Binck Praktijk Academie. Sign up your business, confirm your e-mail address, and the academy checks your business. Then you can open placements.",
    "pub.signup.kept": "What you fill in is kept on this device until you send it (except your password).",
    "pub.signup.organisation": "Your business",
    "pub.signup.org_name": "Name of your business",
    "pub.signup.kvk": "KvK number",
    "pub.signup.kvk.description": "8 digits. You find it on your extract from the Chamber of Commerce.",
    "pub.signup.postcode": "Postcode",
    "pub.signup.postcode.description": "For example 2516 BA",
    "pub.signup.address": "Street and number",
    "pub.signup.sector": "Line of business",
    "pub.signup.sector.description": "For example: bakery, garage, installer",
    "pub.signup.contact": "You, the contact person",
    "pub.signup.name": "Your name",
    "pub.signup.email": "Your e-mail address",
    "pub.signup.email.description": "You log in with it. We send a link to it to confirm it.",
    "pub.signup.phone": "Phone number",
    "pub.signup.language": "Language of the e-mails",
    "pub.signup.password": "Choose a password",
    "pub.signup.submit": "Sign up",
    "pub.signup.sending": "Sending…",
    "pub.signup.have_account": "Do you have an account already?",
    "pub.hint.org_name": "Fill in the name of your business (at most 200 characters).",
    "pub.hint.kvk": "Fill in the KvK number: 8 digits.",
    "pub.hint.postcode": "Fill in an existing postcode, for example 2516 BA.",
    "pub.hint.address": "Use at most 300 characters.",
    "pub.hint.sector": "Use at most 100 characters.",
    "pub.hint.name": "Fill in your name (at most 200 characters).",
    "pub.hint.phone": "Fill in a phone number, or leave it empty.",
    "pub.hint.language": "Choose Dutch or English.",
    "pub.hint.too_many": "Too many sign-ups have been made from this connection or with this e-mail address.",
    "pub.hint.too_many_resets": "A new password has been asked for too often from this connection or for this e-mail address.",

    "pub.sent.title": "Check your e-mail",
    "pub.sent.text": "We are sending an e-mail to {email}. Follow the link in that e-mail to confirm your e-mail address. Then you can log in.",
    "pub.sent.next": "The academy then checks your business. Once your business is verified, you can open placements. You can prepare them straight away.",
    "pub.sent.none": "No e-mail? Look in your junk mail (spam) folder. If your business is known to the academy already, its contact people are told: ask a colleague to invite you.",

    "pub.confirm.title": "Confirm your e-mail address",
    "pub.confirm.busy": "Confirming your e-mail address…",
    "pub.confirm.done": "Your e-mail address is confirmed. Log in with your e-mail address and password.",
    "pub.confirm.retry": "Try again",

    "pub.link.title": "This link does not work (any more)",
    "pub.link.text": "The link is unknown, expired or used already. Each link works only once and for a limited time.",
    "pub.link.confirm": "Did you follow the link before? Then your e-mail address is confirmed already: just log in. Has the link expired? Then sign up again.",
    "pub.link.signup": "Sign up again",
    "pub.link.invitation": "Ask whoever invited you to invite you again. Have you accepted the invitation already? Then log in.",
    "pub.link.reset": "Ask for a new link. You can also log in if you remember your password again.",
    "pub.link.missing": "This link is not complete. Open the link from your e-mail again, or copy all of it.",

    "pub.invite.title": "Create your account",
    "pub.invite.coordinator": "You have been invited as a coordinator of the Binck Praktijk Academie.",
    "pub.invite.employer": "You have been invited to manage work-learning places for {employer} at the Binck Praktijk Academie.",
    "pub.invite.employer.unnamed": "You have been invited to manage work-learning places for an employer at the Binck Praktijk Academie.",
    "pub.invite.email": "Your e-mail address",
    "pub.invite.expires": "Invitation valid until",
    "pub.invite.intro": "Choose your name and a password. Then you are logged in straight away.",
    "pub.invite.name": "Your name",
    "pub.invite.password": "Choose a password",
    "pub.invite.submit": "Create account and log in",
    "pub.invite.exists": "An account with this e-mail address exists already. Log in, or ask for a new password if you no longer know it.",
    "pub.invite.welcome": "Welcome, {name}. Your account is ready.",
    "pub.invite.welcome.anonymous": "Welcome. Your account is ready.",

    "pub.forgot.title": "Forgot your password",
    "pub.forgot.intro": "Fill in your e-mail address. We send you an e-mail with a link to choose a new password.",
    "pub.forgot.email": "E-mail address",
    "pub.forgot.submit": "Send the link",
    "pub.forgot.sent": "If an account belongs to {email}, we are sending an e-mail with a link there. The link works for an hour.",
    "pub.forgot.none": "No e-mail? Look in your junk mail (spam) folder, or check the address.",
    "pub.forgot.again": "Try another address",

    "pub.reset.title": "Choose a new password",
    "pub.reset.intro": "Choose a new password. You are then logged out on all your devices and log in again.",
    "pub.reset.password": "New password",
    "pub.reset.submit": "Save password",
    "pub.reset.done": "Your new password is saved. Log in with your new password.",
    "pub.reset.forgot": "Ask for a new link",
  },
});

// app.js's part: toLogin({kind, text}, email) shows the login page with a
// message (and the address filled in); signedIn(text) starts the console
// for the session just made, with a welcome; redraw() draws the screen again
// (after a change of language).
let hooks = { toLogin: () => {}, signedIn: () => {}, redraw: () => {} };
export const registerPublic = (given) => (hooks = given);

const PUBLIC = { roles: ["public"] };

// --- one-time tokens, out of the address bar ---

const held = {}; // kind -> token
function hold(kind, token) {
  held[kind] = token;
  history.replaceState(history.state, "", `#/${kind}`);
}

const linksRow = (...links) => h("ul", { class: "public-links" }, links.filter(Boolean).map((l) => h("li", {}, l)));
const loginLink = (key = "pub.to_login") => link("#/", t(key));

// The "this link does not work" screen, with what to do instead.
function deadLink(main, advice, ...links) {
  page(main, t("pub.link.title"), alert("warning", paragraph(t("pub.link.text"))), paragraph(advice), linksRow(...links));
}
const missingLink = (main, ...links) => page(main, t("pub.link.title"), paragraph(t("pub.link.missing")), linksRow(...links));

// A submit button off while its request is under way.
function busy(submitButton, on) {
  submitButton.disabled = on;
}

// --- sign-up ---

const DRAFT = "bpa-signup-draft";
const readDraft = () => {
  try {
    return JSON.parse(sessionStorage.getItem(DRAFT) ?? "null") ?? {};
  } catch {
    return {};
  }
};
const writeDraft = (values) => {
  try {
    sessionStorage.setItem(DRAFT, JSON.stringify(values));
  } catch {
    /* private mode or full: go on without */
  }
};
const dropDraft = () => {
  try {
    sessionStorage.removeItem(DRAFT);
  } catch {
    /* as above */
  }
};

function signupPage(main) {
  const draft = readDraft();
  const control = (name, attributes = {}) => input({ name, value: draft[name] ?? "", ...attributes });
  const orgName = control("org_name", { autocomplete: "organization", maxlength: "200", required: true });
  const kvk = control("kvk", {
    inputmode: "numeric", maxlength: "10", autocomplete: "off", required: true, class: "utrecht-textbox utrecht-textbox--sm",
  });
  const postcode = control("postcode", {
    autocomplete: "postal-code", maxlength: "7", autocapitalize: "characters", required: true,
    class: "utrecht-textbox utrecht-textbox--sm",
  });
  const address = control("address", { autocomplete: "street-address", maxlength: "300" });
  const sector = control("sector", { autocomplete: "off", maxlength: "100" });
  const name = control("name", { autocomplete: "name", maxlength: "200", required: true });
  const email = control("email", { type: "email", autocomplete: "email", maxlength: "254", required: true, spellcheck: "false" });
  const phone = control("phone", { type: "tel", autocomplete: "tel", maxlength: "30" });
  const language = select(LANGUAGES(), { name: "language", value: draft.language ?? currentLanguage() });
  const password = passwordField(t("pub.signup.password"));
  const summary = h("div", { class: "form-summary-holder" });
  const submit = button(t("pub.signup.submit"), undefined, { kind: "primary", type: "submit" });
  const progress = h("span", { class: "form-actions__progress", role: "status" });

  const fields = {
    "organisation.name": { id: (orgName.id = "signup-org-name"), label: t("pub.signup.org_name"), hint: t("pub.hint.org_name") },
    "organisation.kvk_number": { id: (kvk.id = "signup-kvk"), label: t("pub.signup.kvk"), hint: t("pub.hint.kvk") },
    "organisation.postcode": { id: (postcode.id = "signup-postcode"), label: t("pub.signup.postcode"), hint: t("pub.hint.postcode") },
    "organisation.address": { id: (address.id = "signup-address"), label: t("pub.signup.address"), hint: t("pub.hint.address") },
    "organisation.sector": { id: (sector.id = "signup-sector"), label: t("pub.signup.sector"), hint: t("pub.hint.sector") },
    "contact.name": { id: (name.id = "signup-name"), label: t("pub.signup.name"), hint: t("pub.hint.name") },
    "contact.email": { id: (email.id = "signup-email"), label: t("pub.signup.email"), hint: t("forms.email") },
    "contact.phone": { id: (phone.id = "signup-phone"), label: t("pub.signup.phone"), hint: t("pub.hint.phone") },
    "contact.language": { id: (language.id = "signup-language"), label: t("pub.signup.language"), hint: t("pub.hint.language") },
    password: { id: password.id, label: t("pub.signup.password"), hint: passwordHint },
  };

  const values = () => ({
    org_name: orgName.value, kvk: kvk.value, postcode: postcode.value, address: address.value, sector: sector.value,
    name: name.value, email: email.value, phone: phone.value, language: language.value,
  });
  function body() {
    const v = values();
    const trimmed = (text) => text.trim() || undefined;
    return {
      organisation: {
        name: v.org_name.trim(), kvk_number: v.kvk.replace(/\s/g, ""), postcode: v.postcode.trim(),
        address: trimmed(v.address), sector: trimmed(v.sector),
      },
      contact: { name: v.name.trim(), email: v.email.trim(), phone: trimmed(v.phone), language: v.language },
      password: password.input.value,
    };
  }
  // What the server would refuse for certain, said before asking it.
  function problems(b) {
    const details = [];
    if (!b.organisation.name) details.push({ field: "organisation.name", problem: "missing" });
    if (!/^\d{8}$/.test(b.organisation.kvk_number)) details.push({ field: "organisation.kvk_number", problem: "invalid" });
    if (!b.organisation.postcode) details.push({ field: "organisation.postcode", problem: "missing" });
    if (!b.contact.name) details.push({ field: "contact.name", problem: "missing" });
    if (!looksLikeEmail(b.contact.email)) details.push({ field: "contact.email", problem: "invalid" });
    const pw = localProblem(b.password);
    if (pw) details.push({ field: "password", problem: pw });
    return details;
  }

  const form = h("form", { class: "login-form signup-form", novalidate: true },
    summary,
    h("fieldset", { class: "utrecht-form-fieldset stack" },
      h("legend", { class: "utrecht-form-fieldset__legend" }, t("pub.signup.organisation")),
      field(t("pub.signup.org_name"), orgName),
      field(t("pub.signup.kvk"), kvk, { description: t("pub.signup.kvk.description") }),
      field(t("pub.signup.postcode"), postcode, { description: t("pub.signup.postcode.description") }),
      field(optional(t("pub.signup.address")), address),
      field(optional(t("pub.signup.sector")), sector, { description: t("pub.signup.sector.description") })),
    h("fieldset", { class: "utrecht-form-fieldset stack" },
      h("legend", { class: "utrecht-form-fieldset__legend" }, t("pub.signup.contact")),
      field(t("pub.signup.name"), name),
      field(t("pub.signup.email"), email, { description: t("pub.signup.email.description") }),
      field(optional(t("pub.signup.phone")), phone),
      field(t("pub.signup.language"), language),
      password.element),
    h("div", { class: "form-actions" }, submit, progress));
  form.addEventListener("input", () => writeDraft(values()));
  form.addEventListener("change", () => writeDraft(values()));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const b = body();
    const local = problems(b);
    if (local.length) return showErrors(summary, local, fields);
    clearErrors(summary, fields);
    busy(submit, true);
    progress.textContent = t("pub.signup.sending");
    try {
      await post("/v1/signup", b);
      dropDraft();
      sentPage(main, b.contact.email);
    } catch (error) {
      busy(submit, false);
      progress.textContent = "";
      if (error instanceof ApiError && error.status === 422 && error.details.length)
        showErrors(summary, error.details, fields);
      else showErrors(summary, [], fields, { message: refusal(error, t("pub.hint.too_many")) });
    }
  });
  page(main, t("pub.signup.title"), paragraph(t("pub.signup.intro")), paragraph(t("pub.signup.kept")), form,
    h("p", { class: "utrecht-paragraph" }, t("pub.signup.have_account"), " ", loginLink()));
}

function sentPage(main, email) {
  page(main, t("pub.sent.title"),
    alert("ok", paragraph(t("pub.sent.text", { email }))),
    paragraph(t("pub.sent.next")),
    paragraph(t("pub.sent.none")),
    linksRow(loginLink()));
}

// --- confirm the e-mail address ---

const confirming = new Map(); // token -> the answer's promise (asked once, even when redrawn)

async function confirmPage(main) {
  const token = held.confirm;
  const again = link("#/signup", t("pub.link.signup"));
  if (!token) return missingLink(main, loginLink(), again);
  page(main, t("pub.confirm.title"), h("p", { class: "utrecht-paragraph loading", role: "status" }, t("pub.confirm.busy")));
  if (!confirming.has(token)) confirming.set(token, post("/v1/signup/confirm", { token }));
  try {
    const answer = await confirming.get(token);
    delete held.confirm;
    hooks.toLogin({ kind: "ok", text: t("pub.confirm.done") }, answer?.email ?? "");
  } catch (error) {
    if (error?.code === "token_invalid") return deadLink(main, t("pub.link.confirm"), loginLink(), again);
    confirming.delete(token); // a network failure or a busy server: may be tried again
    page(main, t("pub.confirm.title"), alert("error", paragraph(refusal(error))),
      h("div", { class: "button-row" }, button(t("pub.confirm.retry"), () => confirmPage(main), { kind: "primary" })));
  }
}

// --- accept an invitation ---

async function invitationPage(main) {
  const token = held.invitation;
  if (!token) return missingLink(main, loginLink());
  page(main, t("pub.invite.title"), loading());
  let preview;
  try {
    preview = await post("/v1/invitations/preview", { token });
  } catch (error) {
    if (error?.code === "token_invalid") return deadLink(main, t("pub.link.invitation"), loginLink());
    return page(main, t("pub.invite.title"), alert("error", paragraph(refusal(error))));
  }
  // the screen in the invitation's language, unless this browser chose one
  if (!localStorage.getItem("bpa-language") && preview.language && preview.language !== currentLanguage()) {
    setLanguage(preview.language);
    return hooks.redraw();
  }
  const what = preview.role === "coordinator"
    ? t("pub.invite.coordinator")
    : preview.employer_name ? t("pub.invite.employer", { employer: preview.employer_name }) : t("pub.invite.employer.unnamed");
  const name = input({ name: "name", autocomplete: "name", maxlength: "200", required: true, value: preview.name ?? "" });
  const email = input({ type: "email", name: "email", autocomplete: "username", readonly: true, value: preview.email ?? "" });
  const password = passwordField(t("pub.invite.password"));
  const summary = h("div", { class: "form-summary-holder" });
  const submit = button(t("pub.invite.submit"), undefined, { kind: "primary", type: "submit" });
  const fields = {
    name: { id: (name.id = "invite-name"), label: t("pub.invite.name"), hint: t("pub.hint.name") },
    password: { id: password.id, label: t("pub.invite.password"), hint: passwordHint },
  };
  const form = h("form", { class: "login-form", novalidate: true },
    summary,
    field(t("pub.invite.email"), email),
    field(t("pub.invite.name"), name),
    password.element,
    h("div", { class: "form-actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const local = [];
    if (!name.value.trim()) local.push({ field: "name", problem: "missing" });
    const pw = localProblem(password.input.value);
    if (pw) local.push({ field: "password", problem: pw });
    if (local.length) return showErrors(summary, local, fields);
    clearErrors(summary, fields);
    busy(submit, true);
    try {
      const session = await post("/v1/invitations/accept", { token, password: password.input.value, name: name.value.trim() });
      delete held.invitation;
      const who = session?.principal?.name ?? name.value.trim();
      hooks.signedIn(who ? t("pub.invite.welcome", { name: who }) : t("pub.invite.welcome.anonymous"));
    } catch (error) {
      busy(submit, false);
      if (error?.code === "token_invalid") return deadLink(main, t("pub.link.invitation"), loginLink());
      if (error?.status === 409) return showErrors(summary, [], fields, { message: t("pub.invite.exists") });
      if (error?.status === 422 && error.details?.length) return showErrors(summary, error.details, fields);
      showErrors(summary, [], fields, { message: refusal(error) });
    }
  });
  page(main, t("pub.invite.title"),
    paragraph(what),
    preview.expires_at ? facts([[t("pub.invite.expires"), formatDate(preview.expires_at)]]) : null,
    paragraph(t("pub.invite.intro")),
    form,
    linksRow(loginLink()));
}

// --- forgot password ---

function forgotPage(main, typed = "") {
  const email = input({ type: "email", name: "email", autocomplete: "username", required: true, spellcheck: "false", value: typed });
  const summary = h("div", { class: "form-summary-holder" });
  const submit = button(t("pub.forgot.submit"), undefined, { kind: "primary", type: "submit" });
  const fields = { email: { id: (email.id = "forgot-email"), label: t("pub.forgot.email"), hint: t("forms.email") } };
  const form = h("form", { class: "login-form", novalidate: true },
    summary, field(t("pub.forgot.email"), email), h("div", { class: "form-actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const address = email.value.trim();
    if (!looksLikeEmail(address)) return showErrors(summary, [{ field: "email", problem: "invalid" }], fields);
    clearErrors(summary, fields);
    busy(submit, true);
    try {
      await post("/v1/auth/password-reset", { email: address });
      page(main, t("pub.sent.title"),
        alert("ok", paragraph(t("pub.forgot.sent", { email: address }))),
        paragraph(t("pub.forgot.none")),
        h("div", { class: "button-row" }, button(t("pub.forgot.again"), () => forgotPage(main, address))),
        linksRow(loginLink("pub.back_to_login")));
    } catch (error) {
      busy(submit, false);
      if (error?.status === 422 && error.details?.length) return showErrors(summary, error.details, fields);
      showErrors(summary, [], fields, { message: refusal(error, t("pub.hint.too_many_resets")) });
    }
  });
  page(main, t("pub.forgot.title"), paragraph(t("pub.forgot.intro")), form, linksRow(loginLink("pub.back_to_login")));
}

// --- set a new password ---

function resetPage(main) {
  const token = held.reset;
  const forgot = link("#/forgot", t("pub.reset.forgot"));
  if (!token) return missingLink(main, forgot, loginLink());
  const password = passwordField(t("pub.reset.password"));
  const summary = h("div", { class: "form-summary-holder" });
  const submit = button(t("pub.reset.submit"), undefined, { kind: "primary", type: "submit" });
  const fields = { password: { id: password.id, label: t("pub.reset.password"), hint: passwordHint } };
  const form = h("form", { class: "login-form", novalidate: true },
    summary, password.element, h("div", { class: "form-actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const pw = localProblem(password.input.value);
    if (pw) return showErrors(summary, [{ field: "password", problem: pw }], fields);
    clearErrors(summary, fields);
    busy(submit, true);
    try {
      await post("/v1/auth/password-reset/confirm", { token, password: password.input.value });
      delete held.reset;
      hooks.toLogin({ kind: "ok", text: t("pub.reset.done") }, "");
    } catch (error) {
      busy(submit, false);
      if (error?.code === "token_invalid")
        return deadLink(main, t("pub.link.reset"), link("#/forgot", t("pub.reset.forgot")), loginLink());
      if (error?.status === 422 && error.details?.length) return showErrors(summary, error.details, fields);
      showErrors(summary, [], fields, { message: refusal(error) });
    }
  });
  page(main, t("pub.reset.title"), paragraph(t("pub.reset.intro")), form, linksRow(loginLink()));
}

route("/signup", (params, main) => signupPage(main), PUBLIC);
route("/forgot", (params, main) => forgotPage(main), PUBLIC);
route("/confirm/:token", (params, main) => (hold("confirm", params.token), confirmPage(main)), PUBLIC);
route("/confirm", (params, main) => confirmPage(main), PUBLIC);
route("/invitation/:token", (params, main) => (hold("invitation", params.token), invitationPage(main)), PUBLIC);
route("/invitation", (params, main) => invitationPage(main), PUBLIC);
route("/reset/:token", (params, main) => (hold("reset", params.token), resetPage(main)), PUBLIC);
route("/reset", (params, main) => resetPage(main), PUBLIC);

// The login page's way to these screens.
export const loginLinks = () => linksRow(
  link("#/forgot", t("login.forgot")),
  h("span", {}, t("login.new"), " ", link("#/signup", t("login.signup"))));

