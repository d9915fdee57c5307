// "/retention": how long the service keeps personal data, and the dry run
// of the retention job (GET /v1/retention/report): per kind of data its
// rule and how many rows the next run would remove if it ran now. The
// periods are the daemon's options, set by the operator; this screen only
// reads them.
import { h, announce } from "./dom.js";
import { t, addMessages, formatDateTime, formatNumber } from "./i18n.js";
import { get } from "./api.js";
import { route } from "./router.js";
import { page, heading, paragraph, button, fill } from "./ui.js";
import { ROLE, scrollable, tableShell, row, cell, rowHeader, known } from "./coordinator-common.js";

addMessages({
  nl: {
    "co.nav.retention": "Bewaartermijnen",
    "co.retention.title": "Bewaartermijnen",
    "co.retention.intro": "Hoe lang de dienst persoonsgegevens bewaart. Een opruimronde in de server haalt weg of maakt anoniem wat over zijn termijn is. De beheerder stelt de termijnen in; hier zie je ze en wat er weg zou gaan.",
    "co.retention.generated": "Berekend op {when}.",
    "co.retention.again": "Opnieuw berekenen",
    "co.retention.tonight": "Wat gaat er bij de volgende ronde weg?",
    "co.retention.tonight.intro": "Een proefberekening: er wordt niets weggehaald. Zo veel rijen zou de opruimronde weghalen of anoniem maken als hij nu liep.",
    "co.retention.every": "De opruimronde loopt elke {n} minuten.",
    "co.retention.every.hours": "De opruimronde loopt elk uur.|De opruimronde loopt elke {n} uur.",
    "co.retention.off": "De opruimronde staat uit: er gaat niets vanzelf weg, tot de beheerder hem aanzet.",
    "co.retention.caption": "Wat de volgende opruimronde weghaalt",
    "co.retention.col.kind": "Soort gegevens en regel",
    "co.retention.col.count": "Gaat weg",
    "co.retention.total": "Totaal",
    "co.retention.nothing": "Er gaat nu niets weg.",
    "co.retention.settings": "Termijnen",
    "co.retention.settings.intro": "Ingesteld door de beheerder, als opties van de server.",
    "co.retention.settings.caption": "Bewaartermijnen",
    "co.retention.col.setting": "Wat",
    "co.retention.col.value": "Termijn",
    "co.retention.option": "Optie van de server:",
    "co.retention.unit.months": "{n} maand|{n} maanden",
    "co.retention.unit.days": "{n} dag|{n} dagen",
    "co.retention.unit.years": "{n} jaar|{n} jaar",
    "co.retention.unit.minutes": "{n} minuut|{n} minuten",
    "co.retention.unit.off": "uit",

    "co.retention.setting.retain_inactive_seeker_months": "Werkzoekenden zonder activiteit",
    "co.retention.setting.retention_grace_days": "Wachttijd na de melding aan het partnerportaal",
    "co.retention.setting.retain_finished_match_months": "Afgelopen matches",
    "co.retention.setting.retain_session_days": "Beëindigde en verlopen sessies",
    "co.retention.setting.retain_throttle_days": "Mislukte inlogpogingen en remmen",
    "co.retention.setting.retain_idempotency_days": "Bewaarde API-antwoorden",
    "co.retention.setting.retain_link_days": "Gebruikte en verlopen links uit e-mails",
    "co.retention.setting.retain_delivered_body_days": "Inhoud van bezorgde meldingen",
    "co.retention.setting.retain_audit_years": "Auditlog",
    "co.retention.setting.retention_interval_minutes": "Tijd tussen twee opruimrondes",
    "co.retention.kind.sessions": "Sessies",
    "co.retention.kind.throttle": "Mislukte inlogpogingen en remmen",
    "co.retention.kind.idempotency": "Bewaarde API-antwoorden",
    "co.retention.kind.links": "Links uit e-mails",
    "co.retention.kind.delivered_bodies": "Inhoud van bezorgde meldingen",
    "co.retention.kind.finished_matches": "Afgelopen matches",
    "co.retention.kind.seeker_notices": "Werkzoekenden zonder activiteit: melding",
    "co.retention.kind.inactive_seekers": "Werkzoekenden zonder activiteit: wissen",
    "co.retention.kind.audit": "Auditlog",
    "co.retention.rule.sessions": "Sessies die meer dan {days} geleden zijn beëindigd of verlopen, worden verwijderd.",
    "co.retention.rule.throttle": "Mislukte inlogpogingen en de tellers die te veel aanmeldingen afremmen, ouder dan {days}, worden verwijderd.",
    "co.retention.rule.idempotency": "Bewaarde eerste antwoorden voor herhaalde API-verzoeken (Idempotency-Key), ouder dan {days}, worden verwijderd.",
    "co.retention.rule.links": "Links uit e-mails die meer dan {days} geleden zijn gebruikt of verlopen, worden verwijderd.",
    "co.retention.rule.delivered_bodies": "Meldingen die meer dan {days} geleden zijn bezorgd, houden alleen hun nummer en soort; de inhoud gaat weg.",
    "co.retention.rule.finished_matches": "Matches die meer dan {months} geleden zijn afgelopen, verliezen de notities en wie wat deed in hun geschiedenis.",
    "co.retention.rule.seeker_notices": "Werkzoekenden zonder activiteit in {months}: hun partnerportaal krijgt een melding (webhook seeker_retention_notice). {grace} later worden hun gegevens gewist.",
    "co.retention.rule.inactive_seekers": "Werkzoekenden die meer dan {grace} geleden zijn gemeld en nog steeds {months} zonder activiteit zijn, worden gewist.",
    "co.retention.rule.audit": "Regels in het auditlog ouder dan {years} worden verwijderd.",

  },
  en: {
    "co.nav.retention": "Retention",
    "co.retention.title": "Retention periods",
    "co.retention.intro": "How long the service keeps personal data. A clean-up run in the server removes or anonymises what is past its period. The operator sets the periods; here you see them and what would go.",
    "co.retention.generated": "Worked out on {when}.",
    "co.retention.again": "Work out again",
    "co.retention.tonight": "What goes in the next run?",
    "co.retention.tonight.intro": "A dry run: nothing is removed. This many rows the clean-up run would remove or anonymise if it ran now.",
    "co.retention.every": "The clean-up runs every {n} minutes.",
    "co.retention.every.hours": "The clean-up runs every hour.|The clean-up runs every {n} hours.",
    "co.retention.off": "The clean-up is switched off: nothing goes by itself until the operator switches it on.",
    "co.retention.caption": "What the next clean-up run removes",
    "co.retention.col.kind": "Kind of data and rule",
    "co.retention.col.count": "Goes",
    "co.retention.total": "Total",
    "co.retention.nothing": "Nothing goes right now.",
    "co.retention.settings": "Periods",
    "co.retention.settings.intro": "Set by the operator, as options of the server.",
    "co.retention.settings.caption": "Retention periods",
    "co.retention.col.setting": "What",
    "co.retention.col.value": "Period",
    "co.retention.option": "Server option:",
    "co.retention.unit.months": "{n} month|{n} months",
    "co.retention.unit.days": "{n} day|{n} days",
    "co.retention.unit.years": "{n} year|{n} years",
    "co.retention.unit.minutes": "{n} minute|{n} minutes",
    "co.retention.unit.off": "off",

    "co.retention.setting.retain_inactive_seeker_months": "Job seekers without activity",
    "co.retention.setting.retention_grace_days": "Waiting time after the notice to the partner portal",
    "co.retention.setting.retain_finished_match_months": "Finished matches",
    "co.retention.setting.retain_session_days": "Ended and expired sessions",
    "co.retention.setting.retain_throttle_days": "Failed logins and throttling",
    "co.retention.setting.retain_idempotency_days": "Stored API answers",
    "co.retention.setting.retain_link_days": "Used and expired links from e-mails",
    "co.retention.setting.retain_delivered_body_days": "Content of delivered notifications",
    "co.retention.setting.retain_audit_years": "Audit trail",
    "co.retention.setting.retention_interval_minutes": "Time between two clean-up runs",
    "co.retention.kind.sessions": "Sessions",
    "co.retention.kind.throttle": "Failed logins and throttling",
    "co.retention.kind.idempotency": "Stored API answers",
    "co.retention.kind.links": "Links from e-mails",
    "co.retention.kind.delivered_bodies": "Content of delivered notifications",
    "co.retention.kind.finished_matches": "Finished matches",
    "co.retention.kind.seeker_notices": "Job seekers without activity: notice",
    "co.retention.kind.inactive_seekers": "Job seekers without activity: erasure",
    "co.retention.kind.audit": "Audit trail",
    "co.retention.rule.sessions": "Sessions that ended or expired more than {days} ago are deleted.",
    "co.retention.rule.throttle": "Failed logins and the counters that slow down too many sign-ups, older than {days}, are deleted.",
    "co.retention.rule.idempotency": "Stored first answers for repeated API requests (Idempotency-Key), older than {days}, are deleted.",
    "co.retention.rule.links": "Links from e-mails used or expired more than {days} ago are deleted.",
    "co.retention.rule.delivered_bodies": "Notifications delivered more than {days} ago keep only their number and type; the content goes.",
    "co.retention.rule.finished_matches": "Matches finished more than {months} ago lose the notes and who did what in their history.",
    "co.retention.rule.seeker_notices": "Job seekers without activity for {months}: their partner portal gets a notice (webhook seeker_retention_notice). {grace} later their data is erased.",
    "co.retention.rule.inactive_seekers": "Job seekers announced more than {grace} ago and still without activity for {months} are erased.",
    "co.retention.rule.audit": "Audit trail lines older than {years} are deleted.",

  },
});

