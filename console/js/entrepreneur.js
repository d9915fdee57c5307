// The entrepreneur's screens (phone first): their organisation, their
// placements (list, new, change, details with candidates), the matches
// waiting for their answer, and their notifications. The screens live in
// entrepreneur-*.js; this module registers them, in an order where
// "/placements/new" comes before "/placements/:id".
import { h } from "./dom.js";
import { t, addMessages, formatDate, formatNumber } from "./i18n.js";
import { get, getAll } from "./api.js";
import { route, go } from "./router.js";
import { page, heading, paragraph, link, button, alert, badge, facts, fill } from "./ui.js";
import { registerForm, hasNewDraft } from "./entrepreneur-form.js";
import { registerPlacement } from "./entrepreneur-placement.js";
import { registerMatches } from "./entrepreneur-matches.js";
import { registerColleagues } from "./entrepreneur-colleagues.js";

addMessages({
  nl: {
    "nav.organisation": "Mijn bedrijf",
    "nav.placements": "Leerplekken",
    "nav.matches": "Matches",
    "nav.feed": "Meldingen",
    "org.no_employer": "Je account hoort nog niet bij een bedrijf. Neem contact op met de Binck Praktijk Academie.",
    "org.name": "Naam",
    "org.kvk": "KvK-nummer",
    "org.address": "Adres",
    "org.postcode": "Postcode",
    "org.sector": "Branche",
    "org.verified": "Geverifieerd",
    "org.verified.yes": "Ja",
    "org.verified.no": "Nog niet",
    "org.not_verified": "De academie controleert je bedrijf nog. Je kunt al leerplekken klaarzetten; openzetten kan zodra je bedrijf geverifieerd is.",
    "org.contacts": "Contactpersonen",
    "org.contacts.none": "Er staan nog geen contactpersonen bij je bedrijf.",
    "org.contact.language": "Mails in het {language}",
    "org.language.nl": "Nederlands",
    "org.language.en": "Engels",
    "org.placements": "Je leerplekken",
    "org.placements.all": "Naar al je leerplekken",
    "org.change": "Klopt er iets niet? Laat het de academie weten.",
    "placements.title": "Leerplekken",
    "placements.new": "Nieuwe leerplek",
    "placements.draft_waiting": "Je was een nieuwe leerplek aan het maken. Tik op “Nieuwe leerplek” om verder te gaan.",
    "placements.none": "Je hebt nog geen leerplekken. Maak je eerste leerplek met de knop hierboven.",
    "placements.period": "{from} – {until}",
    "placements.numbers": "{capacity} plaatsen · {hours} uur per week",
  },
  en: {
    "nav.organisation": "My company",
    "nav.placements": "Placements",
    "nav.matches": "Matches",
    "nav.feed": "Notifications",
    "org.no_employer": "Your account does not belong to a company yet. Please contact the Binck Praktijk Academie.",
    "org.name": "Name",
    "org.kvk": "KvK number",
    "org.address": "Address",
    "org.postcode": "Postcode",
    "org.sector": "Line of business",
    "org.verified": "Verified",
    "org.verified.yes": "Yes",
    "org.verified.no": "Not yet",
    "org.not_verified": "The academy is still checking your company. You can already prepare placements; you can open them once your company is verified.",
    "org.contacts": "Contact people",
    "org.contacts.none": "No contact people are listed for your company yet.",
    "org.contact.language": "E-mails in {language}",
    "org.language.nl": "Dutch",
    "org.language.en": "English",
    "org.placements": "Your placements",
    "org.placements.all": "To all your placements",
    "org.change": "Is something wrong? Let the academy know.",
    "placements.title": "Placements",
    "placements.new": "New placement",
    "placements.draft_waiting": "You were making a new placement. Tap “New placement” to continue.",
    "placements.none": "You have no placements yet. Make your first one with the button above.",
    "placements.period": "{from} – {until}",
    "placements.numbers": "{capacity} places · {hours} hours a week",
  },
});

export const navigation = () => [
  ["/organisation", t("nav.organisation")],
  ["/placements", t("nav.placements")],
  ["/matches", t("nav.matches")],
  ["/feed", t("nav.feed")],
];

