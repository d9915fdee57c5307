// Choosing ESCO skills: a search field that suggests as you type (GET
// /v1/skills?q=..., Dutch or English label prefix, 250 ms after the last
// key), suggestions as a list of buttons, chosen skills as removable chips;
// with `withLevel` each chip has a minimum level and an "essential" box
// (the API's required_skills), without it they are plain URIs
// (taught_skills).
import { h, newId, announce } from "./dom.js";
import { t, addMessages } from "./i18n.js";
import { get } from "./api.js";
import { field, input, select } from "./ui.js";
import { rememberSkill, skillLabel, skillLabelNow } from "./entrepreneur-common.js";

addMessages({
  nl: {
    "skills.searching": "Zoeken…",
    "skills.found": "{n} gevonden. Tik er een aan om toe te voegen.",
    "skills.found.one": "1 gevonden. Tik erop om toe te voegen.",
    "skills.nothing": "Niets gevonden voor “{q}”. Probeer een ander woord.",
    "skills.type_more": "Typ minstens 2 letters.",
    "skills.failed": "Zoeken lukt nu niet. Probeer het zo opnieuw.",
    "skills.suggestions": "Suggesties",
    "skills.add": "Voeg toe: {skill}",
    "skills.added": "{skill} toegevoegd.",
    "skills.removed": "{skill} verwijderd.",
    "skills.already": "al gekozen",
    "skills.chosen": "Gekozen",
    "skills.chosen.none": "Nog niets gekozen.",
    "skills.level": "Minimaal niveau",
    "skills.essential": "Onmisbaar: zonder dit valt iemand af",
    "skills.remove": "Verwijderen",
  },
  en: {
    "skills.searching": "Searching…",
    "skills.found": "{n} found. Tap one to add it.",
    "skills.found.one": "1 found. Tap it to add it.",
    "skills.nothing": "Nothing found for “{q}”. Try another word.",
    "skills.type_more": "Type at least 2 letters.",
    "skills.failed": "Searching does not work right now. Try again in a moment.",
    "skills.suggestions": "Suggestions",
    "skills.add": "Add: {skill}",
    "skills.added": "{skill} added.",
    "skills.removed": "{skill} removed.",
    "skills.already": "already chosen",
    "skills.chosen": "Chosen",
    "skills.chosen.none": "Nothing chosen yet.",
    "skills.level": "Minimum level",
    "skills.essential": "Essential: without it someone is excluded",
    "skills.remove": "Remove",
  },
});

const LEVELS = [1, 2, 3, 4, 5];

