// "/portals": the partner portals (wijkteams, re-integration agencies,
// training centres) that use the API with a key, and a new one (POST
// /v1/portals: its first key comes with the answer, shown once).
// "/portals/:id": one portal: its name and contact (PATCH), active or not
// (PUT .../active: inactive stops every key at once), and its keys: a new
// one (shown once), revoke one.
import { h, newId, announce } from "./dom.js";
import { t, addMessages, formatDate, formatDateTime, formatNumber } from "./i18n.js";
import { get, getAll, send, put, patch, del, ApiError } from "./api.js";
import { route, go } from "./router.js";
import { page, heading, paragraph, link, button, field, input, facts, fill, alert, failure } from "./ui.js";
import { ROLE, scrollable, tag } from "./coordinator-common.js";
import { showErrors, clearErrors, refusal, showStatus, optional, looksLikeEmail, randomKey } from "./forms.js";

addMessages({
  nl: {
    "co.portals.title": "Partnerportalen",
    "co.portals.intro": "Wijkteams, re-integratiebureaus en opleiders melden werkzoekenden aan via de API, elk met een eigen sleutel.",
    "co.portals.caption": "Partnerportalen",
    "co.portals.shown": "{n} partnerportaal|{n} partnerportalen",
    "co.portals.none": "Er zijn nog geen partnerportalen.",
    "co.portals.col.name": "Naam",
    "co.portals.col.contact": "Contact",
    "co.portals.col.active": "Actief",
    "co.portals.col.keys": "Actieve sleutels",
    "co.portals.col.limit": "Verzoeken per minuut",
    "co.portals.col.since": "Gemaakt op",
    "co.portals.limit.default": "standaard",
    "co.portals.active": "actief",
    "co.portals.inactive": "uitgeschakeld",
    "co.portals.new": "Nieuw partnerportaal",
    "co.portals.new.intro": "Je krijgt meteen de eerste API-sleutel. Geef die veilig door aan de partner.",
    "co.portals.name": "Naam",
    "co.portals.name.description": "Bijvoorbeeld: Wijkteam Laak",
    "co.portals.contact": "Contact-e-mailadres",
    "co.portals.contact.description": "Voor berichten over de koppeling, zoals een sleutel die verloopt.",
    "co.portals.create": "Partnerportaal maken",
    "co.portals.hint.name": "Vul een naam in (hoogstens 200 tekens).",
    "co.portals.hint.name_taken": "Er is al een partnerportaal met deze naam.",
    "co.portals.hint.contact_email": "Vul een geldig e-mailadres in, of laat het leeg.",
    "co.portals.created": "Partnerportaal {name} is gemaakt.",
    "co.portals.key.title": "De API-sleutel van {name}",
    "co.portals.key.warning": "Kopieer deze sleutel nu en geef hem veilig door. Hij wordt maar één keer getoond: de academie bewaart hem niet leesbaar. Kwijt? Maak dan een nieuwe sleutel en trek deze in.",
    "co.portals.key.label": "API-sleutel {id}",
    "co.portals.key.copy": "Sleutel kopiëren",
    "co.portals.key.copied": "De sleutel is gekopieerd.",
    "co.portals.key.select": "Kopiëren lukte niet. De sleutel is geselecteerd: kopieer hem met Ctrl+C (of ⌘+C).",
    "co.portals.key.done": "Ik heb de sleutel bewaard",
    "co.portals.n": "Partnerportaal {id}",
    "co.portals.back": "Naar de partnerportalen",
    "co.portal.details": "Gegevens",
    "co.portal.contact": "Contact",
    "co.portal.contact.none": "geen",
    "co.portal.state": "Status",
    "co.portal.limit": "Verzoeken per minuut",
    "co.portal.since": "Gemaakt op",
    "co.portal.edit": "Naam en contact wijzigen",
    "co.portal.save": "Opslaan",
    "co.portal.saved": "De gegevens van {name} zijn opgeslagen.",
    "co.portal.active.title": "Aan of uit",
    "co.portal.active.on": "Het partnerportaal is actief: zijn sleutels werken.",
    "co.portal.active.off": "Het partnerportaal is uitgeschakeld: geen enkele sleutel werkt.",
    "co.portal.deactivate": "Uitschakelen",
    "co.portal.deactivate.hint": "Uitschakelen stopt meteen elke sleutel van dit portaal. Inschakelen laat de niet-ingetrokken sleutels weer werken.",
    "co.portal.activate": "Inschakelen",
    "co.portal.deactivated": "{name} is uitgeschakeld. Geen sleutel werkt nog.",
    "co.portal.activated": "{name} is weer ingeschakeld.",
    "co.portal.keys": "API-sleutels",
    "co.portal.keys.intro": "Wissel je een sleutel? Maak eerst een nieuwe, en trek de oude pas in als de partner de nieuwe gebruikt.",
    "co.portal.keys.caption": "API-sleutels",
    "co.portal.keys.none": "Dit partnerportaal heeft geen sleutels.",
    "co.portal.keys.col.key": "Sleutel",
    "co.portal.keys.col.created": "Gemaakt op",
    "co.portal.keys.col.used": "Laatst gebruikt",
    "co.portal.keys.col.state": "Status",
    "co.portal.keys.col.action": "Actie",
    "co.portal.key.n": "Sleutel {id}",
    "co.portal.key.never": "nooit",
    "co.portal.key.active": "werkt",
    "co.portal.key.revoked": "ingetrokken op {date}",
    "co.portal.key.new": "Nieuwe sleutel maken",
    "co.portal.key.revoke": "Intrekken",
    "co.portal.key.revoke.sure": "Sleutel {id} intrekken? De partner kan er dan meteen niets meer mee.",
    "co.portal.key.revoke.yes": "Ja, intrekken",
    "co.portal.key.revoke.no": "Annuleren",
    "co.portal.key.revoked.done": "Sleutel {id} is ingetrokken.",
  },
  en: {
    "co.portals.title": "Partner portals",
    "co.portals.intro": "Neighbourhood teams, re-integration agencies and training centres apply for job seekers through the API, each with its own key.",
    "co.portals.caption": "Partner portals",
    "co.portals.shown": "{n} partner portal|{n} partner portals",
    "co.portals.none": "There are no partner portals yet.",
    "co.portals.col.name": "Name",
    "co.portals.col.contact": "Contact",
    "co.portals.col.active": "Active",
    "co.portals.col.keys": "Active keys",
    "co.portals.col.limit": "Requests per minute",
    "co.portals.col.since": "Made on",
    "co.portals.limit.default": "default",
    "co.portals.active": "active",
    "co.portals.inactive": "disabled",
    "co.portals.new": "New partner portal",
    "co.portals.new.intro": "You get its first API key straight away. Pass it on to the partner safely.",
    "co.portals.name": "Name",
    "co.portals.name.description": "For example: Wijkteam Laak",
    "co.portals.contact": "Contact e-mail address",
    "co.portals.contact.description": "For messages about the connection, such as a key that expires.",
    "co.portals.create": "Make partner portal",
    "co.portals.hint.name": "Fill in a name (at most 200 characters).",
    "co.portals.hint.name_taken": "A partner portal with this name exists already.",
    "co.portals.hint.contact_email": "Enter a valid e-mail address, or leave it empty.",
    "co.portals.created": "Partner portal {name} has been made.",
    "co.portals.key.title": "The API key of {name}",
    "co.portals.key.warning": "Copy this key now and pass it on safely. It is shown only once: the academy does not keep it readable. Lost it? Then make a new key and revoke this one.",
    "co.portals.key.label": "API key {id}",
    "co.portals.key.copy": "Copy key",
    "co.portals.key.copied": "The key has been copied.",
    "co.portals.key.select": "Copying did not work. The key is selected: copy it with Ctrl+C (or ⌘+C).",
    "co.portals.key.done": "I have kept the key",
    "co.portals.n": "Partner portal {id}",
    "co.portals.back": "To the partner portals",
    "co.portal.details": "Details",
    "co.portal.contact": "Contact",
    "co.portal.contact.none": "none",
    "co.portal.state": "Status",
    "co.portal.limit": "Requests per minute",
    "co.portal.since": "Made on",
    "co.portal.edit": "Change name and contact",
    "co.portal.save": "Save",
    "co.portal.saved": "The details of {name} have been saved.",
    "co.portal.active.title": "On or off",
    "co.portal.active.on": "The partner portal is active: its keys work.",
    "co.portal.active.off": "The partner portal is disabled: no key works.",
    "co.portal.deactivate": "Disable",
    "co.portal.deactivate.hint": "Disabling stops every key of this portal at once. Enabling lets the keys that are not revoked work again.",
    "co.portal.activate": "Enable",
    "co.portal.deactivated": "{name} has been disabled. No key works any more.",
    "co.portal.activated": "{name} has been enabled again.",
    "co.portal.keys": "API keys",
    "co.portal.keys.intro": "Changing a key? Make a new one first, and revoke the old one only once the partner uses the new one.",
    "co.portal.keys.caption": "API keys",
    "co.portal.keys.none": "This partner portal has no keys.",
    "co.portal.keys.col.key": "Key",
    "co.portal.keys.col.created": "Made on",
    "co.portal.keys.col.used": "Last used",
    "co.portal.keys.col.state": "Status",
    "co.portal.keys.col.action": "Action",
    "co.portal.key.n": "Key {id}",
    "co.portal.key.never": "never",
    "co.portal.key.active": "works",
    "co.portal.key.revoked": "revoked on {date}",
    "co.portal.key.new": "Make a new key",
    "co.portal.key.revoke": "Revoke",
    "co.portal.key.revoke.sure": "Revoke key {id}? The partner can then no longer use it, at once.",
    "co.portal.key.revoke.yes": "Yes, revoke",
    "co.portal.key.revoke.no": "Cancel",
    "co.portal.key.revoked.done": "Key {id} has been revoked.",
  },
});

