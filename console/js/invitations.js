// Invitations, for coordinators (anyone: a coordinator, or a user of a
// given employer) and for employer users (colleagues of their own
// organisation): a form to invite someone (POST /v1/invitations, with an
// Idempotency-Key), and the list (GET /v1/invitations) with "send again"
// (POST .../resend: a new link, the old one stops working) and "revoke"
// (DELETE). The invitee gets an e-mail with a link to #/invitation/TOKEN.
import { h, newId, announce } from "./dom.js";
import { t, addMessages, formatDate, formatNumber } from "./i18n.js";
import { getAll, send, post, del, ApiError } from "./api.js";
import { page, heading, paragraph, button, field, input, select, fill, facts } from "./ui.js";
import {
  showErrors, clearErrors, refusal, showStatus, statusMessage, optional, looksLikeEmail, LANGUAGES, radioGroup, randomKey,
} from "./forms.js";

addMessages({
  nl: {
    "inv.new": "Iemand uitnodigen",
    "inv.email": "E-mailadres",
    "inv.name": "Naam",
    "inv.name.description": "Staat in de e-mail. De persoon kan het zelf nog aanpassen.",
    "inv.role": "Als",
    "inv.role.coordinator": "Coördinator van de academie",
    "inv.role.employer": "Gebruiker bij een werkgever",
    "inv.employer": "Werkgever",
    "inv.employer.choose": "Kies een werkgever",
    "inv.language": "Taal van de e-mail",
    "inv.submit": "Uitnodiging versturen",
    "inv.sent": "Uitnodiging verstuurd naar {email}. De link werkt tot {date}.",
    "inv.exists.pending": "Voor {email} staat al een uitnodiging open.",
    "inv.exists.pending.resend": "Die uitnodiging opnieuw versturen",
    "inv.exists.account": "Er is al een account met het e-mailadres {email}.",
    "inv.hint.email": "Vul een geldig e-mailadres in, zoals naam@bedrijf.nl.",
    "inv.hint.name": "Gebruik hoogstens 200 tekens.",
    "inv.hint.role": "Kies een rol.",
    "inv.hint.employer_id": "Kies de werkgever.",
    "inv.hint.language": "Kies een taal.",
    "inv.list": "Uitnodigingen",
    "inv.status": "Welke",
    "inv.status.pending": "Openstaand",
    "inv.status.expired": "Verlopen",
    "inv.status.accepted": "Aangenomen",
    "inv.status.revoked": "Ingetrokken",
    "inv.status.all": "Alle",
    "inv.show": "Tonen",
    "inv.shown": "{n} uitnodiging|{n} uitnodigingen",
    "inv.none": "Er zijn geen uitnodigingen die hieraan voldoen.",
    "inv.col.email": "E-mailadres",
    "inv.col.name": "Naam",
    "inv.col.role": "Als",
    "inv.col.status": "Status",
    "inv.col.sent": "Uitgenodigd op",
    "inv.col.until": "Geldig tot",
    "inv.col.action": "Actie",
    "inv.state.pending": "openstaand",
    "inv.state.expired": "verlopen",
    "inv.state.accepted": "aangenomen",
    "inv.state.revoked": "ingetrokken",
    "inv.as.coordinator": "coördinator",
    "inv.as.employer": "gebruiker bij {employer}",
    "inv.accepted_on": "aangenomen op {date}",
    "inv.revoked_on": "ingetrokken op {date}",
    "inv.resend": "Opnieuw versturen",
    "inv.revoke": "Intrekken",
    "inv.resent": "De uitnodiging is opnieuw verstuurd naar {email}. De vorige link werkt niet meer.",
    "inv.revoked": "De uitnodiging voor {email} is ingetrokken. De link werkt niet meer.",
  },
  en: {
    "inv.new": "Invite someone",
    "inv.email": "E-mail address",
    "inv.name": "Name",
    "inv.name.description": "Shown in the e-mail. The person can still change it.",
    "inv.role": "As",
    "inv.role.coordinator": "Coordinator of the academy",
    "inv.role.employer": "User at an employer",
    "inv.employer": "Employer",
    "inv.employer.choose": "Choose an employer",
    "inv.language": "Language of the e-mail",
    "inv.submit": "Send invitation",
    "inv.sent": "Invitation sent to {email}. The link works until {date}.",
    "inv.exists.pending": "An invitation for {email} is open already.",
    "inv.exists.pending.resend": "Send that invitation again",
    "inv.exists.account": "An account with the e-mail address {email} exists already.",
    "inv.hint.email": "Enter a valid e-mail address, like name@company.com.",
    "inv.hint.name": "Use at most 200 characters.",
    "inv.hint.role": "Choose a role.",
    "inv.hint.employer_id": "Choose the employer.",
    "inv.hint.language": "Choose a language.",
    "inv.list": "Invitations",
    "inv.status": "Which",
    "inv.status.pending": "Open",
    "inv.status.expired": "Expired",
    "inv.status.accepted": "Accepted",
    "inv.status.revoked": "Revoked",
    "inv.status.all": "All",
    "inv.show": "Show",
    "inv.shown": "{n} invitation|{n} invitations",
    "inv.none": "No invitations match this.",
    "inv.col.email": "E-mail address",
    "inv.col.name": "Name",
    "inv.col.role": "As",
    "inv.col.status": "Status",
    "inv.col.sent": "Invited on",
    "inv.col.until": "Valid until",
    "inv.col.action": "Action",
    "inv.state.pending": "open",
    "inv.state.expired": "expired",
    "inv.state.accepted": "accepted",
    "inv.state.revoked": "revoked",
    "inv.as.coordinator": "coordinator",
    "inv.as.employer": "user at {employer}",
    "inv.accepted_on": "accepted on {date}",
    "inv.revoked_on": "revoked on {date}",
    "inv.resend": "Send again",
    "inv.revoke": "Revoke",
    "inv.resent": "The invitation has been sent again to {email}. The previous link no longer works.",
    "inv.revoked": "The invitation for {email} has been revoked. The link no longer works.",
  },
});

