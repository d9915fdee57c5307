// A seeker's personal data on the seeker's page and one screen of its own:
// - consents per purpose (matching, share_contact, email_updates): the
//   current state, the history (who recorded what, when, for which text
//   version) and a change recorded by the coordinator (POST
//   /v1/seekers/{id}/consents); withdrawing matching cancels the open
//   matches, which the form says before it is sent;
// - the export (GET /v1/seekers/{id}/export), downloaded as a file;
// - "/seekers/:id/erase": the erasure (POST /v1/seekers/{id}/erase), after
//   a confirmation that names the seeker and says what goes and what stays;
//   the final button works once the coordinator has typed the seeker's
//   name. The name is on the page only: the page's title and address
//   carry the id.
import { h, newId, announce, replace } from "./dom.js";
import { t, addMessages, formatDateTime, formatNumber } from "./i18n.js";
import { get, getAll, post, send, download, ApiError } from "./api.js";
import { route } from "./router.js";
import { page, heading, paragraph, link, button, field, input, facts, alert, failure, loading } from "./ui.js";
import { ROLE, OPEN_STATES, scrollable, tableShell, row, cell, rowHeader, tag, known } from "./coordinator-common.js";
import { showErrors, clearErrors, refusal, radioGroup, randomKey, statusMessage } from "./forms.js";

