// The weekly schedule editor: a table of days (columns) and hours (rows),
// every hour a <button aria-pressed> named "maandag 09:00". 06:00-22:00
// shows by default; "Hele dag tonen" shows all 24 hours. Hours set outside
// the visible part are kept and said in words.
import { h, newId, announce } from "./dom.js";
import { t, addMessages } from "./i18n.js";
import { button } from "./ui.js";
import { DAYS, emptyWeek, slotCount, intervalsFromSlots, scheduleInWords } from "./entrepreneur-common.js";

addMessages({
  nl: {
    "grid.caption": "Tik de uren aan waarop iemand bij je werkt. Elk vakje is een uur.",
    "grid.hour": "{day} {time}",
    "grid.all_day": "Hele dag tonen",
    "grid.copy_monday": "Maandag ook op di t/m vr",
    "grid.copy_monday.done": "De uren van maandag staan nu ook op dinsdag tot en met vrijdag.",
    "grid.clear": "Alles wissen",
    "grid.clear.done": "Het weekrooster is leeg.",
    "grid.summary": "Gekozen: {words} ({hours}).",
    "grid.hidden": "Let op: er zijn ook uren gekozen buiten 06:00–22:00. Tik op “Hele dag tonen” om ze te zien.",
  },
  en: {
    "grid.caption": "Tap the hours someone works with you. Each box is one hour.",
    "grid.hour": "{day} {time}",
    "grid.all_day": "Show the whole day",
    "grid.copy_monday": "Monday also on Tue to Fri",
    "grid.copy_monday.done": "Monday's hours are now also on Tuesday to Friday.",
    "grid.clear": "Clear all",
    "grid.clear.done": "The weekly schedule is empty.",
    "grid.summary": "Chosen: {words} ({hours}).",
    "grid.hidden": "Note: hours outside 06:00–22:00 are chosen too. Tap “Show the whole day” to see them.",
  },
});

const FIRST = 6;
const LAST = 22; // exclusive: the last row is 21:00-22:00

// weekGrid({week, label, description, onChange}) -> {element, id, value(), intervals(), hours()}
// `week` is 7 arrays of 24 booleans; `id` names the group for setFieldError.
export function weekGrid({ week: initial, label, description, onChange = () => {} }) {
  const week = initial ? initial.map((hours) => [...hours]) : emptyWeek();
  const id = newId("schedule");
  let allDay = false;
  const tableHolder = h("div", { class: "week-grid__scroll" });
  const summary = h("p", { class: "utrecht-paragraph week-grid__summary", id: `${id}-summary` });
  const hidden = h("p", { class: "utrecht-paragraph week-grid__hidden" });

  const hourButton = (d, hour) => h("button", {
    type: "button",
    class: "week-grid__hour",
    "aria-pressed": week[d][hour] ? "true" : "false",
    "aria-label": t("grid.hour", { day: t(`day.${DAYS[d]}`), time: `${String(hour).padStart(2, "0")}:00` }),
    "data-day": DAYS[d],
    "data-hour": String(hour),
    onclick: (event) => {
      week[d][hour] = !week[d][hour];
      event.currentTarget.setAttribute("aria-pressed", week[d][hour] ? "true" : "false");
      changed();
    },
    onkeydown: (event) => move(event, d, hour),
  });

  // Arrow keys move between hours like in a grid.
  function move(event, d, hour) {
    const step = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] }[event.key];
    if (!step) return;
    const first = allDay ? 0 : FIRST;
    const last = allDay ? 24 : LAST;
    const nd = d + step[0];
    const nh = hour + step[1];
    if (nd < 0 || nd > 6 || nh < first || nh >= last) return;
    event.preventDefault();
    tableHolder.querySelector(`[data-day="${DAYS[nd]}"][data-hour="${nh}"]`)?.focus();
  }

  function drawTable() {
    const first = allDay ? 0 : FIRST;
    const last = allDay ? 24 : LAST;
    const rows = [];
    for (let hour = first; hour < last; hour++)
      rows.push(h("tr", { class: "week-grid__row" },
        h("th", { scope: "row", class: "week-grid__time" }, `${String(hour).padStart(2, "0")}:00`),
        DAYS.map((day, d) => h("td", { class: "week-grid__cell" }, hourButton(d, hour)))));
    tableHolder.replaceChildren(h("table", { class: "week-grid" },
      h("caption", { class: "week-grid__caption" }, t("grid.caption")),
      h("thead", {},
        h("tr", {},
          h("td", { class: "week-grid__corner" }),
          DAYS.map((day) => h("th", { scope: "col", class: "week-grid__day" },
            h("abbr", { title: t(`day.${day}`) }, t(`day.short.${day}`)))))),
      h("tbody", {}, rows)));
  }

  function words() {
    const n = slotCount(week);
    summary.textContent = t("grid.summary", {
      words: scheduleInWords(intervalsFromSlots(week)),
      hours: t("schedule.hours", { n }),
    });
    const outside = week.some((hours) => hours.some((on, hour) => on && (hour < FIRST || hour >= LAST)));
    hidden.textContent = outside && !allDay ? t("grid.hidden") : "";
  }

  function changed() {
    words();
    onChange();
  }

  const allDayButton = h("button", {
    type: "button",
    class: "utrecht-button utrecht-button--subtle week-grid__toggle",
    "aria-pressed": "false",
    onclick: () => {
      allDay = !allDay;
      allDayButton.setAttribute("aria-pressed", allDay ? "true" : "false");
      drawTable();
      words();
    },
  }, t("grid.all_day"));

  const tools = h("div", { class: "week-grid__tools" },
    button(t("grid.copy_monday"), () => {
      for (let d = 1; d <= 4; d++) week[d] = [...week[0]];
      drawTable();
      changed();
      announce(t("grid.copy_monday.done"));
    }, { kind: "secondary" }),
    button(t("grid.clear"), () => {
      for (let d = 0; d < 7; d++) week[d].fill(false);
      drawTable();
      changed();
      announce(t("grid.clear.done"));
    }, { kind: "subtle" }),
    allDayButton);

  drawTable();
  words();

  const legendId = `${id}-legend`;
  const describedBy = [description ? `${id}-description` : null, `${id}-summary`, `${id}-error`].filter(Boolean);
  const element = h("div", {
    class: "utrecht-form-field week-grid-field",
    role: "group",
    id,
    "aria-labelledby": legendId,
    "aria-describedby": describedBy.join(" "),
  },
    h("div", { class: "utrecht-form-label week-grid-field__label", id: legendId }, label),
    description ? h("div", { class: "utrecht-form-field-description", id: `${id}-description` }, description) : null,
    tableHolder,
    summary,
    hidden,
    tools,
    h("div", { class: "utrecht-form-field-error-message", id: `${id}-error`, role: "alert" }));

  return {
    element,
    id,
    value: () => week.map((hours) => [...hours]),
    intervals: () => intervalsFromSlots(week),
    hours: () => slotCount(week),
  };
}