const nameHint = (problem) => t(/taken|exists|unique|in use/.test(problem) ? "co.portals.hint.name_taken" : "co.portals.hint.name");
const limitText = (portal) => (portal.rate_limit_per_minute != null ? formatNumber(portal.rate_limit_per_minute) : t("co.portals.limit.default"));

const activeTag = (active) => tag(t(active ? "co.portals.active" : "co.portals.inactive"), active ? "approved" : "cancelled");

// The key, shown once: a warning, the key in a read-only field, a copy
// button, and "done". Takes the focus (its heading).
function keyPanel(portalName, keyId, apiKey, onDone) {
  const id = newId("key");
  const value = input({
    id, name: "api_key", readonly: true, value: apiKey, autocomplete: "off", spellcheck: "false",
    class: "utrecht-textbox utrecht-textbox--html-input key-panel__value",
  });
  const said = h("p", { class: "utrecht-paragraph key-panel__said", role: "status" });
  const copy = button(t("co.portals.key.copy"), async () => {
    said.textContent = "";
    try {
      await navigator.clipboard.writeText(apiKey);
      said.textContent = t("co.portals.key.copied");
    } catch {
      value.focus();
      value.select();
      said.textContent = t("co.portals.key.select");
    }
  }, { kind: "primary" });
  const title = heading(2, t("co.portals.key.title", { name: portalName }));
  title.tabIndex = -1;
  const panel = h("section", { class: "key-panel" },
    title,
    alert("warning", paragraph(t("co.portals.key.warning"))),
    field(t("co.portals.key.label", { id: keyId }), value),
    h("div", { class: "button-row" }, copy, button(t("co.portals.key.done"), onDone)),
    said);
  value.addEventListener("focus", () => value.select());
  return { panel, focus: () => title.focus() };
}

