// The daemon's API from the console: the session is an HttpOnly cookie the
// browser sends by itself (the token never reaches this code), and every
// request carries the header that the daemon's CSRF check asks of
// cookie-authenticated changes.
import { errorText } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, body, retryAfter = null) {
    const error = body?.error ?? {};
    super(errorText(error.code, error.message));
    this.status = status;
    this.code = error.code ?? "unknown";
    this.details = error.details ?? [];
    // seconds to wait (a 429's Retry-After), when the server said
    this.retryAfter = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
  }
}

let onExpired = () => {};
// Called when a request finds the session gone (401): the app shows the
// login page with a message.
export const whenSessionExpires = (handler) => (onExpired = handler);

// One request: its body (parsed) and its ETag. `headers` are added to the
// console's own (If-Match, Idempotency-Key).
export async function send(method, path, body, { quietUnauthenticated = false, headers = {} } = {}) {
  const all = { "X-BPA-Console": "1", Accept: "application/json", ...headers };
  if (body !== undefined) all["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: all,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { error: { code: "network" } });
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (response.status === 401 && !quietUnauthenticated) onExpired();
  if (!response.ok) throw new ApiError(response.status, json, response.headers.get("Retry-After"));
  return { body: json, etag: response.headers.get("ETag") };
}

// A file from the API (a seeker's export): its bytes and the name the
// server gives it (Content-Disposition). The same cookie and header as
// every other request, so it is fetched here and handed to the browser as
// a Blob: a plain link could not carry the header.
export async function download(path) {
  let response;
  try {
    response = await fetch(path, {
      headers: { "X-BPA-Console": "1", Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, { error: { code: "network" } });
  }
  if (!response.ok) {
    let json = null;
    try {
      json = JSON.parse(await response.text());
    } catch {
      json = null;
    }
    if (response.status === 401) onExpired();
    throw new ApiError(response.status, json, response.headers.get("Retry-After"));
  }
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="?([^";]+)"?/i.exec(disposition)?.[1]?.replace(/[^A-Za-z0-9._-]/g, "_") ?? null;
  return { blob, name };
}

export const api = async (method, path, body, options) => (await send(method, path, body, options)).body;

export const get = (path, options) => api("GET", path, undefined, options);
export const post = (path, body) => api("POST", path, body ?? {});
export const patch = (path, body) => api("PATCH", path, body);
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);

// Every page of a list (the API's cursor pages), up to `max` items.
export async function getAll(path, max = 1000) {
  const items = [];
  let url = path;
  while (url && items.length < max) {
    const page = await get(url.includes("limit=") ? url : `${url}${url.includes("?") ? "&" : "?"}limit=500`);
    items.push(...(page.items ?? []));
    const next = page.next_cursor;
    url = next ? `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(next)}` : null;
  }
  return items;
}