addMessages({
  nl: {
    // consents
    "co.consent.title": "Toestemming",
    "co.consent.intro": "Per doel: heeft de werkzoekende toestemming gegeven, en voor welke versie van de tekst? Meestal legt het partnerportaal dit vast; een wijziging die de werkzoekende aan jou doorgeeft, leg je hieronder vast.",
    "co.consent.purpose.matching": "Koppelen aan leerplekken",
    "co.consent.purpose.matching.hint": "Mag in de ranglijsten staan en voorgesteld worden.",
    "co.consent.purpose.share_contact": "Contactgegevens delen",
    "co.consent.purpose.share_contact.hint": "De werkgever ziet naam en contactgegevens, nadat de werkzoekende een match bevestigt.",
    "co.consent.purpose.email_updates": "Berichten per e-mail",
    "co.consent.purpose.email_updates.hint": "Het partnerportaal mag berichten over de voortgang sturen.",
    "co.consent.current.caption": "Toestemming per doel",
    "co.consent.col.purpose": "Doel",
    "co.consent.col.state": "Toestemming",
    "co.consent.version_since": "Versie {version}, vastgelegd op {when}",
    "co.consent.version": "Versie van de tekst: {version}",
    "co.consent.portal_then": "Partnerportaal: {portal}",
    "co.consent.given": "gegeven",
    "co.consent.withdrawn": "ingetrokken",
    "co.consent.none": "niet gegeven",
    "co.consent.none.hint": "Nooit vastgelegd.",
    "co.consent.history": "Geschiedenis van de toestemming",
    "co.consent.history.caption": "Geschiedenis van de toestemming, nieuwste eerst",
    "co.consent.history.none": "Er is nog niets vastgelegd.",
    "co.consent.col.when": "Wanneer",
    "co.consent.col.what": "Wat",
    "co.consent.col.by": "Vastgelegd door",
    "co.consent.by.portal": "het partnerportaal",
    "co.consent.by.coordinator": "coördinator {id}",
    "co.consent.by.system": "het systeem (bij de overstap naar toestemming per doel)",
    "co.consent.by.you": "Jij",
    "co.consent.record": "Wijziging vastleggen",
    "co.consent.record.intro": "Let op: trek je de toestemming voor koppelen in, dan worden alle lopende matches van deze werkzoekende meteen geannuleerd.",
    "co.consent.form.purpose": "Waarvoor",
    "co.consent.form.what": "Wat heeft de werkzoekende gezegd?",
    "co.consent.form.give": "Geeft toestemming",
    "co.consent.form.withdraw": "Trekt toestemming in",
    "co.consent.form.version": "Versie van de tekst",
    "co.consent.form.version.hint": "De versie van de toestemmingstekst die de werkzoekende heeft gelezen, zoals het partnerportaal die noemt. Hoogstens 50 tekens.",
    "co.consent.form.hint.purpose": "Kies waarvoor.",
    "co.consent.form.hint.given": "Kies of de werkzoekende toestemming geeft of intrekt.",
    "co.consent.form.hint.version": "Vul de versie van de tekst in (1 tot 50 tekens).",
    "co.consent.warn.matching": "Intrekken annuleert meteen alle lopende matches van deze werkzoekende: nu {n}. Werkgever en partnerportaal krijgen daarvan een melding, zonder persoonsgegevens. De werkzoekende verdwijnt uit elke ranglijst en kan pas weer gekoppeld worden als er opnieuw toestemming is.",
    "co.consent.warn.matching.none": "Intrekken haalt de werkzoekende meteen uit elke ranglijst. Er zijn nu geen lopende matches om te annuleren. Gekoppeld worden kan pas weer als er opnieuw toestemming is.",
    "co.consent.warn.share_contact": "Intrekken: werkgevers zien vanaf nu geen naam en contactgegevens meer bij de matches van deze werkzoekende.",
    "co.consent.warn.email_updates": "Intrekken: het partnerportaal stuurt de werkzoekende geen berichten per e-mail meer.",
    "co.consent.submit.give": "Toestemming vastleggen",
    "co.consent.submit.withdraw": "Toestemming intrekken",
    "co.consent.submit.withdraw_matches": "Intrekken en {n} lopende match annuleren|Intrekken en {n} lopende matches annuleren",
    "co.consent.done.give": "Vastgelegd: toestemming voor {purpose} is gegeven (versie {version}).",
    "co.consent.done.withdraw": "Vastgelegd: toestemming voor {purpose} is ingetrokken (versie {version}).",
    "co.consent.done.cancelled": "De lopende matches zijn geannuleerd.",
    "co.consent.erased": "De gegevens van deze werkzoekende zijn gewist: er valt niets meer vast te leggen.",
    "co.consent.erased.none": "Sinds het wissen geldt er geen toestemming meer: de werkzoekende wordt nergens meer voor gebruikt. Hieronder staat wat er vóór het wissen was vastgelegd.",

    // export
    "co.export.title": "Gegevens downloaden",
    "co.export.intro": "Alles wat de dienst over deze werkzoekende bewaart, in één bestand (JSON): het profiel, de toestemming met de geschiedenis, de matches met hun geschiedenis en toelichting, welke meldingen over die matches zijn verstuurd (zonder inhoud) en wie de gegevens wanneer heeft bekeken.",
    "co.export.why": "Voor een verzoek om inzage of om de gegevens mee te nemen (AVG artikel 15 en 20). Het downloaden komt in het auditlog. Geef het bestand veilig door en bewaar het niet langer dan nodig.",
    "co.export.button": "Gegevens downloaden (JSON)",
    "co.export.busy": "Het bestand wordt gemaakt…",
    "co.export.done": "Het bestand {name} is gedownload.",

    // erasure
    "co.erase.section": "Gegevens wissen",
    "co.erase.section.intro": "Wist alle persoonsgegevens van deze werkzoekende, voorgoed. Je krijgt eerst te zien wat er verdwijnt en wat er blijft.",
    "co.erase.section.go": "Gegevens wissen…",
    "co.erase.section.done": "De gegevens van deze werkzoekende zijn al gewist.",
    "co.erase.doc_title": "Gegevens wissen: werkzoekende {id}",
    "co.erase.title": "Gegevens van {name} wissen",
    "co.erase.title.unnamed": "Gegevens van werkzoekende {id} wissen",
    "co.erase.title.done": "Gegevens gewist",
    "co.erase.back": "Terug naar de werkzoekende",
    "co.erase.list": "Naar de werkzoekenden",
    "co.erase.irreversible": "Wissen kan niet ongedaan worden gemaakt. Ook de academie kan de gegevens daarna niet meer terughalen.",
    "co.erase.goes": "Wat verdwijnt",
    "co.erase.goes.name": "naam, e-mailadres, telefoonnummer en het kenmerk bij het partnerportaal;",
    "co.erase.goes.place": "de volledige postcode en de precieze locatie (alleen het postcodegebied van 4 cijfers blijft);",
    "co.erase.goes.profile": "certificaten, vaardigheden en leerdoelen;",
    "co.erase.goes.texts": "de teksten bij de toestemming en de notities bij de matches;",
    "co.erase.goes.traces": "het nummer van de werkzoekende in de inhoud van meldingen, de details in het auditlog en bewaarde API-antwoorden over de werkzoekende.",
    "co.erase.stays": "Wat blijft (anoniem, voor de statistiek)",
    "co.erase.stays.matches": "de matches: stand, data, scores, redenen en toelichting, zodat de cijfers blijven kloppen;",
    "co.erase.stays.consents": "de geschiedenis van de toestemming: doel, gegeven of ingetrokken, en wanneer;",
    "co.erase.stays.audit": "de regels in het auditlog (wie wat deed en wanneer), zonder details;",
    "co.erase.stays.area": "het postcodegebied (4 cijfers).",
    "co.erase.after": "Lopende matches worden eerst geannuleerd, zoals bij het intrekken van toestemming: werkgever en partnerportaal krijgen een melding, zonder persoonsgegevens. De werkzoekende krijgt de status ‘vertrokken’ en verdwijnt meteen uit elke ranglijst.",
    "co.erase.open": "Deze werkzoekende heeft nu {n} lopende match: die wordt geannuleerd.|Deze werkzoekende heeft nu {n} lopende matches: die worden geannuleerd.",
    "co.erase.confirm": "Bevestigen",
    "co.erase.confirm.label": "Typ de naam van de werkzoekende: {name}",
    "co.erase.confirm.hint": "Zo weet je zeker dat je de goede werkzoekende wist. De knop hieronder werkt pas als de naam klopt (hoofdletters maken niet uit).",
    "co.erase.confirm.ok": "De naam klopt. Je kunt de gegevens nu wissen.",
    "co.erase.confirm.check": "Ik begrijp dat de gegevens van werkzoekende {id} voorgoed worden gewist.",
    "co.erase.submit": "Gegevens van {name} definitief wissen",
    "co.erase.submit.unnamed": "Gegevens van werkzoekende {id} definitief wissen",
    "co.erase.cancel": "Niet wissen, terug",
    "co.erase.done": "De gegevens van werkzoekende {id} zijn gewist op {when}.",
    "co.erase.already": "De gegevens van werkzoekende {id} waren al gewist op {when}. Er is nu niets meer gewist.",
    "co.erase.summary": "Wat er is gewist",
    "co.erase.sum.when": "Gewist op",
    "co.erase.sum.fields": "Gewiste gegevens",
    "co.erase.sum.matches": "Matches bewaard als anonieme statistiek",
    "co.erase.sum.notes": "Notities bij matches verwijderd",
    "co.erase.sum.notifications": "Meldingen opgeschoond",
    "co.erase.sum.audit": "Details in het auditlog gewist",
    "co.erase.sum.idempotency": "Bewaarde API-antwoorden verwijderd",
    "co.erase.field.name": "naam",
    "co.erase.field.email": "e-mailadres",
    "co.erase.field.phone": "telefoonnummer",
    "co.erase.field.external_ref": "kenmerk bij het partnerportaal",
    "co.erase.field.postcode": "postcode (alleen het gebied blijft)",
    "co.erase.field.location": "precieze locatie (alleen het midden van het postcodegebied blijft)",
    "co.erase.field.certificates": "certificaten",
    "co.erase.field.skills": "vaardigheden",
    "co.erase.field.learning_goals": "leerdoelen",
    "co.erase.field.consent_purpose": "tekst van de toestemming (doel)",
    "co.erase.field.consent_text_version": "tekst van de toestemming (versie)",
    "co.erase.field.consent_text": "tekst van de toestemming",
    "co.erase.field.consent": "tekst van de toestemming",
    "co.erase.field.status": "status (nu ‘vertrokken’)",
    "co.erase.field.availability": "beschikbaarheid",
    "co.erase.already_title": "Al gewist",
    "co.erased.banner": "De gegevens van deze werkzoekende zijn gewist op {when}. Wat overblijft is anoniem: de matches als statistiek en de geschiedenis van de toestemming.",
    "co.erased.name": "(gewist)",
    "co.erased.tag": "gewist",
  },
  en: {
    "co.consent.title": "Consent",
    "co.consent.intro": "Per purpose: has the job seeker given consent, and for which version of the text? Usually the partner portal records this; a change the job seeker tells you about, you record below.",
    "co.consent.purpose.matching": "Matching with placements",
    "co.consent.purpose.matching.hint": "May be in the rankings and be proposed.",
    "co.consent.purpose.share_contact": "Sharing contact details",
    "co.consent.purpose.share_contact.hint": "The employer sees name and contact details once the job seeker confirms a match.",
    "co.consent.purpose.email_updates": "Updates by e-mail",
    "co.consent.purpose.email_updates.hint": "The partner portal may send updates on progress.",
    "co.consent.current.caption": "Consent per purpose",
    "co.consent.col.purpose": "Purpose",
    "co.consent.col.state": "Consent",
    "co.consent.version_since": "Version {version}, recorded on {when}",
    "co.consent.version": "Text version: {version}",
    "co.consent.portal_then": "Partner portal: {portal}",
    "co.consent.given": "given",
    "co.consent.withdrawn": "withdrawn",
    "co.consent.none": "not given",
    "co.consent.none.hint": "Never recorded.",
    "co.consent.history": "Consent history",
    "co.consent.history.caption": "Consent history, newest first",
    "co.consent.history.none": "Nothing has been recorded yet.",
    "co.consent.col.when": "When",
    "co.consent.col.what": "What",
    "co.consent.col.by": "Recorded by",
    "co.consent.by.portal": "the partner portal",
    "co.consent.by.coordinator": "coordinator {id}",
    "co.consent.by.system": "the system (when consent per purpose was introduced)",
    "co.consent.by.you": "You",
    "co.consent.record": "Record a change",
    "co.consent.record.intro": "Note: if you withdraw the consent for matching, every open match of this job seeker is cancelled at once.",
    "co.consent.form.purpose": "Purpose",
    "co.consent.form.what": "What did the job seeker say?",
    "co.consent.form.give": "Gives consent",
    "co.consent.form.withdraw": "Withdraws consent",
    "co.consent.form.version": "Text version",
    "co.consent.form.version.hint": "The version of the consent text the job seeker read, as the partner portal names it. At most 50 characters.",
    "co.consent.form.hint.purpose": "Choose a purpose.",
    "co.consent.form.hint.given": "Choose whether the job seeker gives or withdraws consent.",
    "co.consent.form.hint.version": "Fill in the text version (1 to 50 characters).",
    "co.consent.warn.matching": "Withdrawing cancels every open match of this job seeker at once: {n} right now. The employer and the partner portal are notified, without personal data. The job seeker leaves every ranking and can only be matched again once consent is given again.",
    "co.consent.warn.matching.none": "Withdrawing takes the job seeker out of every ranking at once. There are no open matches to cancel right now. Matching is only possible again once consent is given again.",
    "co.consent.warn.share_contact": "Withdrawing: from now on, employers no longer see the name and contact details on this job seeker's matches.",
    "co.consent.warn.email_updates": "Withdrawing: the partner portal no longer sends the job seeker updates by e-mail.",
    "co.consent.submit.give": "Record consent",
    "co.consent.submit.withdraw": "Withdraw consent",
    "co.consent.submit.withdraw_matches": "Withdraw and cancel {n} open match|Withdraw and cancel {n} open matches",
    "co.consent.done.give": "Recorded: consent for {purpose} has been given (version {version}).",
    "co.consent.done.withdraw": "Recorded: consent for {purpose} has been withdrawn (version {version}).",
    "co.consent.done.cancelled": "The open matches have been cancelled.",
    "co.consent.erased": "This job seeker's data has been erased: there is nothing left to record.",
    "co.consent.erased.none": "Since the erasure no consent holds any more: the job seeker is used for nothing. Below is what had been recorded before the erasure.",

    "co.export.title": "Download the data",
    "co.export.intro": "Everything the service holds about this job seeker, in one file (JSON): the profile, the consent with its history, the matches with their history and explanation, which notifications about those matches were sent (without their content) and who viewed the data when.",
    "co.export.why": "For a request for access or to take the data elsewhere (GDPR articles 15 and 20). The download goes into the audit trail. Pass the file on safely and keep it no longer than needed.",
    "co.export.button": "Download the data (JSON)",
    "co.export.busy": "Making the file…",
    "co.export.done": "The file {name} has been downloaded.",

    "co.erase.section": "Erase the data",
    "co.erase.section.intro": "Erases all personal data of this job seeker, for good. You first see what goes and what stays.",
    "co.erase.section.go": "Erase the data…",
    "co.erase.section.done": "This job seeker's data has already been erased.",
    "co.erase.doc_title": "Erase data: job seeker {id}",
    "co.erase.title": "Erase the data of {name}",
    "co.erase.title.unnamed": "Erase the data of job seeker {id}",
    "co.erase.title.done": "Data erased",
    "co.erase.back": "Back to the job seeker",
    "co.erase.list": "To the job seekers",
    "co.erase.irreversible": "Erasing cannot be undone. Not even the academy can get the data back afterwards.",
    "co.erase.goes": "What goes",
    "co.erase.goes.name": "name, e-mail address, phone number and the reference at the partner portal;",
    "co.erase.goes.place": "the full postcode and the exact location (only the 4-digit postcode area stays);",
    "co.erase.goes.profile": "certificates, skills and learning goals;",
    "co.erase.goes.texts": "the texts of the consent and the notes on the matches;",
    "co.erase.goes.traces": "the job seeker's number in the content of notifications, the details in the audit trail and stored API answers about the job seeker.",
    "co.erase.stays": "What stays (anonymous, for statistics)",
    "co.erase.stays.matches": "the matches: state, dates, scores, reasons and explanation, so that the figures stay true;",
    "co.erase.stays.consents": "the consent history: purpose, given or withdrawn, and when;",
    "co.erase.stays.audit": "the lines of the audit trail (who did what and when), without details;",
    "co.erase.stays.area": "the postcode area (4 digits).",
    "co.erase.after": "Open matches are cancelled first, as when consent is withdrawn: the employer and the partner portal are notified, without personal data. The job seeker gets the status ‘left’ and leaves every ranking at once.",
    "co.erase.open": "This job seeker has {n} open match right now: it will be cancelled.|This job seeker has {n} open matches right now: they will be cancelled.",
    "co.erase.confirm": "Confirm",
    "co.erase.confirm.label": "Type the job seeker's name: {name}",
    "co.erase.confirm.hint": "So that you are sure to erase the right job seeker. The button below works only once the name matches (capitals do not matter).",
    "co.erase.confirm.ok": "The name matches. You can erase the data now.",
    "co.erase.confirm.check": "I understand that the data of job seeker {id} is erased for good.",
    "co.erase.submit": "Erase the data of {name} for good",
    "co.erase.submit.unnamed": "Erase the data of job seeker {id} for good",
    "co.erase.cancel": "Do not erase, go back",
    "co.erase.done": "The data of job seeker {id} was erased on {when}.",
    "co.erase.already": "The data of job seeker {id} had already been erased on {when}. Nothing more has been erased now.",
    "co.erase.summary": "What was erased",
    "co.erase.sum.when": "Erased on",
    "co.erase.sum.fields": "Erased data",
    "co.erase.sum.matches": "Matches kept as anonymous statistics",
    "co.erase.sum.notes": "Notes on matches removed",
    "co.erase.sum.notifications": "Notifications cleaned",
    "co.erase.sum.audit": "Details in the audit trail erased",
    "co.erase.sum.idempotency": "Stored API answers removed",
    "co.erase.field.name": "name",
    "co.erase.field.email": "e-mail address",
    "co.erase.field.phone": "phone number",
    "co.erase.field.external_ref": "reference at the partner portal",
    "co.erase.field.postcode": "postcode (only the area stays)",
    "co.erase.field.location": "exact location (only the centre of the postcode area stays)",
    "co.erase.field.certificates": "certificates",
    "co.erase.field.skills": "skills",
    "co.erase.field.learning_goals": "learning goals",
    "co.erase.field.consent_purpose": "consent text (purpose)",
    "co.erase.field.consent_text_version": "consent text (version)",
    "co.erase.field.consent_text": "consent text",
    "co.erase.field.consent": "consent text",
    "co.erase.field.status": "status (now ‘left’)",
    "co.erase.field.availability": "availability",
    "co.erase.already_title": "Already erased",
    "co.erased.banner": "This job seeker's data was erased on {when}. What remains is anonymous: the matches as statistics and the consent history.",
    "co.erased.name": "(erased)",
    "co.erased.tag": "erased",
  },
});

