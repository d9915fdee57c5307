/* /v1/accounts: coordinators list the accounts of coordinators and employer
 * users, disable and enable them (a disabled account's sessions end at
 * once, on every daemon), and move an employer user to another
 * organisation. Accounts are made by invitation, sign-up or the operator's
 * command line (registry.h), not here. */
#include "access.h"
#include "credential_cache.h"
#include "handlers.h"
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replies with the JSON text `stored` (NULL: 404), and frees it. */
static int reply_account(struct bpa_request *request, enum bpa_db_status status, char *stored)
{
    json_t *account = stored ? json_loads(stored, 0, NULL) : NULL;
    free(stored);
    if (status != BPA_DB_OK) {
        json_decref(account);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    return account ? bpa_reply_json(request, 200, account)
                   : bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such account", NULL);
}

/* GET /v1/accounts?role=&employer_id=&status=&cursor=&limit= */
int bpa_handle_account_list(struct bpa_request *request)
{
    static const char *const roles[] = {"coordinator", "employer", NULL};
    static const char *const statuses[] = {"active", "disabled", "unconfirmed", NULL};
    json_t *details = json_array();
    struct bpa_page page;
    bpa_page_parse(request, true, &page, details);
    char *role = bpa_query_checked(request, "role", BPA_CHOICE, 0, 0, roles, details);
    char *employer = bpa_query_checked(request, "employer_id", BPA_INTEGER, 1, 1e15, NULL, details);
    char *status_filter = bpa_query_checked(request, "status", BPA_CHOICE, 0, 0, statuses, details);
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        const char *params[] = {page.after, role, employer, status_filter, page.limit};
        char *items = NULL;
        enum bpa_db_status status =
            bpa_db_call(request->db, "admin_account_list", 5, params, &items);
        rc = status == BPA_DB_OK ? bpa_reply_page(request, json_loads(items, 0, NULL), &page, "id")
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        free(items);
    }
    free(role);
    free(employer);
    free(status_filter);
    bpa_page_free(&page);
    json_decref(details);
    return rc;
}

/* GET /v1/accounts/{id} */
int bpa_handle_account_get(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such account", NULL);
    const char *params[] = {id};
    char *stored = NULL;
    enum bpa_db_status status = bpa_db_call(request->db, "admin_account_get", 1, params, &stored);
    return reply_account(request, status, stored);
}

/* A change to one account, made under a lock on its row. */
struct account_change {
    const struct bpa_request *request;
    const char *id;
    bool disabled;          /* PUT .../disabled */
    const char *employer;   /* PUT .../employer */
    bool coordinator;       /* the account is a coordinator's: it has no employer */
    bool credential_change; /* sessions ended: this daemon must forget them */
    char *result;           /* the account after, NULL when there is none */
};

static enum bpa_db_status lock_account(struct bpa_db_conn *conn, struct account_change *c,
                                       json_t **before)
{
    free(c->result);
    c->result = NULL;
    c->credential_change = false;
    char *locked = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "admin_account_lock", 1, &c->id, &locked);
    *before = locked ? json_loads(locked, 0, NULL) : NULL;
    free(locked);
    return status;
}

static enum bpa_db_status set_disabled(struct bpa_db_conn *conn, void *context)
{
    struct account_change *c = context;
    json_t *before;
    enum bpa_db_status status = lock_account(conn, c, &before);
    if (status != BPA_DB_OK || !before) {
        json_decref(before);
        return status;
    }
    bool changed = json_is_true(json_object_get(before, "disabled")) != c->disabled;
    json_decref(before);
    const char *params[] = {c->id, c->disabled ? "true" : "false"};
    status = bpa_db_call(conn, "admin_account_set_disabled", 2, params, &c->result);
    /* A disabled account's sessions end for good: enabling it again does
     * not bring back a session that may have leaked. */
    char *ended = NULL;
    if (status == BPA_DB_OK && c->disabled)
        status = bpa_db_call(conn, "admin_account_sessions_end", 1, &c->id, &ended);
    long long sessions_ended = ended ? atoll(ended) : 0;
    free(ended);
    c->credential_change = changed || sessions_ended > 0;
    if (status == BPA_DB_OK)
        status = bpa_access_audit(
            conn, c->request, c->disabled ? "account.disable" : "account.enable", "account", c->id,
            json_pack("{s:b, s:I}", "changed", changed, "sessions_ended", sessions_ended));
    return status;
}

