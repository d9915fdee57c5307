/* One-time links, outbox e-mail, throttling and new passwords. */
#include "onboarding.h"

#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THROTTLE_WINDOW "3600" /* seconds: the budgets are per hour */

/* The seconds until `subject` may try again, 0 when it may now. */
static enum bpa_db_status throttle_wait(struct bpa_db_conn *conn, const char *subject,
                                        unsigned long limit, unsigned *retry_after)
{
    char *found = NULL;
    enum bpa_db_status status = bpa_db_call(
        conn, "throttle_count", 2, (const char *const[]){subject, THROTTLE_WINDOW}, &found);
    json_t *seen = found ? json_loads(found, 0, NULL) : NULL;
    free(found);
    *retry_after = 0;
    if (seen && (unsigned long)json_integer_value(json_object_get(seen, "count")) >= limit) {
        long long seconds = (long long)json_number_value(json_object_get(seen, "retry_after"));
        *retry_after = seconds > 0 ? (unsigned)seconds : 1;
    }
    json_decref(seen);
    return status;
}

bool bpa_throttle_attempt(struct bpa_request *request, const char *email, int *rc)
{
    const struct bpa_config *config = request->server->config;
    char address[80], mailbox[300];
    snprintf(address, sizeof address, "signup-address:%s",
             request->client_address[0] ? request->client_address : "unknown");
    snprintf(mailbox, sizeof mailbox, "signup-email:%s", email);
    for (char *c = mailbox; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    unsigned wait = 0, wait_mailbox = 0;
    enum bpa_db_status status =
        throttle_wait(request->db, address, config->signup_max_per_address, &wait);
    if (status == BPA_DB_OK)
        status = throttle_wait(request->db, mailbox, config->signup_max_per_email, &wait_mailbox);
    /* every attempt counts, refused ones too: a flood stays refused */
    for (int i = 0; status == BPA_DB_OK && i < 2; i++)
        status = bpa_db_call(request->db, "throttle_record", 2,
                             (const char *const[]){i ? mailbox : address, THROTTLE_WINDOW}, NULL);
    if (status != BPA_DB_OK) {
        *rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        return false;
    }
    if (wait || wait_mailbox) {
        request->reply_retry_after = wait > wait_mailbox ? wait : wait_mailbox;
        *rc = bpa_reply_error(request, BPA_ERR_TOO_MANY_ATTEMPTS,
                              "too many requests from this address or for this e-mail address; "
                              "wait and try again",
                              NULL);
        return false;
    }
    return true;
}

/* Where links lead: the console's public origin, or this daemon's own
 * address; never the request's Host, which a client may forge. */
static void console_origin(const struct bpa_config *config, char *out, size_t size)
{
    if (config->public_origin)
        snprintf(out, size, "%.200s", config->public_origin);
    else
        snprintf(out, size, "http://%.60s:%lu",
                 config->listen_address && strcmp(config->listen_address, "0.0.0.0") != 0
                     ? config->listen_address
                     : "127.0.0.1",
                 config->port);
}

enum bpa_db_status bpa_link_issue(struct bpa_db_conn *conn, const struct bpa_config *config,
                                  const char *route, const char *purpose, const char *account,
                                  const char *invitation, unsigned long seconds,
                                  char link[BPA_LINK_SIZE])
{
    char token[BPA_TOKEN_SIZE], hash[BPA_TOKEN_HASH_SIZE], valid[24], origin[220];
    bpa_token_new(BPA_LINK_PREFIX, token);
    bpa_token_hash(token, hash);
    snprintf(valid, sizeof valid, "%lu", seconds);
    console_origin(config, origin, sizeof origin);
    snprintf(link, BPA_LINK_SIZE, "%s/#/%s/%s", origin, route, token);
    sodium_memzero(token, sizeof token);
    const char *params[] = {hash, purpose, account, invitation, valid};
    return bpa_db_call(conn, "link_issue", 5, params, NULL);
}

bool bpa_link_token_hash(const json_t *token, char hash[BPA_TOKEN_HASH_SIZE])
{
    const char *text = json_string_value(token);
    if (!text || !bpa_token_shaped(text, BPA_LINK_PREFIX))
        return false;
    bpa_token_hash(text, hash);
    return true;
}

enum bpa_db_status bpa_mail_to(struct bpa_db_conn *conn, const char *event, const char *address,
                               const char *language, json_t *members)
{
    char *text = json_dumps(members, JSON_COMPACT);
    json_decref(members);
    const char *params[] = {event, address, language, text};
    enum bpa_db_status status =
        text ? bpa_db_call(conn, "mail_to_address", 4, params, NULL) : BPA_DB_HARD;
    free(text);
    return status;
}

enum bpa_db_status bpa_tell_coordinators(struct bpa_db_conn *conn, const char *event,
                                         json_t *members)
{
    char *text = json_dumps(members, JSON_COMPACT);
    json_decref(members);
    const char *params[] = {event, text};
    enum bpa_db_status status =
        text ? bpa_db_call(conn, "feed_to_coordinators", 2, params, NULL) : BPA_DB_HARD;
    free(text);
    return status;
}

bool bpa_new_password(const struct bpa_request *request, const char *password, const char *field,
                      json_t *details, char hash[crypto_pwhash_STRBYTES])
{
    const char *problem = password ? bpa_password_problem(password) : "is required";
    if (problem) {
        bpa_field_problem(details, field, problem);
        return true;
    }
    const struct bpa_config *config = request->server->config;
    const struct bpa_password_limits limits = {config->password_opslimit,
                                               (size_t)config->password_memlimit_kib * 1024};
    return bpa_password_hash(password, &limits, hash) == 0;
}
