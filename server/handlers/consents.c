/* /v1/seekers/{id}/consents: consent per purpose (matching, share_contact,
 * email_updates), given and withdrawn by the seeker's portal or a
 * coordinator, kept as a history. Withdrawing consent for matching cancels
 * the seeker's open matches in the same transaction; the seeker leaves every
 * daemon's rankings when the change is announced at commit. */
#include "access.h"
#include "handlers.h"
#include "idempotency.h"
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const purposes[] = {"matching", "share_contact", "email_updates", NULL};

/* GET /v1/seekers/{id}/consents */
int bpa_handle_consent_list(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    enum bpa_error refused = bpa_access_resource(request, BPA_SEEKER, id, false);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    char *current = NULL, *history = NULL;
    enum bpa_db_status status =
        bpa_db_call(request->db, "consent_current", 1, (const char *const[]){id}, &current);
    if (status == BPA_DB_OK)
        status =
            bpa_db_call(request->db, "consent_history", 1, (const char *const[]){id}, &history);
    if (status == BPA_DB_OK)
        status = bpa_access_audit(request->db, request, "consent.read", "seeker", id, NULL);
    int rc = status != BPA_DB_OK ? bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL)
             : !current
                 ? bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL)
                 : bpa_reply_json(request, 200,
                                  json_pack("{s:o, s:o}", "current", json_loads(current, 0, NULL),
                                            "history", json_loads(history, 0, NULL)));
    free(current);
    free(history);
    return rc;
}

struct consent_change {
    struct bpa_request *request;
    struct bpa_idempotency *idempotency;
    const char *seeker, *purpose, *text_version;
    bool given;
    bool erased;  /* out: the seeker was erased: nothing to consent to */
    bool missing; /* out: no such seeker */
    json_t *recorded;
};

static enum bpa_db_status run_record(struct bpa_db_conn *conn, void *context)
{
    struct consent_change *c = context;
    json_decref(c->recorded);
    c->recorded = NULL;
    enum bpa_db_status status = bpa_idempotency_claim(conn, c->idempotency);
    if (status != BPA_DB_OK)
        return status;
    const struct bpa_principal *p = &c->request->principal;
    char recorder[24], *row = NULL, *cancelled = NULL;
    snprintf(recorder, sizeof recorder, "%lld", p->role == BPA_ROLE_PORTAL ? p->portal_id : p->id);
    const char *params[] = {
        c->seeker, c->purpose, c->given ? "true" : "false", c->text_version, bpa_role_name(p->role),
        recorder};
    status = bpa_db_call(conn, "consent_record", 6, params, &row);
    if (status == BPA_DB_OK && !row) { /* erased, or not there at all */
        char *erased = NULL;
        status = bpa_db_call(conn, "seeker_erased", 1, &c->seeker, &erased);
        c->erased = erased != NULL;
        c->missing = status == BPA_DB_OK && !erased;
        free(erased);
        return status == BPA_DB_OK ? BPA_DB_ABORT : status;
    }
    bool withdrawing_matching = !c->given && strcmp(c->purpose, "matching") == 0;
    if (status == BPA_DB_OK && withdrawing_matching)
        status = bpa_db_call(conn, "consent_cancel_matches", 2,
                             (const char *const[]){c->seeker, c->request->id}, &cancelled);
    json_int_t ended = cancelled ? strtoll(cancelled, NULL, 10) : 0;
    if (status == BPA_DB_OK) {
        c->recorded = json_loads(row, 0, NULL);
        json_object_set_new(c->recorded, "matches_cancelled", json_integer(ended));
        status = bpa_access_audit(
            conn, c->request, c->given ? "consent.give" : "consent.withdraw", "seeker", c->seeker,
            json_pack("{s:s, s:I}", "purpose", c->purpose, "matches_cancelled", ended));
    }
    if (status == BPA_DB_OK)
        status = bpa_idempotency_keep(conn, c->idempotency, 201, c->recorded, NULL, NULL);
    free(row);
    free(cancelled);
    return status;
}

/* POST /v1/seekers/{id}/consents {"purpose", "given", "text_version"} */
int bpa_handle_consent_record(struct bpa_request *request)
{
    static const struct bpa_field fields[] = {
        {"purpose", BPA_CHOICE, BPA_REQUIRED, 0, 0, purposes, NULL},
        {"given", BPA_BOOLEAN, BPA_REQUIRED, 0, 0, NULL, NULL},
        {"text_version", BPA_TEXT, BPA_REQUIRED, 1, 50, NULL, NULL},
        {0},
    };
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    enum bpa_error refused = bpa_access_resource(request, BPA_SEEKER, id, true);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    json_t *details = json_array();
    struct bpa_idempotency idempotency;
    json_t *body =
        bpa_idempotent_body(request, fields, "a JSON object is required", &idempotency, details);
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else {
        struct consent_change c = {
            .request = request,
            .idempotency = &idempotency,
            .seeker = id,
            .purpose = json_string_value(json_object_get(body, "purpose")),
            .text_version = json_string_value(json_object_get(body, "text_version")),
            .given = json_is_true(json_object_get(body, "given")),
        };
        enum bpa_db_status status =
            bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_record, &c);
        if (status == BPA_DB_OK) {
            rc = bpa_reply_json(request, 201, c.recorded);
            c.recorded = NULL; /* the reply has it */
        } else if (idempotency.first_answer) {
            rc = bpa_idempotency_replay(request, &idempotency);
        } else if (c.missing) {
            rc = bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
        } else if (c.erased) {
            rc = bpa_reply_error(request, BPA_ERR_INVALID_STATE,
                                 "this seeker's data was erased: there is nothing to consent to",
                                 NULL);
        } else {
            rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        }
        json_decref(c.recorded);
    }
    bpa_idempotency_end(&idempotency);
    json_decref(body);
    json_decref(details);
    return rc;
}
