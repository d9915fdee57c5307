/* Idempotency keys: the first response to a creating POST, kept so that a
 * retry with the same key gets it again instead of creating twice. */
#include "internal.h"

#include <stdlib.h>

const struct bpa_db_statement bpa_db_idempotency_statements[] = {
    /* Waits for a concurrent claim of the same key to commit or roll back. */
    {"idempotency_claim", "INSERT INTO idempotency_keys (scope, key, request_hash,"
                          " response_status, response_body) VALUES ($1, $2, $3, 0, '')"
                          " ON CONFLICT DO NOTHING RETURNING 1"},
    {"idempotency_stored", "SELECT json_build_object('request_hash', request_hash,"
                           " 'status', response_status, 'body', response_body,"
                           " 'location', location, 'etag', etag) FROM idempotency_keys"
                           " WHERE scope = $1 AND key = $2"},
    {"idempotency_record", "UPDATE idempotency_keys SET response_status = $3,"
                           " response_body = $4, location = $5, etag = $6"
                           " WHERE scope = $1 AND key = $2"},
    {NULL, NULL},
};

enum bpa_db_status bpa_db_idempotency_claim(struct bpa_db_conn *conn, const char *scope,
                                            const char *key, const char *hash, char **stored)
{
    const char *params[] = {scope, key, hash};
    char *claimed;
    *stored = NULL;
    enum bpa_db_status status = bpa_db_text(conn, "idempotency_claim", 3, params, &claimed);
    if (status != BPA_DB_OK || claimed) {
        free(claimed);
        return status;
    }
    return bpa_db_text(conn, "idempotency_stored", 2, params, stored);
}

enum bpa_db_status bpa_db_idempotency_stored(struct bpa_db_conn *conn, const char *scope,
                                             const char *key, char **stored)
{
    const char *params[] = {scope, key};
    return bpa_db_text(conn, "idempotency_stored", 2, params, stored);
}

enum bpa_db_status bpa_db_idempotency_record(struct bpa_db_conn *conn, const char *scope,
                                             const char *key, const char *status_code,
                                             const char *body, const char *location,
                                             const char *etag)
{
    const char *params[] = {scope, key, status_code, body, location, etag};
    PGresult *r;
    enum bpa_db_status status = bpa_db_exec(conn, "idempotency_record", 6, params, &r);
    PQclear(r);
    return status;
}