// A setting's key as the report names it ("retain_session_days", or the
// option's own spelling "--retain-session-days"), made one spelling.
const settingKey = (key) => String(key).replace(/^-+/, "").replace(/-/g, "_");
const optionName = (key) => `--${settingKey(key).replace(/_/g, "-")}`;

// A period in words, its unit from the key's last word.
function period(key, value) {
  if (typeof value !== "number") return value === null || value === undefined ? "–" : String(value);
  const unit = /_(months|days|years|minutes)$/.exec(settingKey(key))?.[1];
  if (!unit) return formatNumber(value);
  if (value === 0 && unit === "minutes") return t("co.retention.unit.off");
  return t(`co.retention.unit.${unit}`, { n: formatNumber(value) });
}

// The interval in words, or "off".
function interval(settings) {
  const minutes = settings.retention_interval_minutes;
  if (typeof minutes !== "number") return null;
  if (minutes === 0) return t("co.retention.off");
  if (minutes % 60 === 0) return t("co.retention.every.hours", { n: formatNumber(minutes / 60) });
  return t("co.retention.every", { n: formatNumber(minutes) });
}

const kindLabel = (kind) => known(`co.retention.kind.${kind}`, String(kind));

// The settings each kind's rule names (the server's sentence is English:
// in the console's language when the kind is known, the server's when not).
const RULE_PERIODS = {
  sessions: { days: "retain_session_days" },
  throttle: { days: "retain_throttle_days" },
  idempotency: { days: "retain_idempotency_days" },
  links: { days: "retain_link_days" },
  delivered_bodies: { days: "retain_delivered_body_days" },
  finished_matches: { months: "retain_finished_match_months" },
  seeker_notices: { months: "retain_inactive_seeker_months", grace: "retention_grace_days" },
  inactive_seekers: { months: "retain_inactive_seeker_months", grace: "retention_grace_days" },
  audit: { years: "retain_audit_years" },
};
function ruleText(kind, settings, fallback) {
  const needs = RULE_PERIODS[kind];
  if (!needs || Object.values(needs).some((key) => typeof settings[key] !== "number")) return fallback ?? "";
  const params = Object.fromEntries(Object.entries(needs).map(([name, key]) => [name, period(key, settings[key])]));
  return known(`co.retention.rule.${kind}`, fallback ?? "", params);
}
// How many rows a kind would touch (the spec's would_remove; the server
// names it would_affect).
const countOf = (k) => Number(k.would_remove ?? k.would_affect ?? 0) || 0;