// skillPicker({label, legend, description, withLevel, initial, onChange})
// -> {element, searchId, items(), value(), controlFor(index, field)}
// `initial`: [{uri, min_level?, essential?, label_nl?, label_en?}].
export function skillPicker({ label, legend, description, withLevel = false, initial = [], onChange = () => {} }) {
  const chosen = initial.map((s) => ({
    uri: s.uri,
    min_level: Number(s.min_level) || 2,
    essential: Boolean(s.essential),
    label_nl: s.label_nl ?? null,
    label_en: s.label_en ?? null,
  }));
  for (const s of chosen) if (s.label_nl || s.label_en) rememberSkill(s);
  const ids = new Map(); // uri -> {level, essential, remove} control ids

  const search = input({
    type: "search",
    autocomplete: "off",
    autocapitalize: "none",
    spellcheck: "false",
    enterkeyhint: "search",
    class: "utrecht-textbox skill-search__input",
  });
  const searchId = newId("skill-search");
  const status = h("p", { class: "utrecht-paragraph skill-search__status", role: "status", "aria-live": "polite" });
  const suggestions = h("ul", { class: "skill-suggestions", "aria-label": t("skills.suggestions") });
  const chips = h("ul", { class: "skill-chips" });
  const sectionId = newId("skills");

  let timer = null;
  let sequence = 0;

  search.addEventListener("input", () => {
    clearTimeout(timer);
    const q = search.value.trim();
    if (q.length < 2) {
      suggestions.replaceChildren();
      status.textContent = q.length ? t("skills.type_more") : "";
      return;
    }
    timer = setTimeout(() => find(q), 250);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      const first = suggestions.querySelector("button:not([disabled])");
      if (first) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === "Escape" && suggestions.childElementCount) {
      event.preventDefault();
      suggestions.replaceChildren();
      status.textContent = "";
    } else if (event.key === "Enter") {
      // never submit the whole form from the search field
      event.preventDefault();
      clearTimeout(timer);
      const q = search.value.trim();
      if (q.length >= 2) find(q);
    }
  });

  async function find(q) {
    const mine = ++sequence;
    status.textContent = t("skills.searching");
    let page;
    try {
      page = await get(`/v1/skills?q=${encodeURIComponent(q)}&limit=8`);
    } catch {
      if (mine === sequence) status.textContent = t("skills.failed");
      return;
    }
    if (mine !== sequence) return; // a newer search is under way
    const items = page?.items ?? [];
    items.forEach(rememberSkill);
    suggestions.replaceChildren(...items.map((skill) => {
      const taken = chosen.some((c) => c.uri === skill.uri);
      const name = skillLabelNow(skill.uri);
      return h("li", { class: "skill-suggestions__item" },
        h("button", {
          type: "button",
          class: "skill-suggestion",
          disabled: taken,
          "aria-label": taken ? `${name} (${t("skills.already")})` : t("skills.add", { skill: name }),
          onclick: () => add(skill),
          onkeydown: (event) => moveInList(event),
        }, name, taken ? h("span", { class: "skill-suggestion__note" }, ` (${t("skills.already")})`) : null));
    }));
    status.textContent = items.length === 0
      ? t("skills.nothing", { q })
      : items.length === 1 ? t("skills.found.one") : t("skills.found", { n: items.length });
  }

  function moveInList(event) {
    const buttons = [...suggestions.querySelectorAll("button:not([disabled])")];
    const at = buttons.indexOf(event.currentTarget);
    if (event.key === "ArrowDown" && at < buttons.length - 1) {
      event.preventDefault();
      buttons[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? buttons[at - 1] : search).focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      search.focus();
    }
  }

  function add(skill) {
    if (!chosen.some((c) => c.uri === skill.uri))
      chosen.push({ uri: skill.uri, min_level: 2, essential: false, label_nl: skill.label_nl, label_en: skill.label_en });
    search.value = "";
    suggestions.replaceChildren();
    status.textContent = "";
    drawChips();
    onChange();
    search.focus();
    announce(t("skills.added", { skill: skillLabelNow(skill.uri) }));
  }

  function remove(uri) {
    const at = chosen.findIndex((c) => c.uri === uri);
    if (at < 0) return;
    const name = skillLabelNow(uri);
    chosen.splice(at, 1);
    drawChips();
    onChange();
    // focus the next chip's remove button, or the search field
    const next = chosen[at] ?? chosen[at - 1];
    (next ? document.getElementById(ids.get(next.uri)?.remove) : search)?.focus();
    announce(t("skills.removed", { skill: name }));
  }

  function chip(item) {
    const name = h("span", { class: "skill-chip__name" }, skillLabelNow(item.uri));
    skillLabel(item.uri).then((label) => {
      name.textContent = label;
      removeButton.setAttribute("aria-label", `${t("skills.remove")}: ${label}`);
    });
    const removeId = newId("skill-remove");
    const removeButton = h("button", {
      type: "button",
      id: removeId,
      class: "utrecht-button utrecht-button--subtle skill-chip__remove",
      "aria-label": `${t("skills.remove")}: ${skillLabelNow(item.uri)}`,
      onclick: () => remove(item.uri),
    }, h("span", { "aria-hidden": "true" }, "✕ "), t("skills.remove"));
    const control = { remove: removeId };
    const parts = [h("legend", { class: "utrecht-form-fieldset__legend skill-chip__legend" }, name)];
    if (withLevel) {
      const level = select(LEVELS.map((n) => [String(n), t(`level.${n}`)]), {
        value: String(item.min_level),
        class: "utrecht-select skill-chip__level",
        onchange: (event) => {
          item.min_level = Number(event.target.value);
          onChange();
        },
      });
      const essentialId = newId("skill-essential");
      const essential = h("input", {
        type: "checkbox",
        id: essentialId,
        class: "utrecht-checkbox utrecht-checkbox--html-input skill-chip__essential",
        checked: item.essential,
        onchange: (event) => {
          item.essential = event.target.checked;
          onChange();
        },
      });
      parts.push(
        field(t("skills.level"), level),
        h("div", { class: "utrecht-form-field utrecht-form-field--checkbox skill-chip__essential-field" },
          essential,
          h("label", { class: "utrecht-form-label utrecht-form-label--checkbox", for: essentialId }, t("skills.essential"))));
      control.level = level.id;
      control.essential = essentialId;
    }
    parts.push(removeButton);
    ids.set(item.uri, control);
    return h("li", { class: "skill-chip" },
      h("fieldset", { class: "utrecht-form-fieldset skill-chip__fieldset" }, parts));
  }

  function drawChips() {
    ids.clear();
    chips.replaceChildren(...chosen.map(chip));
    chosenNone.hidden = chosen.length > 0;
  }

  const chosenNone = h("p", { class: "utrecht-paragraph skill-chips__none" }, t("skills.chosen.none"));
  drawChips();

  const element = h("section", { class: "skill-picker", "aria-labelledby": `${sectionId}-title` },
    h("h2", { class: "utrecht-heading-2 skill-picker__title", id: `${sectionId}-title` }, legend),
    field(label, search, { id: searchId, description }),
    status,
    suggestions,
    h("h3", { class: "utrecht-heading-3 skill-chips__title" }, t("skills.chosen")),
    chosenNone,
    chips);

  return {
    element,
    searchId,
    // for the draft: everything including labels
    items: () => chosen.map((c) => ({ ...c })),
    // for the API
    value: () => withLevel
      ? chosen.map((c) => ({ uri: c.uri, min_level: c.min_level, essential: c.essential }))
      : chosen.map((c) => c.uri),
    // the control's id of chip `index` ("min_level", "essential") for errors
    controlFor: (index, name) => {
      const c = chosen[index];
      const control = c ? ids.get(c.uri) : null;
      if (!control) return null;
      if (name === "min_level") return control.level ?? null;
      if (name === "essential") return control.essential ?? null;
      return null;
    },
  };
}