export const PURPOSES = ["matching", "share_contact", "email_updates"];
export const purposeLabel = (p) => known(`co.consent.purpose.${p}`, p);
const purposeHint = (p) => known(`co.consent.purpose.${p}.hint`, "");

export const isErased = (seeker) => Boolean(seeker?.erased_at);
// The seeker's name as the console shows it (an erased seeker's is gone).
export const seekerName = (seeker) => (isErased(seeker) ? t("co.erased.name") : seeker?.name ?? "");
export const erasedTag = () => tag(t("co.erased.tag"), "cancelled");

// Whether the seeker has consent for matching now (unknown: as before, yes).
export function mayBeMatched(seeker, consents) {
  const current = (consents instanceof Error ? null : consents?.current) ?? seeker.consents;
  if (!current) return true;
  return Boolean(current.matching?.given);
}

// A text version as shown: an erased seeker's read "erased".
const versionText = (seeker, version) =>
  isErased(seeker) && version === "erased" ? t("co.erased.name") : version ?? "–";

const givenTag = (given) => tag(t(given ? "co.consent.given" : "co.consent.withdrawn"), given ? "approved" : "cancelled");

// Names of who recorded a consent: partner portals and coordinators, one
// list each (a failure leaves numbers).
async function recorderNames() {
  const [portals, accounts] = await Promise.all([
    getAll("/v1/portals").catch(() => []),
    getAll("/v1/accounts?role=coordinator").catch(() => []),
  ]);
  return {
    portals: new Map(portals.map((p) => [Number(p.id), p.name])),
    accounts: new Map(accounts.map((a) => [Number(a.id), a.name || a.email])),
  };
}

