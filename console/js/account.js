// "/account" (coordinators and employer users): who you are; a new password
// (PUT /v1/auth/password, with the current one; your other sessions end);
// and where you are logged in (GET /v1/auth/sessions): this session marked,
// end another one, or all but this one.
import { h, newId } from "./dom.js";
import { t, addMessages, formatDateTime, formatNumber } from "./i18n.js";
import { get, put, del, ApiError } from "./api.js";
import { route } from "./router.js";
import { page, heading, paragraph, link, button, facts, fill } from "./ui.js";
import { showErrors, clearErrors, refusal, showStatus } from "./forms.js";
import { passwordField, localProblem, passwordHint } from "./password.js";

addMessages({
  nl: {
    "acc.title": "Mijn account",
    "acc.name": "Naam",
    "acc.email": "E-mailadres",
    "acc.role": "Rol",
    "acc.role.coordinator": "Coördinator",
    "acc.role.employer": "Werkgever",
    "acc.organisation": "Bedrijf",
    "acc.organisation.link": "Mijn bedrijf",
    "acc.language": "Taal van je e-mails",
    "acc.password": "Wachtwoord wijzigen",
    "acc.password.intro": "Na het wijzigen ben je op je andere apparaten uitgelogd. Hier blijf je ingelogd.",
    "acc.password.current": "Huidig wachtwoord",
    "acc.password.new": "Nieuw wachtwoord",
    "acc.password.submit": "Wachtwoord wijzigen",
    "acc.password.done": "Je wachtwoord is gewijzigd. Op je andere apparaten ben je uitgelogd.",
    "acc.sessions": "Waar je bent ingelogd",
    "acc.sessions.intro": "Zie je een apparaat dat je niet kent? Beëindig die sessie en wijzig je wachtwoord.",
    "acc.sessions.caption": "Je sessies",
    "acc.sessions.col.address": "Adres",
    "acc.sessions.col.created": "Ingelogd op",
    "acc.sessions.col.used": "Laatst gebruikt",
    "acc.sessions.col.expires": "Verloopt op",
    "acc.sessions.this": "Dit apparaat",
    "acc.sessions.end": "Beëindigen",
    "acc.sessions.ended": "De sessie op {device} is beëindigd.",
    "acc.sessions.end_others": "Alle andere sessies beëindigen",
    "acc.sessions.ended_others": "{n} andere sessie beëindigd.|{n} andere sessies beëindigd.",
    "acc.sessions.alone": "Je bent nergens anders ingelogd.",
    "acc.device": "{browser} op {system}",
    "acc.device.unknown": "Onbekende browser",
    "acc.device.system.unknown": "onbekend systeem",
  },
  en: {
    "acc.title": "My account",
    "acc.name": "Name",
    "acc.email": "E-mail address",
    "acc.role": "Role",
    "acc.role.coordinator": "Coordinator",
    "acc.role.employer": "Employer",
    "acc.organisation": "Business",
    "acc.organisation.link": "My business",
    "acc.language": "Language of your e-mails",
    "acc.password": "Change password",
    "acc.password.intro": "After the change you are logged out on your other devices. Here you stay logged in.",
    "acc.password.current": "Current password",
    "acc.password.new": "New password",
    "acc.password.submit": "Change password",
    "acc.password.done": "Your password has been changed. You are logged out on your other devices.",
    "acc.sessions": "Where you are logged in",
    "acc.sessions.intro": "Do you see a device you do not know? End that session and change your password.",
    "acc.sessions.caption": "Your sessions",
    "acc.sessions.col.address": "Address",
    "acc.sessions.col.created": "Logged in on",
    "acc.sessions.col.used": "Last used",
    "acc.sessions.col.expires": "Expires on",
    "acc.sessions.this": "This device",
    "acc.sessions.end": "End",
    "acc.sessions.ended": "The session on {device} has ended.",
    "acc.sessions.end_others": "End all other sessions",
    "acc.sessions.ended_others": "{n} other session ended.|{n} other sessions ended.",
    "acc.sessions.alone": "You are not logged in anywhere else.",
    "acc.device": "{browser} on {system}",
    "acc.device.unknown": "Unknown browser",
    "acc.device.system.unknown": "unknown system",
  },
});

// "Firefox op Android" from a User-Agent header (a guess, good enough to
// tell one's own devices apart).
export function deviceName(agent) {
  const ua = String(agent ?? "");
  if (!ua) return t("acc.device.unknown");
  const browser = /Edg\//.test(ua) ? "Edge" : /OPR\//.test(ua) ? "Opera" : /Firefox\//.test(ua) ? "Firefox"
    : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : /curl\//.test(ua) ? "curl" : null;
  const system = /Android/.test(ua) ? "Android" : /iPhone|iPad|iOS/.test(ua) ? "iOS" : /Windows/.test(ua) ? "Windows"
    : /Mac OS X|Macintosh/.test(ua) ? "macOS" : /CrOS/.test(ua) ? "ChromeOS" : /Linux/.test(ua) ? "Linux" : null;
  if (!browser) return ua.length > 60 ? `${ua.slice(0, 57)}…` : ua;
  return t("acc.device", { browser, system: system ?? t("acc.device.system.unknown") });
}

