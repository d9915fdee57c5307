// A new placement (POST /v1/placements) or a change to one (PATCH with
// If-Match). What is typed is kept in sessionStorage at every change, so a
// locked phone, a lost connection or an expired session loses nothing; the
// draft goes once the server has stored the placement.
import { h, newId, announce } from "./dom.js";
import { t, addMessages } from "./i18n.js";
import { route, go, currentPath } from "./router.js";
import { page, paragraph, link, button, field, input, textarea, select, alert, failure, setFieldError } from "./ui.js";
import {
  CEFR, CERTIFICATES, cefrLabel, certificateLabel, slotsFromIntervals, slotCount,
  request, randomKey, showFormErrors, setFlash, takeFlash, rememberSkill,
} from "./entrepreneur-common.js";
import { weekGrid } from "./entrepreneur-schedule.js";
import { skillPicker } from "./entrepreneur-skills.js";

addMessages({
  nl: {
    "form.new.title": "Nieuwe leerplek",
    "form.edit.title": "Leerplek wijzigen",
    "form.intro": "Vul in wat je weet. Alles wordt op dit toestel bewaard tot je op “Opslaan” tikt.",
    "form.restored.new": "Je was hier nog mee bezig. We hebben je gegevens teruggezet.",
    "form.restored.edit": "Je wijzigingen van eerder staan weer in het formulier. Ze zijn nog niet opgeslagen.",
    "form.discard.new": "Opnieuw beginnen",
    "form.discard.edit": "Wijzigingen weggooien",
    "form.discarded": "Je wijzigingen zijn weggegooid.",
    "form.title": "Titel van de leerplek",
    "form.title.description": "Bijvoorbeeld: Zonnepanelen leggen",
    "form.description": "Omschrijving (niet verplicht)",
    "form.description.description": "Wat doet iemand op een gewone dag bij jou?",
    "form.postcode": "Postcode van de werkplek",
    "form.postcode.description": "Bijvoorbeeld 2516 BE",
    "form.when": "Wanneer",
    "form.start_date": "Begindatum",
    "form.end_date": "Einddatum",
    "form.schedule": "Weekrooster",
    "form.schedule.description": "Op welke uren werkt iemand bij je?",
    "form.hours_per_week": "Uren per week",
    "form.hours_per_week.description": "Je weekrooster heeft nu {n} uur. Meer mag niet.",
    "form.capacity": "Aantal plaatsen",
    "form.capacity.description": "Hoeveel mensen kunnen tegelijk bij je leren?",
    "form.required_skills": "Wat moet iemand al kunnen?",
    "form.required_skills.search": "Zoek een vaardigheid",
    "form.required_skills.description": "Typ een paar letters, bijvoorbeeld “metsel” of “las”.",
    "form.taught_skills": "Wat leert iemand bij jou?",
    "form.taught_skills.search": "Zoek een leerdoel",
    "form.taught_skills.description": "Niet verplicht. Typ een paar letters.",
    "form.more": "Meer eisen (niet verplicht)",
    "form.min_dutch_level": "Niveau Nederlands",
    "form.min_dutch_level.description": "A1 is beginner, B1 is een gewoon gesprek voeren, C2 is als moedertaal.",
    "form.certificates": "Nodige certificaten",
    "form.save": "Opslaan",
    "form.saving": "Bezig met opslaan…",
    "form.saved": "De leerplek is opgeslagen.",
    "form.back": "Terug (je gegevens blijven bewaard)",
    "form.stale": "Iemand anders heeft deze leerplek intussen gewijzigd. Wat wil je doen?",
    "form.stale.keep": "Toch mijn versie opslaan",
    "form.required": "Dit moet je nog invullen.",
    "hint.title": "Vul een titel in (hoogstens 200 tekens).",
    "hint.description": "Gebruik hoogstens 5000 tekens.",
    "hint.postcode": "Vul een bestaande postcode in, bijvoorbeeld 2516 BE.",
    "hint.schedule": "Tik minstens één uur aan in het weekrooster.",
    "hint.hours_per_week": "Vul 1 tot 60 uur in, niet meer dan de uren in je weekrooster.",
    "hint.start_date": "Kies een begindatum.",
    "hint.end_date": "Kies een einddatum na de begindatum.",
    "hint.capacity": "Vul 1 tot 100 plaatsen in.",
    "hint.required_skills": "Controleer de gekozen vaardigheden.",
    "hint.taught_skills": "Controleer de gekozen leerdoelen.",
    "hint.min_dutch_level": "Kies een niveau.",
    "hint.certificates": "Controleer de certificaten.",
  },
  en: {
    "form.new.title": "New placement",
    "form.edit.title": "Change placement",
    "form.intro": "Fill in what you know. Everything is kept on this device until you tap “Save”.",
    "form.restored.new": "You were still working on this. We have put your details back.",
    "form.restored.edit": "Your earlier changes are back in the form. They are not saved yet.",
    "form.discard.new": "Start again",
    "form.discard.edit": "Throw away changes",
    "form.discarded": "Your changes have been thrown away.",
    "form.title": "Title of the placement",
    "form.title.description": "For example: Laying solar panels",
    "form.description": "Description (optional)",
    "form.description.description": "What does someone do on an ordinary day with you?",
    "form.postcode": "Postcode of the workplace",
    "form.postcode.description": "For example 2516 BE",
    "form.when": "When",
    "form.start_date": "Start date",
    "form.end_date": "End date",
    "form.schedule": "Weekly schedule",
    "form.schedule.description": "Which hours does someone work with you?",
    "form.hours_per_week": "Hours per week",
    "form.hours_per_week.description": "Your weekly schedule now has {n} hours. No more than that.",
    "form.capacity": "Number of places",
    "form.capacity.description": "How many people can learn with you at the same time?",
    "form.required_skills": "What must someone already be able to do?",
    "form.required_skills.search": "Search for a skill",
    "form.required_skills.description": "Type a few letters, for example “weld” or “brick”.",
    "form.taught_skills": "What does someone learn with you?",
    "form.taught_skills.search": "Search for a learning goal",
    "form.taught_skills.description": "Optional. Type a few letters.",
    "form.more": "More requirements (optional)",
    "form.min_dutch_level": "Level of Dutch",
    "form.min_dutch_level.description": "A1 is a beginner, B1 can hold an ordinary conversation, C2 is like a native speaker.",
    "form.certificates": "Certificates needed",
    "form.save": "Save",
    "form.saving": "Saving…",
    "form.saved": "The placement has been saved.",
    "form.back": "Back (your details stay kept)",
    "form.stale": "Someone else has changed this placement in the meantime. What do you want to do?",
    "form.stale.keep": "Save my version anyway",
    "form.required": "You still need to fill this in.",
    "hint.title": "Fill in a title (at most 200 characters).",
    "hint.description": "Use at most 5000 characters.",
    "hint.postcode": "Fill in an existing postcode, for example 2516 BE.",
    "hint.schedule": "Tap at least one hour in the weekly schedule.",
    "hint.hours_per_week": "Fill in 1 to 60 hours, no more than the hours in your weekly schedule.",
    "hint.start_date": "Choose a start date.",
    "hint.end_date": "Choose an end date after the start date.",
    "hint.capacity": "Fill in 1 to 100 places.",
    "hint.required_skills": "Check the chosen skills.",
    "hint.taught_skills": "Check the chosen learning goals.",
    "hint.min_dutch_level": "Choose a level.",
    "hint.certificates": "Check the certificates.",
  },
});

