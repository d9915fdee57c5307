// Building the page: elements from tags, attributes and children. Text is
// always a text node (never parsed as HTML), so whatever a user typed is
// shown as text. Nothing in the console sets innerHTML.

// h("button", {class: "x", onclick: fn, "aria-pressed": "true"}, "Save")
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    else if (name === "value" && "value" in element) element.value = value;
    else if (name === "checked" || name === "disabled" || name === "selected") element[name] = Boolean(value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replaces what `element` holds.
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

// A region that screen readers announce when its text changes.
export function announce(text) {
  let live = document.getElementById("announcer");
  if (!live) {
    live = h("div", { id: "announcer", class: "visually-hidden", role: "status", "aria-live": "polite" });
    document.body.append(live);
  }
  live.textContent = "";
  setTimeout(() => (live.textContent = text), 50);
}

let idCounter = 0;
export const newId = (prefix = "f") => `${prefix}-${++idCounter}`;
