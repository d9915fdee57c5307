/* What handlers read from a request: path parameters, query parameters,
 * headers, and the page a list asks for. */
#ifndef BPA_REQUEST_H
#define BPA_REQUEST_H

#include "fields.h"
#include "http.h"

#include <stdbool.h>

/* The path parameter `name` when it is a positive decimal id (at most 18
 * digits); false otherwise (the caller answers 404: no such resource). */
bool bpa_param_id(const struct bpa_request *request, const char *name, char out[20]);

/* The path parameter `name` copied into `out`; false when longer. */
bool bpa_param_text(const struct bpa_request *request, const char *name, char *out, size_t size);

/* A query parameter or header, or NULL; borrowed for the request's life. */
const char *bpa_query(const struct bpa_request *request, const char *name);
const char *bpa_header(const struct bpa_request *request, const char *name);

/* A cookie's value, or NULL. */
const char *bpa_cookie(const struct bpa_request *request, const char *name);

/* The header the console sends with every request ("1"): a page of another
 * site cannot make a browser send it, and CORS is never granted. */
#define BPA_CONSOLE_HEADER "X-BPA-Console"
/* The console's session cookie. */
#define BPA_SESSION_COOKIE "bpa_session"

/* Whether the request carries the console's header. */
bool bpa_request_names_console(const struct bpa_request *request);

/* The CSRF check for requests authenticated by the session cookie: the
 * console's header, and an Origin that is the console's (--public-origin,
 * or by default the scheme and Host the request was sent to). */
bool bpa_request_from_console(const struct bpa_request *request);

/* A query parameter checked against a field rule (fields.h); NULL when
 * absent or invalid (then a problem is in `details`). The result is a
 * string the caller frees. */
char *bpa_query_checked(const struct bpa_request *request, const char *name,
                        enum bpa_field_type type, double min, double max,
                        const char *const *choices, json_t *details);

/* The JSON body checked against `fields` (fields.h): the checked object,
 * which the caller frees; or NULL once a 422 naming every problem is
 * answered (`missing` is the problem when there is no body), with the
 * reply's result in *rc. */
/* For a route that takes no body: true when none (or {}) was sent; else
 * false with the 422 made (*rc). */
bool bpa_body_empty(struct bpa_request *request, int *rc);
json_t *bpa_body_checked(struct bpa_request *request, const struct bpa_field *fields,
                         const char *missing, int *rc);

/* The page a list asks for: `limit` (1..500, default 50) and the opaque
 * `cursor` this server issued, decoded to the last key of the page before. */
struct bpa_page {
    char limit[24]; /* one more than asked, to learn whether more follow */
    char *after;    /* decoded cursor (malloc'd), NULL on the first page */
    long requested; /* the limit the caller asked for */
};

bool bpa_page_parse(const struct bpa_request *request, bool numeric_keys, struct bpa_page *page,
                    json_t *details);
void bpa_page_free(struct bpa_page *page);

/* Replies {"items": [...], "next_cursor": ...} from `items` (stolen), which
 * may hold one item beyond the page; `key` names the member the order
 * follows ("id" or "uri"). */
int bpa_reply_page(struct bpa_request *request, json_t *items, const struct bpa_page *page,
                   const char *key);

/* A statement's one value as JSON (a new reference): NULL with *status OK
 * when there is no row; a value that is not JSON is BPA_DB_HARD. */
json_t *bpa_call_json(struct bpa_db_conn *conn, const char *statement, int count,
                      const char *const *params, enum bpa_db_status *status);

/* A list without filters: the page the query asks for (a 422 for a bad
 * cursor or limit), from `statement`, which takes the cursor's key and the
 * limit and answers a JSON array ordered by "id". */
int bpa_reply_listed(struct bpa_request *request, const char *statement);

/* `text` with LIKE's special characters escaped (malloc'd). */
char *bpa_like_escape(const char *text);

#endif