const STATE_KIND = { pending: "proposed", accepted: "approved", revoked: "cancelled", expired: "closed" };
const stateTag = (status) =>
  h("span", { class: ["utrecht-status-badge", `state-${STATE_KIND[status] ?? "closed"}`] }, t(`inv.state.${status}`));

let chosenStatus = "pending";

// The screen: `coordinator` (whether the caller may invite either role),
// `employers` (a Map id -> employer, for coordinators), `intro`, `back` (a
// link back). Coordinators get the list as a table; employer users, on a
// phone more often than not, as cards.
export async function invitationsScreen(main, me, { title, intro, coordinator = false, employers = new Map(), back, newHeading = t("inv.new") }) {
  const status = h("div", { class: "status-holder" });
  const formBox = h("div", { class: "invitations__form" });
  const listBox = h("div", { class: "invitations__results" });
  const employerName = (id) => employers.get(Number(id))?.name ?? `#${id}`;

  async function resend(id, address) {
    try {
      await post(`/v1/invitations/${encodeURIComponent(id)}/resend`);
      await show();
      showStatus(status, "ok", t("inv.resent", { email: address }));
    } catch (error) {
      showStatus(status, "error", refusal(error));
    }
  }

  // --- the form (made anew after each invitation: no leftovers, no red empty fields) ---
  function makeForm(languageChosen = "nl") {
    const email = input({ type: "email", name: "email", autocomplete: "off", spellcheck: "false", maxlength: "254", required: true });
    const name = input({ name: "name", autocomplete: "off", maxlength: "200" });
    const language = select(LANGUAGES(), { name: "language", value: languageChosen });
    let employerField = null;
    const roles = coordinator
      ? radioGroup(t("inv.role"), [["employer", t("inv.role.employer")], ["coordinator", t("inv.role.coordinator")]],
          { value: "employer", onchange: () => (employerField.hidden = roles.value() !== "employer") })
      : null;
    const employerSelect = coordinator
      ? select([["", t("inv.employer.choose")],
          ...[...employers.values()].sort((a, b) => String(a.name).localeCompare(String(b.name))).map((e) => [String(e.id), e.name])],
        { name: "employer_id" })
      : null;
    if (coordinator) employerField = field(t("inv.employer"), employerSelect);
    const summary = h("div", { class: "form-summary-holder" });
    const submit = button(t("inv.submit"), undefined, { kind: "primary", type: "submit" });
    const fields = {
      email: { id: (email.id = newId("inv-email")), label: t("inv.email"), hint: t("inv.hint.email") },
      name: { id: (name.id = newId("inv-name")), label: optional(t("inv.name")), hint: t("inv.hint.name") },
      language: { id: (language.id = newId("inv-language")), label: t("inv.language"), hint: t("inv.hint.language") },
    };
    if (coordinator) {
      fields.role = { id: roles.inputs[0].id, label: t("inv.role"), hint: t("inv.hint.role") };
      fields.employer_id = { id: employerSelect.id, label: t("inv.employer"), hint: t("inv.hint.employer_id") };
    }
    let idempotency = randomKey();
    const form = h("form", { class: "login-form invitation-form", novalidate: true },
      summary,
      field(t("inv.email"), email),
      field(optional(t("inv.name")), name, { description: t("inv.name.description") }),
      roles?.element, employerField,
      field(t("inv.language"), language),
      h("div", { class: "form-actions" }, submit));
    form.addEventListener("input", () => (idempotency = randomKey())); // another body: another request

    function body() {
      const b = { email: email.value.trim(), role: coordinator ? roles.value() : "employer", language: language.value };
      if (name.value.trim()) b.name = name.value.trim();
      if (coordinator && b.role === "employer") b.employer_id = employerSelect.value ? Number(employerSelect.value) : undefined;
      if (!coordinator && me.employer_id) b.employer_id = me.employer_id;
      return b;
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.replaceChildren();
      const b = body();
      const local = [];
      if (!looksLikeEmail(b.email)) local.push({ field: "email", problem: "invalid" });
      if (coordinator && b.role === "employer" && !b.employer_id) local.push({ field: "employer_id", problem: "missing" });
      if (local.length) return showErrors(summary, local, fields);
      clearErrors(summary, fields);
      submit.disabled = true;
      try {
        const { body: made } = await send("POST", "/v1/invitations", b, { headers: { "Idempotency-Key": idempotency } });
        formBox.replaceChildren(makeForm(b.language));
        statusSelect.value = "pending";
        await show();
        showStatus(status, "ok", t("inv.sent", { email: made?.email ?? b.email, date: formatDate(made?.expires_at) }));
      } catch (error) {
        submit.disabled = false;
        idempotency = randomKey();
        if (error instanceof ApiError && error.status === 409 && error.code === "conflict") {
          const existing = error.details.find((d) => d.existing_id)?.existing_id;
          const text = t(existing ? "inv.exists.pending" : "inv.exists.account", { email: b.email });
          const box = statusMessage("warning", paragraph(text), existing
            ? h("div", { class: "button-row" }, button(t("inv.exists.pending.resend"), () => resend(existing, b.email)))
            : null);
          summary.replaceChildren(box);
          box.focus();
          announce(text);
        } else if (error instanceof ApiError && error.status === 422 && error.details.length) {
          showErrors(summary, error.details, fields);
        } else showErrors(summary, [], fields, { message: refusal(error) });
      }
    });
    return form;
  }

  // --- the list ---
  const statusSelect = select(["pending", "expired", "accepted", "revoked", "all"].map((s) => [s, t(`inv.status.${s}`)]),
    { name: "status", value: chosenStatus });
  const filters = h("form", { class: "queue-filters", novalidate: true },
    field(t("inv.status"), statusSelect),
    button(t("inv.show"), undefined, { kind: "secondary", type: "submit" }));
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });

  const asWhat = (inv) => (inv.role === "coordinator" ? t("inv.as.coordinator") : t("inv.as.employer", { employer: employerName(inv.employer_id) }));
  const untilText = (inv) => (inv.status === "accepted" && inv.accepted_at ? t("inv.accepted_on", { date: formatDate(inv.accepted_at) })
    : inv.status === "revoked" && inv.revoked_at ? t("inv.revoked_on", { date: formatDate(inv.revoked_at) })
      : formatDate(inv.expires_at));

  // "send again" and "revoke", described by the invitation's address
  function actionsFor(inv, emailId) {
    const actions = [];
    if (inv.status === "pending" || inv.status === "expired") {
      const again = button(t("inv.resend"), async () => {
        again.disabled = true;
        await resend(inv.id, inv.email);
      });
      again.setAttribute("aria-describedby", emailId);
      actions.push(again);
    }
    if (inv.status === "pending") {
      const revoke = button(t("inv.revoke"), async () => {
        revoke.disabled = true;
        try {
          await del(`/v1/invitations/${encodeURIComponent(inv.id)}`);
          await show();
          showStatus(status, "ok", t("inv.revoked", { email: inv.email }));
        } catch (error) {
          revoke.disabled = false;
          showStatus(status, "error", refusal(error));
        }
      }, { kind: "subtle" });
      revoke.setAttribute("aria-describedby", emailId);
      actions.push(revoke);
    }
    return actions;
  }

  function row(inv) {
    const emailId = newId("inv");
    const actions = actionsFor(inv, emailId);
    return h("tr", { class: "utrecht-table__row" },
      h("th", { class: "utrecht-table__header-cell", scope: "row" }, h("span", { id: emailId }, inv.email)),
      h("td", { class: "utrecht-table__cell" }, inv.name || "–"),
      h("td", { class: "utrecht-table__cell" }, asWhat(inv)),
      h("td", { class: "utrecht-table__cell" }, stateTag(inv.status)),
      h("td", { class: "utrecht-table__cell" }, formatDate(inv.created_at)),
      h("td", { class: "utrecht-table__cell" }, untilText(inv)),
      h("td", { class: "utrecht-table__cell" }, actions.length ? h("div", { class: "button-row" }, actions) : "–"));
  }

  function card(inv) {
    const emailId = newId("inv");
    const actions = actionsFor(inv, emailId);
    return h("li", { class: "card invitation-card" },
      h("h3", { class: "utrecht-heading-3 invitation-card__email", id: emailId }, inv.email),
      h("p", { class: "utrecht-paragraph" }, stateTag(inv.status)),
      facts([
        [t("inv.col.name"), inv.name],
        [t("inv.col.sent"), formatDate(inv.created_at)],
        [inv.status === "accepted" || inv.status === "revoked" ? t("inv.col.status") : t("inv.col.until"), untilText(inv)],
      ]),
      actions.length ? h("div", { class: "button-row" }, actions) : null);
  }

  async function show() {
    chosenStatus = statusSelect.value;
    await fill(listBox, async () => {
      const query = chosenStatus === "all" ? "" : `?status=${encodeURIComponent(chosenStatus)}`;
      const items = (await getAll(`/v1/invitations${query}`))
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
      const count = h("p", { class: "utrecht-paragraph", role: "status" }, t("inv.shown", { n: formatNumber(items.length) }));
      if (!items.length) return [count, paragraph(t("inv.none"))];
      if (!coordinator) return [count, h("ul", { class: "contact-list invitation-list" }, items.map(card))];
      return [count,
        h("div", { class: "table-scroll", role: "region", tabindex: "0", "aria-label": t("inv.list") },
          h("table", { class: "utrecht-table" },
            h("caption", { class: "utrecht-table__caption visually-hidden" }, t("inv.list")),
            h("thead", { class: "utrecht-table__header" },
              h("tr", { class: "utrecht-table__row" },
                ["email", "name", "role", "status", "sent", "until", "action"].map((c) =>
                  h("th", { class: "utrecht-table__header-cell", scope: "col" }, t(`inv.col.${c}`))))),
            h("tbody", { class: "utrecht-table__body" }, items.map(row))))];
    });
  }

  formBox.append(makeForm());
  page(main, title,
    intro ? paragraph(intro) : null,
    back ?? null,
    status,
    h("section", { class: "invitations__new" }, heading(2, newHeading), formBox),
    h("section", { class: "invitations__list" }, heading(2, t("inv.list")), filters, listBox));
  await show();
}
