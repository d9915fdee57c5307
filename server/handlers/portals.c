/* /v1/portals/{id}/rate-limit: a coordinator sets a partner portal's own
 * request budget (or gives it back the daemon's default). */
#include "access.h"
#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>

struct rate_limit_change {
    const struct bpa_request *request;
    const char *portal_id;
    const char *per_minute; /* NULL: the default */
    char *result;           /* {"portal_id", "requests_per_minute"}, NULL when no such portal */
};

static enum bpa_db_status set_rate_limit(struct bpa_db_conn *conn, void *context)
{
    struct rate_limit_change *change = context;
    free(change->result);
    change->result = NULL;
    const char *params[] = {change->portal_id, change->per_minute};
    enum bpa_db_status status =
        bpa_db_call(conn, "portal_rate_limit_set", 2, params, &change->result);
    if (status != BPA_DB_OK || !change->result)
        return status;
    json_t *detail = json_pack("{s:s?}", "requests_per_minute", change->per_minute);
    return bpa_access_audit(conn, change->request, "portal_rate_limit", "portal", change->portal_id,
                            detail);
}

/* PUT /v1/portals/{id}/rate-limit {"requests_per_minute": N or null} */
int bpa_handle_portal_rate_limit(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    static const struct bpa_field fields[] = {
        {"requests_per_minute", BPA_INTEGER, BPA_REQUIRED | BPA_NULLABLE, 1, 100000000, NULL, NULL},
        {0},
    };
    int rc;
    json_t *body = bpa_body_checked(request, fields, "a JSON object is required", &rc);
    if (!body)
        return rc;
    json_t *given = json_object_get(body, "requests_per_minute");
    char per_minute[24];
    snprintf(per_minute, sizeof per_minute, "%lld", (long long)json_integer_value(given));
    struct rate_limit_change change = {request, id, json_is_null(given) ? NULL : per_minute, NULL};
    json_decref(body);
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, set_rate_limit, &change);
    json_t *result = change.result ? json_loads(change.result, 0, NULL) : NULL;
    free(change.result);
    if (status != BPA_DB_OK) {
        json_decref(result);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    if (!result)
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    json_object_set_new(result, "default_per_minute",
                        json_integer((json_int_t)request->server->config->rate_limit_per_minute));
    return bpa_reply_json(request, 200, result);
}
