// "/deliveries": webhook and e-mail deliveries of notifications, by default
// those that failed (and will be retried) or are dead (gave up), with their
// last error and a button to try again now (POST /v1/notifications/{id}/retry).
import { h, newId, announce } from "./dom.js";
import { t, addMessages, formatDateTime, formatNumber } from "./i18n.js";
import { get, post } from "./api.js";
import { route } from "./router.js";
import { page, paragraph, button, field, select, fill, alert } from "./ui.js";
import { ROLE, tableShell, row, cell, rowHeader, scrollable, matchLink, tag, known } from "./coordinator-common.js";

addMessages({
  nl: {
    "co.deliveries.title": "Meldingen",
    "co.deliveries.intro": "Meldingen aan partnerportalen (webhook), werkgevers en nieuwe gebruikers (e-mail). Een mislukte melding wordt vanzelf opnieuw geprobeerd; na het laatste aantal pogingen is hij definitief mislukt.",
    "co.deliveries.status": "Welke",
    "co.deliveries.status.problems": "Mislukt en definitief mislukt",
    "co.deliveries.status.failed": "Mislukt (wordt opnieuw geprobeerd)",
    "co.deliveries.status.dead": "Definitief mislukt",
    "co.deliveries.status.pending": "Nog te versturen",
    "co.deliveries.status.delivered": "Afgeleverd",
    "co.deliveries.show": "Tonen",
    "co.deliveries.caption": "Meldingen",
    "co.deliveries.shown": "{n} melding|{n} meldingen",
    "co.deliveries.none": "Er zijn geen meldingen die hieraan voldoen.",
    "co.deliveries.col.id": "Melding",
    "co.deliveries.col.event": "Over",
    "co.deliveries.col.channel": "Via",
    "co.deliveries.col.recipient": "Aan",
    "co.deliveries.col.status": "Status",
    "co.deliveries.col.attempts": "Pogingen",
    "co.deliveries.col.error": "Laatste fout",
    "co.deliveries.col.when": "Gemaakt / volgende poging",
    "co.deliveries.col.match": "Match",
    "co.deliveries.col.action": "Actie",
    "co.deliveries.n": "Melding {id}",
    "co.deliveries.next": "volgende poging {when}",
    "co.deliveries.delivered": "afgeleverd {when}",
    "co.deliveries.retry": "Opnieuw versturen",
    "co.deliveries.retried": "Staat weer klaar om te versturen",
    "co.deliveries.retried.announce": "Melding {id} wordt opnieuw verstuurd.",
    "co.deliveries.state.pending": "nog te versturen",
    "co.deliveries.state.delivered": "afgeleverd",
    "co.deliveries.state.failed": "mislukt",
    "co.deliveries.state.dead": "definitief mislukt",
    "co.deliveries.channel.webhook": "webhook",
    "co.deliveries.channel.email": "e-mail",
    "co.deliveries.recipient.portal": "partnerportaal {id}",
    "co.deliveries.recipient.employer": "werkgever {id}",
    "co.deliveries.recipient.coordinator": "coördinatoren",
    "co.deliveries.recipient.account": "een persoon, per e-mail",
    "co.event.application_received": "nieuwe aanmelding",
    "co.event.match_approved": "match goedgekeurd",
    "co.event.employer_answered": "antwoord van de werkgever",
    "co.event.seeker_answered": "antwoord van de werkzoekende",
    "co.event.match_cancelled": "match afgewezen of geannuleerd",
    "co.event.reminder": "herinnering",
    "co.event.reminder_alert": "waarschuwing: geen antwoord",
    "co.event.ping": "testbericht van het portaal",
    "co.event.email_confirmation": "bevestiging e-mailadres",
    "co.event.signup_duplicate": "aanmelding met een bekend e-mailadres",
    "co.event.signup_known_kvk": "aanmelding voor een bekend bedrijf",
    "co.event.invitation": "uitnodiging",
    "co.event.password_reset": "nieuw wachtwoord",
  },
  en: {
    "co.deliveries.title": "Notifications",
    "co.deliveries.intro": "Notifications to partner portals (webhook), employers and new users (e-mail). A failed notification is retried by itself; after the last attempt it has failed for good.",
    "co.deliveries.status": "Which",
    "co.deliveries.status.problems": "Failed and failed for good",
    "co.deliveries.status.failed": "Failed (will be retried)",
    "co.deliveries.status.dead": "Failed for good",
    "co.deliveries.status.pending": "Still to send",
    "co.deliveries.status.delivered": "Delivered",
    "co.deliveries.show": "Show",
    "co.deliveries.caption": "Notifications",
    "co.deliveries.shown": "{n} notification|{n} notifications",
    "co.deliveries.none": "No notifications match this.",
    "co.deliveries.col.id": "Notification",
    "co.deliveries.col.event": "About",
    "co.deliveries.col.channel": "Via",
    "co.deliveries.col.recipient": "To",
    "co.deliveries.col.status": "Status",
    "co.deliveries.col.attempts": "Attempts",
    "co.deliveries.col.error": "Last error",
    "co.deliveries.col.when": "Made / next attempt",
    "co.deliveries.col.match": "Match",
    "co.deliveries.col.action": "Action",
    "co.deliveries.n": "Notification {id}",
    "co.deliveries.next": "next attempt {when}",
    "co.deliveries.delivered": "delivered {when}",
    "co.deliveries.retry": "Send again",
    "co.deliveries.retried": "Ready to be sent again",
    "co.deliveries.retried.announce": "Notification {id} will be sent again.",
    "co.deliveries.state.pending": "still to send",
    "co.deliveries.state.delivered": "delivered",
    "co.deliveries.state.failed": "failed",
    "co.deliveries.state.dead": "failed for good",
    "co.deliveries.channel.webhook": "webhook",
    "co.deliveries.channel.email": "e-mail",
    "co.deliveries.recipient.portal": "partner portal {id}",
    "co.deliveries.recipient.employer": "employer {id}",
    "co.deliveries.recipient.coordinator": "coordinators",
    "co.deliveries.recipient.account": "a person, by e-mail",
    "co.event.application_received": "new application",
    "co.event.match_approved": "match approved",
    "co.event.employer_answered": "employer's answer",
    "co.event.seeker_answered": "job seeker's answer",
    "co.event.match_cancelled": "match rejected or cancelled",
    "co.event.reminder": "reminder",
    "co.event.reminder_alert": "alert: no answer",
    "co.event.ping": "the portal's test message",
    "co.event.email_confirmation": "e-mail address confirmation",
    "co.event.signup_duplicate": "sign-up with a known e-mail address",
    "co.event.signup_known_kvk": "sign-up for a known business",
    "co.event.invitation": "invitation",
    "co.event.password_reset": "new password",
  },
});

