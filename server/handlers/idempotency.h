/* Idempotency-Key: a retried request gets the first answer again instead
 * of acting twice. The key is claimed first in the transaction that makes
 * the change and the answer kept last in it, so the change and its kept
 * answer commit together or not at all; a refused request keeps nothing.
 * Keys belong to the caller (a portal, an employer, a coordinator) and to
 * the method and path: one key on two matches' transitions is two keys. */
#ifndef BPA_IDEMPOTENCY_H
#define BPA_IDEMPOTENCY_H

#include "fields.h"
#include "http.h"

struct bpa_idempotency {
    const char *key;    /* the request's Idempotency-Key, or NULL */
    char scope[160];    /* the path and the caller */
    char hash[65];      /* of the body, members sorted */
    char *first_answer; /* after a claim found the key used: the kept answer */
};

/* Reads the request's key; a malformed one is a problem in `details`. */
void bpa_idempotency_begin(const struct bpa_request *request, struct bpa_idempotency *idempotency,
                           json_t *details);
/* For a request that creates or acts: reads its key (begin, above) and
 * checks its JSON body against `fields` (`missing`: the problem when there
 * is none), every problem in `details`. The checked body, or NULL. */
json_t *bpa_idempotent_body(const struct bpa_request *request, const struct bpa_field *fields,
                            const char *missing, struct bpa_idempotency *idempotency,
                            json_t *details);
/* For a request that acts but takes no body (or {}): reads its key; false
 * with the 422 made (*rc) when a body was sent or the key is malformed. */
bool bpa_idempotent_no_body(struct bpa_request *request, struct bpa_idempotency *idempotency,
                            int *rc);
/* Before checks whose outcome a first request may have changed (the
 * placement it applied for since closed): finds a kept answer, setting
 * first_answer. OK at once without a key. */
enum bpa_db_status bpa_idempotency_lookup(struct bpa_db_conn *conn,
                                          struct bpa_idempotency *idempotency);
/* First in the transaction: BPA_DB_ABORT when the key was used before
 * (first_answer is set then). OK at once without a key. */
enum bpa_db_status bpa_idempotency_claim(struct bpa_db_conn *conn,
                                         struct bpa_idempotency *idempotency);
/* Last in the transaction: keeps the answer for retries (without a key,
 * nothing). `etag` and `location` may be NULL. */
enum bpa_db_status bpa_idempotency_keep(struct bpa_db_conn *conn,
                                        const struct bpa_idempotency *idempotency, unsigned status,
                                        const json_t *body, const char *location, const char *etag);
/* Answers a retry with the first answer (Idempotent-Replayed: true), or
 * refuses a key used before with another body. */
int bpa_idempotency_replay(struct bpa_request *request, const struct bpa_idempotency *idempotency);
void bpa_idempotency_end(struct bpa_idempotency *idempotency);

#endif