const portalName = (names, id) => (id == null ? "–" : names.portals.get(Number(id)) ?? t("co.portal.n", { id }));

function recorderLabel(by, names, me) {
  const role = by?.role;
  if (role === "portal") return by.id != null ? portalName(names, by.id) : t("co.consent.by.portal");
  if (role === "coordinator") {
    if (me?.account_id != null && Number(by.id) === Number(me.account_id)) return t("co.consent.by.you");
    return names.accounts.get(Number(by.id)) ?? t("co.consent.by.coordinator", { id: by.id ?? "?" });
  }
  if (role === "system") return t("co.consent.by.system");
  return known(`co.actor.${role}`, String(role ?? "?"), { id: by?.id ?? "?" });
}

// --- consents ---

// The consent section of the seeker's page. `consents`: GET
// /v1/seekers/{id}/consents (or an ApiError); `matches`: the seeker's
// matches; `onRecorded(message)`: after a change, the page redraws.
export function consentSection(seeker, consents, matches, { me, onRecorded }) {
  const section = h("section", { class: "seeker__consent", "aria-labelledby": "consent-title" });
  const title = heading(2, t("co.consent.title"));
  title.id = "consent-title";
  section.append(title);
  if (!isErased(seeker)) section.append(paragraph(t("co.consent.intro")));
  if (consents instanceof Error) {
    section.append(failure(consents));
    return section;
  }
  const current = consents.current ?? seeker.consents ?? {};
  const history = [...(consents.history ?? [])].sort((a, b) =>
    Date.parse(b.recorded_at) - Date.parse(a.recorded_at) || Number(b.id) - Number(a.id));

  // now, per purpose
  const now = tableShell([t("co.consent.col.purpose"), t("co.consent.col.state")], { caption: t("co.consent.current.caption") });
  for (const p of PURPOSES) {
    const c = current[p];
    now.tbody.append(row(
      rowHeader(h("span", { class: "consent__purpose" }, purposeLabel(p)), h("span", { class: "consent__hint" }, purposeHint(p))),
      cell(c ? givenTag(c.given) : tag(t("co.consent.none")),
        h("span", { class: "consent__hint" }, c
          ? t("co.consent.version_since", { version: versionText(seeker, c.text_version), when: formatDateTime(c.recorded_at) })
          : t("co.consent.none.hint")))));
  }
  now.table.classList.add("consent-table");
  // erased: no consent holds any more (the history stays, without texts)
  if (isErased(seeker)) section.append(alert("info", paragraph(t("co.consent.erased.none"))));
  else section.append(scrollable(now.table, t("co.consent.current.caption")));

  // the history, filled once the names are known
  const historyBox = h("div", { class: "consent__history" }, loading());
  section.append(heading(3, t("co.consent.history")), historyBox);
  recorderNames().then((names) => {
    if (!history.length) return historyBox.replaceChildren(paragraph(t("co.consent.history.none")));
    const past = tableShell([t("co.consent.col.when"), t("co.consent.col.what"), t("co.consent.col.by")],
      { caption: t("co.consent.history.caption") });
    past.table.classList.add("consent-table");
    for (const r of history) {
      // the seeker's portal at the time, when someone else recorded it
      const viaPortal = !(r.recorded_by?.role === "portal" && Number(r.recorded_by.id) === Number(r.portal_id)) && r.portal_id != null;
      past.tbody.append(row(
        cell(formatDateTime(r.recorded_at)),
        cell(h("span", { class: "consent__purpose" }, purposeLabel(r.purpose)), " ", givenTag(r.given),
          h("span", { class: "consent__hint" }, t("co.consent.version", { version: versionText(seeker, r.text_version) }))),
        cell(recorderLabel(r.recorded_by, names, me),
          viaPortal ? h("span", { class: "consent__hint" }, t("co.consent.portal_then", { portal: portalName(names, r.portal_id) })) : null)));
    }
    historyBox.replaceChildren(scrollable(past.table, t("co.consent.history.caption")));
  });

  // a change
  section.append(heading(3, t("co.consent.record")));
  if (isErased(seeker)) section.append(paragraph(t("co.consent.erased")));
  else section.append(paragraph(t("co.consent.record.intro")), consentForm(seeker, current, matches, onRecorded));
  return section;
}