const STATUS_KIND = { delivered: "approved", failed: "rejected", dead: "rejected" };
const statusTag = (status) => tag(known(`co.deliveries.state.${status}`, status), STATUS_KIND[status]);

let chosen = "problems";

function deliveryRow(d) {
  const idCellId = newId("delivery");
  const statusCell = cell(statusTag(d.status));
  const actionCell = cell();
  if (d.status === "failed" || d.status === "dead") {
    const retry = button(t("co.deliveries.retry"), async () => {
      retry.disabled = true;
      actionCell.querySelector("[role=alert]")?.remove();
      try {
        const result = await post(`/v1/notifications/${encodeURIComponent(d.id)}/retry`);
        statusCell.replaceChildren(statusTag(result.status ?? "pending"));
        const done = h("span", { class: "delivery__retried", tabindex: "-1" }, t("co.deliveries.retried"));
        actionCell.replaceChildren(done);
        done.focus();
        announce(t("co.deliveries.retried.announce", { id: d.id }));
      } catch (error) {
        retry.disabled = false;
        actionCell.append(alert("error", paragraph(error.message)));
      }
    });
    retry.setAttribute("aria-describedby", idCellId);
    actionCell.append(retry);
  }
  const recipient = known(`co.deliveries.recipient.${d.recipient_kind}`, d.recipient_kind ?? "", { id: d.recipient_id ?? "" });
  const when = d.status === "delivered" && d.delivered_at
    ? t("co.deliveries.delivered", { when: formatDateTime(d.delivered_at) })
    : d.status === "failed" || d.status === "pending"
      ? t("co.deliveries.next", { when: formatDateTime(d.next_attempt_at) })
      : null;
  return row(
    rowHeader(h("span", { id: idCellId }, t("co.deliveries.n", { id: d.id }))),
    cell(known(`co.event.${d.type}`, d.type)),
    cell(known(`co.deliveries.channel.${d.channel}`, d.channel)),
    cell(recipient),
    statusCell,
    cell(formatNumber(d.attempts ?? 0)),
    cell(d.last_error ? h("span", { class: "delivery__error" }, d.last_error) : "–"),
    cell(formatDateTime(d.created_at), when ? h("br") : null, when),
    cell(d.match_id ? matchLink(d.match_id) : "–"),
    actionCell,
  );
}

async function deliveriesPage(main) {
  const status = select(["problems", "failed", "dead", "pending", "delivered"].map((s) => [s, t(`co.deliveries.status.${s}`)]),
    { name: "status", value: chosen });
  const results = h("div", { class: "deliveries__results" });
  const form = h("form", { class: "queue-filters", novalidate: true },
    field(t("co.deliveries.status"), status),
    button(t("co.deliveries.show"), undefined, { kind: "primary", type: "submit" }));
  page(main, t("co.deliveries.title"), paragraph(t("co.deliveries.intro")), form, results);
  const show = () => {
    chosen = status.value;
    const statuses = chosen === "problems" ? ["failed", "dead"] : [chosen];
    return fill(results, async () => {
      const pages = await Promise.all(statuses.map((s) => get(`/v1/notifications/deliveries?status=${s}&limit=500`)));
      const items = pages.flatMap((p) => p.items ?? [])
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
      const count = h("p", { class: "utrecht-paragraph", role: "status" }, t("co.deliveries.shown", { n: formatNumber(items.length) }));
      if (!items.length) return [count, paragraph(t("co.deliveries.none"))];
      const { table, tbody } = tableShell([
        t("co.deliveries.col.id"), t("co.deliveries.col.event"), t("co.deliveries.col.channel"), t("co.deliveries.col.recipient"),
        t("co.deliveries.col.status"), t("co.deliveries.col.attempts"), t("co.deliveries.col.error"), t("co.deliveries.col.when"),
        t("co.deliveries.col.match"), t("co.deliveries.col.action"),
      ], { caption: t("co.deliveries.caption") });
      tbody.append(...items.map(deliveryRow));
      return [count, scrollable(table, t("co.deliveries.caption"))];
    });
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  await show();
}

route("/deliveries", (params, main) => deliveriesPage(main), ROLE);