/* PUT /v1/accounts/{id}/disabled {"disabled": bool} */
int bpa_handle_account_disable(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such account", NULL);
    static const struct bpa_field fields[] = {
        {"disabled", BPA_BOOLEAN, BPA_REQUIRED, 0, 0, NULL, NULL},
        {0},
    };
    int rc;
    json_t *body =
        bpa_body_checked(request, fields, "a JSON object {\"disabled\"} is required", &rc);
    if (!body)
        return rc;
    struct account_change c = {
        .request = request, .id = id, .disabled = json_is_true(json_object_get(body, "disabled"))};
    json_decref(body);
    if (c.disabled && atoll(id) == request->principal.id)
        return bpa_reply_error(request, BPA_ERR_INVALID_STATE,
                               "you cannot disable your own account: ask another coordinator",
                               NULL);
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, set_disabled, &c);
    if (status == BPA_DB_OK && c.credential_change) /* others hear of it at the commit */
        bpa_credential_cache_forget_all(request->server->credentials);
    return reply_account(request, status, c.result);
}

static enum bpa_db_status set_employer(struct bpa_db_conn *conn, void *context)
{
    struct account_change *c = context;
    json_t *before;
    enum bpa_db_status status = lock_account(conn, c, &before);
    if (status != BPA_DB_OK || !before) {
        json_decref(before);
        return status;
    }
    json_t *from = json_incref(json_object_get(before, "employer_id"));
    c->coordinator = json_is_null(from);
    json_decref(before);
    if (c->coordinator) {
        json_decref(from);
        return BPA_DB_ABORT;
    }
    const char *params[] = {c->id, c->employer};
    status = bpa_db_call(conn, "admin_account_set_employer", 2, params, &c->result);
    c->credential_change = true; /* remembered sessions name the old employer */
    if (status == BPA_DB_OK)
        status = bpa_access_audit(conn, c->request, "account.move", "account", c->id,
                                  json_pack("{s:o, s:I}", "from", from, "to",
                                            (json_int_t)strtoll(c->employer, NULL, 10)));
    else
        json_decref(from);
    return status;
}

/* PUT /v1/accounts/{id}/employer {"employer_id"} */
int bpa_handle_account_employer(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, "no such account", NULL);
    static const struct bpa_field fields[] = {
        {"employer_id", BPA_INTEGER, BPA_REQUIRED, 1, 1e15, NULL, NULL},
        {0},
    };
    int rc;
    json_t *body =
        bpa_body_checked(request, fields, "a JSON object {\"employer_id\"} is required", &rc);
    if (!body)
        return rc;
    char employer[24];
    snprintf(employer, sizeof employer, "%lld",
             (long long)json_integer_value(json_object_get(body, "employer_id")));
    json_decref(body);
    bool found = false;
    enum bpa_db_status status = bpa_db_employer_exists(request->db, employer, &found);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (!found)
        return bpa_reply_error(
            request, BPA_ERR_VALIDATION_FAILED, NULL,
            json_pack("[{s:s, s:s}]", "field", "employer_id", "problem", "names no employer"));
    struct account_change c = {.request = request, .id = id, .employer = employer};
    status = bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, set_employer, &c);
    if (status == BPA_DB_ABORT && c.coordinator)
        return bpa_reply_error(request, BPA_ERR_INVALID_STATE,
                               "a coordinator's account belongs to no employer", NULL);
    if (status == BPA_DB_INVALID) /* the employer was deleted since */
        return bpa_reply_error(
            request, BPA_ERR_VALIDATION_FAILED, NULL,
            json_pack("[{s:s, s:s}]", "field", "employer_id", "problem", "names no employer"));
    if (status == BPA_DB_OK && c.credential_change)
        bpa_credential_cache_forget_all(request->server->credentials);
    return reply_account(request, status, c.result);
}
