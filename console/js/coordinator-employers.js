// "/employers" (and "/employers/unverified", the same list filtered):
// every employer with its KvK number and whether it is verified;
// "/employers/:id": one employer's details and contact people, the verify /
// unverify button (PUT /v1/employers/{id}/verified), and its placements.
// The API has no way to list an employer's user accounts, so they are not
// shown; the contact people (who get the e-mails) are.
import { h, announce } from "./dom.js";
import { t, addMessages, formatDate, formatNumber } from "./i18n.js";
import { get, put, getAll } from "./api.js";
import { route } from "./router.js";
import { page, heading, paragraph, link, button, field, input, select, table, facts, fill, alert, failure } from "./ui.js";
import { ROLE, byId, scrollable, tag } from "./coordinator-common.js";
import { placementsTable } from "./coordinator-placements.js";

addMessages({
  nl: {
    "co.employers.title": "Werkgevers",
    "co.employers.intro": "Ondernemers die werk-leerplekken aanbieden. Alleen geverifieerde werkgevers kunnen een leerplek openen.",
    "co.employers.verified": "Geverifieerd",
    "co.employers.verified.yes": "Geverifieerd",
    "co.employers.verified.no": "Nog niet geverifieerd",
    "co.employers.name": "Naam bevat",
    "co.employers.show": "Tonen",
    "co.employers.caption": "Werkgevers",
    "co.employers.shown": "{n} werkgevers",
    "co.employers.none": "Geen werkgevers gevonden.",
    "co.employers.col.name": "Naam",
    "co.employers.col.kvk": "KvK-nummer",
    "co.employers.col.postcode": "Postcode",
    "co.employers.col.verified": "Geverifieerd",
    "co.employers.col.since": "Aangemeld",
    "co.employer.details": "Gegevens",
    "co.employer.kvk": "KvK-nummer",
    "co.employer.address": "Adres",
    "co.employer.postcode": "Postcode",
    "co.employer.sector": "Branche",
    "co.employer.verified": "Geverifieerd",
    "co.employer.since": "Aangemeld op",
    "co.employer.verify": "Verifiëren",
    "co.employer.unverify": "Verificatie intrekken",
    "co.employer.verify.hint": "Controleer het KvK-nummer voordat je de werkgever verifieert. Daarna kan hij leerplekken openen.",
    "co.employer.unverify.hint": "Intrekken sluit geen leerplekken die al open zijn; nieuwe kunnen niet meer open.",
    "co.employer.verified.done": "{name} is nu geverifieerd.",
    "co.employer.unverified.done": "De verificatie van {name} is ingetrokken.",
    "co.employer.contacts": "Contactpersonen",
    "co.employer.contacts.intro": "Zij krijgen de e-mails over matches. Gebruikersaccounts van de werkgever kun je hier niet zien.",
    "co.employer.contacts.none": "Er zijn geen contactpersonen opgegeven.",
    "co.employer.contact.email": "E-mail",
    "co.employer.contact.phone": "Telefoon",
    "co.employer.contact.language": "Taal van de e-mails",
    "co.employer.contact.nl": "Nederlands",
    "co.employer.contact.en": "Engels",
    "co.employer.placements": "Leerplekken van deze werkgever",
  },
  en: {
    "co.employers.title": "Employers",
    "co.employers.intro": "Entrepreneurs who offer work-learning places. Only verified employers can open a placement.",
    "co.employers.verified": "Verified",
    "co.employers.verified.yes": "Verified",
    "co.employers.verified.no": "Not yet verified",
    "co.employers.name": "Name contains",
    "co.employers.show": "Show",
    "co.employers.caption": "Employers",
    "co.employers.shown": "{n} employers",
    "co.employers.none": "No employers found.",
    "co.employers.col.name": "Name",
    "co.employers.col.kvk": "KvK number",
    "co.employers.col.postcode": "Postcode",
    "co.employers.col.verified": "Verified",
    "co.employers.col.since": "Registered",
    "co.employer.details": "Details",
    "co.employer.kvk": "KvK number",
    "co.employer.address": "Address",
    "co.employer.postcode": "Postcode",
    "co.employer.sector": "Line of business",
    "co.employer.verified": "Verified",
    "co.employer.since": "Registered on",
    "co.employer.verify": "Verify",
    "co.employer.unverify": "Withdraw verification",
    "co.employer.verify.hint": "Check the KvK number before you verify the employer. Then they can open placements.",
    "co.employer.unverify.hint": "Withdrawing closes no placements that are open already; new ones can no longer open.",
    "co.employer.verified.done": "{name} is now verified.",
    "co.employer.unverified.done": "The verification of {name} has been withdrawn.",
    "co.employer.contacts": "Contact people",
    "co.employer.contacts.intro": "They receive the e-mails about matches. The employer's user accounts cannot be seen here.",
    "co.employer.contacts.none": "No contact people have been given.",
    "co.employer.contact.email": "E-mail",
    "co.employer.contact.phone": "Phone",
    "co.employer.contact.language": "Language of the e-mails",
    "co.employer.contact.nl": "Dutch",
    "co.employer.contact.en": "English",
    "co.employer.placements": "This employer's placements",
  },
});

const verifiedTag = (verified) =>
  tag(t(verified ? "co.employers.verified.yes" : "co.employers.verified.no"), verified ? "approved" : null);

// --- the list ---

const listChoice = { verified: "", name: "" };

