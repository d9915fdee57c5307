/* What the service holds about a person, in one document (GDPR articles 15
 * and 20): GET /v1/seekers/{id}/export for the seeker's portal and the
 * coordinators, GET /v1/auth/me/export for an account's holder. Each is
 * read in one REPEATABLE READ, read-only transaction, so its parts agree
 * with each other; the export is audited once read, before it is answered,
 * and is sent as a file to download. */
#include "access.h"
#include "handlers.h"
#include "request.h"
#include "schedule.h"

#include <stdio.h>
#include <stdlib.h>

/* Audit rows at most in an account's export: the latest. */
#define ACCOUNT_AUDIT_LIMIT "10000"

/* Sets member `name` of `doc` to the JSON value statement `statement`
 * gives (JSON null for none). */
static enum bpa_db_status add_part(struct bpa_db_conn *conn, json_t *doc, const char *name,
                                   const char *statement, int count, const char *const *params)
{
    char *text = NULL;
    enum bpa_db_status status = bpa_db_call(conn, statement, count, params, &text);
    json_t *value = text ? json_loads(text, JSON_DECODE_ANY, NULL) : json_null();
    free(text);
    if (status == BPA_DB_OK && !value)
        status = BPA_DB_HARD; /* out of memory: not JSON the statement wrote */
    if (status == BPA_DB_OK)
        json_object_set_new(doc, name, value);
    else
        json_decref(value);
    return status;
}

/* Makes the transaction read-only and starts `*doc` with its time. */
static enum bpa_db_status begin(struct bpa_db_conn *conn, json_t **doc)
{
    json_decref(*doc); /* an earlier attempt's */
    *doc = json_object();
    return add_part(conn, *doc, "exported_at", "export_begin", 0, NULL);
}

static int reply_file(struct bpa_request *request, json_t *doc, const char *kind, const char *id)
{
    char disposition[80];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%s-export.json\"", kind,
             id);
    request->reply_disposition = disposition;
    int rc = bpa_reply_json(request, 200, doc);
    request->reply_disposition = NULL;
    return rc;
}

/* --- a seeker --- */

struct seeker_export {
    const char *id;
    json_t *doc; /* NULL when the seeker is gone */
};

static enum bpa_db_status read_seeker(struct bpa_db_conn *conn, void *context)
{
    struct seeker_export *e = context;
    enum bpa_db_status status = begin(conn, &e->doc);
    char *stored = NULL;
    if (status == BPA_DB_OK)
        status = bpa_db_document_get(conn, BPA_SEEKER, e->id, &stored);
    json_t *seeker = stored ? json_loads(stored, 0, NULL) : NULL;
    free(stored);
    if (status != BPA_DB_OK || !seeker) { /* deleted since access was checked */
        json_decref(seeker);
        json_decref(e->doc);
        e->doc = NULL;
        return status;
    }
    /* as GET /v1/seekers/{id} shows it: the week as intervals */
    json_t *availability =
        bpa_schedule_format(json_string_value(json_object_get(seeker, "availability")));
    json_object_set_new(seeker, "availability", availability ? availability : json_null());
    json_object_set_new(e->doc, "seeker", seeker);
    const char *const params[] = {e->id};
    status = add_part(conn, e->doc, "consents", "export_seeker_consents", 1, params);
    if (status == BPA_DB_OK)
        status = add_part(conn, e->doc, "matches", "export_seeker_matches", 1, params);
    if (status == BPA_DB_OK)
        status = add_part(conn, e->doc, "notifications", "export_seeker_notifications", 1, params);
    if (status == BPA_DB_OK)
        status = add_part(conn, e->doc, "access_log", "export_seeker_access_log", 1, params);
    return status;
}

int bpa_handle_seeker_export(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    enum bpa_error refused = bpa_access_resource(request, BPA_SEEKER, id, false);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    struct seeker_export e = {.id = id};
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_REPEATABLE_READ, read_seeker, &e);
    if (status != BPA_DB_OK || !e.doc) {
        json_decref(e.doc);
        return bpa_reply_error(request,
                               status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_NOT_FOUND,
                               NULL, NULL);
    }
    /* handing a person's data over leaves a trace, or does not happen */
    status = bpa_access_audit(request->db, request, "seeker.export", "seeker", id, NULL);
    if (status != BPA_DB_OK) {
        json_decref(e.doc);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    return reply_file(request, e.doc, "seeker", id);
}

/* --- one's own account --- */

struct account_export {
    const struct bpa_request *request;
    char id[24];
    json_t *doc; /* NULL when the account is gone */
};

static enum bpa_db_status read_account(struct bpa_db_conn *conn, void *context)
{
    struct account_export *e = context;
    const struct bpa_principal *p = &e->request->principal;
    enum bpa_db_status status = begin(conn, &e->doc);
    const char *const account[] = {e->id};
    if (status == BPA_DB_OK)
        status = add_part(conn, e->doc, "account", "export_account", 1, account);
    if (status == BPA_DB_OK && json_is_null(json_object_get(e->doc, "account"))) {
        json_decref(e->doc);
        e->doc = NULL;
        return BPA_DB_OK;
    }
    const char *const sessions[] = {e->id, p->session_hash[0] ? p->session_hash : NULL};
    if (status == BPA_DB_OK)
        status = add_part(conn, e->doc, "sessions", "export_account_sessions", 2, sessions);
    if (status == BPA_DB_OK)
        status = add_part(conn, e->doc, "invitations", "export_account_invitations", 1, account);
    const char *const audit[] = {e->id, bpa_role_name(p->role), ACCOUNT_AUDIT_LIMIT};
    if (status == BPA_DB_OK)
        status = add_part(conn, e->doc, "audit_log", "export_account_audit", 3, audit);
    return status;
}

int bpa_handle_me_export(struct bpa_request *request)
{
    struct account_export e = {.request = request};
    snprintf(e.id, sizeof e.id, "%lld", request->principal.id);
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_REPEATABLE_READ, read_account, &e);
    if (status != BPA_DB_OK || !e.doc) {
        json_decref(e.doc);
        return bpa_reply_error(
            request, status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_UNAUTHENTICATED,
            NULL, NULL);
    }
    status = bpa_access_audit(request->db, request, "account.export", "account", e.id, NULL);
    if (status != BPA_DB_OK) {
        json_decref(e.doc);
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    return reply_file(request, e.doc, "account", e.id);
}
