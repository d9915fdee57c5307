/* Idempotency-Key for every request that creates or acts. */
#include "idempotency.h"

#include "access.h"
#include "request.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool valid_key(const char *key)
{
    size_t n = strlen(key);
    if (n < 1 || n > 200)
        return false;
    for (size_t i = 0; i < n; i++)
        if (key[i] < 0x21 || key[i] > 0x7E)
            return false;
    return true;
}

void bpa_idempotency_begin(const struct bpa_request *request, struct bpa_idempotency *idempotency,
                           json_t *details)
{
    memset(idempotency, 0, sizeof *idempotency);
    const char *key = bpa_header(request, "Idempotency-Key");
    if (!key)
        return;
    if (!valid_key(key)) {
        bpa_field_problem(details, "Idempotency-Key", "must be 1-200 printable ASCII characters");
        return;
    }
    idempotency->key = key;
    /* The body's hash, keys sorted, so that a retry matches however the
     * client orders members. */
    char *canonical =
        request->json ? json_dumps(request->json, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)
                      : NULL;
    const char *text = canonical ? canonical : "{}"; /* no body is as good as {} */
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)text, strlen(text));
    free(canonical);
    sodium_bin2hex(idempotency->hash, sizeof idempotency->hash, digest, sizeof digest);
    /* One tenant's key never replays or blocks another's: portals and
     * employers across their keys and users. */
    const struct bpa_principal *p = &request->principal;
    long long owner = p->role == BPA_ROLE_PORTAL     ? p->portal_id
                      : p->role == BPA_ROLE_EMPLOYER ? p->employer_id
                                                     : p->id;
    snprintf(idempotency->scope, sizeof idempotency->scope, "%s %.120s %s:%lld", request->method,
             request->path, bpa_role_name(p->role), owner);
}

json_t *bpa_idempotent_body(const struct bpa_request *request, const struct bpa_field *fields,
                            const char *missing, struct bpa_idempotency *idempotency,
                            json_t *details)
{
    bpa_idempotency_begin(request, idempotency, details);
    if (!request->json) {
        bpa_field_problem(details, "body", missing);
        return NULL;
    }
    return bpa_fields_check(request->json, fields, "", details);
}

bool bpa_idempotent_no_body(struct bpa_request *request, struct bpa_idempotency *idempotency,
                            int *rc)
{
    memset(idempotency, 0, sizeof *idempotency);
    if (!bpa_body_empty(request, rc))
        return false;
    json_t *details = json_array();
    bpa_idempotency_begin(request, idempotency, details);
    if (json_array_size(details)) {
        *rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
        return false;
    }
    json_decref(details);
    return true;
}

enum bpa_db_status bpa_idempotency_lookup(struct bpa_db_conn *conn,
                                          struct bpa_idempotency *idempotency)
{
    free(idempotency->first_answer);
    idempotency->first_answer = NULL;
    if (!idempotency->key)
        return BPA_DB_OK;
    return bpa_db_idempotency_stored(conn, idempotency->scope, idempotency->key,
                                     &idempotency->first_answer);
}

enum bpa_db_status bpa_idempotency_claim(struct bpa_db_conn *conn,
                                         struct bpa_idempotency *idempotency)
{
    free(idempotency->first_answer); /* from a try the transaction repeats */
    idempotency->first_answer = NULL;
    if (!idempotency->key)
        return BPA_DB_OK;
    enum bpa_db_status status = bpa_db_idempotency_claim(
        conn, idempotency->scope, idempotency->key, idempotency->hash, &idempotency->first_answer);
    return status == BPA_DB_OK && idempotency->first_answer ? BPA_DB_ABORT : status;
}

enum bpa_db_status bpa_idempotency_keep(struct bpa_db_conn *conn,
                                        const struct bpa_idempotency *idempotency, unsigned status,
                                        const json_t *body, const char *location, const char *etag)
{
    if (!idempotency->key)
        return BPA_DB_OK;
    char code[8];
    snprintf(code, sizeof code, "%u", status);
    char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
    enum bpa_db_status result =
        text ? bpa_db_idempotency_record(conn, idempotency->scope, idempotency->key, code, text,
                                         location, etag)
             : BPA_DB_HARD;
    free(text);
    return result;
}

int bpa_idempotency_replay(struct bpa_request *request, const struct bpa_idempotency *idempotency)
{
    json_t *first = json_loads(idempotency->first_answer, 0, NULL);
    const char *hash = json_string_value(json_object_get(first, "request_hash"));
    int rc;
    if (!hash || strcmp(hash, idempotency->hash) != 0) {
        rc = bpa_reply_error(request, BPA_ERR_IDEMPOTENCY_KEY_REUSED, NULL,
                             json_pack("[{s:s, s:s}]", "field", "Idempotency-Key", "problem",
                                       "was used before with a different body"));
    } else {
        json_t *body = json_loads(json_string_value(json_object_get(first, "body")), 0, NULL);
        request->replayed = true;
        request->reply_etag = json_string_value(json_object_get(first, "etag"));
        request->reply_location = json_string_value(json_object_get(first, "location"));
        rc = bpa_reply_json(request, (unsigned)json_integer_value(json_object_get(first, "status")),
                            body);
        request->reply_etag = NULL;
        request->reply_location = NULL;
    }
    json_decref(first);
    return rc;
}

void bpa_idempotency_end(struct bpa_idempotency *idempotency)
{
    free(idempotency->first_answer);
    idempotency->first_answer = NULL;
}