function passwordSection(me, sessions) {
  const current = passwordField(t("acc.password.current"), { choosing: false });
  const next = passwordField(t("acc.password.new"));
  const summary = h("div", { class: "form-summary-holder" });
  const done = h("div", { class: "status-holder" });
  const submit = button(t("acc.password.submit"), undefined, { kind: "primary", type: "submit" });
  const fields = {
    current_password: { id: current.id, label: t("acc.password.current"), hint: passwordHint },
    new_password: { id: next.id, label: t("acc.password.new"), hint: passwordHint },
  };
  const form = h("form", { class: "login-form", novalidate: true },
    // the account's name for a password manager, which saves the new password under it
    me.email ? h("input", { type: "email", name: "username", autocomplete: "username", value: me.email, hidden: true, readonly: true, tabindex: "-1" }) : null,
    summary, current.element, next.element, h("div", { class: "form-actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    done.replaceChildren();
    const local = [];
    if (!current.input.value) local.push({ field: "current_password", problem: "missing" });
    const problem = localProblem(next.input.value);
    if (problem) local.push({ field: "new_password", problem });
    if (local.length) return showErrors(summary, local, fields);
    clearErrors(summary, fields);
    submit.disabled = true;
    try {
      await put("/v1/auth/password", { current_password: current.input.value, new_password: next.input.value });
      current.input.value = "";
      next.input.value = "";
      showStatus(done, "ok", t("acc.password.done"));
      sessions.refresh();
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && error.details.length) showErrors(summary, error.details, fields);
      else showErrors(summary, [], fields, { message: refusal(error) });
    } finally {
      submit.disabled = false;
    }
  });
  return h("section", { class: "account__password" },
    heading(2, t("acc.password")),
    paragraph(t("acc.password.intro")), done, form);
}

function sessionsSection() {
  const status = h("div", { class: "status-holder" });
  const list = h("div", { class: "account__sessions-list" });
  const section = h("section", { class: "account__sessions" },
    heading(2, t("acc.sessions")),
    paragraph(t("acc.sessions.intro")), status, list);

  // a session as a card (phones first): the device, this one marked, when
  const card = (s) => {
    const deviceId = newId("session");
    const device = deviceName(s.user_agent);
    const end = s.current ? null : button(t("acc.sessions.end"), async () => {
      end.disabled = true;
      try {
        await del(`/v1/auth/sessions/${encodeURIComponent(s.id)}`);
        await refresh();
        showStatus(status, "ok", t("acc.sessions.ended", { device }));
      } catch (error) {
        await refresh();
        showStatus(status, "error", refusal(error));
      }
    });
    if (end) end.setAttribute("aria-describedby", deviceId);
    return h("li", { class: ["card", "session-card", s.current ? "session-card--current" : null] },
      h("h3", { class: "utrecht-heading-3 session-card__device", id: deviceId }, device),
      s.current ? h("p", { class: "utrecht-paragraph" }, h("span", { class: "utrecht-status-badge state-open" }, t("acc.sessions.this"))) : null,
      facts([
        [t("acc.sessions.col.address"), s.client_address],
        [t("acc.sessions.col.created"), formatDateTime(s.created_at)],
        [t("acc.sessions.col.used"), s.last_used_at ? formatDateTime(s.last_used_at) : null],
        [t("acc.sessions.col.expires"), formatDateTime(s.expires_at)],
      ]),
      end ? h("div", { class: "button-row" }, end) : null);
  };

  async function refresh() {
    await fill(list, async () => {
      const items = (await get("/v1/auth/sessions")).items ?? [];
      const others = items.filter((s) => !s.current).length;
      const endOthers = others
        ? button(t("acc.sessions.end_others"), async () => {
            endOthers.disabled = true;
            try {
              const answer = await del("/v1/auth/sessions");
              await refresh();
              showStatus(status, "ok", t("acc.sessions.ended_others", { n: formatNumber(answer?.ended ?? others) }));
            } catch (error) {
              endOthers.disabled = false;
              showStatus(status, "error", refusal(error));
            }
          })
        : null;
      return [
        h("ul", { class: "contact-list session-list", "aria-label": t("acc.sessions.caption") }, items.map(card)),
        endOthers ? h("div", { class: "button-row" }, endOthers) : paragraph(t("acc.sessions.alone")),
      ];
    });
  }
  return { element: section, refresh };
}

async function accountPage(main, me) {
  const sessions = sessionsSection();
  const role = me.role === "coordinator" ? t("acc.role.coordinator") : t("acc.role.employer");
  page(main, t("acc.title"),
    facts([
      [t("acc.name"), me.name],
      [t("acc.email"), me.email],
      [t("acc.role"), role],
      [t("acc.organisation"), me.role === "employer" && me.employer_id ? link("#/organisation", t("acc.organisation.link")) : null],
      [t("acc.language"), me.language ? t(`forms.language.${me.language === "en" ? "en" : "nl"}`) : null],
    ]),
    passwordSection(me, sessions),
    sessions.element);
  await sessions.refresh();
}

route("/account", (params, main, me) => accountPage(main, me), { roles: ["coordinator", "employer"] });
