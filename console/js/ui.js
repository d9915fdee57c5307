// The pieces every screen is made of, in the NL Design System's
// (Utrecht) CSS classes: headings, buttons, fields, tables, alerts.
import { h, newId, replace, announce } from "./dom.js";
import { t, formatDate } from "./i18n.js";

export const heading = (level, text) => h(`h${level}`, { class: `utrecht-heading-${level}` }, text);
export const paragraph = (...children) => h("p", { class: "utrecht-paragraph" }, ...children);
export const link = (href, text) => h("a", { class: "utrecht-link", href }, text);

// A button; `kind` "primary" (the obvious next step), "secondary" or "subtle".
export function button(label, onclick, { kind = "secondary", type = "button", disabled } = {}) {
  return h(
    "button",
    { class: ["utrecht-button", kind === "subtle" ? "utrecht-button--subtle" : `utrecht-button--${kind}-action`], type, onclick, disabled },
    label,
  );
}

// A labelled form field around `control` (an input, select or textarea made
// with input()/select()/textarea()); description and error are optional.
export function field(label, control, { description, error, id = control.id || newId() } = {}) {
  control.id = id;
  const describedBy = [];
  const parts = [h("label", { class: "utrecht-form-label", for: id }, label)];
  if (description) {
    const descriptionId = `${id}-description`;
    describedBy.push(descriptionId);
    parts.push(h("div", { class: "utrecht-form-field-description", id: descriptionId }, description));
  }
  const errorBox = h("div", { class: "utrecht-form-field-error-message", id: `${id}-error`, role: "alert" });
  if (error) errorBox.textContent = error;
  describedBy.push(errorBox.id);
  control.setAttribute("aria-describedby", describedBy.join(" "));
  return h("div", { class: "utrecht-form-field" }, ...parts, control, errorBox);
}

// Shows or clears a field's error (the field's control has `id`).
export function setFieldError(id, message) {
  const box = document.getElementById(`${id}-error`);
  const control = document.getElementById(id);
  if (box) box.textContent = message ?? "";
  if (control) control.setAttribute("aria-invalid", message ? "true" : "false");
}

export const input = (attributes = {}) =>
  h("input", { class: "utrecht-textbox utrecht-textbox--html-input", type: "text", ...attributes });
export const textarea = (attributes = {}) =>
  h("textarea", { class: "utrecht-textarea utrecht-textarea--html-textarea", ...attributes });

// select([["value", "Label"], ...], {value})
export function select(options, attributes = {}) {
  const { value, ...rest } = attributes;
  return h(
    "select",
    { class: "utrecht-select utrecht-select--html-select", ...rest },
    options.map(([v, label]) => h("option", { value: v, selected: String(v) === String(value) }, label)),
  );
}

// A table: columns [{label, cell: (row) => node or text}], rows.
export function table(columns, rows, { caption, empty } = {}) {
  if (!rows.length) return paragraph(empty ?? t("list.empty"));
  return h(
    "table",
    { class: "utrecht-table" },
    caption ? h("caption", { class: "utrecht-table__caption" }, caption) : null,
    h("thead", { class: "utrecht-table__header" },
      h("tr", { class: "utrecht-table__row" },
        columns.map((c) => h("th", { class: "utrecht-table__header-cell", scope: "col" }, c.label)))),
    h("tbody", { class: "utrecht-table__body" },
      rows.map((row) =>
        h("tr", { class: "utrecht-table__row" },
          columns.map((c) => h("td", { class: "utrecht-table__cell" }, c.cell(row)))))),
  );
}

// A message box: kind "info", "ok", "warning" or "error".
export function alert(kind, ...children) {
  return h(
    "div",
    { class: ["utrecht-alert", `utrecht-alert--${kind}`], role: kind === "error" ? "alert" : "status" },
    h("div", { class: "utrecht-alert__message" }, ...children),
  );
}

// A state as a small label ("approved" → "goedgekeurd").
export const badge = (state) => h("span", { class: ["utrecht-status-badge", `state-${state}`] }, t(`state.${state}`));

export const loading = () => h("p", { class: "utrecht-paragraph loading", role: "status" }, t("loading"));

// What went wrong, in words (an ApiError's message is already a sentence).
export const failure = (error) => alert("error", paragraph(error?.message ?? t("error.unknown")));

// A definition list of [label, value] pairs.
export function facts(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== "")
    .flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

// Fills `main` with the page: heading first, focus moved there so that
// keyboard and screen-reader users start at the top of the new screen.
export function page(main, title, ...children) {
  document.title = `${title} · Binck Praktijk Academie`;
  const h1 = heading(1, title);
  h1.tabIndex = -1;
  replace(main, h1, ...children);
  h1.focus();
  announce(title);
}

// Runs `load` (a promise of nodes) into `container`, showing "loading" then
// the result or the failure.
export async function fill(container, load) {
  replace(container, loading());
  try {
    replace(container, ...[await load()].flat());
  } catch (error) {
    replace(container, failure(error));
  }
}

export const date = formatDate;