function consentForm(seeker, current, matches, onRecorded) {
  const openMatches = matches.filter((m) => OPEN_STATES.includes(m.state)).length;
  const summary = h("div", { class: "form-summary-holder" });
  const warning = h("div", { class: "consent__warning" });
  const submit = button(t("co.consent.submit.give"), undefined, { kind: "primary", type: "submit" });
  const version = input({ name: "text_version", maxlength: "50", autocomplete: "off", spellcheck: "false", required: true });
  version.id = newId("consent-version");
  let versionTouched = false;
  version.addEventListener("input", () => (versionTouched = true));

  const update = () => {
    const p = purpose.value();
    const withdraw = what.value() === "withdraw";
    if (p && !versionTouched) version.value = current[p]?.text_version ?? "";
    submit.textContent = !withdraw ? t("co.consent.submit.give")
      : p === "matching" && openMatches ? t("co.consent.submit.withdraw_matches", { n: openMatches })
      : t("co.consent.submit.withdraw");
    submit.classList.toggle("utrecht-button--danger", withdraw && p === "matching" && openMatches > 0);
    if (withdraw && p) {
      const text = p === "matching"
        ? t(openMatches ? "co.consent.warn.matching" : "co.consent.warn.matching.none", { n: formatNumber(openMatches) })
        : t(`co.consent.warn.${p}`);
      const box = alert("warning", paragraph(text));
      box.removeAttribute("role"); // read through the form's description, not announced twice
      warning.replaceChildren(box);
    } else warning.replaceChildren();
  };
  const purpose = radioGroup(t("co.consent.form.purpose"),
    PURPOSES.map((p) => [p, purposeLabel(p)]), { name: newId("consent-purpose"), onchange: update });
  const what = radioGroup(t("co.consent.form.what"),
    [["give", t("co.consent.form.give")], ["withdraw", t("co.consent.form.withdraw")]], { name: newId("consent-what"), onchange: update });
  purpose.element.id = newId("consent-purpose-set");
  what.element.id = newId("consent-what-set");
  warning.id = newId("consent-warning");
  submit.setAttribute("aria-describedby", warning.id);
  const fields = {
    purpose: { id: purpose.inputs[0].id, label: t("co.consent.form.purpose"), hint: t("co.consent.form.hint.purpose") },
    given: { id: what.inputs[0].id, label: t("co.consent.form.what"), hint: t("co.consent.form.hint.given") },
    text_version: { id: version.id, label: t("co.consent.form.version"), hint: t("co.consent.form.hint.version") },
  };
  let idempotency = randomKey();
  const form = h("form", { class: "login-form consent-form", novalidate: true },
    summary,
    purpose.element,
    what.element,
    field(t("co.consent.form.version"), version, { description: t("co.consent.form.version.hint") }),
    warning,
    h("div", { class: "form-actions" }, submit));
  form.addEventListener("change", () => (idempotency = randomKey()));
  form.addEventListener("input", () => (idempotency = randomKey()));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { purpose: purpose.value(), given: what.value() === "give", text_version: version.value.trim() };
    const local = [];
    if (!body.purpose) local.push({ field: "purpose", problem: "missing" });
    if (!what.value()) local.push({ field: "given", problem: "missing" });
    if (!body.text_version || body.text_version.length > 50) local.push({ field: "text_version", problem: "invalid" });
    if (local.length) return showErrors(summary, local, fields);
    clearErrors(summary, fields);
    submit.disabled = true;
    try {
      const { body: recorded } = await send("POST", `/v1/seekers/${encodeURIComponent(seeker.id)}/consents`, body,
        { headers: { "Idempotency-Key": idempotency } });
      const given = recorded?.given ?? body.given;
      let message = t(given ? "co.consent.done.give" : "co.consent.done.withdraw",
        { purpose: purposeLabel(body.purpose).toLocaleLowerCase(), version: recorded?.text_version ?? body.text_version });
      if (!given && body.purpose === "matching" && openMatches) message += ` ${t("co.consent.done.cancelled")}`;
      onRecorded(message);
    } catch (error) {
      submit.disabled = false;
      idempotency = randomKey();
      if (error instanceof ApiError && error.status === 422 && error.details.length) showErrors(summary, error.details, fields);
      else showErrors(summary, [], fields, { message: refusal(error) });
    }
  });
  update();
  return form;
}