async function employersPage(main, preset) {
  if (preset !== undefined) listChoice.verified = preset;
  const verified = select([
    ["", t("co.all")], ["true", t("co.employers.verified.yes")], ["false", t("co.employers.verified.no")],
  ], { name: "verified", value: listChoice.verified });
  const name = input({ name: "q", type: "search", maxlength: "100", value: listChoice.name, autocomplete: "off" });
  const results = h("div", { class: "employers__results" });
  const form = h("form", { class: "queue-filters", novalidate: true },
    field(t("co.employers.verified"), verified),
    field(t("co.employers.name"), name),
    button(t("co.employers.show"), undefined, { kind: "primary", type: "submit" }));
  page(main, t("co.employers.title"), paragraph(t("co.employers.intro")), form, results);
  const show = () => {
    Object.assign(listChoice, { verified: verified.value, name: name.value.trim() });
    const query = new URLSearchParams();
    if (listChoice.verified) query.set("verified", listChoice.verified);
    if (listChoice.name) query.set("q", listChoice.name);
    const key = query.toString();
    return fill(results, async () => {
      const items = (await getAll(`/v1/employers${key ? `?${key}` : ""}`))
        .sort((a, b) => String(a.name).localeCompare(String(b.name)) || a.id - b.id);
      return [
        h("p", { class: "utrecht-paragraph", role: "status" }, t("co.employers.shown", { n: formatNumber(items.length) })),
        scrollable(table([
          { label: t("co.employers.col.name"), cell: (e) => link(`#/employers/${e.id}`, e.name) },
          { label: t("co.employers.col.kvk"), cell: (e) => e.kvk_number },
          { label: t("co.employers.col.postcode"), cell: (e) => e.postcode ?? "" },
          { label: t("co.employers.col.verified"), cell: (e) => verifiedTag(e.verified) },
          { label: t("co.employers.col.since"), cell: (e) => formatDate(e.created_at) },
        ], items, { caption: t("co.employers.caption"), empty: t("co.employers.none") }), t("co.employers.caption")),
      ];
    });
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  await show();
}

// --- one employer ---

function contacts(list) {
  if (!list?.length) return paragraph(t("co.employer.contacts.none"));
  return h("ul", { class: "contact-list" }, list.map((c) =>
    h("li", { class: "placement-card" },
      h("h3", { class: "utrecht-heading-3" }, c.name),
      facts([
        [t("co.employer.contact.email"), c.email ? link(`mailto:${c.email}`, c.email) : null],
        [t("co.employer.contact.phone"), c.phone ? link(`tel:${c.phone.replace(/[^+0-9]/g, "")}`, c.phone) : null],
        [t("co.employer.contact.language"), t(`co.employer.contact.${c.language === "en" ? "en" : "nl"}`)],
      ]))));
}

// The details and the verify button; after a change it redraws itself,
// says what happened and puts the focus on that message.
function detailsSection(employer) {
  const section = h("section", { class: "employer__details" });
  const draw = (current, message) => {
    const problem = h("div", { role: "alert" });
    const toggle = button(t(current.verified ? "co.employer.unverify" : "co.employer.verify"), async () => {
      toggle.disabled = true;
      problem.replaceChildren();
      try {
        const updated = await put(`/v1/employers/${encodeURIComponent(current.id)}/verified`, { verified: !current.verified });
        const text = t(updated.verified ? "co.employer.verified.done" : "co.employer.unverified.done", { name: updated.name });
        draw(updated, text);
        announce(text);
      } catch (error) {
        toggle.disabled = false;
        problem.replaceChildren(failure(error));
      }
    }, { kind: current.verified ? "secondary" : "primary" });
    const note = message ? alert("ok", paragraph(message)) : null;
    if (note) note.tabIndex = -1;
    section.replaceChildren(...[
      heading(2, t("co.employer.details")),
      note,
      facts([
        [t("co.employer.kvk"), current.kvk_number],
        [t("co.employer.address"), current.address],
        [t("co.employer.postcode"), current.postcode],
        [t("co.employer.sector"), current.sector],
        [t("co.employer.verified"), verifiedTag(current.verified)],
        [t("co.employer.since"), formatDate(current.created_at)],
      ]),
      paragraph(t(current.verified ? "co.employer.unverify.hint" : "co.employer.verify.hint")),
      h("div", { class: "button-row" }, toggle),
      problem].filter(Boolean));
    if (note) note.focus();
  };
  draw(employer);
  return section;
}

async function employerPage(main, id) {
  const enc = encodeURIComponent(id);
  let employer;
  try {
    employer = await get(`/v1/employers/${enc}`);
  } catch (error) {
    return page(main, t("co.employer.n", { id }), failure(error));
  }
  const placements = h("div", { class: "employer__placements-list" });
  page(main, employer.name || t("co.employer.n", { id }),
    detailsSection(employer),
    h("section", { class: "employer__contacts" }, heading(2, t("co.employer.contacts")),
      paragraph(t("co.employer.contacts.intro")), contacts(employer.contacts)),
    h("section", { class: "employer__placements" }, heading(2, t("co.employer.placements")), placements));
  await fill(placements, async () =>
    placementsTable(await getAll(`/v1/placements?employer_id=${enc}`), byId([employer]),
      { caption: t("co.employer.placements"), withEmployer: false }));
}

route("/employers", (params, main) => employersPage(main, ""), ROLE);
route("/employers/unverified", (params, main) => employersPage(main, "false"), ROLE);
route("/employers/:id", (params, main) => employerPage(main, params.id), ROLE);