const ORDER = { open: 0, draft: 1, closed: 2 };
const myPlacements = (me) =>
  getAll(`/v1/placements?employer_id=${encodeURIComponent(me.employer_id)}`).then((items) =>
    items.sort((a, b) => (ORDER[a.status] ?? 3) - (ORDER[b.status] ?? 3) || b.id - a.id));

// A placement in a list: its title (a link), state, period and numbers.
function placementCard(p, level = 2) {
  return h("li", { class: "placement-card" },
    h(`h${level}`, { class: `utrecht-heading-${level} placement-card__title` }, link(`#/placements/${p.id}`, p.title)),
    h("p", { class: "utrecht-paragraph placement-card__state" }, badge(p.status)),
    h("p", { class: "utrecht-paragraph placement-card__period" },
      t("placements.period", { from: formatDate(p.start_date), until: formatDate(p.end_date) })),
    h("p", { class: "utrecht-paragraph placement-card__numbers" },
      t("placements.numbers", {
        capacity: p.capacity,
        hours: formatNumber(p.hours_per_week, Number.isInteger(Number(p.hours_per_week)) ? 0 : 1),
      })));
}

async function organisationPage(main, me) {
  if (!me.employer_id) return page(main, t("nav.organisation"), paragraph(t("org.no_employer")));
  const body = h("div", { class: "organisation" });
  page(main, t("nav.organisation"), body);
  await fill(body, async () => {
    const [employer, placements] = await Promise.all([
      get(`/v1/employers/${encodeURIComponent(me.employer_id)}`),
      myPlacements(me),
    ]);
    const contacts = employer.contacts ?? [];
    return [
      employer.verified ? null : alert("info", paragraph(t("org.not_verified"))),
      heading(2, employer.name),
      facts([
        [t("org.kvk"), employer.kvk_number],
        [t("org.address"), employer.address],
        [t("org.postcode"), employer.postcode],
        [t("org.sector"), employer.sector],
        [t("org.verified"), t(employer.verified ? "org.verified.yes" : "org.verified.no")],
      ]),
      heading(2, t("org.contacts")),
      contacts.length
        ? h("ul", { class: "contact-list" }, contacts.map((c) =>
            h("li", { class: "contact-list__item" },
              h("p", { class: "utrecht-paragraph contact-list__name" }, h("strong", {}, c.name)),
              c.email ? h("p", { class: "utrecht-paragraph" }, h("a", { class: "utrecht-link", href: `mailto:${c.email}` }, c.email)) : null,
              c.phone ? h("p", { class: "utrecht-paragraph" }, h("a", { class: "utrecht-link", href: `tel:${c.phone.replace(/[^+0-9]/g, "")}` }, c.phone)) : null,
              h("p", { class: "utrecht-paragraph contact-list__language" },
                t("org.contact.language", { language: t(`org.language.${c.language === "en" ? "en" : "nl"}`) })))))
        : paragraph(t("org.contacts.none")),
      paragraph(t("org.change")),
      heading(2, t("org.placements")),
      placements.length
        ? h("ul", { class: "placement-list" }, placements.map((p) => placementCard(p, 3)))
        : paragraph(t("placements.none")),
      paragraph(link("#/placements", t("org.placements.all"))),
      heading(2, t("colleagues.heading")),
      paragraph(t("colleagues.text")),
      paragraph(link("#/organisation/colleagues", t("colleagues.link"))),
    ];
  });
}

async function placementsPage(main, me) {
  if (!me.employer_id) return page(main, t("placements.title"), paragraph(t("org.no_employer")));
  const body = h("div", { class: "placements" });
  const newButton = button(t("placements.new"), () => go("/placements/new"), { kind: "primary" });
  newButton.classList.add("placements__new");
  page(main, t("placements.title"),
    h("div", { class: "button-row" }, newButton),
    hasNewDraft(me) ? alert("info", paragraph(t("placements.draft_waiting"))) : null,
    body);
  await fill(body, async () => {
    const placements = await myPlacements(me);
    return placements.length
      ? h("ul", { class: "placement-list" }, placements.map((p) => placementCard(p, 2)))
      : paragraph(t("placements.none"));
  });
}

route("/organisation", (params, main, me) => organisationPage(main, me), { roles: ["employer"] });
route("/placements", (params, main, me) => placementsPage(main, me), { roles: ["employer"] });
registerForm(); // "/placements/new" and "/placements/:id/edit" first,
registerPlacement(); // then "/placements/:id"
registerMatches();
registerColleagues();