// --- export ---

// Hands a Blob to the browser as a download through a temporary link.
function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, class: "visually-hidden", tabindex: "-1" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function exportSection(seeker) {
  const said = h("div", { class: "status-holder" });
  const go = button(t("co.export.button"), async () => {
    go.disabled = true;
    said.replaceChildren(h("p", { class: "utrecht-paragraph loading", role: "status" }, t("co.export.busy")));
    try {
      const file = await download(`/v1/seekers/${encodeURIComponent(seeker.id)}/export`);
      const name = file.name ?? `seeker-${seeker.id}-export.json`;
      saveFile(file.blob, name);
      said.replaceChildren(alert("ok", paragraph(t("co.export.done", { name }))));
    } catch (error) {
      said.replaceChildren(failure({ message: refusal(error) }));
    } finally {
      go.disabled = false;
    }
  });
  return h("section", { class: "seeker__export", "aria-labelledby": "export-title" },
    Object.assign(heading(2, t("co.export.title")), { id: "export-title" }),
    paragraph(t("co.export.intro")),
    paragraph(t("co.export.why")),
    h("div", { class: "button-row" }, go),
    said);
}

// --- erasure ---

const buttonLink = (href, text) =>
  h("a", { class: "utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action", href }, text);

export function eraseSection(seeker) {
  const section = h("section", { class: "seeker__erase", "aria-labelledby": "erase-title" },
    Object.assign(heading(2, t("co.erase.section")), { id: "erase-title" }));
  if (isErased(seeker)) section.append(paragraph(t("co.erase.section.done")));
  else section.append(paragraph(t("co.erase.section.intro")),
    h("div", { class: "button-row" }, buttonLink(`#/seekers/${encodeURIComponent(seeker.id)}/erase`, t("co.erase.section.go"))));
  return section;
}