function report(r) {
  const settings = Object.fromEntries(Object.entries(r.settings ?? {}).map(([k, v]) => [settingKey(k), v]));
  const kinds = r.kinds ?? [];
  const total = kinds.reduce((sum, k) => sum + countOf(k), 0);

  const dry = tableShell([t("co.retention.col.kind"), t("co.retention.col.count")], { caption: t("co.retention.caption") });
  dry.table.classList.add("retention-table");
  for (const k of kinds)
    dry.tbody.append(row(
      rowHeader(h("span", { class: "retention-table__kind" }, kindLabel(k.kind)),
        h("span", { class: "retention-table__rule" }, ruleText(k.kind, settings, k.rule))),
      cell(h("span", { class: "retention-table__count" }, formatNumber(countOf(k))))));
  dry.table.append(h("tfoot", { class: "utrecht-table__footer" },
    row(rowHeader(t("co.retention.total")), cell(h("span", { class: "retention-table__count" }, formatNumber(total))))));

  const set = tableShell([t("co.retention.col.setting"), t("co.retention.col.value")], { caption: t("co.retention.settings.caption") });
  set.table.classList.add("retention-table");
  for (const [key, value] of Object.entries(settings))
    set.tbody.append(row(
      rowHeader(h("span", { class: "retention-table__kind" }, known(`co.retention.setting.${key}`, key)),
        h("span", { class: "retention-table__rule" }, t("co.retention.option"), " ", h("code", {}, optionName(key)))),
      cell(h("span", { class: "retention-table__count" }, period(key, value)))));

  const every = interval(settings);
  return [
    h("p", { class: "utrecht-paragraph muted retention__when" }, t("co.retention.generated", { when: formatDateTime(r.generated_at) })),
    h("section", { class: "retention__dry-run", "aria-labelledby": "retention-dry" },
      Object.assign(heading(2, t("co.retention.tonight")), { id: "retention-dry" }),
      paragraph(t("co.retention.tonight.intro")),
      every ? paragraph(every) : null,
      kinds.length ? scrollable(dry.table, t("co.retention.caption")) : null,
      total ? null : paragraph(h("strong", {}, t("co.retention.nothing")))),
    h("section", { class: "retention__settings", "aria-labelledby": "retention-settings" },
      Object.assign(heading(2, t("co.retention.settings")), { id: "retention-settings" }),
      paragraph(t("co.retention.settings.intro")),
      scrollable(set.table, t("co.retention.settings.caption"))),
  ];
}

async function retentionPage(main) {
  const results = h("div", { class: "retention" });
  const again = button(t("co.retention.again"), async () => {
    again.disabled = true;
    await show();
    again.disabled = false;
    announce(results.querySelector(".retention__when")?.textContent ?? "");
  });
  const show = () => fill(results, async () => report(await get("/v1/retention/report")));
  page(main, t("co.retention.title"), paragraph(t("co.retention.intro")), h("div", { class: "button-row" }, again), results);
  await show();
}

route("/retention", (params, main) => retentionPage(main), ROLE);
