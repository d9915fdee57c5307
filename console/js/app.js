// The console's shell: login, the navigation of the caller's role, the
// language switch, and the screen of the current location; without a
// session, the login page or one of the public screens (public.js: sign-up,
// the links of the e-mails, forgot password).
import { h, replace } from "./dom.js";
import { t, setLanguage, currentLanguage } from "./i18n.js";
import { get, post, whenSessionExpires, ApiError } from "./api.js";
import { route, match, currentPath, go } from "./router.js";
import { page, field, input, button, alert, paragraph, failure } from "./ui.js";
import { navigation as coordinatorNavigation } from "./coordinator.js";
import { navigation as entrepreneurNavigation } from "./entrepreneur.js";
import { registerPublic, loginLinks } from "./public.js";
import "./account.js";

const root = document.getElementById("app");
let me = null; // GET /v1/auth/me, once logged in
let notice = null; // a message for the login page (session expired, logged out) or the next screen
let typedEmail = ""; // the address for the login page to fill in

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
        h("a", {
          class: "utrecht-link console-tools__link",
          href: "#/account",
          "aria-current": here === "/account" ? "page" : false,
        }, t("nav.account")),
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
  const email = input({ type: "email", name: "email", autocomplete: "username", required: true, value: typedEmail });
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
      typedEmail = "";
      await start();
    } catch (error) {
      if (error instanceof ApiError && error.code === "email_not_confirmed")
        return replace(problem, alert("error", paragraph(error.message),
          paragraph(t("login.unconfirmed"), " ", h("a", { class: "utrecht-link", href: "#/forgot" }, t("login.forgot")))));
      replace(problem, failure(error instanceof ApiError && error.status === 401
        ? { message: t("login.refused") } : error));
    }
  });
  page(main, t("login.title"), paragraph(t("login.intro")), form, loginLinks());
  main.append(languageSwitch(loginPage));
}

// The switch to the other language on the pages without the shell.
function languageSwitch(redraw) {
  const other = currentLanguage() === "nl" ? "en" : "nl";
  return h("p", { class: "utrecht-paragraph" },
    h("button", { class: "utrecht-button utrecht-button--subtle", type: "button", lang: other,
      onclick: () => { setLanguage(other); redraw(); } }, t("language.switch")));
}

// A public screen (sign-up, an e-mail's link, forgot password), logged in
// or not, without the shell.
async function publicPage(found) {
  const main = h("main", { id: "main", class: "console-main console-login" });
  const screen = h("div", { class: "public-screen" });
  main.append(screen, languageSwitch(render));
  replace(root, main);
  try {
    await found.handler(found.params, screen);
  } catch (error) {
    screen.append(failure(error));
  }
}

async function render() {
  const open = match(currentPath(), "public", { explicit: true });
  if (open) return publicPage(open);
  if (!me) return loginPage();
  const main = h("main", { id: "main", class: "console-main" });
  replace(root, ...shell(main));
  const found = match(currentPath(), me.role);
  if (!found) return page(main, t("notfound.title"), paragraph(t("notfound.text")));
  const path = currentPath();
  try {
    await found.handler(found.params, main, me);
  } catch (error) {
    main.append(failure(error));
  }
  // a message from before (a welcome): under the title of the screen it
  // lands on (not of "/", which only passes on to the role's first screen)
  if (notice && main.isConnected && currentPath() === path) {
    const box = alert(notice.kind, paragraph(notice.text));
    notice = null;
    const title = main.querySelector("h1");
    if (title) title.after(box);
    else main.prepend(box);
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
window.addEventListener("hashchange", () => render());
registerPublic({
  // after a confirmed e-mail address or a new password: the login page says so
  toLogin(message, email) {
    notice = message;
    typedEmail = email ?? "";
    history.replaceState(history.state, "", "#/");
    start();
  },
  // after an accepted invitation: the session is there (its cookie)
  signedIn(welcome) {
    notice = { kind: "ok", text: welcome };
    history.replaceState(history.state, "", "#/");
    start();
  },
  redraw: () => render(),
});
route("/", (params, main, who) => go(who.role === "coordinator" ? "/overview" : "/organisation"));
start();
