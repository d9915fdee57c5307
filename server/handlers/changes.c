/* GET /v1/changes: the change feed, for partner portals (and coordinators,
 * who see every entry). Entries come in sequence order after the cursor
 * `after`, a sequence number; the order is the order in which their
 * changes committed (schema 0019_change_feed.sql), so following the feed
 * never skips or repeats an entry. A cursor older than what the retention
 * job keeps is answered 410 with where to follow from after a resync.
 * With `wait`, a page that would be empty is held until an entry for the
 * caller commits or the wait ends (long polling, long_poll.h). */
#include "handlers.h"

#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT  "100"
#define LONGEST_WAIT_S 60 /* under the usual proxies' idle timeouts */

/* 410: the entries after `after` were partly deleted; the client reads the
 * lists again, then follows from `latest`, taken before it reads them. */
static int reply_expired(struct bpa_request *request, const json_t *horizon)
{
    char problem[160];
    snprintf(problem, sizeof problem,
             "entries up to %lld are no longer kept; resync from the lists, then follow from "
             "resync_cursor",
             (long long)json_integer_value(json_object_get(horizon, "purged_through")));
    char latest[24];
    snprintf(latest, sizeof latest, "%lld",
             (long long)json_integer_value(json_object_get(horizon, "latest")));
    return bpa_reply_error(request, BPA_ERR_CURSOR_EXPIRED, NULL,
                           json_pack("[{s:s, s:s, s:s}]", "field", "after", "problem", problem,
                                     "resync_cursor", latest));
}

int bpa_handle_changes(struct bpa_request *request)
{
    json_t *details = json_array();
    char *after = bpa_query_checked(request, "after", BPA_INTEGER, 0, 9e15, NULL, details);
    char *limit = bpa_query_checked(request, "limit", BPA_INTEGER, 1, 1000, NULL, details);
    char *wait = bpa_query_checked(request, "wait", BPA_INTEGER, 0, LONGEST_WAIT_S, NULL, details);
    unsigned wait_s = wait ? (unsigned)atoi(wait) : 0;
    free(wait);
    if (json_array_size(details)) {
        free(after);
        free(limit);
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    }
    json_decref(details);
    bool may_wait = bpa_wait_begin(request, wait_s); /* before looking: see http.h */
    char portal[24];
    snprintf(portal, sizeof portal, "%lld", request->principal.portal_id);
    const char *params[] = {after ? after : "0",
                            request->principal.role == BPA_ROLE_PORTAL ? portal : NULL,
                            limit ? limit : DEFAULT_LIMIT};
    enum bpa_db_status status;
    /* the horizon first: entries deleted after it was read are older still */
    json_t *horizon = bpa_call_json(request->db, "changes_horizon", 0, NULL, &status);
    json_t *items = NULL;
    bool expired = status == BPA_DB_OK &&
                   strtoll(params[0], NULL, 10) <
                       (long long)json_integer_value(json_object_get(horizon, "purged_through"));
    if (status == BPA_DB_OK && !expired)
        items = bpa_call_json(request->db, "changes_page", 3, params, &status);
    int rc;
    if (status != BPA_DB_OK) {
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    } else if (expired) {
        rc = reply_expired(request, horizon);
    } else if (json_array_size(items) == 0 && may_wait) {
        rc = bpa_wait_park(request);
    } else {
        json_t *last = json_array_get(items, json_array_size(items) - 1);
        char cursor[24];
        snprintf(cursor, sizeof cursor, "%lld",
                 last ? (long long)json_integer_value(json_object_get(last, "seq"))
                      : strtoll(params[0], NULL, 10));
        rc = bpa_reply_json(request, 200,
                            json_pack("{s:O, s:s}", "items", items, "next_cursor", cursor));
    }
    json_decref(items);
    json_decref(horizon);
    free(after);
    free(limit);
    return rc;
}
