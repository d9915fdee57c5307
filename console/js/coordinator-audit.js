// "/audit": the audit trail (GET /v1/audit), searched by who (kind and
// account id), action, resource (type and id) and time, oldest first as
// the API gives it, a page at a time ("more").
import { h } from "./dom.js";
import { t, addMessages, formatDateTime, formatNumber } from "./i18n.js";
import { get, ApiError } from "./api.js";
import { route } from "./router.js";
import { page, paragraph, link, button, field, input, select, fill, failure, setFieldError } from "./ui.js";
import { ROLE, tableShell, row, cell, scrollable } from "./coordinator-common.js";

addMessages({
  nl: {
    "co.audit.title": "Auditlog",
    "co.audit.intro": "Wie wat deed of bekeek: inloggen, elke wijziging en elke keer dat gegevens van werkzoekenden zijn gelezen. Oudste eerst.",
    "co.audit.kind": "Wie (soort)",
    "co.audit.kind.any": "Iedereen",
    "co.audit.kind.coordinator": "Coördinator",
    "co.audit.kind.employer": "Werkgever",
    "co.audit.kind.portal": "Partnerportaal",
    "co.audit.kind.operator": "Beheerder",
    "co.audit.kind.anonymous": "Onbekend (niet ingelogd)",
    "co.audit.principal": "Account- of sleutelnummer",
    "co.audit.principal.hint": "Het nummer van de persoon of het partnerportaal.",
    "co.audit.action": "Actie",
    "co.audit.action.hint": "Bijvoorbeeld login_failed, seeker.read of match.approve.",
    "co.audit.resource_type": "Soort gegevens",
    "co.audit.resource_type.hint": "Bijvoorbeeld seeker, placement, employer of match.",
    "co.audit.resource_id": "Nummer van de gegevens",
    "co.audit.since": "Vanaf",
    "co.audit.until": "Tot en met",
    "co.audit.search": "Zoeken",
    "co.audit.more": "Meer laden",
    "co.audit.caption": "Auditlog",
    "co.audit.shown": "{n} regels",
    "co.audit.shown.more": "{n} regels; er zijn er meer",
    "co.audit.none": "Niets gevonden. Probeer een ruimere zoekopdracht.",
    "co.audit.col.when": "Wanneer",
    "co.audit.col.who": "Wie",
    "co.audit.col.action": "Actie",
    "co.audit.col.resource": "Gegevens",
    "co.audit.col.address": "Adres",
    "co.audit.col.detail": "Details",
    "co.audit.detail": "Toon",
    "co.audit.request": "Verzoek {id}",
    "co.audit.wrong_id": "Vul een nummer in (1 of hoger).",
  },
  en: {
    "co.audit.title": "Audit trail",
    "co.audit.intro": "Who did or viewed what: logins, every change and every time job seekers' data was read. Oldest first.",
    "co.audit.kind": "Who (kind)",
    "co.audit.kind.any": "Anyone",
    "co.audit.kind.coordinator": "Coordinator",
    "co.audit.kind.employer": "Employer",
    "co.audit.kind.portal": "Partner portal",
    "co.audit.kind.operator": "Operator",
    "co.audit.kind.anonymous": "Unknown (not logged in)",
    "co.audit.principal": "Account or key number",
    "co.audit.principal.hint": "The number of the person or the partner portal.",
    "co.audit.action": "Action",
    "co.audit.action.hint": "For example login_failed, seeker.read or match.approve.",
    "co.audit.resource_type": "Kind of data",
    "co.audit.resource_type.hint": "For example seeker, placement, employer or match.",
    "co.audit.resource_id": "Number of the data",
    "co.audit.since": "From",
    "co.audit.until": "Up to and including",
    "co.audit.search": "Search",
    "co.audit.more": "Load more",
    "co.audit.caption": "Audit trail",
    "co.audit.shown": "{n} lines",
    "co.audit.shown.more": "{n} lines; there are more",
    "co.audit.none": "Nothing found. Try a wider search.",
    "co.audit.col.when": "When",
    "co.audit.col.who": "Who",
    "co.audit.col.action": "Action",
    "co.audit.col.resource": "Data",
    "co.audit.col.address": "Address",
    "co.audit.col.detail": "Details",
    "co.audit.detail": "Show",
    "co.audit.request": "Request {id}",
    "co.audit.wrong_id": "Enter a number (1 or more).",
  },
});

const KINDS = ["coordinator", "employer", "portal", "operator", "anonymous"];
// Resources with a page of their own in the console.
const PAGES = { seeker: "seekers", placement: "placements", employer: "employers", match: "matches" };