// --- the list ---

async function portalsPage(main) {
  const results = h("div", { class: "portals__results" });
  const created = h("div", { class: "portals__created" });
  const formBox = h("div", { class: "portals__form" });

  // the form, made anew after each portal (no leftovers, no red empty fields)
  function makeForm() {
    const name = input({ name: "name", maxlength: "200", autocomplete: "off", required: true });
    const contact = input({ type: "email", name: "contact_email", maxlength: "254", autocomplete: "off", spellcheck: "false" });
    const summary = h("div", { class: "form-summary-holder" });
    const submit = button(t("co.portals.create"), undefined, { kind: "primary", type: "submit" });
    const fields = {
      name: { id: (name.id = newId("portal-name")), label: t("co.portals.name"), hint: nameHint },
      contact_email: { id: (contact.id = newId("portal-contact")), label: optional(t("co.portals.contact")), hint: t("co.portals.hint.contact_email") },
    };
    let idempotency = randomKey();
    const form = h("form", { class: "login-form", novalidate: true },
      summary,
      field(t("co.portals.name"), name, { description: t("co.portals.name.description") }),
      field(optional(t("co.portals.contact")), contact, { description: t("co.portals.contact.description") }),
      h("div", { class: "form-actions" }, submit));
    form.addEventListener("input", () => (idempotency = randomKey()));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const b = { name: name.value.trim() };
      if (contact.value.trim()) b.contact_email = contact.value.trim();
      const local = [];
      if (!b.name) local.push({ field: "name", problem: "missing" });
      if (b.contact_email && !looksLikeEmail(b.contact_email)) local.push({ field: "contact_email", problem: "invalid" });
      if (local.length) return showErrors(summary, local, fields);
      clearErrors(summary, fields);
      submit.disabled = true;
      try {
        const { body: portal } = await send("POST", "/v1/portals", b, { headers: { "Idempotency-Key": idempotency } });
        formBox.replaceChildren(makeForm());
        const shown = keyPanel(portal.name, portal.key_id, portal.api_key, () => go(`/portals/${portal.id}`));
        created.replaceChildren(alert("ok", paragraph(t("co.portals.created", { name: portal.name }))), shown.panel);
        shown.focus();
        announce(t("co.portals.created", { name: portal.name }));
        showList();
      } catch (error) {
        submit.disabled = false;
        idempotency = randomKey();
        if (error instanceof ApiError && error.status === 409)
          showErrors(summary, [{ field: "name", problem: "taken" }], fields);
        else if (error instanceof ApiError && error.status === 422 && error.details.length) showErrors(summary, error.details, fields);
        else showErrors(summary, [], fields, { message: refusal(error) });
      }
    });
    return form;
  }

  const showList = () => fill(results, async () => {
    const items = (await getAll("/v1/portals")).sort((a, b) => String(a.name).localeCompare(String(b.name)) || a.id - b.id);
    const count = h("p", { class: "utrecht-paragraph", role: "status" }, t("co.portals.shown", { n: formatNumber(items.length) }));
    if (!items.length) return [count, paragraph(t("co.portals.none"))];
    const table = h("table", { class: "utrecht-table" },
      h("caption", { class: "utrecht-table__caption" }, t("co.portals.caption")),
      h("thead", { class: "utrecht-table__header" },
        h("tr", { class: "utrecht-table__row" },
          ["name", "contact", "active", "keys", "limit", "since"].map((c) =>
            h("th", { class: "utrecht-table__header-cell", scope: "col" }, t(`co.portals.col.${c}`))))),
      h("tbody", { class: "utrecht-table__body" }, items.map((p) =>
        h("tr", { class: "utrecht-table__row" },
          h("th", { class: "utrecht-table__header-cell", scope: "row" }, link(`#/portals/${p.id}`, p.name)),
          h("td", { class: "utrecht-table__cell" }, p.contact_email ?? "–"),
          h("td", { class: "utrecht-table__cell" }, activeTag(p.active)),
          h("td", { class: "utrecht-table__cell" }, formatNumber(p.active_keys ?? 0)),
          h("td", { class: "utrecht-table__cell" }, limitText(p)),
          h("td", { class: "utrecht-table__cell" }, formatDate(p.created_at))))));
    return [count, scrollable(table, t("co.portals.caption"))];
  });

  page(main, t("co.portals.title"), paragraph(t("co.portals.intro")), created,
    h("section", { class: "portals__list" }, results),
    h("section", { class: "portals__new" },
      heading(2, t("co.portals.new")),
      paragraph(t("co.portals.new.intro")), formBox));
  formBox.append(makeForm());
  await showList();
}