// The erased seeker's banner, at the top of the seeker's page.
export const erasedBanner = (seeker) =>
  alert("info", paragraph(t("co.erased.banner", { when: formatDateTime(seeker.erased_at) })));

const comparable = (text) => String(text ?? "").normalize("NFC").replace(/\s+/g, " ").trim().toLocaleLowerCase();
const fieldLabel = (name) => known(`co.erase.field.${name}`, name);

function erasedSummary(result, id) {
  // latitude and longitude are one location; every label once
  const list = [...new Set((result.fields ?? []).map((f) => fieldLabel(f === "lat" || f === "lon" ? "location" : f)))];
  return [
    alert("ok", paragraph(t(result.already_erased ? "co.erase.already" : "co.erase.done",
      { id, when: formatDateTime(result.erased_at) }))),
    heading(2, t("co.erase.summary")),
    facts([
      [t("co.erase.sum.when"), formatDateTime(result.erased_at)],
      [t("co.erase.sum.fields"), list.length
        ? h("ul", { class: "utrecht-unordered-list" }, list.map((f) => h("li", { class: "utrecht-unordered-list__item" }, f)))
        : t("co.none")],
      [t("co.erase.sum.matches"), formatNumber(result.matches_kept_anonymous ?? 0)],
      [t("co.erase.sum.notes"), formatNumber(result.history_notes_removed ?? 0)],
      [t("co.erase.sum.notifications"), formatNumber(result.notifications_scrubbed ?? 0)],
      [t("co.erase.sum.audit"), formatNumber(result.audit_details_scrubbed ?? 0)],
      [t("co.erase.sum.idempotency"), formatNumber(result.idempotency_answers_removed ?? 0)],
    ]),
  ];
}

const bullets = (keys) =>
  h("ul", { class: "utrecht-unordered-list" }, keys.map((k) => h("li", { class: "utrecht-unordered-list__item" }, t(k))));

