// "/accounts": every account (coordinators and employer users; GET
// /v1/accounts, filtered by role, status and employer), to disable or
// enable one (PUT .../disabled: its sessions end at once) or to move an
// employer user to another employer (PUT .../employer).
// "/accounts/invitations": invite a coordinator or an employer user, and
// the invitations with resend and revoke (invitations.js).
import { h, newId } from "./dom.js";
import { t, addMessages, formatDateTime, formatNumber } from "./i18n.js";
import { getAll, put } from "./api.js";
import { route } from "./router.js";
import { page, paragraph, link, button, field, select, fill, failure } from "./ui.js";
import { ROLE, byId, scrollable, tag, employerLink } from "./coordinator-common.js";
import { refusal, showStatus } from "./forms.js";
import { invitationsScreen } from "./invitations.js";

addMessages({
  nl: {
    "co.accounts.title": "Accounts",
    "co.accounts.intro": "Iedereen die in de console kan inloggen: coördinatoren en gebruikers bij werkgevers. Een uitgeschakeld account kan niet meer inloggen; zijn sessies stoppen meteen.",
    "co.accounts.invite": "Iemand uitnodigen",
    "co.accounts.role": "Rol",
    "co.accounts.role.coordinator": "Coördinator",
    "co.accounts.role.employer": "Gebruiker bij een werkgever",
    "co.accounts.as.coordinator": "coördinator",
    "co.accounts.as.employer": "werkgever",
    "co.accounts.status": "Status",
    "co.accounts.status.active": "Actief",
    "co.accounts.status.disabled": "Uitgeschakeld",
    "co.accounts.status.unconfirmed": "E-mailadres niet bevestigd",
    "co.accounts.employer": "Werkgever",
    "co.accounts.show": "Tonen",
    "co.accounts.caption": "Accounts",
    "co.accounts.shown": "{n} account|{n} accounts",
    "co.accounts.none": "Geen accounts gevonden.",
    "co.accounts.col.name": "Naam",
    "co.accounts.col.email": "E-mailadres",
    "co.accounts.col.role": "Rol",
    "co.accounts.col.employer": "Werkgever",
    "co.accounts.col.status": "Status",
    "co.accounts.col.login": "Laatst ingelogd",
    "co.accounts.col.action": "Actie",
    "co.accounts.state.active": "actief",
    "co.accounts.state.disabled": "uitgeschakeld",
    "co.accounts.state.unconfirmed": "e-mail niet bevestigd",
    "co.accounts.never": "nooit",
    "co.accounts.you": "Dit ben jij",
    "co.accounts.disable": "Uitschakelen",
    "co.accounts.enable": "Inschakelen",
    "co.accounts.disabled.done": "{name} is uitgeschakeld en overal uitgelogd.",
    "co.accounts.enabled.done": "{name} is weer ingeschakeld.",
    "co.accounts.move": "Andere werkgever",
    "co.accounts.move.to": "Nieuwe werkgever voor {name}",
    "co.accounts.move.submit": "Verplaatsen",
    "co.accounts.move.cancel": "Annuleren",
    "co.accounts.moved": "{name} hoort nu bij {employer}.",
    "co.invitations.title": "Uitnodigingen",
    "co.invitations.intro": "Nodig een coördinator uit, of iemand van een werkgever. De persoon krijgt een e-mail met een link, kiest een wachtwoord en is meteen ingelogd.",
    "co.invitations.back": "Naar de accounts",
  },
  en: {
    "co.accounts.title": "Accounts",
    "co.accounts.intro": "Everyone who can log in to the console: coordinators and users at employers. A disabled account can no longer log in; its sessions stop at once.",
    "co.accounts.invite": "Invite someone",
    "co.accounts.role": "Role",
    "co.accounts.role.coordinator": "Coordinator",
    "co.accounts.role.employer": "User at an employer",
    "co.accounts.as.coordinator": "coordinator",
    "co.accounts.as.employer": "employer",
    "co.accounts.status": "Status",
    "co.accounts.status.active": "Active",
    "co.accounts.status.disabled": "Disabled",
    "co.accounts.status.unconfirmed": "E-mail address not confirmed",
    "co.accounts.employer": "Employer",
    "co.accounts.show": "Show",
    "co.accounts.caption": "Accounts",
    "co.accounts.shown": "{n} account|{n} accounts",
    "co.accounts.none": "No accounts found.",
    "co.accounts.col.name": "Name",
    "co.accounts.col.email": "E-mail address",
    "co.accounts.col.role": "Role",
    "co.accounts.col.employer": "Employer",
    "co.accounts.col.status": "Status",
    "co.accounts.col.login": "Last logged in",
    "co.accounts.col.action": "Action",
    "co.accounts.state.active": "active",
    "co.accounts.state.disabled": "disabled",
    "co.accounts.state.unconfirmed": "e-mail not confirmed",
    "co.accounts.never": "never",
    "co.accounts.you": "This is you",
    "co.accounts.disable": "Disable",
    "co.accounts.enable": "Enable",
    "co.accounts.disabled.done": "{name} has been disabled and logged out everywhere.",
    "co.accounts.enabled.done": "{name} has been enabled again.",
    "co.accounts.move": "Other employer",
    "co.accounts.move.to": "New employer for {name}",
    "co.accounts.move.submit": "Move",
    "co.accounts.move.cancel": "Cancel",
    "co.accounts.moved": "{name} now belongs to {employer}.",
    "co.invitations.title": "Invitations",
    "co.invitations.intro": "Invite a coordinator, or someone from an employer. The person gets an e-mail with a link, chooses a password and is logged in straight away.",
    "co.invitations.back": "To the accounts",
  },
});

