/* What the integration tests check of the API's answers, over the
 * harness's HTTP client: calls that remember what they asked (for failure
 * messages), calls with an Idempotency-Key, a JSON member as text or
 * number, whether an error names a field, and the status and error code of
 * an answer. Nothing here is per test file: the server is passed in. */
#ifndef BPA_API_CHECKS_H
#define BPA_API_CHECKS_H

#include "harness.h"

#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

/* "METHOD path" of the last request sent through these helpers (or noted
 * with api_note_call), with its Idempotency-Key when it had one: for
 * failure messages. */
extern char api_last_call[300];

/* Notes a request sent some other way as the last call. */
void api_note_call(const char *method, const char *path);

/* http_call_as, noted as the last call. */
struct http_response api_call(const struct harness_server *server, const char *token,
                              const char *method, const char *path, const char *body);
/* One request as the holder of `token` with a JSON body and the header
 * "Idempotency-Key: `key`", noted as the last call. */
struct http_response api_call_with_key(const struct harness_server *server, const char *token,
                                       const char *method, const char *path, const char *body,
                                       const char *key);

/* A member's string value, or "" when it is missing or not a string. */
const char *api_text(const json_t *object, const char *name);
/* A member's integer value, or 0. */
long long api_number(const json_t *object, const char *name);
/* Whether an error's details name `field`. */
bool api_names_field(const struct http_response *response, const char *field);
/* Whether the answer says Idempotent-Replayed: true. */
bool api_replayed(const struct http_response *response);

/* An employer made by the coordinator `token` from the JSON `body`, and
 * marked verified: its id, or 0 when either step failed. */
long long api_new_verified_employer(const struct harness_server *server, const char *token,
                                    const char *body);

/* The body of a placement of `employer` for `capacity` people: Mondays
 * 8:00-16:00 in Den Haag (2516), 8 hours a week, February to April 2027. */
const char *api_placement_body(long long employer, int capacity);
/* A seeker's body (Mondays 7:00-17:00 from 2027, postcode 2522, consent to
 * matching given); `extra` is inserted as members (e.g.
 * "\"external_ref\":\"x\","). In fmt's buffers. */
const char *api_seeker_body(const char *name, const char *extra);

/* Who follows and feeds the change feed in its tests: a coordinator, two
 * partner portals (A and B) and a verified employer in Den Haag with a user
 * of its own; the postcodes of api_placement_body and api_seeker_body are
 * known. Tokens and keys malloc'd (api_feed_cast_free). */
struct api_feed_cast {
    char *coordinator, *employer_user, *portal_a_key, *portal_b_key;
    long long employer, portal_a, portal_b;
};
bool api_feed_cast_set_up(const struct harness_server *server, const struct harness_db *db,
                          struct api_feed_cast *cast);
void api_feed_cast_free(struct api_feed_cast *cast);

/* Starts `server` on `db` with `extra` arguments (harness_server_start)
 * and loads tests/integration/fixtures/reference.sql: whether both went. */
bool api_start_with_reference_data(struct harness_server *server, const struct harness_db *db,
                                   const char *const *extra);

/* The status and (when not NULL) the error code of a response. */
#define API_EXPECT(response, status_, code_)                                                       \
    do {                                                                                           \
        const char *expected_code_ = (code_);                                                      \
        ck_assert_msg(                                                                             \
            (response).status == (status_) &&                                                      \
                (!expected_code_ || !strcmp(http_error_code(&(response)), expected_code_)),        \
            "%s: %ld %s, expected %d %s", api_last_call, (response).status, (response).body,       \
            (status_), expected_code_ ? expected_code_ : "");                                      \
    } while (0)

/* Makes a call (an expression giving a struct http_response), checks the
 * status (and error code), then frees the answer. */
#define API_EXPECT_ANSWER(call_, status_, code_)                                                   \
    do {                                                                                           \
        struct http_response answer_ = (call_);                                                    \
        API_EXPECT(answer_, (status_), (code_));                                                   \
        http_response_free(&answer_);                                                              \
    } while (0)

/* That an error's details name `field`. */
#define API_EXPECT_FIELD(response, field)                                                          \
    ck_assert_msg(api_names_field(&(response), (field)), "%s: %s names no %s", api_last_call,      \
                  (response).body, (field))

#endif