async function erasePage(main, id) {
  const enc = encodeURIComponent(id);
  const docTitle = t("co.erase.doc_title", { id });
  const back = paragraph(link(`#/seekers/${enc}`, t("co.erase.back")));
  let seeker;
  let open = 0;
  try {
    const [s, matches] = await Promise.all([
      get(`/v1/seekers/${enc}`),
      getAll(`/v1/matches?seeker_id=${enc}`).catch(() => []),
    ]);
    seeker = s;
    open = matches.filter((m) => OPEN_STATES.includes(m.state)).length;
  } catch (error) {
    return page(main, docTitle, back, failure(error));
  }
  // the name on the page, not in the window's title or the history
  const setTitle = (text) => {
    const h1 = main.querySelector("h1");
    if (h1) h1.textContent = text;
  };
  const name = String(seeker.name ?? "").trim();
  const body = h("div", { class: "erase" });
  page(main, docTitle, back, body);
  if (isErased(seeker)) {
    setTitle(t("co.erase.already_title"));
    body.append(alert("info", paragraph(t("co.erase.already", { id, when: formatDateTime(seeker.erased_at) }))),
      paragraph(link("#/seekers", t("co.erase.list"))));
    return;
  }
  setTitle(name ? t("co.erase.title", { name }) : t("co.erase.title.unnamed", { id }));

  const problem = h("div", { class: "status-holder" });
  const submit = button(name ? t("co.erase.submit", { name }) : t("co.erase.submit.unnamed", { id }), undefined,
    { kind: "primary", type: "submit", disabled: true });
  submit.classList.add("utrecht-button--danger");
  const said = h("p", { class: "utrecht-paragraph erase__said", id: newId("erase-said") });
  submit.setAttribute("aria-describedby", said.id);
  let confirmation;
  let confirmed;
  if (name) {
    confirmation = input({ name: "confirm_name", autocomplete: "off", spellcheck: "false", autocapitalize: "off" });
    confirmed = () => comparable(confirmation.value) === comparable(name);
    confirmation.addEventListener("input", () => {
      const ok = confirmed();
      if (ok !== !submit.disabled) {
        submit.disabled = !ok;
        said.textContent = ok ? t("co.erase.confirm.ok") : "";
        if (ok) announce(t("co.erase.confirm.ok"));
      }
    });
  } else {
    const boxId = newId("erase-check");
    confirmation = h("input", { type: "checkbox", id: boxId, class: "utrecht-checkbox utrecht-checkbox--html-input", name: "confirm" });
    confirmed = () => confirmation.checked;
    confirmation.addEventListener("change", () => {
      submit.disabled = !confirmed();
      said.textContent = confirmed() ? t("co.erase.confirm.ok") : "";
    });
  }
  const confirmField = name
    ? field(t("co.erase.confirm.label", { name }), confirmation, { description: t("co.erase.confirm.hint") })
    : h("div", { class: "utrecht-form-field utrecht-form-field--checkbox" }, confirmation,
        h("label", { class: "utrecht-form-label utrecht-form-label--checkbox", for: confirmation.id }, t("co.erase.confirm.check", { id })));
  const cancel = link(`#/seekers/${enc}`, t("co.erase.cancel"));
  const form = h("form", { class: "login-form erase__form", novalidate: true, "aria-labelledby": "erase-confirm-title" },
    Object.assign(heading(2, t("co.erase.confirm")), { id: "erase-confirm-title" }),
    confirmField,
    said,
    problem,
    h("div", { class: "form-actions" }, submit, cancel));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!confirmed()) return confirmation.focus();
    submit.disabled = true;
    problem.replaceChildren();
    try {
      const result = await post(`/v1/seekers/${enc}/erase`);
      setTitle(t("co.erase.title.done"));
      const done = erasedSummary(result, id);
      body.replaceChildren(...done,
        h("div", { class: "button-row" }, link(`#/seekers/${enc}`, t("co.erase.back")), link("#/seekers", t("co.erase.list"))));
      done[0].tabIndex = -1;
      done[0].focus();
      announce(done[0].textContent);
    } catch (error) {
      submit.disabled = !confirmed();
      const box = statusMessage("error", paragraph(refusal(error)));
      problem.replaceChildren(box);
      box.focus();
    }
  });

  replace(body,
    alert("warning", paragraph(h("strong", {}, t("co.erase.irreversible")))),
    h("div", { class: "erase__lists" },
      h("section", { class: "erase__goes" }, heading(2, t("co.erase.goes")),
        bullets(["co.erase.goes.name", "co.erase.goes.place", "co.erase.goes.profile", "co.erase.goes.texts", "co.erase.goes.traces"])),
      h("section", { class: "erase__stays" }, heading(2, t("co.erase.stays")),
        bullets(["co.erase.stays.matches", "co.erase.stays.consents", "co.erase.stays.audit", "co.erase.stays.area"]))),
    paragraph(t("co.erase.after")),
    open ? paragraph(h("strong", {}, t("co.erase.open", { n: formatNumber(open) }))) : null,
    form);
}

route("/seekers/:id/erase", (params, main) => erasePage(main, params.id), ROLE);