// --- one portal ---

async function portalPage(main, id) {
  const enc = encodeURIComponent(id);
  let portal;
  try {
    portal = await get(`/v1/portals/${enc}`);
  } catch (error) {
    return page(main, t("co.portals.n", { id }), failure(error), paragraph(link("#/portals", t("co.portals.back"))));
  }
  const said = h("div", { class: "status-holder" });
  const details = h("div", { class: "portal__facts" });
  const activeBox = h("div", { class: "portal__active" });
  const keysBox = h("div", { class: "portal__keys-list" });
  const newKeyBox = h("div", { class: "portal__new-key" });

  const drawDetails = () => details.replaceChildren(facts([
    [t("co.portal.contact"), portal.contact_email || t("co.portal.contact.none")],
    [t("co.portal.state"), activeTag(portal.active)],
    [t("co.portal.limit"), limitText(portal)],
    [t("co.portal.since"), formatDate(portal.created_at)],
  ]));

  // name and contact
  const name = input({ name: "name", maxlength: "200", autocomplete: "off", required: true, value: portal.name });
  const contact = input({ type: "email", name: "contact_email", maxlength: "254", autocomplete: "off", spellcheck: "false", value: portal.contact_email ?? "" });
  const summary = h("div", { class: "form-summary-holder" });
  const save = button(t("co.portal.save"), undefined, { kind: "secondary", type: "submit" });
  const fields = {
    name: { id: (name.id = newId("portal-name")), label: t("co.portals.name"), hint: nameHint },
    contact_email: { id: (contact.id = newId("portal-contact")), label: optional(t("co.portals.contact")), hint: t("co.portals.hint.contact_email") },
  };
  const form = h("form", { class: "login-form", novalidate: true },
    summary,
    field(t("co.portals.name"), name),
    field(optional(t("co.portals.contact")), contact, { description: t("co.portals.contact.description") }),
    h("div", { class: "form-actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const b = { name: name.value.trim(), contact_email: contact.value.trim() || null };
    const local = [];
    if (!b.name) local.push({ field: "name", problem: "missing" });
    if (b.contact_email && !looksLikeEmail(b.contact_email)) local.push({ field: "contact_email", problem: "invalid" });
    if (local.length) return showErrors(summary, local, fields);
    clearErrors(summary, fields);
    save.disabled = true;
    try {
      portal = await patch(`/v1/portals/${enc}`, b);
      drawDetails();
      const title = main.querySelector("h1");
      if (title) title.textContent = portal.name;
      showStatus(said, "ok", t("co.portal.saved", { name: portal.name }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) showErrors(summary, [{ field: "name", problem: "taken" }], fields);
      else if (error instanceof ApiError && error.status === 422 && error.details.length) showErrors(summary, error.details, fields);
      else showErrors(summary, [], fields, { message: refusal(error) });
    } finally {
      save.disabled = false;
    }
  });

  // on or off
  const drawActive = () => {
    const toggle = button(t(portal.active ? "co.portal.deactivate" : "co.portal.activate"), async () => {
      toggle.disabled = true;
      try {
        portal = await put(`/v1/portals/${enc}/active`, { active: !portal.active });
        drawDetails();
        drawActive();
        showStatus(said, "ok", t(portal.active ? "co.portal.activated" : "co.portal.deactivated", { name: portal.name }));
      } catch (error) {
        toggle.disabled = false;
        showStatus(said, "error", refusal(error));
      }
    }, { kind: portal.active ? "secondary" : "primary" });
    activeBox.replaceChildren(
      paragraph(t(portal.active ? "co.portal.active.on" : "co.portal.active.off")),
      paragraph(t("co.portal.deactivate.hint")),
      h("div", { class: "button-row" }, toggle));
  };

  // keys
  const keyRow = (k) => {
    const keyId = newId("key");
    const actionCell = h("td", { class: "utrecht-table__cell" });
    if (!k.revoked_at) {
      const revoke = button(t("co.portal.key.revoke"), () => {
        const yes = button(t("co.portal.key.revoke.yes"), async () => {
          yes.disabled = true;
          try {
            await del(`/v1/portals/${enc}/keys/${encodeURIComponent(k.key_id)}`);
            await showKeys();
            showStatus(said, "ok", t("co.portal.key.revoked.done", { id: k.key_id }));
          } catch (error) {
            await showKeys();
            showStatus(said, "error", refusal(error));
          }
        }, { kind: "primary" });
        const no = button(t("co.portal.key.revoke.no"), () => {
          actionCell.replaceChildren(revoke);
          revoke.focus();
        }, { kind: "subtle" });
        const question = h("p", { class: "utrecht-paragraph" }, t("co.portal.key.revoke.sure", { id: k.key_id }));
        actionCell.replaceChildren(h("div", { class: "inline-panel", role: "group", "aria-label": t("co.portal.key.n", { id: k.key_id }) },
          question, h("div", { class: "button-row" }, yes, no)));
        yes.focus();
      });
      revoke.setAttribute("aria-describedby", keyId);
      actionCell.append(revoke);
    } else actionCell.append("–");
    return h("tr", { class: "utrecht-table__row" },
      h("th", { class: "utrecht-table__header-cell", scope: "row" }, h("span", { id: keyId }, t("co.portal.key.n", { id: k.key_id }))),
      h("td", { class: "utrecht-table__cell" }, formatDateTime(k.created_at)),
      h("td", { class: "utrecht-table__cell" }, k.last_used_at ? formatDateTime(k.last_used_at) : t("co.portal.key.never")),
      h("td", { class: "utrecht-table__cell" }, k.revoked_at
        ? tag(t("co.portal.key.revoked", { date: formatDate(k.revoked_at) }), "cancelled")
        : tag(t("co.portal.key.active"), "approved")),
      actionCell);
  };
  const showKeys = () => fill(keysBox, async () => {
    const items = ((await get(`/v1/portals/${enc}/keys`)).items ?? [])
      .sort((a, b) => Boolean(a.revoked_at) - Boolean(b.revoked_at) || Date.parse(b.created_at) - Date.parse(a.created_at));
    if (!items.length) return paragraph(t("co.portal.keys.none"));
    const table = h("table", { class: "utrecht-table" },
      h("caption", { class: "utrecht-table__caption" }, t("co.portal.keys.caption")),
      h("thead", { class: "utrecht-table__header" },
        h("tr", { class: "utrecht-table__row" },
          ["key", "created", "used", "state", "action"].map((c) =>
            h("th", { class: "utrecht-table__header-cell", scope: "col" }, t(`co.portal.keys.col.${c}`))))),
      h("tbody", { class: "utrecht-table__body" }, items.map(keyRow)));
    return scrollable(table, t("co.portal.keys.caption"));
  });
  let keyIdempotency = randomKey();
  const newKey = button(t("co.portal.key.new"), async () => {
    newKey.disabled = true;
    try {
      const { body: made } = await send("POST", `/v1/portals/${enc}/keys`, {}, { headers: { "Idempotency-Key": keyIdempotency } });
      keyIdempotency = randomKey();
      const shown = keyPanel(portal.name, made.key_id, made.api_key, () => {
        newKeyBox.replaceChildren();
        newKey.focus();
      });
      newKeyBox.replaceChildren(shown.panel);
      shown.focus();
      await showKeys();
    } catch (error) {
      showStatus(said, "error", refusal(error));
    } finally {
      newKey.disabled = false;
    }
  }, { kind: "primary" });

  drawDetails();
  drawActive();
  page(main, portal.name || t("co.portals.n", { id }),
    paragraph(link("#/portals", t("co.portals.back"))),
    said,
    h("section", { class: "portal__details" },
      heading(2, t("co.portal.details")), details),
    h("section", { class: "portal__keys" },
      heading(2, t("co.portal.keys")),
      paragraph(t("co.portal.keys.intro")),
      h("div", { class: "button-row" }, newKey), newKeyBox, keysBox),
    h("section", { class: "portal__state" },
      heading(2, t("co.portal.active.title")), activeBox),
    h("section", { class: "portal__edit" },
      heading(2, t("co.portal.edit")), form));
  await showKeys();
}

route("/portals", (params, main) => portalsPage(main), ROLE);
route("/portals/:id", (params, main) => portalPage(main, params.id), ROLE);
