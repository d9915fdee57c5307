// Screens by location hash: "#/matches/12" runs the route "/matches/:id"
// with {id: "12"}. Ids only: personal data never goes into a URL.
const routes = [];

// route("/matches/:id", (params, main) => ...): the handler fills `main`.
export function route(pattern, handler, { roles } = {}) {
  const names = [];
  const regex = new RegExp(
    "^" + pattern.replace(/:(\w+)/g, (_, name) => (names.push(name), "([^/]+)")) + "$",
  );
  routes.push({ regex, names, handler, roles });
}

export const currentPath = () => decodeURIComponent(location.hash.replace(/^#/, "")) || "/";

export function go(path) {
  if (currentPath() === path) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = path;
}

// The route of `path` for `role`; with `explicit`, only routes that name
// the role (the public screens: "/" is everyone's, but not theirs).
export function match(path, role, { explicit = false } = {}) {
  for (const r of routes) {
    const found = r.regex.exec(path);
    if (found && (r.roles ? r.roles.includes(role) : !explicit))
      return { handler: r.handler, params: Object.fromEntries(r.names.map((n, i) => [n, found[i + 1]])) };
  }
  return null;
}
