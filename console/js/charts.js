// Small bar charts, drawn here as SVG (no chart library): one row per bar
// with its label and its number in text beside it, so a bar never stands
// for a figure on its own. The chart is one image to a screen reader, its
// name the title and every figure in words; the screens show the same
// figures in a table too. Colours come from console.css (section 13), as
// the console's CSP allows no inline style.
import { h, newId } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

// One bar: the track (the whole width) and the filled part, `share` 0..1.
function bar(share, kind) {
  const graphic = svg("svg", {
    class: ["chart__bar", kind ? `chart__bar--${kind}` : ""].join(" ").trim(),
    width: "100%", height: "20", focusable: "false", "aria-hidden": "true",
  });
  graphic.append(svg("rect", { class: "chart__track", x: 0, y: 0, width: "100%", height: "100%" }));
  // a bar of a figure above 0 is always visible, however small
  if (share > 0) graphic.append(svg("rect", { class: "chart__fill", x: 0, y: 0, width: `${Math.max(share * 100, 1)}%`, height: "100%" }));
  return graphic;
}

// barChart({title, bars: [{label, value, text}], alt, kind}): a <figure>
// with the title as its caption and a bar per item, the longest the
// largest value. `text` is the value in words ("12", "3,5 uur"); `alt`
// the text alternative (by default every label with its text); `kind`
// "exit" for figures of what fell away (another colour, the words say it).
export function barChart({ title, bars, alt, kind, className }) {
  const max = Math.max(0, ...bars.map((b) => Number(b.value) || 0));
  const titleId = newId("chart");
  const words = alt ?? bars.map((b) => `${b.label}: ${b.text ?? b.value}`).join("; ");
  return h("figure", { class: ["chart", kind ? `chart--${kind}` : null, className] },
    h("figcaption", { class: "chart__title", id: titleId }, title),
    h("div", { class: "chart__bars", role: "img", "aria-label": `${title}. ${words}.` },
      bars.map((b) => h("div", { class: "chart__row" },
        h("span", { class: "chart__label" }, b.label),
        bar(max > 0 ? (Number(b.value) || 0) / max : 0, kind),
        h("span", { class: "chart__value" }, b.text ?? String(b.value))))));
}
