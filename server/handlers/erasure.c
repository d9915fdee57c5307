/* Erasure (GDPR article 17): a seeker's personal data, an account's, an
 * employer contact's. The database functions of 0016_personal_data.sql do
 * the work in one transaction, keep what reports need as anonymous
 * statistics, and say what they did; a second erasure changes nothing. */
#include "access.h"
#include "credential_cache.h"
#include "handlers.h"
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct erasure {
    const struct bpa_request *request;
    const char *statement, *resource, *id, *email;
    char *summary; /* out; NULL: nothing to erase by that name */
};

/* The erasure and its audit row (with the summary: counts, no data). */
static enum bpa_db_status run_erase(struct bpa_db_conn *conn, void *context)
{
    struct erasure *e = context;
    free(e->summary);
    e->summary = NULL;
    const char *params[] = {e->id, e->email};
    enum bpa_db_status status =
        bpa_db_call(conn, e->statement, e->email ? 2 : 1, params, &e->summary);
    if (status == BPA_DB_OK && e->summary) {
        char action[32];
        snprintf(action, sizeof action, "%s.erase", e->resource);
        json_t *summary = json_loads(e->summary, 0, NULL);
        json_object_del(summary, "fields");
        status = bpa_access_audit(conn, e->request, action, e->resource, e->id, summary);
    }
    return status;
}

static int erase(struct bpa_request *request, const char *statement, const char *resource,
                 const char *id, const char *email, const char *missing)
{
    struct erasure e = {request, statement, resource, id, email, NULL};
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_erase, &e);
    int rc;
    if (status != BPA_DB_OK)
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    else if (!e.summary)
        rc = bpa_reply_error(request, BPA_ERR_NOT_FOUND, missing, NULL);
    else
        rc = bpa_reply_json(request, 200, json_loads(e.summary, 0, NULL));
    free(e.summary);
    return rc;
}

/* POST /v1/seekers/{id}/erase: the seeker's portal or a coordinator */
int bpa_handle_seeker_erase(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    enum bpa_error refused = bpa_access_resource(request, BPA_SEEKER, id, true);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    return erase(request, "erase_seeker", "seeker", id, NULL, "no such seeker");
}

/* POST /v1/accounts/{id}/erase: coordinators, not their own */
int bpa_handle_account_erase(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    if (strtoll(id, NULL, 10) == request->principal.id)
        return bpa_reply_error(request, BPA_ERR_INVALID_STATE,
                               "you cannot erase your own account; ask another coordinator", NULL);
    int rc = erase(request, "erase_account", "account", id, NULL, "no such account");
    bpa_credential_cache_forget_all(request->server->credentials); /* its sessions ended */
    return rc;
}

/* POST /v1/employers/{id}/contacts/erase {"email"}: coordinators */
int bpa_handle_contact_erase(struct bpa_request *request)
{
    static const struct bpa_field fields[] = {
        {"email", BPA_EMAIL, BPA_REQUIRED, 0, 0, NULL, NULL},
        {0},
    };
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    int rc;
    json_t *body = bpa_body_checked(request, fields, "a JSON object {\"email\"} is required", &rc);
    if (!body)
        return rc;
    rc = erase(request, "erase_contact", "employer", id,
               json_string_value(json_object_get(body, "email")),
               "this employer has no contact with that e-mail address");
    json_decref(body);
    return rc;
}
