// The console's shell: login, the navigation of the caller's role, the
// language switch, and the screen of the current location.
import { h, replace } from "./dom.js";
import { t, setLanguage, currentLanguage } from "./i18n.js";
import { get, post, whenSessionExpires, ApiError } from "./api.js";
import { route, match, currentPath, go } from "./router.js";
import { page, field, input, button, alert, paragraph, failure } from "./ui.js";
import { navigation as coordinatorNavigation } from "./coordinator.js";
import { navigation as entrepreneurNavigation } from "./entrepreneur.js";

const root = document.getElementById("app");
let me = null; // GET /v1/auth/me, once logged in
let notice = null; // a message for the login page (session expired, logged out)

function shell(main) {
  const nav = me.role === "coordinator" ? coordinatorNavigation() : entrepreneurNavigation();
  const here = currentPath();
  const other = currentLanguage() === "nl" ? "en" : "nl";
  return [
    h("a", { class: "skip-link utrecht-link", href: "#main" }, t("skip")),
    h("header", { class: "console-header" },
      h("a", { class: "console-brand", href: "#/" }, t("app.name")),
      h("nav", { class: "console-nav", "aria-label": t("nav.label") },
        h("ul", {}, nav.map(([path, label]) =>
          h("li", {}, h("a", {
            class: "utrecht-link console-nav__link",
            href: `#${path}`,
            "aria-current": here === path || (path !== "/" && here.startsWith(path + "/")) ? "page" : false,
          }, label))))),
      h("div", { class: "console-tools" },
        h("button", {
          class: "utrecht-button utrecht-button--subtle",
          type: "button",
          lang: other,
          onclick: () => { setLanguage(other); render(); },
        }, t("language.switch")),
        h("button", { class: "utrecht-button utrecht-button--secondary-action", type: "button", onclick: logout },
          t("logout")))),
    main,
  ];
}

async function logout() {
  try {
    await post("/v1/auth/logout");
  } catch {
    /* gone already: the login page all the same */
  }
  me = null;
  // a half-filled form of this account stays on no shared phone
  for (const key of Object.keys(sessionStorage))
    if (key.startsWith("bpa-placement-draft:")) sessionStorage.removeItem(key);
  notice = { kind: "ok", text: t("login.logged_out") };
  go("/");
  render();
}

function loginPage() {
  const main = h("main", { id: "main", class: "console-main console-login" });
  replace(root, main);
  const email = input({ type: "email", name: "email", autocomplete: "username", required: true });
  const password = input({ type: "password", name: "password", autocomplete: "current-password", required: true });
  const problem = h("div", { role: "alert" });
  const form = h("form", { class: "login-form", novalidate: true },
    notice ? alert(notice.kind, paragraph(notice.text)) : null,
    field(t("login.email"), email),
    field(t("login.password"), password),
    problem,
    button(t("login.submit"), undefined, { kind: "primary", type: "submit" }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    replace(problem);
    try {
      await post("/v1/auth/login", { email: email.value.trim(), password: password.value });
      notice = null;
      await start();
    } catch (error) {
      replace(problem, failure(error instanceof ApiError && error.status === 401
        ? { message: t("login.refused") } : error));
    }
  });
  page(main, t("login.title"), paragraph(t("login.intro")), form);
  const other = currentLanguage() === "nl" ? "en" : "nl";
  main.append(h("p", { class: "utrecht-paragraph" },
    h("button", { class: "utrecht-button utrecht-button--subtle", type: "button", lang: other,
      onclick: () => { setLanguage(other); loginPage(); } }, t("language.switch"))));
}

async function render() {
  if (!me) return loginPage();
  const main = h("main", { id: "main", class: "console-main" });
  replace(root, ...shell(main));
  const found = match(currentPath(), me.role);
  if (!found) return page(main, t("notfound.title"), paragraph(t("notfound.text")));
  try {
    await found.handler(found.params, main, me);
  } catch (error) {
    main.append(failure(error));
  }
}

async function start() {
  try {
    me = await get("/v1/auth/me", { quietUnauthenticated: true });
  } catch {
    me = null;
  }
  if (me && me.role === "portal") me = null; // portals use the API, not the console
  render();
}

whenSessionExpires(() => {
  if (!me) return;
  me = null;
  notice = { kind: "warning", text: t("login.expired") };
  render();
});
window.addEventListener("hashchange", () => me && render());
route("/", (params, main, who) => go(who.role === "coordinator" ? "/overview" : "/organisation"));
start();