const EMPTY = {
  title: "", description: "", postcode: "", start_date: "", end_date: "",
  hours_per_week: "", capacity: "1", schedule: [], required_skills: [], taught_skills: [],
  min_dutch_level: "none", certificates: [],
};

const draftKey = (me, id) => `bpa-placement-draft:${me.account_id ?? "x"}:${id ?? "new"}`;

function readDraft(key) {
  try {
    const text = sessionStorage.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
function writeDraft(key, draft) {
  try {
    sessionStorage.setItem(key, JSON.stringify(draft));
  } catch {
    /* private mode or full: nothing to do but go on */
  }
}
function dropDraft(key) {
  try {
    sessionStorage.removeItem(key);
  } catch {
    /* as above */
  }
}

// Whether a draft of a new placement waits (the list screen says so).
export const hasNewDraft = (me) => readDraft(draftKey(me, null)) !== null;

function fromPlacement(p) {
  return {
    title: p.title ?? "",
    description: p.description ?? "",
    postcode: p.postcode ?? "",
    start_date: p.start_date ?? "",
    end_date: p.end_date ?? "",
    hours_per_week: p.hours_per_week != null ? String(p.hours_per_week) : "",
    capacity: p.capacity != null ? String(p.capacity) : "",
    schedule: p.schedule ?? [],
    required_skills: (p.required_skills ?? []).map((s) => ({ uri: s.uri, min_level: s.min_level, essential: s.essential })),
    taught_skills: (p.taught_skills ?? []).map((uri) => ({ uri })),
    min_dutch_level: p.min_dutch_level ?? "none",
    certificates: p.certificates ?? [],
  };
}

async function placementForm(main, me, id) {
  const key = draftKey(me, id);
  const title = t(id ? "form.edit.title" : "form.new.title");
  let etag = null;
  let values = { ...EMPTY };
  if (id) {
    try {
      const loaded = await request("GET", `/v1/placements/${encodeURIComponent(id)}`);
      etag = loaded.etag ?? `"${loaded.body.version}"`;
      values = fromPlacement(loaded.body);
    } catch (error) {
      page(main, title, failure(error), paragraph(link("#/placements", t("placements.back"))));
      return;
    }
  }
  const draft = readDraft(key);
  if (draft?.values) {
    values = { ...values, ...draft.values };
    if (draft.etag) etag = draft.etag; // the version the changes were made on
    for (const s of [...(values.required_skills ?? []), ...(values.taught_skills ?? [])])
      if (s.label_nl || s.label_en) rememberSkill(s);
  }
  let idempotency = draft?.idempotency ?? null;

  // --- the controls ---
  const titleInput = input({ name: "title", maxlength: "200", autocomplete: "off", required: true, value: values.title });
  const descriptionInput = textarea({ name: "description", rows: "4", maxlength: "5000" });
  descriptionInput.value = values.description;
  const postcodeInput = input({
    name: "postcode", maxlength: "7", autocomplete: "postal-code", autocapitalize: "characters",
    required: true, value: values.postcode, class: "utrecht-textbox utrecht-textbox--sm",
  });
  const startInput = input({ type: "date", name: "start_date", required: true, value: values.start_date });
  const endInput = input({ type: "date", name: "end_date", required: true, value: values.end_date });
  const grid = weekGrid({
    week: slotsFromIntervals(values.schedule),
    label: t("form.schedule"),
    description: t("form.schedule.description"),
    onChange: () => {
      if (hoursAuto) hoursInput.value = grid.hours() ? String(grid.hours()) : "";
      hoursDescription();
      changed();
    },
  });
  const hoursInput = input({
    type: "number", name: "hours_per_week", inputmode: "decimal", min: "1", max: "60", step: "0.5",
    required: true, value: values.hours_per_week, class: "utrecht-textbox utrecht-textbox--sm",
  });
  let hoursAuto = values.hours_per_week === "" ||
    Number(values.hours_per_week) === slotCount(slotsFromIntervals(values.schedule));
  hoursInput.addEventListener("input", () => (hoursAuto = hoursInput.value === ""));
  const capacityInput = input({
    type: "number", name: "capacity", inputmode: "numeric", min: "1", max: "100", step: "1",
    required: true, value: values.capacity, class: "utrecht-textbox utrecht-textbox--sm",
  });
  const required = skillPicker({
    legend: t("form.required_skills"),
    label: t("form.required_skills.search"),
    description: t("form.required_skills.description"),
    withLevel: true,
    initial: values.required_skills,
    onChange: () => changed(),
  });
  const taught = skillPicker({
    legend: t("form.taught_skills"),
    label: t("form.taught_skills.search"),
    description: t("form.taught_skills.description"),
    initial: values.taught_skills,
    onChange: () => changed(),
  });
  const dutchSelect = select(CEFR.map((level) => [level, cefrLabel(level)]), { name: "min_dutch_level", value: values.min_dutch_level });
  const otherCertificates = (values.certificates ?? []).filter((c) => !CERTIFICATES.includes(c));
  const certificateBoxes = CERTIFICATES.map((code) => {
    const boxId = newId("cert");
    return {
      code,
      box: h("input", {
        type: "checkbox", id: boxId, name: "certificates", value: code,
        class: "utrecht-checkbox utrecht-checkbox--html-input",
        checked: (values.certificates ?? []).includes(code),
      }),
    };
  });
  const certificatesId = certificateBoxes[0].box.id;

  const hoursField = field(t("form.hours_per_week"), hoursInput, {
    description: t("form.hours_per_week.description", { n: slotCount(slotsFromIntervals(values.schedule)) }),
  });
  function hoursDescription() {
    const box = hoursField.querySelector(".utrecht-form-field-description");
    if (box) box.textContent = t("form.hours_per_week.description", { n: grid.hours() });
  }

  // --- the draft ---
  function collect() {
    return {
      title: titleInput.value,
      description: descriptionInput.value,
      postcode: postcodeInput.value,
      start_date: startInput.value,
      end_date: endInput.value,
      hours_per_week: hoursInput.value,
      capacity: capacityInput.value,
      schedule: grid.intervals(),
      required_skills: required.items(),
      taught_skills: taught.items(),
      min_dutch_level: dutchSelect.value,
      certificates: [...certificateBoxes.filter((c) => c.box.checked).map((c) => c.code), ...otherCertificates],
    };
  }
  const save = () => writeDraft(key, { id: id ?? null, etag, idempotency, values: collect() });
  const changed = () => save();

  // --- the body for the API ---
  function body() {
    const v = collect();
    const number = (text) => (text.trim() === "" ? undefined : Number(text.replace(",", ".")));
    const out = {
      title: v.title.trim(),
      description: v.description.trim(),
      postcode: v.postcode.trim(),
      schedule: v.schedule,
      start_date: v.start_date || undefined,
      end_date: v.end_date || undefined,
      hours_per_week: number(v.hours_per_week),
      capacity: number(v.capacity),
      required_skills: required.value(),
      taught_skills: taught.value(),
      min_dutch_level: v.min_dutch_level,
      certificates: v.certificates,
    };
    if (!id && !out.description) delete out.description;
    return out;
  }

  // What the server would refuse for a missing value, said before sending.
  function missing(b) {
    const details = [];
    for (const name of ["title", "postcode", "start_date", "end_date", "hours_per_week", "capacity"])
      if (b[name] === undefined || b[name] === "" || Number.isNaN(b[name])) details.push({ field: name, problem: "missing" });
    if (!b.schedule.length) details.push({ field: "schedule", problem: "missing" });
    return details;
  }

  const fields = {
    title: { id: titleInput.id || (titleInput.id = newId()), label: t("form.title"), hint: t("hint.title") },
    description: { id: descriptionInput.id || (descriptionInput.id = newId()), label: t("form.description"), hint: t("hint.description") },
    postcode: { id: postcodeInput.id || (postcodeInput.id = newId()), label: t("form.postcode"), hint: t("hint.postcode") },
    start_date: { id: startInput.id || (startInput.id = newId()), label: t("form.start_date"), hint: t("hint.start_date") },
    end_date: { id: endInput.id || (endInput.id = newId()), label: t("form.end_date"), hint: t("hint.end_date") },
    schedule: { id: grid.id, label: t("form.schedule"), hint: t("hint.schedule") },
    hours_per_week: { id: hoursInput.id || (hoursInput.id = newId()), label: t("form.hours_per_week"), hint: t("hint.hours_per_week") },
    capacity: { id: capacityInput.id || (capacityInput.id = newId()), label: t("form.capacity"), hint: t("hint.capacity") },
    required_skills: { id: required.searchId, label: t("form.required_skills"), hint: t("hint.required_skills") },
    taught_skills: { id: taught.searchId, label: t("form.taught_skills"), hint: t("hint.taught_skills") },
    min_dutch_level: { id: dutchSelect.id || (dutchSelect.id = newId()), label: t("form.min_dutch_level"), hint: t("hint.min_dutch_level") },
    certificates: { id: certificatesId, label: t("form.certificates"), hint: t("hint.certificates") },
  };
  fields.lat = fields.postcode;
  fields.lon = fields.postcode;
  const resolve = (path) => {
    const m = /^required_skills\[(\d+)\]\.(min_level|essential)/.exec(path);
    return m ? required.controlFor(Number(m[1]), m[2]) : null;
  };

  // --- sending ---
  const summary = h("div", { class: "form-summary-holder" });
  const saveButton = button(t("form.save"), undefined, { kind: "primary", type: "submit" });
  saveButton.classList.add("form-actions__save");
  const progress = h("p", { class: "utrecht-paragraph form-actions__progress", role: "status" });

  async function submit(event) {
    event?.preventDefault();
    for (const f of Object.values(fields)) setFieldError(f.id, "");
    const b = body();
    const absent = missing(b);
    if (absent.length) {
      showFormErrors(summary, { details: absent }, fields, resolve);
      return;
    }
    saveButton.disabled = true;
    progress.textContent = t("form.saving");
    try {
      let saved;
      if (id) {
        saved = await request("PATCH", `/v1/placements/${encodeURIComponent(id)}`, b, etag ? { "If-Match": etag } : {});
      } else {
        // the same body after a lost answer is sent with the same key, so it
        // is stored once; another body gets a new key
        const text = JSON.stringify(b);
        if (!idempotency || idempotency.body !== text) idempotency = { key: randomKey(), body: text };
        save();
        saved = await request("POST", "/v1/placements", b, { "Idempotency-Key": idempotency.key });
      }
      dropDraft(key);
      setFlash("ok", t("form.saved"));
      go(`/placements/${saved.body.id}`);
    } catch (error) {
      saveButton.disabled = false;
      progress.textContent = "";
      if (error.status === 422 && error.code === "validation_failed") {
        showFormErrors(summary, error, fields, resolve);
      } else if (error.status === 422 && error.code === "idempotency_key_reused") {
        idempotency = null;
        save();
        showFormErrors(summary, error, fields, resolve);
      } else if (error.status === 412) {
        stale();
      } else {
        showFormErrors(summary, error, fields, resolve);
      }
    }
  }

  // Someone else saved first: keep these changes (on the new version) or
  // throw them away.
  function stale() {
    const box = alert("warning",
      paragraph(t("form.stale")),
      h("div", { class: "button-row" },
        button(t("form.stale.keep"), async () => {
          try {
            const fresh = await request("GET", `/v1/placements/${encodeURIComponent(id)}`);
            etag = fresh.etag ?? `"${fresh.body.version}"`;
            save();
            summary.replaceChildren();
            await submit();
          } catch (error) {
            showFormErrors(summary, error, fields, resolve);
          }
        }, { kind: "primary" }),
        button(t("form.discard.edit"), () => discard(), { kind: "secondary" })));
    box.tabIndex = -1;
    summary.replaceChildren(box);
    box.focus();
    announce(t("form.stale"));
  }

  function discard() {
    dropDraft(key);
    setFlash("ok", t("form.discarded"));
    go(currentPath());
  }

  // --- the page ---
  const form = h("form", { class: "placement-form", novalidate: true, onsubmit: submit },
    summary,
    field(t("form.title"), titleInput, { id: fields.title.id, description: t("form.title.description") }),
    field(t("form.description"), descriptionInput, { id: fields.description.id, description: t("form.description.description") }),
    field(t("form.postcode"), postcodeInput, { id: fields.postcode.id, description: t("form.postcode.description") }),
    h("fieldset", { class: "utrecht-form-fieldset form-dates" },
      h("legend", { class: "utrecht-form-fieldset__legend" }, t("form.when")),
      field(t("form.start_date"), startInput, { id: fields.start_date.id }),
      field(t("form.end_date"), endInput, { id: fields.end_date.id })),
    grid.element,
    hoursField,
    field(t("form.capacity"), capacityInput, { id: fields.capacity.id, description: t("form.capacity.description") }),
    required.element,
    taught.element,
    h("details", { class: "form-more", open: values.min_dutch_level !== "none" || values.certificates?.length ? true : false },
      h("summary", { class: "form-more__summary" }, t("form.more")),
      field(t("form.min_dutch_level"), dutchSelect, { id: fields.min_dutch_level.id, description: t("form.min_dutch_level.description") }),
      h("fieldset", { class: "utrecht-form-fieldset form-certificates" },
        h("legend", { class: "utrecht-form-fieldset__legend" }, t("form.certificates")),
        certificateBoxes.map(({ code, box }) =>
          h("div", { class: "utrecht-form-field utrecht-form-field--checkbox" },
            box,
            h("label", { class: "utrecht-form-label utrecht-form-label--checkbox", for: box.id }, certificateLabel(code)))),
        h("div", { class: "utrecht-form-field-error-message", id: `${certificatesId}-error`, role: "alert" }))),
    h("div", { class: "form-actions" }, saveButton, progress),
    paragraph(link(id ? `#/placements/${id}` : "#/placements", t("form.back"))));
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  const restored = draft?.values
    ? alert("info",
        paragraph(t(id ? "form.restored.edit" : "form.restored.new")),
        button(t(id ? "form.discard.edit" : "form.discard.new"), () => discard(), { kind: "secondary" }))
    : null;
  const flash = takeFlash();
  page(main, title, flash ? alert(flash.kind, paragraph(flash.text)) : null,
    restored ?? paragraph(t("form.intro")), form);
  if (flash) announce(flash.text);
}

export function registerForm() {
  route("/placements/new", (params, main, me) => placementForm(main, me, null), { roles: ["employer"] });
  route("/placements/:id/edit", (params, main, me) => placementForm(main, me, params.id), { roles: ["employer"] });
}
