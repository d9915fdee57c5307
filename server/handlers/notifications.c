/* /v1/notifications: everyone's in-app feed, and the deliveries of
 * webhooks and e-mail with a retry: coordinators see all, a portal its own
 * webhook deliveries. */
#include "access.h"
#include "handlers.h"
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The feed a principal reads: recipient kind and id (NULL for coordinators). */
static void feed_of(const struct bpa_request *request, const char **kind, char id[24])
{
    const struct bpa_principal *p = &request->principal;
    *kind = bpa_role_name(p->role);
    if (p->role == BPA_ROLE_EMPLOYER)
        snprintf(id, 24, "%lld", p->employer_id);
    else if (p->role == BPA_ROLE_PORTAL)
        snprintf(id, 24, "%lld", p->portal_id);
    else
        id[0] = '\0';
}

int bpa_handle_feed(struct bpa_request *request)
{
    json_t *details = json_array();
    char *limit = bpa_query_checked(request, "limit", BPA_INTEGER, 1, 200, NULL, details);
    if (json_array_size(details)) {
        free(limit);
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    }
    json_decref(details);
    const char *kind;
    char id[24];
    feed_of(request, &kind, id);
    const char *params[] = {kind, id[0] ? id : NULL, limit ? limit : "50"};
    char *items = NULL;
    enum bpa_db_status status = bpa_db_call(request->db, "feed_list", 3, params, &items);
    free(limit);
    int rc =
        status == BPA_DB_OK
            ? bpa_reply_json(request, 200, json_pack("{s:o}", "items", json_loads(items, 0, NULL)))
            : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    free(items);
    return rc;
}

int bpa_handle_feed_read(struct bpa_request *request)
{
    char notification[20];
    if (!bpa_param_id(request, "id", notification))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    const char *kind;
    char id[24];
    feed_of(request, &kind, id);
    char *found = NULL;
    const char *params[] = {notification, kind, id[0] ? id : NULL};
    enum bpa_db_status status = bpa_db_call(request->db, "feed_read", 3, params, &found);
    bool marked = found != NULL;
    free(found);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    return marked ? bpa_reply_empty(request, 204)
                  : bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
}

/* A portal's id, whose own deliveries are all it may see; NULL for
 * coordinators, who see every one. */
static const char *own_portal(const struct bpa_request *request, char portal[24])
{
    if (request->principal.role != BPA_ROLE_PORTAL)
        return NULL;
    snprintf(portal, 24, "%lld", request->principal.portal_id);
    return portal;
}

int bpa_handle_deliveries(struct bpa_request *request)
{
    static const char *const statuses[] = {"pending", "delivered", "failed", "dead", NULL};
    json_t *details = json_array();
    char *state = bpa_query_checked(request, "status", BPA_CHOICE, 0, 0, statuses, details);
    char *limit = bpa_query_checked(request, "limit", BPA_INTEGER, 1, 500, NULL, details);
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        char *items = NULL, portal[24];
        const char *params[] = {state, limit ? limit : "100", own_portal(request, portal)};
        enum bpa_db_status status = bpa_db_call(request->db, "deliveries_list", 3, params, &items);
        rc = status == BPA_DB_OK
                 ? bpa_reply_json(request, 200,
                                  json_pack("{s:o}", "items", json_loads(items, 0, NULL)))
                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        free(items);
    }
    free(state);
    free(limit);
    json_decref(details);
    return rc;
}

int bpa_handle_delivery_retry(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    char *found = NULL, portal[24];
    enum bpa_db_status status =
        bpa_db_call(request->db, "delivery_retry", 2,
                    (const char *const[]){id, own_portal(request, portal)}, &found);
    bool retried = found != NULL;
    free(found);
    if (status == BPA_DB_OK && retried)
        status =
            bpa_access_audit(request->db, request, "notification.retry", "notification", id, NULL);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (!retried)
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no failed or dead delivery has this id",
                               NULL);
    return bpa_reply_json(
        request, 200, json_pack("{s:I, s:s}", "id", (json_int_t)atoll(id), "status", "pending"));
}