const isoDay = (date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;

// The search stays while the console is open; by default the last week.
const chosen = {
  kind: "", principal: "", action: "", resource_type: "", resource_id: "",
  since: isoDay(new Date(Date.now() - 7 * 86400e3)), until: "",
};

const who = (entry) => {
  const kind = t(`co.audit.kind.${entry.principal_kind}`);
  const label = kind === `co.audit.kind.${entry.principal_kind}` ? entry.principal_kind : kind;
  return entry.principal_id !== null && entry.principal_id !== undefined ? `${label} ${entry.principal_id}` : label;
};

function auditRow(entry) {
  const resource = entry.resource_type
    ? [entry.resource_type, entry.resource_id ? " " : "",
        entry.resource_id && PAGES[entry.resource_type] && /^\d+$/.test(entry.resource_id)
          ? link(`#/${PAGES[entry.resource_type]}/${entry.resource_id}`, entry.resource_id)
          : entry.resource_id ?? ""]
    : "–";
  const details = entry.detail || entry.request_id
    ? h("details", { class: "audit__detail" },
        h("summary", {}, t("co.audit.detail")),
        entry.request_id ? paragraph(t("co.audit.request", { id: entry.request_id })) : null,
        entry.detail ? h("pre", { class: "audit__json" }, JSON.stringify(entry.detail, null, 2)) : null)
    : "–";
  return row(
    cell(h("time", { datetime: entry.at }, formatDateTime(entry.at))),
    cell(who(entry)),
    cell(h("code", {}, entry.action)),
    cell(resource),
    cell(entry.client_address ?? "–"),
    cell(details),
  );
}

async function auditPage(main) {
  const kind = select([["", t("co.audit.kind.any")], ...KINDS.map((k) => [k, t(`co.audit.kind.${k}`)])], { name: "principal_kind", value: chosen.kind });
  const principal = input({ name: "principal_id", inputmode: "numeric", value: chosen.principal, autocomplete: "off" });
  const action = input({ name: "action", maxlength: "60", value: chosen.action, autocomplete: "off", spellcheck: "false" });
  const resourceType = input({ name: "resource_type", maxlength: "60", value: chosen.resource_type, autocomplete: "off", spellcheck: "false" });
  const resourceId = input({ name: "resource_id", maxlength: "60", value: chosen.resource_id, autocomplete: "off" });
  const since = input({ name: "since", type: "date", value: chosen.since });
  const until = input({ name: "until", type: "date", value: chosen.until });
  const results = h("div", { class: "audit__results" });
  const form = h("form", { class: "queue-filters", novalidate: true },
    field(t("co.audit.kind"), kind),
    field(t("co.audit.principal"), principal, { description: t("co.audit.principal.hint") }),
    field(t("co.audit.action"), action, { description: t("co.audit.action.hint") }),
    field(t("co.audit.resource_type"), resourceType, { description: t("co.audit.resource_type.hint") }),
    field(t("co.audit.resource_id"), resourceId),
    field(t("co.audit.since"), since),
    field(t("co.audit.until"), until),
    button(t("co.audit.search"), undefined, { kind: "primary", type: "submit" }));
  page(main, t("co.audit.title"), paragraph(t("co.audit.intro")), form, results);

  const search = () => {
    Object.assign(chosen, {
      kind: kind.value, principal: principal.value.trim(), action: action.value.trim(),
      resource_type: resourceType.value.trim(), resource_id: resourceId.value.trim(),
      since: since.value, until: until.value,
    });
    setFieldError(principal.id, null);
    if (chosen.principal && !/^[1-9]\d*$/.test(chosen.principal)) {
      setFieldError(principal.id, t("co.audit.wrong_id"));
      principal.focus();
      return;
    }
    const query = new URLSearchParams();
    if (chosen.kind) query.set("principal_kind", chosen.kind);
    if (chosen.principal) query.set("principal_id", chosen.principal);
    if (chosen.action) query.set("action", chosen.action);
    if (chosen.resource_type) query.set("resource_type", chosen.resource_type);
    if (chosen.resource_id) query.set("resource_id", chosen.resource_id);
    // a day in the browser's time zone: from its first to its last moment
    if (chosen.since) query.set("since", new Date(`${chosen.since}T00:00:00`).toISOString());
    if (chosen.until) query.set("until", new Date(`${chosen.until}T23:59:59.999`).toISOString());
    query.set("limit", "200");
    const base = `/v1/audit?${query}`;

    const controls = { principal_kind: kind, principal_id: principal, action, resource_type: resourceType,
      resource_id: resourceId, since, until };
    for (const control of Object.values(controls)) setFieldError(control.id, null);
    return fill(results, async () => {
      let first;
      try {
        first = await get(base);
      } catch (error) {
        // a refused parameter: said at its field, the first one focused
        if (error instanceof ApiError && error.status === 422) {
          const wrong = error.details.filter((d) => controls[d.field]);
          for (const d of wrong) setFieldError(controls[d.field].id, d.problem);
          if (wrong.length) controls[wrong[0].field].focus();
        }
        throw error;
      }
      const { table, tbody } = tableShell([
        t("co.audit.col.when"), t("co.audit.col.who"), t("co.audit.col.action"),
        t("co.audit.col.resource"), t("co.audit.col.address"), t("co.audit.col.detail"),
      ], { caption: t("co.audit.caption") });
      const count = h("p", { class: "utrecht-paragraph", role: "status" });
      const problem = h("div", { role: "alert" });
      const moreRow = h("p", { class: "utrecht-paragraph audit__more" });
      let shown = 0;
      let cursor = null;
      const add = (pageOfEntries) => {
        const rows = pageOfEntries.items.map(auditRow);
        tbody.append(...rows);
        shown += rows.length;
        cursor = pageOfEntries.next_cursor;
        count.textContent = t(cursor ? "co.audit.shown.more" : "co.audit.shown", { n: formatNumber(shown) });
        moreRow.replaceChildren(cursor ? more : "");
        return rows;
      };
      const more = button(t("co.audit.more"), async () => {
        more.disabled = true;
        problem.replaceChildren();
        try {
          const rows = add(await get(`${base}&cursor=${encodeURIComponent(cursor)}`));
          // the first new line's time, focusable, so the keyboard goes on from there
          const first = rows[0]?.querySelector("time");
          if (first) {
            first.tabIndex = -1;
            first.focus();
          }
        } catch (error) {
          problem.replaceChildren(failure(error));
        } finally {
          more.disabled = false;
        }
      });
      if (!first.items.length) return [paragraph(t("co.audit.none"))];
      add(first);
      return [count, scrollable(table, t("co.audit.caption")), problem, moreRow];
    });
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  await search();
}

route("/audit", (params, main) => auditPage(main), ROLE);