const listChoice = { role: "", status: "", employer: "" };

const accountState = (a) => (a.disabled ? "disabled" : a.email_confirmed === false ? "unconfirmed" : "active");
const STATE_KIND = { active: "approved", disabled: "rejected", unconfirmed: "proposed" };
const stateTag = (a) => tag(t(`co.accounts.state.${accountState(a)}`), STATE_KIND[accountState(a)]);
const nameOf = (a) => a.name || a.email;

const buttonLink = (href, text) =>
  h("a", { class: "utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action", href }, text);

async function accountsPage(main, me) {
  let employers;
  try {
    employers = byId(await getAll("/v1/employers"));
  } catch (error) {
    return page(main, t("co.accounts.title"), failure(error));
  }
  const sortedEmployers = [...employers.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const role = select([["", t("co.all")], ["coordinator", t("co.accounts.role.coordinator")], ["employer", t("co.accounts.role.employer")]],
    { name: "role", value: listChoice.role });
  const status = select([["", t("co.all")], ...["active", "disabled", "unconfirmed"].map((s) => [s, t(`co.accounts.status.${s}`)])],
    { name: "status", value: listChoice.status });
  const employer = select([["", t("co.all")], ...sortedEmployers.map((e) => [String(e.id), e.name])],
    { name: "employer_id", value: listChoice.employer });
  const said = h("div", { class: "status-holder" });
  const results = h("div", { class: "accounts__results" });
  const form = h("form", { class: "queue-filters", novalidate: true },
    field(t("co.accounts.role"), role),
    field(t("co.accounts.status"), status),
    field(t("co.accounts.employer"), employer),
    button(t("co.accounts.show"), undefined, { kind: "secondary", type: "submit" }));

  function row(account) {
    const nameId = newId("account");
    const actions = h("div", { class: "button-row" });
    const holder = h("td", { class: "utrecht-table__cell" }, actions);
    const tr = h("tr", { class: "utrecht-table__row" },
      h("th", { class: "utrecht-table__header-cell", scope: "row" }, h("span", { id: nameId }, account.email)),
      h("td", { class: "utrecht-table__cell" }, account.name || "–"),
      h("td", { class: "utrecht-table__cell" }, t(`co.accounts.as.${account.role === "coordinator" ? "coordinator" : "employer"}`)),
      h("td", { class: "utrecht-table__cell" }, account.employer_id ? employerLink(employers, account.employer_id) : "–"),
      h("td", { class: "utrecht-table__cell" }, stateTag(account)),
      h("td", { class: "utrecht-table__cell" }, account.last_login_at ? formatDateTime(account.last_login_at) : t("co.accounts.never")),
      holder);
    if (Number(account.id) === Number(me.account_id)) {
      actions.append(h("span", { class: "muted" }, t("co.accounts.you")));
      return tr;
    }
    const toggle = button(t(account.disabled ? "co.accounts.enable" : "co.accounts.disable"), async () => {
      toggle.disabled = true;
      try {
        const updated = await put(`/v1/accounts/${encodeURIComponent(account.id)}/disabled`, { disabled: !account.disabled });
        tr.replaceWith(row(updated));
        showStatus(said, "ok", t(updated.disabled ? "co.accounts.disabled.done" : "co.accounts.enabled.done", { name: nameOf(updated) }));
      } catch (error) {
        toggle.disabled = false;
        showStatus(said, "error", refusal(error));
      }
    }, { kind: account.disabled ? "primary" : "secondary" });
    toggle.setAttribute("aria-describedby", nameId);
    actions.append(toggle);
    if (account.role === "employer") {
      const move = button(t("co.accounts.move"), () => {
        const choice = select(sortedEmployers.filter((e) => Number(e.id) !== Number(account.employer_id))
          .map((e) => [String(e.id), e.name]), { name: "employer_id" });
        const go = button(t("co.accounts.move.submit"), async () => {
          go.disabled = true;
          try {
            const updated = await put(`/v1/accounts/${encodeURIComponent(account.id)}/employer`, { employer_id: Number(choice.value) });
            tr.replaceWith(row(updated));
            showStatus(said, "ok", t("co.accounts.moved", { name: nameOf(updated), employer: employers.get(Number(updated.employer_id))?.name ?? `#${updated.employer_id}` }));
          } catch (error) {
            go.disabled = false;
            showStatus(said, "error", refusal(error));
          }
        }, { kind: "primary" });
        const cancel = button(t("co.accounts.move.cancel"), () => {
          panel.replaceWith(actions);
          move.focus();
        }, { kind: "subtle" });
        const panel = h("div", { class: "inline-panel" },
          field(t("co.accounts.move.to", { name: nameOf(account) }), choice),
          h("div", { class: "button-row" }, go, cancel));
        actions.replaceWith(panel);
        choice.focus();
      });
      move.setAttribute("aria-describedby", nameId);
      actions.append(move);
    }
    return tr;
  }

  const show = () => {
    Object.assign(listChoice, { role: role.value, status: status.value, employer: employer.value });
    const query = new URLSearchParams();
    if (listChoice.role) query.set("role", listChoice.role);
    if (listChoice.status) query.set("status", listChoice.status);
    if (listChoice.employer) query.set("employer_id", listChoice.employer);
    const key = query.toString();
    return fill(results, async () => {
      const items = (await getAll(`/v1/accounts${key ? `?${key}` : ""}`))
        .sort((a, b) => String(a.email).localeCompare(String(b.email)) || a.id - b.id);
      const count = h("p", { class: "utrecht-paragraph", role: "status" }, t("co.accounts.shown", { n: formatNumber(items.length) }));
      if (!items.length) return [count, paragraph(t("co.accounts.none"))];
      const table = h("table", { class: "utrecht-table" },
        h("caption", { class: "utrecht-table__caption" }, t("co.accounts.caption")),
        h("thead", { class: "utrecht-table__header" },
          h("tr", { class: "utrecht-table__row" },
            ["email", "name", "role", "employer", "status", "login", "action"].map((c) =>
              h("th", { class: "utrecht-table__header-cell", scope: "col" }, t(`co.accounts.col.${c}`))))),
        h("tbody", { class: "utrecht-table__body" }, items.map(row)));
      return [count, scrollable(table, t("co.accounts.caption"))];
    });
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  page(main, t("co.accounts.title"), paragraph(t("co.accounts.intro")),
    h("div", { class: "button-row" }, buttonLink("#/accounts/invitations", t("co.accounts.invite"))),
    form, said, results);
  await show();
}

async function coordinatorInvitations(main, me) {
  let employers;
  try {
    employers = byId(await getAll("/v1/employers"));
  } catch (error) {
    return page(main, t("co.invitations.title"), failure(error));
  }
  await invitationsScreen(main, me, {
    title: t("co.invitations.title"),
    intro: t("co.invitations.intro"),
    coordinator: true,
    employers,
    back: paragraph(link("#/accounts", t("co.invitations.back"))),
  });
}

route("/accounts", (params, main, me) => accountsPage(main, me), ROLE);
route("/accounts/invitations", (params, main, me) => coordinatorInvitations(main, me), ROLE);
